"""The three readers of openapi.yaml agree on what a nullable profile photo and a nullable expertise allow.

openapi-schema-validator (the spec validator's schema engine), Connexion's response validation and
Schemathesis' response conformance check each read `nullable` their own way; a form they disagree on
would let the mock and the contract suite contradict each other.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from connexion import AsyncApp
from connexion.resolver import Resolver
from openapi_schema_validator import OAS30Validator
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

PATH = "/api/v1/live-stream/{id}/viewers"
STREAM = "64d15f9e2e6c8f4d5a123456"


def body_with_photo(spec: dict[str, Any], photo: Any) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(
        spec["paths"][PATH]["get"]["responses"]["200"]["content"]["application/json"]["example"])
    body["data"]["list"][0]["profilePhoto"] = photo
    return body


CASES: dict[str, tuple[Callable[[Any], Any], bool]] = {
    "null photo": (lambda photo: None, True),
    "documented photo": (lambda photo: photo, True),
    "string photo": (lambda photo: "https://example.com/p.jpg", False),
    "empty photo": (lambda photo: {}, False),
    "photo without url": (lambda photo: {k: v for k, v in photo.items() if k != "url"}, False),
    "photo with a leaked field": (lambda photo: {**photo, "exif": "GPS 41.0,29.0"}, False),
    "photo with a null id": (lambda photo: {**photo, "_id": None}, False),
    "list of photos": (lambda photo: [photo], False),
}


def connexion_accepts(spec: dict[str, Any], body: dict[str, Any]) -> bool:
    """Whether Connexion's response validation lets the body through (it answers 500 when not)."""
    unsecured = copy.deepcopy(spec)
    del unsecured["paths"][PATH]["get"]["security"]

    async def handler(**_: Any) -> Response:
        return Response(json.dumps(body), media_type="application/json")

    app = AsyncApp(__name__)
    app.add_api(unsecured, resolver=Resolver(function_resolver=lambda _: handler), validate_responses=True)
    with TestClient(app, raise_server_exceptions=False) as client:
        return client.get(PATH.format(id=STREAM)).status_code == 200


def schemathesis_accepts(spec: dict[str, Any], body: dict[str, Any]) -> bool:
    """Whether Schemathesis' schema conformance check passes a real HTTP response with the body."""
    operation = schemathesis.openapi.from_dict(copy.deepcopy(spec))[PATH]["GET"]
    app = Starlette(routes=[Route(PATH, lambda _: JSONResponse(body))])
    with TestClient(app) as client:
        return bool(operation.is_valid_response(client.get(PATH.format(id=STREAM))))


def schema_validator_accepts(spec: dict[str, Any], body: dict[str, Any]) -> bool:
    schema = {**spec["components"]["schemas"]["ViewersEnvelope"], "components": spec["components"]}
    return bool(OAS30Validator(schema).is_valid(body))


def verdicts(spec: dict[str, Any], body: dict[str, Any]) -> dict[str, bool]:
    return {
        "openapi-schema-validator": schema_validator_accepts(spec, body),
        "connexion": connexion_accepts(spec, body),
        "schemathesis": schemathesis_accepts(spec, body),
    }


@pytest.mark.parametrize("case", list(CASES))
def test_all_three_agree(spec: dict[str, Any], case: str) -> None:
    make_photo, expected = CASES[case]
    documented = spec["paths"][PATH]["get"]["responses"]["200"]["content"]["application/json"]["example"]
    body = body_with_photo(spec, make_photo(copy.deepcopy(documented["data"]["list"][0]["profilePhoto"])))
    found = verdicts(spec, body)
    assert found == dict.fromkeys(found, expected)


EXPERTISE_CASES: dict[str, tuple[Any, bool]] = {
    "null expertise": (None, True),
    "documented expertise": ("designer", True),
    "empty expertise": ("", True),
    "numeric expertise": (7, False),
    "list of expertise": (["designer"], False),
    "object expertise": ({"title": "designer"}, False),
}


@pytest.mark.parametrize("case", list(EXPERTISE_CASES))
def test_all_three_agree_on_expertise(spec: dict[str, Any], case: str) -> None:
    value, expected = EXPERTISE_CASES[case]
    body = body_with_photo(spec, None)
    body["data"]["list"][0]["expertise"] = value
    found = verdicts(spec, body)
    assert found == dict.fromkeys(found, expected)
