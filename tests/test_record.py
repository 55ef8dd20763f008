"""mockserver fixtures record: a recording of the mock serves the same pages and searches as the mock;
anonymized, the same ids, order and totals with other names; churn, throttling and errors handled."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver.cli.record import Progress
from mockserver.core.anonymize import anonymize_viewer, locale_of
from mockserver.core.dataset import EMPTY_STREAM_ID, EXAMPLE_STREAM_ID, LARGE_STREAM_ID
from mockserver.core.model import Churn, parse_timestamp
from mockserver.settings import Settings
from mockserver.web.app import create_app
from tests.conftest import REPO, VIEWERS, LiveMock, start_mock, stop_mock

_TIMESTAMP = re.compile(rb'"timestamp":"[^"]*"')
SEARCHES = ("a", "AY", "çorlu", "ı", "İ", "er", "zz-none", "5")
TURKISH_LETTERS = set("abcçdefgğhıijklmnoöprsştuüvyzâîûqwx") | set("ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZÂÎÛQWX")


def run_record(base_url: str, token: str, output: Path, *streams: str, extra: tuple[str, ...] = ()) -> \
        subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mockserver", "fixtures", "record", "--base-url", base_url, "--token", token,
               "-o", str(output), *extra]
    for stream in streams:
        command += ["--stream", stream]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=REPO)


# One instant and a frozen audience for the recorded mock and the mocks it is compared with: the built-in
# streams' join times follow the clock, and the large stream churns unless frozen.
CLOCK = "2026-11-28T12:00:00Z"
FROZEN = Settings(clock=parse_timestamp(CLOCK), churn=Churn(0, 0))


@pytest.fixture(scope="module")
def mock() -> Iterator[LiveMock]:
    live = start_mock("--clock", CLOCK, "--churn", "0/0")
    yield live
    stop_mock(live)


@pytest.fixture(scope="module")
def recordings(mock: LiveMock, token: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("recordings")
    paths = {"plain": folder / "plain.json", "anonymized": folder / "anonymized.json"}
    for kind, path in paths.items():
        extra = ("--anonymize",) if kind == "anonymized" else ()
        result = run_record(mock.base_url, token, path, EXAMPLE_STREAM_ID, LARGE_STREAM_ID, EMPTY_STREAM_ID,
                            extra=extra)
        assert result.returncode == 0, result.stderr
        assert f"{LARGE_STREAM_ID}: 2,500 viewers, participantAudienceTotal 3,132, 25 page(s)" in result.stderr
    return paths


def body(client: TestClient, stream: str, params: dict[str, Any], token: str) -> bytes:
    answer = client.get(VIEWERS.format(stream), params=params, headers={"Authorization": f"Bearer {token}"})
    return _TIMESTAMP.sub(b"", answer.content)


def every_query(client: TestClient, stream: str) -> Iterator[dict[str, Any]]:
    """Every page at limits 1, 7, 20 and 100, the default page, and every page of a set of searches."""
    yield {}
    for limit in (1, 7, 20, 100):
        total = client.get(VIEWERS.format(stream), params={"limit": limit}, headers=client.headers).json()
        for page in range(1, total["data"]["pagination"]["totalPages"] + 2):
            yield {"page": page, "limit": limit}
    for term in SEARCHES:
        for page in (1, 2, 3):
            yield {"search": term, "page": page, "limit": 20}


def test_the_recording_serves_every_page_and_search_as_the_original(recordings: dict[str, Path], token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(FROZEN), headers=auth) as original, \
            TestClient(create_app(Settings(fixtures=recordings["plain"])), headers=auth) as recorded:
        for stream in (EXAMPLE_STREAM_ID, LARGE_STREAM_ID, EMPTY_STREAM_ID):
            for query in every_query(original, stream):
                assert body(recorded, stream, query, token) == body(original, stream, query, token), (stream, query)


def test_an_anonymized_recording_keeps_ids_order_and_totals_with_other_names(recordings: dict[str, Path],
                                                                             token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(FROZEN), headers=auth) as original, \
            TestClient(create_app(Settings(fixtures=recordings["anonymized"])), headers=auth) as anonymized:
        for stream in (EXAMPLE_STREAM_ID, LARGE_STREAM_ID):
            for page in range(1, 6):
                real = original.get(VIEWERS.format(stream), params={"page": page, "limit": 100}).json()["data"]
                fake = anonymized.get(VIEWERS.format(stream), params={"page": page, "limit": 100}).json()["data"]
                assert fake["pagination"] == real["pagination"]
                assert fake["participantAudienceTotal"] == real["participantAudienceTotal"]
                keep = ("_id", "joinedAt", "followersCount", "followingCount", "isFollowing", "expertise")
                kept = [{k: v[k] for k in keep} for v in fake["list"]]
                assert kept == [{k: v[k] for k in keep} for v in real["list"]]
                for before, after in zip(real["list"], fake["list"], strict=True):
                    assert (after["name"], after["surname"], after["username"]) != (
                        before["name"], before["surname"], before["username"])
                    assert after["name"].isascii() == before["name"].isascii()
                    if locale_of(before["name"]) == "tr_TR":
                        assert set(after["name"]) <= TURKISH_LETTERS, (before["name"], after["name"])


def test_anonymizing_is_the_same_every_time(recordings: dict[str, Path], mock: LiveMock, token: str,
                                            tmp_path: Path) -> None:
    again = tmp_path / "again.json"
    assert run_record(mock.base_url, token, again, EXAMPLE_STREAM_ID, extra=("--anonymize",)).returncode == 0
    first = json.loads(recordings["anonymized"].read_text())["streams"][0]["viewers"]
    assert json.loads(again.read_text())["streams"][0]["viewers"] == first
    viewer = {"_id": "6722c52cac83ff594e000000", "name": "Şükrü", "surname": "Yılmaz", "username": "sukru",
              "profilePhoto": None}
    assert anonymize_viewer(viewer) == anonymize_viewer(dict(viewer))
    assert locale_of(anonymize_viewer(viewer)["surname"]) == "tr_TR"
    assert locale_of(anonymize_viewer({**viewer, "name": "Дмитрий"})["name"]) == "ru_RU"


@pytest.mark.slow  # starts a mock in a subprocess
def test_ties_in_join_time_come_back_in_the_same_order(tmp_path: Path, token: str) -> None:
    """Viewers who joined in the same millisecond: the mock orders them by _id, and so does the recording."""
    document = json.loads((REPO / "fixtures" / "default-dataset.json").read_text())
    example = next(s for s in document["streams"] if s["_id"] == EXAMPLE_STREAM_ID)
    for number, viewer in enumerate(example["viewers"]):
        viewer["joinedAt"] = f"2026-02-18T10:{number // 10:02d}:00.000Z"  # ten viewers a tie, ids in no order
    document["streams"] = [example]
    ties = tmp_path / "ties.json"
    ties.write_text(json.dumps(document))
    served = start_mock("--fixtures", str(ties))
    try:
        recorded = tmp_path / "recorded.json"
        result = run_record(served.base_url, token, recorded, EXAMPLE_STREAM_ID)
    finally:
        stop_mock(served)
    assert result.returncode == 0 and "order the mock does not serve" not in result.stderr, result.stderr
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(Settings(fixtures=ties)), headers=auth) as original, \
            TestClient(create_app(Settings(fixtures=recorded)), headers=auth) as copy:
        for limit in (1, 3, 7):
            for page in range(1, 45 // limit + 2):
                query = {"page": page, "limit": limit}
                assert body(copy, EXAMPLE_STREAM_ID, query, token) == body(original, EXAMPLE_STREAM_ID, query, token)


@pytest.mark.parametrize(("token_kind", "stream", "message"), [
    ("refused", EXAMPLE_STREAM_ID, "refuses the token (HTTP 401"),
    ("valid", "64d15f9e2e6c8f4d5a999999", "stream 64d15f9e2e6c8f4d5a999999 is not a live stream"),
    ("valid", "not-an-id", "the API refuses stream id 'not-an-id' (HTTP 400"),
])
def test_a_refused_token_or_unknown_stream_is_one_line_and_nothing_written(
        mock: LiveMock, token: str, tmp_path: Path, token_kind: str, stream: str, message: str) -> None:
    output = tmp_path / "kept.json"
    output.write_text("the previous recording")
    result = run_record(mock.base_url, token if token_kind == "valid" else "x", output, EXAMPLE_STREAM_ID, stream)
    assert result.returncode == 1
    assert message in result.stderr and result.stderr.count("\n") == 1 and "nothing written" in result.stderr
    assert output.read_text() == "the previous recording"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.json"]


class MovingAudience(BaseHTTPRequestHandler):
    """A deployment whose audience grows by one with every request, and that throttles every third one."""

    requests = 0
    lock = threading.Lock()

    def do_GET(self) -> None:
        with MovingAudience.lock:
            MovingAudience.requests += 1
            number = MovingAudience.requests
        if number % 3 == 0:
            self._send(429, {"isSuccess": False, "statusCode": 429, "data": None, "errors": ["Too many"],
                             "timestamp": "2026-01-01T00:00:00.000Z"}, {"Retry-After": "0"})
            return
        page = int(re.search(r"page=(\d+)", self.path).group(1))  # type: ignore[union-attr]
        size = 250 + number
        viewers = [{"_id": f"{position:024x}", "username": f"u{position}", "name": "Ayşe", "surname": "Kaya",
                    "profilePhoto": None, "followersCount": 1, "followingCount": 2, "expertise": "x",
                    "isFollowing": False, "joinedAt": f"2026-01-01T00:00:{59 - position % 60:02d}.000Z"}
                   for position in range((page - 1) * 100, min(page * 100, size))]
        data = {"list": viewers, "participantAudienceTotal": size,
                "pagination": {"totalItems": size, "itemsPerPage": 100, "currentPage": page,
                               "totalPages": -(-size // 100), "hasNextPage": page * 100 < size,
                               "hasPrevPage": page > 1}}
        self._send(200, {"isSuccess": True, "statusCode": 200, "data": data, "errors": [],
                         "timestamp": "2026-01-01T00:00:00.000Z"}, {})

    def _send(self, status: int, document: dict[str, Any], headers: dict[str, str]) -> None:
        payload = json.dumps(document).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", "Content-Length": str(len(payload)),
                            **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def moving_audience() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), MovingAudience)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_audience_that_keeps_moving_is_walked_again_then_refused(moving_audience: str, tmp_path: Path) -> None:
    output = tmp_path / "moving.json"
    result = run_record(moving_audience, "t", output, "0" * 24, extra=("--attempts", "2"))
    assert result.returncode == 1 and not output.exists()
    assert "audience kept moving" in result.stderr and "in 2 walks" in result.stderr
    assert "--accept-churn" in result.stderr


def test_accept_churn_keeps_the_last_walk_each_viewer_once_and_waits_out_throttling(moving_audience: str,
                                                                                  tmp_path: Path) -> None:
    output = tmp_path / "moving.json"
    result = run_record(moving_audience, "t", output, "0" * 24, extra=("--attempts", "1", "--accept-churn"))
    assert result.returncode == 0, result.stderr
    viewers = json.loads(output.read_text())["streams"][0]["viewers"]
    assert len({v["_id"] for v in viewers}) == len(viewers) >= 250
    assert "the API throttled" in result.stderr
    assert "order the mock does not serve" in result.stderr  # join times here jump back every 60 viewers
    claimed = re.search(r"warning: wrote ([\d,]+) of the ([\d,]+) viewers the stream claims \(totalItems\); "
                        r"--accept-churn kept a walk during which the audience moved", result.stderr)
    assert claimed and int(claimed[1].replace(",", "")) == len(viewers), result.stderr
    assert int(claimed[2].replace(",", "")) > 250  # what the last page read said, as it grew


class SteadyButBroken(BaseHTTPRequestHandler):
    """137 viewers that never move, behind pages that do not partition them: a cache keyed by the page number
    alone (a page first asked at one limit comes back at every limit), pages that overlap by one, or skip one."""

    audience = 137
    fault = "page cache"
    cache: ClassVar[dict[int, dict[str, Any]]] = {}

    def do_GET(self) -> None:
        query = dict(re.findall(r"(\w+)=(\d+)", self.path))
        page, limit = int(query.get("page", "1")), int(query.get("limit", "20"))
        if SteadyButBroken.fault == "page cache" and page in SteadyButBroken.cache:
            data = SteadyButBroken.cache[page]
        else:
            start = (page - 1) * limit + {"overlap": -1, "skip": 1}.get(SteadyButBroken.fault, 0) * (page > 1)
            data = self._page(page, limit, start)
            SteadyButBroken.cache[page] = data
        payload = json.dumps({"isSuccess": True, "statusCode": 200, "data": data, "errors": [],
                              "timestamp": "2026-01-01T00:00:00.000Z"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _page(self, page: int, limit: int, start: int) -> dict[str, Any]:
        size = SteadyButBroken.audience
        viewers = [{"_id": f"{position:024x}", "username": f"u{position}", "name": "Ayşe", "surname": "Kaya",
                    "profilePhoto": None, "followersCount": 1, "followingCount": 2, "expertise": None,
                    "isFollowing": False, "joinedAt": f"2026-01-01T{23 - position // 60:02d}:{59 - position % 60:02d}"
                                                      ":00.000Z"}
                   for position in range(start, min(start + limit, size))]
        return {"list": viewers, "participantAudienceTotal": 300,
                "pagination": {"totalItems": size, "itemsPerPage": limit, "currentPage": page,
                               "totalPages": -(-size // limit), "hasNextPage": page * limit < size,
                               "hasPrevPage": page > 1}}

    def log_message(self, *args: Any) -> None:
        pass


WRITTEN = {"page cache": 3, "overlap": 137, "skip": 136}  # of the 137 viewers, with --accept-churn


@pytest.fixture(params=list(WRITTEN))
def steady_but_broken(request: pytest.FixtureRequest) -> Iterator[str]:
    SteadyButBroken.fault, SteadyButBroken.cache = request.param, {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), SteadyButBroken)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    if request.param == "page cache":  # someone's earlier requests at limit=1 are what the cache holds
        for page in (1, 2, 3):
            httpx.get(f"{base_url}/api/v1/live-stream/{'0' * 24}/viewers", params={"page": page, "limit": 1})
    yield base_url
    server.shutdown()
    server.server_close()


def test_pages_that_do_not_partition_under_steady_totals_are_named_a_broken_deployment_not_churn(
        steady_but_broken: str, tmp_path: Path) -> None:
    output = tmp_path / "broken.json"
    result = run_record(steady_but_broken, "t", output, "0" * 24, extra=("--attempts", "2"))
    assert result.returncode == 1 and not output.exists()
    assert "never moved (137, 300 on every page of 2 walk(s))" in result.stderr, result.stderr
    assert "pagination is broken, not churning" in result.stderr and "kept moving" not in result.stderr
    assert "--accept-churn" not in result.stderr  # keeping a walk would not make the recording whole
    assert result.stderr.count("\n") == 1


def test_accept_churn_on_a_broken_deployment_warns_how_many_viewers_of_how_many_it_wrote(
        steady_but_broken: str, tmp_path: Path) -> None:
    output = tmp_path / "broken.json"
    result = run_record(steady_but_broken, "t", output, "0" * 24, extra=("--attempts", "1", "--accept-churn"))
    assert result.returncode == 0, result.stderr
    written = len(json.loads(output.read_text())["streams"][0]["viewers"])
    assert written == WRITTEN[SteadyButBroken.fault]
    assert f"warning: wrote {written} of the 137 viewers the stream claims (totalItems); not churn:" in result.stderr
    assert "never moved" in result.stderr


def test_a_terminal_gets_a_progress_bar() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    progress = Progress(terminal, "stream", 10_000)
    progress.update(5_000, final=False)
    progress.update(10_000, final=True)
    assert "[###############               ]  50% 5,000/10,000 pages" in terminal.getvalue()
    assert terminal.getvalue().endswith("\n") and "100% 10,000/10,000" in terminal.getvalue()
    silent = io.StringIO()
    Progress(silent, "stream", 10).update(10, final=True)
    assert silent.getvalue() == ""


@pytest.mark.parametrize(("base_url", "token", "message"), [
    ("https://staging.example.com/api/v1", "t",
     "--base-url has value 'https://staging.example.com/api/v1': it ends in '/api/v1', but the recorder adds "
     "/api/v1/live-stream/... itself; give the API's root: https://staging.example.com"),
    ("http://127.0.0.1:8080/api/", "t", "give the API's root: http://127.0.0.1:8080"),
    ("https://example.com/gateway/api/v1/live-stream/x/viewers", "t", "give the API's root: "
     "https://example.com/gateway"),
    ("https://staging.example.com", "Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature",
     "--token has value 'Bearer eyJhbGc…': give the token alone, without 'Bearer '"),
])
def test_a_base_url_holding_the_api_path_or_a_bearer_prefixed_token_is_one_clear_line(
        base_url: str, token: str, message: str) -> None:
    from mockserver.cli.record_client import RecordError, ViewersClient

    with pytest.raises(RecordError) as refused:
        ViewersClient(base_url, token)
    assert message in str(refused.value) and "\n" not in str(refused.value)


def test_a_base_url_under_a_gateway_path_is_kept() -> None:
    from mockserver.cli.record_client import ViewersClient

    assert ViewersClient("https://example.com/gateway/", "t").base_url == "https://example.com/gateway"
