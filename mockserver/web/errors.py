"""The one error path: whatever went wrong leaves as the API's error envelope.

Validation, auth, routing, forced scenarios and bugs all end here, so a client never sees
problem+json, HTML or a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from mockserver.core.auth import AuthenticationFailed, PermissionDenied
from mockserver.core.dataset import StreamNotFound
from mockserver.core.envelope import error_envelope, to_json_bytes
from mockserver.core.params import ValidationFailed
from mockserver.web.scenarios import ScenarioForced, ScenarioRejected, preferences_applied

logger = logging.getLogger("mockserver")

HANDLED = (
    ValidationFailed, ScenarioRejected, ScenarioForced, AuthenticationFailed, PermissionDenied, StreamNotFound,
    ProblemException, HTTPException, Exception,
)


def describe(error: Exception) -> tuple[int, list[str], Mapping[str, str]]:
    """The status, the details after the headline, and the headers of the envelope for an error."""
    if isinstance(error, ValidationFailed):
        return 400, error.problems, {}
    if isinstance(error, ScenarioRejected):
        return 400, [error.problem], {}
    if isinstance(error, ScenarioForced):
        headers = {"WWW-Authenticate": 'Bearer realm="allmine"'} if error.status_code == 401 else {}
        if error.status_code == 503:
            headers = {"Retry-After": "1"}
        return error.status_code, [str(error)], headers
    if isinstance(error, AuthenticationFailed):
        return 401, [error.reason], {"WWW-Authenticate": error.www_authenticate}
    if isinstance(error, PermissionDenied | StreamNotFound):
        return error.status_code, [error.reason], {}
    if isinstance(error, ProblemException):
        details = [str(error.detail)] if error.detail else []
        return error.status, details, dict(error.headers or {})
    if isinstance(error, HTTPException):
        detail = error.detail if error.detail and error.detail != _phrase(error.status_code) else ""
        return error.status_code, [detail] if detail else [], dict(error.headers or {})
    logger.error("unexpected error, answered with a 500 envelope", exc_info=error)
    return 500, [], {}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def envelope_for(request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    """Connexion's error handler: every registered error class leaves through here."""
    status, details, headers = describe(error)
    if status >= 500 and not isinstance(error, ScenarioForced):
        details = []
    applied = preferences_applied(request.scope)
    if applied:
        headers = {**headers, "Preference-Applied": applied}
    return ConnexionResponse(
        status_code=status,
        mimetype="application/json",
        content_type="application/json",
        body=to_json_bytes(error_envelope(status, details)),
        headers={key: value for key, value in headers.items() if key.lower() != "content-type"},
    )
