"""The spec as the mock serves it to Swagger UI: the contract, plus what only the mock understands.

`openapi.yaml` stays the API's contract. The copy at /openapi.json adds the mock-only `Prefer`
header to each operation (so "Try it out" can ask for a 503, a delay or a second of the clock) and
names the mock's own origin as the server, so Swagger UI's server list is never blank.
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
        "(0 is its start). Unknown preferences are ignored; applied ones are named in `Preference-Applied`."
    ),
    "schema": {"type": "string"},
    "examples": {
        "none": {"summary": "no preference", "value": ""},
        "503": {"summary": "a 503 with Retry-After", "value": "code=503"},
        "401": {"summary": "a 401 with its challenge", "value": "code=401"},
        "delay": {"summary": "the normal answer, 1.5 s late", "value": "delay=1500"},
        "at": {"summary": "the audience ten minutes after the mock started", "value": "at=600"},
    },
}


def served_spec(spec: dict[str, Any], origin: str) -> dict[str, Any]:
    """A copy of the spec with the mock's `Prefer` header on every operation and its origin as server."""
    served = copy.deepcopy(spec)
    served["servers"] = [{"url": origin, "description": "This mock server"}]
    for path_item in served.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in {"get", "put", "post", "delete", "patch", "head", "options"}:
                operation.setdefault("parameters", []).append(copy.deepcopy(PREFER_HEADER))
    return served


class ServedSpecAPI(SwaggerUIAPIServing):
    """Connexion's spec and Swagger UI routes, serving `served_spec`."""

    def serve_spec(self, spec: dict[str, Any], request: Request) -> dict[str, Any]:
        return served_spec(spec, request_origin(request.scope, "http://127.0.0.1"))
