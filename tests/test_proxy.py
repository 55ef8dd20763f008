"""contract-proxy: unchanged traffic and zero violations in front of the mock; named violations in front of
faulty targets; 502 envelopes when strict or when the upstream is gone."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from starlette.testclient import TestClient

from contract_proxy.proxy_app import create_proxy_app
from contract_proxy.proxy_log import ProxyLog
from contract_proxy.proxy_settings import ProxySettings, ProxySettingsError, load_settings
from contract_proxy.wire import decodable_accept_encoding, end_to_end
from contract_tests.target.deployment import TargetError
from contract_tests.target.server_process import stop_process, wait_until_listening
from mockserver.core.dataset import EXAMPLE_STREAM_ID, LARGE_STREAM_ID
from tests import test_browser
from tests.conftest import REPO, VIEWERS, LiveMock, start_mock, stop_mock

EXAMPLE = VIEWERS.format(EXAMPLE_STREAM_ID)
_TIMESTAMP = re.compile(rb'"timestamp":"[^"]*"')
_SKIPPED_HEADERS = {"date", "connection", "keep-alive", "transfer-encoding"}


@dataclass
class LiveProxy:
    process: subprocess.Popen[str]
    base_url: str
    stderr: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None


def start_proxy(upstream: str, *args: str, env: dict[str, str] | None = None) -> LiveProxy:
    """`contract-proxy` as a real process on a free loopback port; its stderr kept."""
    process = subprocess.Popen([sys.executable, "-m", "contract_proxy", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                               env={**os.environ, "CONTRACT_PROXY_UPSTREAM": upstream, **(env or {})})
    assert process.stderr is not None
    try:
        base_url, _ = wait_until_listening(process, "contract-proxy")
    except TargetError as error:
        raise AssertionError(f"{error}{process.stderr.read()}") from None
    proxy = LiveProxy(process, base_url)
    proxy.reader = threading.Thread(target=proxy.stderr.extend, args=(process.stderr,), daemon=True)
    proxy.reader.start()
    return proxy


def stop_proxy(proxy: LiveProxy, stop: signal.Signals = signal.SIGINT) -> tuple[int, str]:
    """Stop the proxy as Ctrl-C does (or as told); its exit status and stderr."""
    proxy.process.send_signal(stop)
    status = proxy.process.wait(timeout=15)
    stop_process(proxy.process, proxy.reader)
    if proxy.process.stderr is not None:
        proxy.process.stderr.close()
    return status, "".join(proxy.stderr)


def comparable(response: httpx.Response | httpx2.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = sorted((k.lower(), v) for k, v in response.headers.multi_items() if k.lower() not in _SKIPPED_HEADERS)
    return response.status_code, headers, _TIMESTAMP.sub(b'"timestamp":""', response.content)


def requests_to_compare(token: str, forbidden_token: str) -> list[tuple[str, str, dict[str, str]]]:
    auth = {"Authorization": f"Bearer {token}"}
    return [
        ("GET", f"{EXAMPLE}?page=1&limit=10", auth),
        ("GET", f"{EXAMPLE}?page=2&limit=10", auth),
        ("GET", f"{EXAMPLE}?page=99&limit=10", auth),
        ("GET", f"{EXAMPLE}?search=%C3%A7orlu", auth),
        ("GET", f"{VIEWERS.format(LARGE_STREAM_ID)}?page=3&limit=100", auth),
        ("GET", f"{EXAMPLE}?limit=101", auth),
        ("GET", EXAMPLE, {}),
        ("GET", EXAMPLE, {"Authorization": f"Bearer {forbidden_token}"}),
        ("GET", f"{VIEWERS.format('64d15f9e2e6c8f4d5a999999')}", auth),
        ("GET", EXAMPLE, {**auth, "Prefer": "delay=20"}),
        ("POST", EXAMPLE, auth),
        ("GET", EXAMPLE, {**auth, "Origin": "http://localhost:3000"}),
        ("GET", "/openapi.json", {}),
    ]


@pytest.fixture(scope="module")
def mock_and_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveMock, LiveProxy, Path]]:
    folder = tmp_path_factory.mktemp("proxy")
    mock = start_mock()
    proxy = start_proxy(mock.base_url, "--report", str(folder / "report.md"), "--junit", str(folder / "junit.xml"))
    yield mock, proxy, folder
    if proxy.process.poll() is None:
        stop_proxy(proxy)
    stop_mock(mock)


def test_answers_through_the_proxy_are_the_upstreams(mock_and_proxy: tuple[LiveMock, LiveProxy, Path], token: str,
                                                     forbidden_token: str) -> None:
    mock, proxy, _ = mock_and_proxy
    with httpx.Client(timeout=30) as client:
        for method, path, headers in requests_to_compare(token, forbidden_token):
            direct = client.request(method, mock.base_url + path, headers=headers)
            proxied = client.request(method, proxy.base_url + path, headers=headers)
            assert comparable(proxied) == comparable(direct), f"{method} {path}"


def test_the_mock_keeps_every_promise_through_the_proxy(mock_and_proxy: tuple[LiveMock, LiveProxy, Path],
                                                        token: str) -> None:
    _, proxy, folder = mock_and_proxy
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=proxy.base_url, timeout=30, headers=auth) as client:
        for page in range(1, 6):  # a walk, then searches of the same stream: the checks across answers run
            assert client.get(EXAMPLE, params={"page": page, "limit": 10}).status_code == 200
        for term in ("a", "e", "zzzz-none"):
            client.get(EXAMPLE, params={"search": term, "limit": 5})
    status, stderr = stop_proxy(proxy)
    assert status == 0, stderr
    assert "no promise broken" in stderr and "[" not in stderr
    report = (folder / "report.md").read_text()
    assert report.startswith("# Contract report: the contract is KEPT")
    assert 'failures="0"' in (folder / "junit.xml").read_text()


def proxy_client(settings: ProxySettings, log: ProxyLog) -> TestClient:
    return TestClient(create_proxy_app(settings, log), raise_server_exceptions=True)


# Each fault of tests/faulty_target.py that shows in ordinary traffic, the requests that show it, the promise.
# A request is its query, with a refused token when it holds "refused".
FAULTS: dict[str, tuple[list[dict[str, Any]], str]] = {
    "floor_total_pages": ([{"limit": 7}], "pagination_arithmetic"),
    "negative_counts": ([{"limit": 3}], "types_counts"),
    "impossible_join_times": ([{"limit": 3}], "types_timestamps"),
    "is_following_as_text": ([{"limit": 3}], "types_is_following"),
    "search_returns_everyone": ([{"search": "zzzz-none"}], "search_soundness"),
    "crashes_on_big_pages": ([{"page": 1001}], "no_server_error"),
    "wrong_status_in_errors": ([{"refused": 1}], "envelope_status_code"),
    "problem_json_errors": ([{"limit": 0}], "envelope_shape"),
    "overlapping_pages": ([{"page": 1, "limit": 5}, {"page": 2, "limit": 5}], "pagination_partition"),
    "audience_total_follows_search": ([{"limit": 5}, {"search": "a", "limit": 5}],
                                      "pagination_audience_total_stable"),
}


def send(client: TestClient, query: dict[str, Any], token: str) -> httpx.Response | httpx2.Response:
    refused = "refused" in query
    params = {key: value for key, value in query.items() if key != "refused"}
    return client.get(EXAMPLE, params=params, headers={"Authorization": f"Bearer {'x' if refused else token}"})


@pytest.fixture(scope="module", params=sorted(FAULTS))
def faulty_mock(request: pytest.FixtureRequest) -> Iterator[tuple[str, LiveMock]]:
    mock = start_mock(module="tests.faulty_target", prefix=[request.param])
    yield request.param, mock
    stop_mock(mock)


def test_each_fault_is_named_on_stderr_and_in_the_report(faulty_mock: tuple[str, LiveMock], token: str,
                                                         tmp_path: Path) -> None:
    fault, mock = faulty_mock
    queries, check = FAULTS[fault]
    stderr = io.StringIO()
    log = ProxyLog(mock.base_url, report=tmp_path / "report.md", junit=tmp_path / "junit.xml", stream=stderr)
    with proxy_client(ProxySettings(upstream=mock.base_url), log) as client:
        answers = [send(client, query, token) for query in queries]
    lines = [line for line in stderr.getvalue().splitlines() if line.startswith(f"contract-proxy: [{check}]")]
    assert lines, stderr.getvalue()
    assert "reproduce: curl" in lines[0] and 'Bearer $TOKEN"' in lines[0] and token not in lines[0]
    assert all(answer.status_code != 502 for answer in answers)  # not strict: the upstream's answers, unchanged
    report = (tmp_path / "report.md").read_text()
    assert report.startswith("# Contract report: the contract is BROKEN") and f"### {check}:" in report
    assert f'name="{check}"' in (tmp_path / "junit.xml").read_text()


def test_strict_replaces_a_broken_answer_by_a_502_naming_the_promise(faulty_mock: tuple[str, LiveMock],
                                                                    token: str) -> None:
    fault, mock = faulty_mock
    queries, check = FAULTS[fault]
    log = ProxyLog(mock.base_url, stream=io.StringIO())
    with proxy_client(ProxySettings(upstream=mock.base_url, strict=True), log) as client:
        last = [send(client, query, token) for query in queries][-1]
    assert last.status_code == 502, last.text
    body = last.json()
    assert set(body) == {"isSuccess", "statusCode", "data", "errors", "timestamp"}
    assert body["isSuccess"] is False and body["statusCode"] == 502 and body["data"] is None
    named = [error for error in body["errors"] if error.startswith(f"{check}: ")]
    assert named and log.promises[check] in named[0]
    assert check in last.headers["x-contract-violations"]


def test_a_moving_audience_explains_a_repeated_viewer(token: str) -> None:
    """A viewer on pages 1 and 2 is churn when participantAudienceTotal grew between the two answers."""
    from contract_proxy.cross_answer_watch import Watcher
    from contract_tests.registry.exchange import Exchange

    def page(page: int, ids: list[str], total: int, audience: int) -> Exchange:
        viewers = [{"_id": viewer_id} for viewer_id in ids]
        body = {"isSuccess": True, "statusCode": 200, "errors": [], "timestamp": "2026-01-01T00:00:00.000Z",
                "data": {"list": viewers, "participantAudienceTotal": audience,
                         "pagination": {"totalItems": total, "itemsPerPage": 2, "currentPage": page}}}
        return Exchange.of("GET", f"http://x{EXAMPLE}?page={page}&limit=2", {}, 200,
                           {"content-type": "application/json"}, json.dumps(body).encode())

    def cross(findings: list[Any]) -> list[str]:
        return [f.check for f in findings if f.check.startswith("pagination_") and f.check in {
            "pagination_partition", "pagination_audience_total_stable", "pagination_stable_totals"}]

    churn = Watcher()
    churn.check(page(1, ["a" * 24, "b" * 24], 10, 20), "s", sent=0.0, received=1.0)
    assert cross(churn.check(page(2, ["b" * 24, "c" * 24], 11, 21), "s", sent=2.0, received=3.0)) == []
    still = Watcher()
    still.check(page(1, ["a" * 24, "b" * 24], 10, 20), "s", sent=0.0, received=1.0)
    assert cross(still.check(page(2, ["b" * 24, "c" * 24], 10, 20), "s", sent=2.0, received=3.0)) == [
        "pagination_partition"]
    assert cross(still.check(page(3, ["d" * 24, "e" * 24], 12, 20), "s", sent=4.0, received=5.0)) == [
        "pagination_stable_totals"]
    assert cross(still.check(page(4, ["f" * 24, "g" * 24], 12, 19), "s", sent=6.0, received=7.0)) == [
        "pagination_audience_total_stable"]


def test_an_unreachable_upstream_is_a_502_envelope_saying_so() -> None:
    log = ProxyLog("http://127.0.0.1:9", stream=io.StringIO())
    with proxy_client(ProxySettings(upstream="http://127.0.0.1:9"), log) as client:
        answer = client.get(EXAMPLE, headers={"Origin": "http://localhost:5173"})
    assert answer.status_code == 502
    assert answer.json()["errors"][1].startswith("contract-proxy: the upstream http://127.0.0.1:9 cannot be reached")
    assert answer.headers["access-control-allow-origin"] == "http://localhost:5173"


def test_an_upstream_that_does_not_answer_in_time_is_a_502(mock_and_proxy: tuple[LiveMock, LiveProxy, Path],
                                                           token: str) -> None:
    mock = mock_and_proxy[0]
    log = ProxyLog(mock.base_url, stream=io.StringIO())
    started = time.monotonic()
    with proxy_client(ProxySettings(upstream=mock.base_url, timeout=0.3), log) as client:
        answer = client.get(EXAMPLE, headers={"Authorization": f"Bearer {token}", "Prefer": "delay=3000"})
    assert answer.status_code == 502 and "did not answer within 0.3 s" in answer.json()["errors"][1]
    assert time.monotonic() - started < 2.5


def test_an_answer_over_the_cap_is_streamed_through_unchanged_and_unchecked(
        mock_and_proxy: tuple[LiveMock, LiveProxy, Path], token: str) -> None:
    mock = mock_and_proxy[0]
    stderr = io.StringIO()
    log = ProxyLog(mock.base_url, stream=stderr)
    auth = {"Authorization": f"Bearer {token}"}
    with proxy_client(ProxySettings(upstream=mock.base_url, max_checked_bytes=100), log) as client:
        proxied = client.get(EXAMPLE, params={"limit": 50}, headers=auth)
    direct = httpx.get(mock.base_url + EXAMPLE, params={"limit": 50}, headers=auth)
    assert comparable(proxied)[2] == comparable(direct)[2]
    assert log.checked == 0 and "not checked: an answer larger than 100 bytes" in stderr.getvalue()


def test_the_upstreams_cors_passes_through_and_the_proxys_fills_in() -> None:
    from contract_proxy.cors import cors_headers

    settings = ProxySettings(upstream="http://u")
    upstream_allows = [(b"access-control-allow-origin", b"http://localhost:3000"), (b"vary", b"Origin")]
    assert cors_headers(settings, "http://localhost:3000", upstream_allows) == upstream_allows
    filled = dict(cors_headers(settings, "http://localhost:3000", [(b"access-control-allow-origin", b"https://x")]))
    assert filled[b"access-control-allow-origin"] == b"http://localhost:3000"
    assert cors_headers(settings, "https://evil.example", [(b"content-type", b"a")]) == [(b"content-type", b"a")]


def test_hop_by_hop_headers_stop_at_the_proxy() -> None:
    headers = [(b"Connection", b"close, X-Trace"), (b"X-Trace", b"1"), (b"Keep-Alive", b"5"),
               (b"Authorization", b"Bearer t"), (b"Set-Cookie", b"a=1"), (b"Set-Cookie", b"b=2")]
    assert end_to_end(headers) == [(b"authorization", b"Bearer t"), (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]
    assert decodable_accept_encoding("gzip, deflate, br, zstd") == "gzip, deflate"
    assert decodable_accept_encoding("br") is None


@pytest.mark.parametrize(("options", "environ", "message"), [
    ({}, {}, "no upstream: give --upstream URL or CONTRACT_PROXY_UPSTREAM"),
    ({"upstream": "staging.example.com"}, {}, "--upstream has value 'staging.example.com': not an http(s) URL"),
    ({}, {"CONTRACT_PROXY_UPSTREAM": "http://u", "CONTRACT_PROXY_PORT": "x"},
     "CONTRACT_PROXY_PORT has value 'x': not a port"),
    ({"upstream": "http://u", "timeout": "0"}, {}, "--timeout has value '0': must be above 0"),
    ({"upstream": "http://u", "cors_origins": "localhost"}, {}, "'localhost' is not an origin"),
    ({}, {"CONTRACT_PROXY_UPSTREAM": "https://staging.example.com/api/v1/"},
     "CONTRACT_PROXY_UPSTREAM has value 'https://staging.example.com/api/v1/': it ends in '/api/v1', but the "
     "proxy forwards your app's whole path (/api/v1/live-stream/...); give the deployment's root: "
     "https://staging.example.com"),
    ({"upstream": "https://gw.example.com/staging/api/v1/live-stream/x/viewers"}, {},
     "give the deployment's root: https://gw.example.com/staging"),
])
def test_bad_settings_name_the_key_and_the_value(options: dict[str, str], environ: dict[str, str],
                                                 message: str) -> None:
    with pytest.raises(ProxySettingsError, match=re.escape(message)):
        load_settings(options, environ)


def test_an_upstream_under_a_gateway_path_is_kept() -> None:
    assert load_settings({"upstream": "https://gw.example.com/staging/"}, {}).upstream == \
        "https://gw.example.com/staging"


def test_a_bad_option_is_one_line_and_exit_2() -> None:
    result = subprocess.run([sys.executable, "-m", "contract_proxy", "--upstream", "ftp://x"],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 2
    assert result.stderr == "contract-proxy: --upstream has value 'ftp://x': not an http(s) URL such as " \
                            "https://staging.example.com\n"


@pytest.mark.slow  # starts the proxy in a subprocess
def test_a_terminated_proxy_still_says_what_it_saw(tmp_path: Path) -> None:
    proxy = start_proxy("http://127.0.0.1:9", "--report", str(tmp_path / "r.md"))
    status, stderr = stop_proxy(proxy, signal.SIGTERM)
    assert status == 0 and stderr.endswith("contract-proxy: 0 answer(s) checked; no promise broken\n")
    assert (tmp_path / "r.md").read_text().startswith("# Contract report: the contract is KEPT so far")


@pytest.mark.slow  # starts a mock and the proxy
def test_ctrl_c_leaves_both_reports_and_exit_1_after_a_broken_promise(tmp_path: Path, token: str) -> None:
    mock = start_mock(module="tests.faulty_target", prefix=["negative_counts"])
    try:
        proxy = start_proxy(mock.base_url, "--report", str(tmp_path / "r.md"), "--junit", str(tmp_path / "j.xml"))
        httpx.get(proxy.base_url + EXAMPLE, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        status, stderr = stop_proxy(proxy)
    finally:
        stop_mock(mock)
    assert status == 1
    assert "contract-proxy: [types_counts] followersCount and followingCount are whole numbers" in stderr
    assert "promises broken: types_counts (1)" in stderr
    assert "### types_counts: viewer" in (tmp_path / "r.md").read_text()
    assert 'failures="1"' in (tmp_path / "j.xml").read_text()


page_origin = test_browser.page_origin  # the browser test's second loopback origin, serving the test page


@pytest.mark.slow  # a mock, the proxy and Chromium
@pytest.mark.skipif(test_browser.CHROMIUM is None and os.environ.get("CI", "").lower() != "true",
                    reason=test_browser.INSTALL_HINT)
def test_a_page_on_another_origin_reads_viewers_through_the_proxy(page_origin: tuple[str, Path],
                                                                  token: str) -> None:
    """The upstream allows only its own app's origin; the proxy answers CORS for the local page, as the mock."""
    mock = start_mock("--cors-origins", "https://app.example.com")
    try:
        proxy = start_proxy(mock.base_url)
        result = test_browser.run_page(page_origin, LiveMock(proxy.process, proxy.base_url, ""), token)
        status, stderr = stop_proxy(proxy)
    finally:
        stop_mock(mock)
    page, unauthorised = result["page"], result["unauthorised"]
    assert page["status"] == 200 and len(page["body"]["data"]["list"]) == 5, page
    assert unauthorised["status"] == 401 and unauthorised["challenge"].startswith("Bearer"), unauthorised
    assert status == 0 and "no promise broken" in stderr, stderr


def test_empty_answers_of_one_query_age_out_of_the_window_and_findings_are_kept() -> None:
    """Two empty answers of one query, then more than the window: forgetting them must not crash the checks."""
    from contract_proxy.cross_answer_watch import Watcher
    from contract_tests.registry.exchange import Exchange

    def page(page: int, ids: list[str]) -> Exchange:
        body = {"isSuccess": True, "statusCode": 200, "errors": [], "timestamp": "2026-01-01T00:00:00.000Z",
                "data": {"list": [{"_id": i} for i in ids], "participantAudienceTotal": 5,
                         "pagination": {"totalItems": len(ids), "itemsPerPage": 2, "currentPage": page}}}
        return Exchange.of("GET", f"http://x{EXAMPLE}?page={page}&limit=2&search=zz", {}, 200,
                           {"content-type": "application/json"}, json.dumps(body).encode())

    by_count, by_age = Watcher(window=2), Watcher(window_seconds=10.0)
    for moment in range(6):
        by_count.check(page(1, []), "s", sent=float(moment), received=float(moment))
        by_age.check(page(1, []), "s", sent=moment * 8.0, received=moment * 8.0)
    by_count.check(page(1, ["a" * 24, "b" * 24]), "s", sent=7.0, received=7.0)
    repeated = by_count.check(page(2, ["b" * 24, "c" * 24]), "s", sent=8.0, received=8.0)
    assert "pagination_partition" in [finding.check for finding in repeated]


def test_a_raw_utf8_query_is_forwarded(mock_and_proxy: tuple[LiveMock, LiveProxy, Path], token: str) -> None:
    """`curl "…?search=ayşe"` sends the bytes as they are: the proxy forwards them as fetch would send them."""
    import socket
    from urllib.parse import urlsplit

    proxy = start_proxy(mock_and_proxy[0].base_url)  # its own: the module's proxy is stopped by an earlier test
    try:
        address = urlsplit(proxy.base_url)
        with socket.create_connection((address.hostname or "127.0.0.1", address.port or 80),
                                      timeout=10) as connection:
            connection.sendall(f"GET {EXAMPLE}?search=ayşe&limit=1 HTTP/1.1\r\nHost: x\r\n"
                               f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n".encode())
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
    finally:
        stop_proxy(proxy)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
    assert b'"isSuccess": true' in answer or b'"isSuccess":true' in answer


def test_the_report_has_a_section_per_root_cause_telling_kinds_of_request_apart(token: str, tmp_path: Path) -> None:
    """One promise (no_server_error) broken by two causes: a 500 on deep pages and a 500 on searches with
    metacharacters read alike, and the classes of the answers tell them apart; five deep pages are one."""
    mock = start_mock(module="tests.faulty_target", prefix=["crashes_on_big_pages_and_metacharacters"])
    log = ProxyLog(mock.base_url, report=tmp_path / "report.md", stream=io.StringIO())
    queries: list[dict[str, Any]] = [*({"page": page} for page in (1001, 2000, 5000, 10**6, 4321)),
                                     *({"search": term} for term in ("a%", "(b", "c_")), {"page": 1}, {"page": 2},
                                     {"search": "ay"}, {"search": "ali"}, {"page": 3}]
    try:
        with proxy_client(ProxySettings(upstream=mock.base_url), log) as client:
            assert [send(client, query, token).status_code for query in queries] == [500] * 8 + [200] * 5
    finally:
        stop_mock(mock)
    report = (tmp_path / "report.md").read_text()
    sections = report.split("\n### ")[1:]
    crashes = [section for section in sections if section.startswith("no_server_error:")]
    assert len(crashes) == 2, report
    assert "| no_server_error | 8 | 2 |" in report
    deep = next(section for section in crashes if "page: deep" in section)
    meta = next(section for section in crashes if "metacharacters" in section)
    assert "- Answers that broke it (5):" in deep and "- Answers that broke it (3):" in meta
    assert "page=4321" in deep and "search=" not in deep.split("- Answers")[1]
