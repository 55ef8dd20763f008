"""openapi.yaml as Schemathesis judges it: the contract with the registry's readings applied.

Where the registry accepts a reading the documentation leaves open, no Schemathesis check may refuse it:
a profile attribute a user never set may be null or left out (`unset-attributes`), the envelope, `data`
and `pagination` may carry fields beside the documented ones (`extra-fields`), and a 413, 414 or 431 for a
very long request (`long-term`), a 429 or 503 while throttled are documented answers (`status-codes`).
Everything else stays as openapi.yaml says; the readings themselves are in promise_provenance.py.
"""

from __future__ import annotations

import copy
from typing import Any

from contract_tests.registry.documented_rules import VIEWERS_PATH

UNSET_ATTRIBUTES = ("expertise", "profilePhoto")  # a profile attribute a user may never have set
OPEN_OBJECTS = ("ViewersEnvelope", "ViewersPage", "Pagination", "ErrorEnvelope")  # may carry more fields
UNLISTED_STATUSES = {"413": "a request too large for the server", "414": "a search term too long for the server",
                     "431": "request headers (with the request line) too large for the server",
                     "429": "throttled (Retry-After)",
                     "503": "unavailable for a while (Retry-After)"}


def judged_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of the contract that accepts every reading the registry accepts."""
    judged = copy.deepcopy(spec)
    schemas = judged.get("components", {}).get("schemas", {})
    viewer = schemas.get("Viewer", {})
    viewer["required"] = [name for name in viewer.get("required", []) if name not in UNSET_ATTRIBUTES]
    for name in UNSET_ATTRIBUTES:
        field = viewer.get("properties", {}).get(name)
        if isinstance(field, dict) and "$ref" not in field:
            field["nullable"] = True
    for name in OPEN_OBJECTS:
        if isinstance(schemas.get(name), dict):
            schemas[name].pop("additionalProperties", None)
    responses = judged["paths"][VIEWERS_PATH]["get"]["responses"]
    for status, description in UNLISTED_STATUSES.items():
        responses.setdefault(status, {"description": description})
    return judged


def response_schema(spec: dict[str, Any], status: int) -> Any:
    """The schema of the answer openapi.yaml documents for this status (None when it documents none)."""
    responses = spec["paths"][VIEWERS_PATH]["get"]["responses"]
    response = responses.get(str(status)) or responses.get("default") or {}
    return response.get("content", {}).get("application/json", {}).get("schema")
