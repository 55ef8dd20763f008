"""The spec as the mock serves it to Swagger UI: the contract, plus what only the mock understands.

`openapi.yaml` stays the API's contract. The copy at /openapi.json adds the mock-only `Prefer`
header to each operation (so "Try it out" can ask for a 503, a delay or a second of the clock), the
answers only a `Prefer: code=` brings (500, 503) to each operation's responses, so that every example
it offers is an answer the served spec allows, and names the mock's own origin as the server, so
Swagger UI's server list is never blank.
"""

from __future__ import annotations

import copy
from typing import Any

from starlette.requests import Request

from mockserver.web.connexion_internals import SwaggerUIAPIServing
from mockserver.web.media import request_origin

PREFER_HEADER: dict[str, Any] = {
    "name": "Prefer",
    "in": "header",
    "required": False,
    "description": (
        "**Mock only** (the real API ignores it): force an edge case, RFC 7240 style, preferences separated by "
        "commas. `code=400|401|403|404|500|503` answers that error envelope; `delay=MS` answers that many "
        "milliseconds late (instead of `--latency`); `at=SECONDS` answers as of that second of the mock's clock "
        "(0 is the top of the UTC hour the mock started in, or the start of a `--clock`). Unknown preferences are "
        "ignored; applied ones are named in `Preference-Applied`."
    ),
    "schema": {"type": "string"},
    "examples": {
        "none": {"summary": "no preference", "value": ""},
        "503": {"summary": "a 503 with Retry-After", "value": "code=503"},
        "401": {"summary": "a 401 with its challenge", "value": "code=401"},
        "delay": {"summary": "the normal answer, 1.5 s late", "value": "delay=1500"},
        "at": {"summary": "the audience ten minutes into the mock's clock", "value": "at=600"},
    },
}


_FORCED_ERROR_CONTENT: dict[str, Any] = {
    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}},
}
FORCED_ONLY_RESPONSES: dict[str, dict[str, Any]] = {
    "500": {"description": "**Mock only**, with `Prefer: code=500`: a server error, in the API's error envelope",
            "content": _FORCED_ERROR_CONTENT},
    "503": {"description": "**Mock only**, with `Prefer: code=503`: the service is unavailable, in the API's error "
                           "envelope",
            "headers": {"Retry-After": {"description": "Seconds to wait before asking again",
                                        "schema": {"type": "integer", "minimum": 0}}},
            "content": _FORCED_ERROR_CONTENT},
}


def served_spec(spec: dict[str, Any], origin: str) -> dict[str, Any]:
    """A copy of the spec with the mock's `Prefer` header on every operation, the answers it can force, and the
    mock's origin as server."""
    served = copy.deepcopy(spec)
    served["servers"] = [{"url": origin, "description": "This mock server"}]
    for path_item in served.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in {"get", "put", "post", "delete", "patch", "head", "options"}:
                operation.setdefault("parameters", []).append(copy.deepcopy(PREFER_HEADER))
                responses = operation.setdefault("responses", {})
                for code, response in FORCED_ONLY_RESPONSES.items():
                    responses.setdefault(code, copy.deepcopy(response))
    return served


class ServedSpecAPI(SwaggerUIAPIServing):
    """Connexion's spec and Swagger UI routes, serving `served_spec`."""

    def serve_spec(self, spec: dict[str, Any], request: Request) -> dict[str, Any]:
        return served_spec(spec, request_origin(request.scope, "http://127.0.0.1"))
