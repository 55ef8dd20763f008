"""`Prefer` as RFC 7240 reads it, on every path of the API, and the spec Swagger UI is served."""

from __future__ import annotations

import time
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from starlette.testclient import TestClient

from mockserver.core.dataset import EXAMPLE_STREAM_ID, LIVE_STREAM_ID
from mockserver.settings import LatencyRange, Settings
from mockserver.web.app import create_app
from mockserver.web.scenarios import FORCEABLE_CODES, ScenarioRejected, parse_prefer
from tests.conftest import VIEWERS

EXAMPLE = VIEWERS.format(EXAMPLE_STREAM_ID)


@pytest.mark.parametrize(("headers", "code", "delay", "applied"), [
    (["code=503, code=404"], 503, None, ("code=503",)),  # the first of a repeated preference wins
    (["code=503", "code=404"], 503, None, ("code=503",)),  # several headers are one list
    (["return=minimal, example=big, dynamic=true, wait=10"], None, None, ()),  # unknown: ignored
    (['CODE="404", Delay=20'], 404, 20, ("code=404", "delay=20")),
    (["code=404, code=x"], 404, None, ("code=404",)),  # a later repeat is not read at all
    (["", " , "], None, None, ()),
])
def test_rfc_7240_reading(headers: list[str], code: int | None, delay: int | None, applied: tuple[str, ...]) -> None:
    scenario = parse_prefer(headers)
    assert (scenario.code, scenario.delay_ms, scenario.applied) == (code, delay, applied)


@pytest.mark.parametrize(("header", "named"), [("code=418", "code='418'"), ("delay=abc", "delay='abc'"),
                                               ("at=-1", "at='-1'"), ("at=1e3", "at='1e3'"),
                                               ("code=503;delay=10", "code='503' takes no parameters")])
def test_a_known_preference_with_a_bad_value_is_named(header: str, named: str) -> None:
    with pytest.raises(ScenarioRejected, match=f"Prefer: {named}"):
        parse_prefer([header])


def test_preference_applied_names_what_was_applied(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get(EXAMPLE, headers={**auth, "Prefer": "return=minimal, delay=1, at=5"})
    assert response.status_code == 200
    assert response.headers["preference-applied"] == "delay=1, at=5"
    forced = client.get(EXAMPLE, headers={**auth, "Prefer": "code=503"})
    assert forced.status_code == 503 and forced.headers["preference-applied"] == "code=503"
    assert "preference-applied" not in client.get(EXAMPLE, headers=auth).headers


def test_unknown_preferences_alone_are_the_normal_answer(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get(EXAMPLE, headers={**auth, "Prefer": "example=big, dynamic=true"})
    assert response.status_code == 200 and "preference-applied" not in response.headers


@pytest.mark.parametrize(("method", "path", "status"), [("POST", EXAMPLE, 405), ("GET", "/api/v1/nothing", 404),
                                                        ("GET", EXAMPLE, 401)])
def test_every_answer_of_the_api_is_delayed(client: TestClient, method: str, path: str, status: int) -> None:
    started = time.perf_counter()
    response = client.request(method, path, headers={"Prefer": "delay=250"})
    assert response.status_code == status and time.perf_counter() - started >= 0.25


def test_delay_replaces_the_latency(auth: dict[str, str]) -> None:
    with TestClient(create_app(Settings(latency=LatencyRange(600, 600)))) as slow:
        started = time.perf_counter()
        assert slow.get(EXAMPLE, headers={**auth, "Prefer": "delay=0"}).status_code == 200
        assert time.perf_counter() - started < 0.5
        started = time.perf_counter()
        assert slow.post(EXAMPLE).status_code == 405
        assert time.perf_counter() - started >= 0.6


def test_at_answers_as_of_that_second(client: TestClient, auth: dict[str, str]) -> None:
    url = VIEWERS.format(LIVE_STREAM_ID)
    early = client.get(url, headers={**auth, "Prefer": "at=0"}).json()["data"]
    late = client.get(url, headers={**auth, "Prefer": "at=3600"}).json()["data"]
    assert late["participantAudienceTotal"] > early["participantAudienceTotal"]
    assert client.get(url, headers={**auth, "Prefer": "at=0"}).json()["data"] == early


def test_the_served_spec_documents_prefer_and_names_a_server(client: TestClient, spec: dict[str, object]) -> None:
    served = client.get("/openapi.json").json()
    operation = served["paths"]["/api/v1/live-stream/{id}/viewers"]["get"]
    prefer = [p for p in operation["parameters"] if p["name"] == "Prefer"]
    assert prefer and prefer[0]["in"] == "header" and "Mock only" in prefer[0]["description"]
    assert {"503", "delay", "at"} <= set(prefer[0]["examples"])
    assert served["servers"] == [{"url": "http://testserver", "description": "This mock server"}]
    contract = spec["paths"]["/api/v1/live-stream/{id}/viewers"]["get"]  # type: ignore[index]
    assert all(p["name"] != "Prefer" for p in contract["parameters"])  # openapi.yaml stays the contract


def test_the_root_points_at_swagger_ui(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code in {302, 307} and response.headers["location"] == "/ui/"


def test_a_refused_browser_origin_is_logged_once_naming_the_option(auth: dict[str, str],
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    with TestClient(create_app(Settings())) as fresh:  # a mock that has not been asked from this origin yet
        for _ in range(3):
            fresh.get(EXAMPLE, headers={**auth, "Origin": "https://app.example.org"})
        fresh.get(EXAMPLE, headers={**auth, "Origin": "http://localhost:5173"})
    lines = [record.getMessage() for record in caplog.records if "app.example.org" in record.getMessage()]
    assert len(lines) == 1 and "--cors-origins https://app.example.org" in lines[0]
    assert not [record for record in caplog.records if "localhost:5173" in record.getMessage()]


def parameter_examples(served: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], Any]]:
    """(path, method, parameter, example value) for every example of every parameter of the served spec."""
    found: list[tuple[str, str, dict[str, Any], Any]] = []
    for path, path_item in served["paths"].items():
        for method, operation in path_item.items():
            for parameter in operation.get("parameters", []):
                values = [example["value"] for example in parameter.get("examples", {}).values()]
                values += [parameter["example"]] if "example" in parameter else []
                found.extend((path, method, parameter, value) for value in values)
    return found


def test_every_example_of_the_served_spec_is_an_answer_it_allows(client: TestClient, auth: dict[str, str]) -> None:
    served = client.get("/openapi.json").json()
    examples = parameter_examples(served)
    assert {value for *_, value in examples} >= {"code=503", "code=401", "delay=1500", "at=600"}
    for path, method, parameter, value in examples:
        schema = {**parameter["schema"], "components": served["components"]}
        assert OAS30Validator(schema).is_valid(value), (parameter["name"], value)
        operation = served["paths"][path][method]
        headers = {**auth, **({parameter["name"]: value} if parameter["in"] == "header" else {})}
        params = {parameter["name"]: value} if parameter["in"] == "query" else {}
        stream = value if parameter["in"] == "path" else EXAMPLE_STREAM_ID
        response = client.request(method.upper(), path.replace("{id}", stream), headers=headers, params=params)
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, f"{parameter['name']}: {value} answers {response.status_code}, not listed"
        body_schema = documented["content"]["application/json"]["schema"]
        assert OAS30Validator({**body_schema, "components": served["components"]}).is_valid(response.json())
        for header in documented.get("headers", {}):
            assert header in response.headers, f"{parameter['name']}: {value} answers without {header}"


def test_every_code_prefer_can_force_is_a_response_of_the_served_spec(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/live-stream/{id}/viewers"]["get"]
    assert {str(code) for code in FORCEABLE_CODES} <= set(operation["responses"])
