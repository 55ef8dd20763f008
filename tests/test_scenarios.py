"""`Prefer` as RFC 7240 reads it, on every path of the API, and the spec Swagger UI is served."""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient

from mockserver.core.dataset import EXAMPLE_STREAM_ID, LIVE_STREAM_ID
from mockserver.settings import LatencyRange, Settings
from mockserver.web.app import create_app
from mockserver.web.scenarios import ScenarioRejected, parse_prefer
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
