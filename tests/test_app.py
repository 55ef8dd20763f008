"""The mock over HTTP (in-process): envelopes, auth, CORS, scenarios, and no 500 for any input."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver.core.dataset import EMPTY_STREAM_ID, ENDED_STREAM_ID, EXAMPLE_STREAM_ID, LARGE_STREAM_ID
from mockserver.settings import LatencyRange, Settings
from mockserver.web.app import create_app
from tests.conftest import VIEWERS

EXAMPLE = VIEWERS.format(EXAMPLE_STREAM_ID)
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def assert_error_envelope(response: Any, status: int, first_error: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert set(body) == {"isSuccess", "statusCode", "data", "errors", "timestamp"}
    assert body["isSuccess"] is False and body["statusCode"] == status and body["data"] is None
    assert body["errors"][0] == first_error and all(isinstance(e, str) and e for e in body["errors"])
    assert TIMESTAMP.fullmatch(body["timestamp"])
    return body


def test_default_page_is_the_documented_shape(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get(EXAMPLE, headers=auth)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["isSuccess"] is True and body["statusCode"] == 200 and body["errors"] == []
    assert body["data"]["pagination"] == {"currentPage": 1, "totalPages": 3, "totalItems": 45, "itemsPerPage": 20,
                                          "hasNextPage": True, "hasPrevPage": False}
    assert body["data"]["participantAudienceTotal"] == 128
    assert len(body["data"]["list"]) == 20
    assert list(body["data"]["list"][0]) == ["_id", "username", "name", "surname", "profilePhoto", "followersCount",
                                             "followingCount", "expertise", "isFollowing", "joinedAt"]


def test_last_and_past_the_end_pages(client: TestClient, auth: dict[str, str]) -> None:
    last = client.get(EXAMPLE, params={"page": 3}, headers=auth).json()["data"]
    assert len(last["list"]) == 5 and last["pagination"]["hasNextPage"] is False
    past = client.get(EXAMPLE, params={"page": 4}, headers=auth).json()["data"]
    assert past["list"] == [] and past["pagination"]["currentPage"] == 4 and past["pagination"]["totalPages"] == 3


def test_search_really_filters(client: TestClient, auth: dict[str, str]) -> None:
    everyone = client.get(EXAMPLE, params={"limit": 100}, headers=auth).json()["data"]["list"]
    surname = everyone[7]["surname"]
    found = client.get(EXAMPLE, params={"limit": 100, "search": surname.upper()}, headers=auth).json()["data"]
    assert everyone[7]["_id"] in [v["_id"] for v in found["list"]]
    assert 0 < found["pagination"]["totalItems"] < 45
    assert found["participantAudienceTotal"] == 128


def _get_with_raw_query(query: bytes, token: str) -> dict[str, Any]:
    """GET the example stream with a query string sent as raw bytes, as curl sends a pasted `?search=ayşe`."""
    app = create_app(Settings())
    sent: list[dict[str, Any]] = []
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": EXAMPLE, "raw_path": EXAMPLE.encode(), "query_string": query, "root_path": "",
             "headers": [(b"host", b"testserver"), (b"authorization", f"Bearer {token}".encode())],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    body: dict[str, Any] = json.loads(b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))
    return body


def test_search_sent_as_raw_utf8_is_read_as_utf8(client: TestClient, auth: dict[str, str], token: str) -> None:
    everyone = client.get(EXAMPLE, params={"limit": 100}, headers=auth).json()["data"]["list"]
    accented = next(v["surname"] for v in everyone if not v["surname"].isascii())
    encoded = client.get(EXAMPLE, params={"search": accented}, headers=auth).json()["data"]
    raw = _get_with_raw_query(b"search=" + accented.encode(), token)["data"]
    assert encoded["pagination"]["totalItems"] > 0
    assert raw == encoded


def test_is_following_depends_on_the_requester_and_is_stable(client: TestClient, auth: dict[str, str]) -> None:
    from mockserver.core.auth import mint_token
    from mockserver.settings import DEVELOPMENT_SECRET

    other = {"Authorization": f"Bearer {mint_token(DEVELOPMENT_SECRET, 'someone-else')}"}
    mine = [v["isFollowing"] for v in client.get(EXAMPLE, params={"limit": 45}, headers=auth).json()["data"]["list"]]
    again = [v["isFollowing"] for v in client.get(EXAMPLE, params={"limit": 45}, headers=auth).json()["data"]["list"]]
    theirs = [v["isFollowing"] for v in client.get(EXAMPLE, params={"limit": 45}, headers=other).json()["data"]["list"]]
    assert mine == again and mine != theirs and any(mine) and not all(mine)


def test_same_seed_same_bytes_across_restarts(auth: dict[str, str]) -> None:
    bodies = []
    for _ in range(2):
        with TestClient(create_app(Settings(seed=3))) as fresh:
            text = fresh.get(VIEWERS.format(LARGE_STREAM_ID), params={"page": 7, "limit": 50}, headers=auth).text
            bodies.append(TIMESTAMP.sub("T", text))
    assert bodies[0] == bodies[1]
    with TestClient(create_app(Settings(seed=4))) as other:
        text = other.get(VIEWERS.format(LARGE_STREAM_ID), params={"page": 7, "limit": 50}, headers=auth).text
    assert TIMESTAMP.sub("T", text) != bodies[0]


@pytest.mark.parametrize("seed", [-(2**63), 2**63 - 1])
def test_the_extreme_seeds_serve(auth: dict[str, str], seed: int) -> None:
    with TestClient(create_app(Settings(seed=seed))) as extreme:
        assert extreme.get(EXAMPLE, headers=auth).status_code == 200


def test_empty_stream(client: TestClient, auth: dict[str, str]) -> None:
    data = client.get(VIEWERS.format(EMPTY_STREAM_ID), headers=auth).json()["data"]
    assert data["list"] == [] and data["pagination"]["totalPages"] == 0 and data["participantAudienceTotal"] == 0


@pytest.mark.parametrize(("query", "named"), [
    ({"page": "0"}, ["page"]), ({"limit": "101"}, ["limit"]), ({"limit": "1e3"}, ["limit"]),
    ({"page": "1.5", "limit": "abc"}, ["page", "limit"]), ({"page": "x" * 5000}, ["page"]),
])
def test_bad_parameters_are_400_naming_each(client: TestClient, auth: dict[str, str], query: dict[str, str],
                                            named: list[str]) -> None:
    body = assert_error_envelope(client.get(EXAMPLE, params=query, headers=auth), 400, "Validation failed")
    assert [entry.split(":")[0] for entry in body["errors"][1:]] == named


def test_malformed_id_is_400(client: TestClient, auth: dict[str, str]) -> None:
    body = assert_error_envelope(client.get(VIEWERS.format("not-an-id"), headers=auth), 400, "Validation failed")
    assert body["errors"][1].startswith("id: must match")


@pytest.mark.parametrize("stream_id", [ENDED_STREAM_ID, "000000000000000000000000"])
def test_ended_or_unknown_stream_is_404(client: TestClient, auth: dict[str, str], stream_id: str) -> None:
    assert_error_envelope(client.get(VIEWERS.format(stream_id), headers=auth), 404, "Resource not found")


@pytest.mark.parametrize("header", [None, "Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 16_000])
def test_unusable_credentials_are_401_with_challenge(client: TestClient, header: str | None) -> None:
    response = client.get(EXAMPLE, headers={"Authorization": header} if header else {})
    assert_error_envelope(response, 401, "Authentication required")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_auth_is_checked_before_parameters(client: TestClient) -> None:
    assert_error_envelope(client.get(EXAMPLE, params={"page": "0"}), 401, "Authentication required")


def test_blocked_user_is_403(client: TestClient, forbidden_token: str) -> None:
    response = client.get(EXAMPLE, headers={"Authorization": f"Bearer {forbidden_token}"})
    assert_error_envelope(response, 403, "Insufficient permissions")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_undeclared_methods_are_405_with_allow(client: TestClient, auth: dict[str, str], method: str) -> None:
    response = client.request(method, EXAMPLE, headers=auth)
    assert_error_envelope(response, 405, "Method not allowed")
    assert "GET" in response.headers["allow"]


def test_unknown_path_is_404_envelope(client: TestClient) -> None:
    assert_error_envelope(client.get("/api/v1/nothing-here"), 404, "Resource not found")


@pytest.mark.parametrize(("code", "headline"), [
    (400, "Validation failed"), (401, "Authentication required"), (403, "Insufficient permissions"),
    (404, "Resource not found"), (500, "Internal server error"), (503, "Service unavailable"),
])
def test_prefer_code_forces_the_envelope(client: TestClient, auth: dict[str, str], code: int, headline: str) -> None:
    response = client.get(EXAMPLE, headers={**auth, "Prefer": f"code={code}"})
    assert_error_envelope(response, code, headline)
    if code == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    if code == 503:
        assert response.headers["retry-after"] == "1"


def test_prefer_code_200_is_the_normal_answer(client: TestClient, auth: dict[str, str]) -> None:
    assert client.get(EXAMPLE, headers={**auth, "Prefer": "code=200"}).status_code == 200


@pytest.mark.parametrize("prefer", ["code=418", "code=abc", "delay=-5", "delay=abc", "delay=999999", "at=-1", "at=abc",
                                    "at=1.5", "code=418, code=404"])
def test_unusable_prefer_is_400_naming_it(client: TestClient, auth: dict[str, str], prefer: str) -> None:
    body = assert_error_envelope(client.get(EXAMPLE, headers={**auth, "Prefer": prefer}), 400, "Validation failed")
    assert body["errors"][1].startswith("Prefer: ")


def test_prefer_delay_and_global_latency(auth: dict[str, str], client: TestClient) -> None:
    started = time.perf_counter()
    assert client.get(EXAMPLE, headers={**auth, "Prefer": "delay=300"}).status_code == 200
    assert time.perf_counter() - started >= 0.3
    with TestClient(create_app(Settings(latency=LatencyRange(200, 250)))) as slow:
        started = time.perf_counter()
        assert slow.get(EXAMPLE, headers=auth).status_code == 200
        assert time.perf_counter() - started >= 0.2


ORIGIN = "http://localhost:5173"


def test_preflight_allows_a_local_dev_server(client: TestClient) -> None:
    response = client.options(EXAMPLE, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
                                                "Access-Control-Request-Headers": "authorization, prefer"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


def test_preflight_allows_the_headers_a_frontend_adds(client: TestClient) -> None:
    wanted = "authorization, sentry-trace, baggage, traceparent, x-request-id"  # error tracking, tracing, own ids
    response = client.options(EXAMPLE, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET",
                                                "Access-Control-Request-Headers": wanted})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-headers"].lower() == wanted


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"Prefer": "code=404"}, 404)])
def test_errors_carry_cors_headers(client: TestClient, headers: dict[str, str], status: int) -> None:
    response = client.get(EXAMPLE, headers={"Origin": ORIGIN, **headers})
    assert response.status_code == status
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "WWW-Authenticate" in response.headers["access-control-expose-headers"]


def test_foreign_origins_are_not_allowed_by_default(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get(EXAMPLE, headers={**auth, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_configured_origins(auth: dict[str, str]) -> None:
    with TestClient(create_app(Settings(cors_origins=("https://app.example.com",)))) as configured:
        allowed = configured.get(EXAMPLE, headers={**auth, "Origin": "https://app.example.com"})
        local = configured.get(EXAMPLE, headers={**auth, "Origin": ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert "access-control-allow-origin" not in local.headers


def test_swagger_ui_and_spec_are_served(client: TestClient) -> None:
    assert client.get("/ui/").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/api/v1/live-stream/{id}/viewers" in spec["paths"]


def test_a_bug_is_a_500_envelope_without_a_trace(auth: dict[str, str]) -> None:
    app = create_app(Settings())
    with TestClient(app, raise_server_exceptions=False) as broken:
        from mockserver.core.live import LiveData

        original = LiveData.page
        LiveData.page = lambda *a, **k: 1 / 0  # type: ignore[assignment,method-assign]
        try:
            response = broken.get(EXAMPLE, headers=auth)
        finally:
            LiveData.page = original  # type: ignore[method-assign]
    body = assert_error_envelope(response, 500, "Internal server error")
    assert "ZeroDivision" not in json.dumps(body) and len(body["errors"]) == 1


printable = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=printable, limit=printable, search=printable, stream_id=printable)
def test_no_input_makes_a_500(client: TestClient, auth: dict[str, str], page: str, limit: str, search: str,
                              stream_id: str) -> None:
    response = client.get(VIEWERS.format(quote(stream_id, safe="") or "x"),
                          params={"page": page, "limit": limit, "search": search}, headers=auth)
    assert response.status_code in {200, 400, 404}
    assert response.json()["statusCode"] == response.status_code


def test_configured_secret_and_foreign_tokens() -> None:
    import jwt

    from mockserver.core.auth import mint_token
    from mockserver.settings import DEVELOPMENT_SECRET

    secret = "a-team-secret-of-at-least-thirty-two-bytes"
    foreign = jwt.encode({"sub": "idp-user", "exp": 4_102_444_800}, "the-identity-provider-key-of-64-bytes" * 2,
                         algorithm="HS512")
    ours, default = mint_token(secret, "u"), mint_token(DEVELOPMENT_SECRET, "u")

    def status(app_settings: Settings, token: str) -> int:
        with TestClient(create_app(app_settings)) as configured:
            return configured.get(EXAMPLE, headers={"Authorization": f"Bearer {token}"}).status_code

    assert status(Settings(jwt_secret=secret), ours) == 200
    assert status(Settings(jwt_secret=secret), default) == 401
    assert status(Settings(), foreign) == 401
    assert status(Settings(trust_unverified_tokens=True), foreign) == 200


@pytest.mark.parametrize(("query", "bad"), [(b"search=%ff", "'%ff' (%FF"), (b"search=%c3", "'%c3' (%C3"),
                                            (b"search=ab%E2%82", "'ab%E2%82' (%E2%82"),
                                            (b"search=a\xff", "'a%FF' (%FF")])
def test_a_search_that_is_not_utf8_is_a_400_naming_its_bytes(client: TestClient, auth: dict[str, str], token: str,
                                                             query: bytes, bad: str) -> None:
    """Not read as U+FFFD and searched for (200, no viewers): refused as any bad parameter is."""
    answer = client.get(f"{EXAMPLE}?{query.decode('latin-1')}", headers=auth) if query.isascii() else None
    body = answer.json() if answer is not None else _get_with_raw_query(query, token)
    if answer is not None:
        assert answer.status_code == 400
    assert body["statusCode"] == 400 and body["data"] is None, body
    assert body["errors"] == ["Validation failed",
                              f"search: must be UTF-8 text once percent-decoded, got {bad} is not UTF-8)"]
