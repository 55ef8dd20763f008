"""The `mockserver` command as people run it: serving, listing, tokens, fixtures and its errors."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mockserver.core.dataset import EXAMPLE_STREAM_ID
from tests.conftest import REPO, VIEWERS, LiveMock, start_mock, stop_mock

pytestmark = pytest.mark.slow  # starts the mockserver command in a subprocess


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "mockserver", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def test_banner_names_url_streams_and_a_ready_token(live_mock: LiveMock) -> None:
    assert live_mock.base_url.startswith("http://127.0.0.1:")
    for stream_id in ("64d15f9e2e6c8f4d5a123456", "64d15f9e2e6c8f4d5a100000", "64d15f9e2e6c8f4d5a200000",
                      "64d15f9e2e6c8f4d5a300000"):
        assert stream_id in live_mock.banner
    token = live_mock.banner.split("Token (24 h):")[1].split()[0]
    response = httpx.get(live_mock.base_url + VIEWERS.format(EXAMPLE_STREAM_ID),
                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["data"]["pagination"]["totalItems"] == 45


def test_token_command_prints_only_a_usable_token(live_mock: LiveMock) -> None:
    result = run("token")
    assert result.returncode == 0 and result.stderr == ""
    token = result.stdout.strip()
    assert result.stdout == token + "\n" and token.count(".") == 2
    url = live_mock.base_url + VIEWERS.format(EXAMPLE_STREAM_ID)
    assert httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    forbidden = run("token", "--forbidden").stdout.strip()
    assert httpx.get(url, headers={"Authorization": f"Bearer {forbidden}"}).status_code == 403
    expired = run("token", "--expires-in", "-60").stdout.strip()
    assert httpx.get(url, headers={"Authorization": f"Bearer {expired}"}).status_code == 401


@pytest.mark.parametrize("user", ["", " "])
def test_an_empty_user_is_refused_not_replaced_by_the_default(user: str) -> None:
    result = run("token", "--user", user)  # e.g. --user "$USER_ID" with the variable unset
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"mockserver: --user has value {user!r}: not a user id\n"


def test_streams_table_and_json() -> None:
    table = run("streams").stdout.splitlines()
    assert table[0].split() == ["ID", "STATE", "VIEWERS", "AUDIENCE", "JOIN/LEAVE", "TITLE"]
    assert table[1].split()[:4] == ["64d15f9e2e6c8f4d5a123456", "live", "45", "128"]
    rows = json.loads(run("streams", "--json").stdout)
    assert {row["state"] for row in rows} == {"live", "ended"}
    assert next(row["viewers"] for row in rows if row["id"] == "64d15f9e2e6c8f4d5a100000") >= 2500  # it churns
    at_second_0 = ("--clock", "2026-11-28T12:00:00Z")  # the clock's start: the large stream as generated
    rows = json.loads(run("streams", "--json", *at_second_0).stdout)
    assert [row["viewers"] for row in rows if row["id"] == "64d15f9e2e6c8f4d5a100000"] == [2500]
    assert json.loads(run("streams", "--json", "--audience", "10", *at_second_0).stdout)[1]["viewers"] == 10


def test_fixtures_export_round_trips_through_the_server(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    assert run("fixtures", "export", "--seed", "5", "--output", str(target)).returncode == 0
    document = json.loads(target.read_text())
    document["streams"][0]["viewers"] = document["streams"][0]["viewers"][:3]
    target.write_text(json.dumps(document))
    mock = start_mock("--fixtures", str(target))
    try:
        assert f"fixtures {target}" in mock.banner
        token = run("token").stdout.strip()
        body = httpx.get(mock.base_url + VIEWERS.format(EXAMPLE_STREAM_ID),
                         headers={"Authorization": f"Bearer {token}"}).json()
        assert [v["_id"] for v in body["data"]["list"]] == [v["_id"] for v in document["streams"][0]["viewers"]]
    finally:
        stop_mock(mock)


def test_default_export_equals_the_committed_fixtures() -> None:
    assert run("fixtures", "export").stdout == (REPO / "fixtures" / "default-dataset.json").read_text()


def test_taken_port_is_one_clear_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("--port", str(port))
    assert result.returncode == 2
    assert result.stderr == f"mockserver: port {port} on 127.0.0.1 is taken; choose another with --port or MOCK_PORT\n"


def test_bad_fixtures_file_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "allmine-live-stream-viewers/1", "seed": 0, "streams": [{"_id": "zz"}]}')
    result = run("--fixtures", str(bad))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"mockserver: {bad}: streams[0]._id: \"zz\" is not an ObjectId")


def test_bad_option_value_is_one_clear_line() -> None:
    result = run("--latency", "soon")
    assert result.returncode == 2 and result.stderr.startswith("mockserver: --latency has value 'soon'")
    result = run("streams", env={"MOCK_SEED": "seven"})
    assert result.returncode == 2 and result.stderr == "mockserver: MOCK_SEED has value 'seven': not a whole number\n"


def test_a_clock_at_the_end_of_the_calendar_is_one_clear_line() -> None:
    result = run("streams", "--clock", "9999-12-31T23:00:00Z", "--live-for", "2h")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("mockserver: --clock has value '9999-12-31T23:00:00Z': later than 9000-01-01")
    assert run("streams", "--clock", "8999-12-31T23:00:00Z", "--live-for", "2h").returncode == 0


def test_help_explains_every_option() -> None:
    text = run("--help").stdout
    for option in ("--host", "--port", "--seed", "--fixtures", "--audience", "--latency", "--cors-origins",
                   "--trust-unverified-tokens", "--jwt-secret", "--workers", "--validate-responses", "--clock",
                   "--churn", "--live-for", "--media", "--watch"):
        assert option in text
    assert "--forbidden" in run("token", "--help").stdout


def test_workers_share_the_port_and_serve_identical_data() -> None:
    import re

    mock = start_mock("--workers", "2")
    try:
        auth = {"Authorization": f"Bearer {run('token').stdout.strip()}"}
        url = mock.base_url + VIEWERS.format(EXAMPLE_STREAM_ID)
        bodies = set()
        for _ in range(20):
            with httpx.Client() as client:  # a new connection each time, so that both workers answer
                text = client.get(url, params={"page": "2", "limit": "7"}, headers=auth).text
            bodies.add(re.sub(r'"timestamp":"[^"]+"', "", text))
        assert len(bodies) == 1
        assert "2 worker(s)" in mock.banner
    finally:
        stop_mock(mock)


def test_the_banners_try_line_works_when_pasted(live_mock: LiveMock) -> None:
    line = next(line for line in live_mock.banner.splitlines() if line.strip().startswith("Try: "))
    command = line.strip().removeprefix("Try: ")
    result = subprocess.run(["bash", "-c", command + " -sS"], capture_output=True, text=True, timeout=30,
                            env={"PATH": "/usr/bin:/bin"})  # no venv on PATH, as in a fresh terminal
    body = json.loads(result.stdout)
    assert body["isSuccess"] is True and len(body["data"]["list"]) == 10


def export_with_one_stream(tmp_path: Path, blocked: list[str]) -> Path:
    document = json.loads(run("fixtures", "export").stdout)
    stream = document["streams"][0]
    stream.update({"_id": "64d15f9e2e6c8f4d5a777777", "blockedUserIds": blocked, "viewers": stream["viewers"][:4]})
    document["streams"] = [stream]
    target = tmp_path / "one.json"
    target.write_text(json.dumps(document))
    return target


@pytest.mark.parametrize("blocked", [[], ["64d15f9e2e6c8f4d5a000403"]])
def test_with_fixtures_the_banner_reads_a_stream_of_the_file(tmp_path: Path, blocked: list[str]) -> None:
    mock = start_mock("--fixtures", str(export_with_one_stream(tmp_path, blocked)))
    try:
        assert "/api/v1/live-stream/64d15f9e2e6c8f4d5a777777/viewers" in mock.banner
        assert ("Forbidden token (403)" in mock.banner) == bool(blocked)
    finally:
        stop_mock(mock)


def test_relative_fixtures_paths_are_read_from_where_the_command_was_run(tmp_path: Path) -> None:
    export_with_one_stream(tmp_path, [])
    by_option = start_mock("--fixtures", "one.json", env={"MOCK_CALLER_DIR": str(tmp_path)})
    stop_mock(by_option)
    by_variable = start_mock(env={"MOCK_CALLER_DIR": str(tmp_path), "MOCK_FIXTURES": "one.json"})
    stop_mock(by_variable)
    assert f"fixtures {tmp_path / 'one.json'}" in by_option.banner and "64d15f9e2e6c8f4d5a777777" in by_variable.banner
    result = run("streams", "--fixtures", "one.json", env={"MOCK_CALLER_DIR": str(REPO)})
    assert result.returncode == 2 and f"{REPO / 'one.json'}: cannot be read" in result.stderr


def test_options_ignored_together_say_so(tmp_path: Path) -> None:
    target = export_with_one_stream(tmp_path, [])
    result = run("streams", "--fixtures", str(target), "--seed", "7", "--churn", "1/1")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "mockserver: --seed is ignored with --fixtures: the fixtures file gives its own seed",
        "mockserver: --churn is ignored with --fixtures: the fixtures file gives each stream its rates "
        "(its churn field)",
    ]
    assert run("streams", "--seed", "7").stderr == ""
    assert run("--watch").stderr == "mockserver: --watch reloads a --fixtures file when it changes; give one with " \
                                    "--fixtures\n"


def test_watch_reloads_the_fixtures_and_keeps_them_when_an_edit_is_broken(tmp_path: Path, token: str) -> None:
    target = export_with_one_stream(tmp_path, [])
    mock = start_mock("--fixtures", str(target), "--watch")
    url = mock.base_url + VIEWERS.format("64d15f9e2e6c8f4d5a777777")

    def names() -> list[str]:
        return [v["name"] for v in httpx.get(url, headers={"Authorization": f"Bearer {token}"}).json()["data"]["list"]]

    def eventually(expected: list[str]) -> list[str]:
        deadline = time.monotonic() + 10
        while names() != expected and time.monotonic() < deadline:
            time.sleep(0.2)
        return names()

    try:
        document = json.loads(target.read_text())
        document["streams"][0]["viewers"][0]["name"] = "Reloaded"
        target.write_text(json.dumps(document))
        reloaded = eventually(["Reloaded", *names()[1:]])
        target.write_text(target.read_text().replace('"Reloaded"', '"Reloaded'))  # broken JSON
        time.sleep(1.5)
        kept = names()
    finally:
        output = stop_mock(mock)
    assert reloaded[0] == "Reloaded" and kept == reloaded
    broken = [line for line in output.splitlines() if "still serving" in line]
    assert len(broken) == 1 and "not JSON" in broken[0]


def test_spec_prints_the_shipped_openapi_yaml_byte_for_byte() -> None:
    result = subprocess.run([sys.executable, "-m", "mockserver", "spec"], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (REPO / "openapi.yaml").read_bytes()


def test_spec_output_writes_the_file_where_the_command_was_run(tmp_path: Path) -> None:
    result = run("spec", "-o", "api.yaml", env={"MOCK_CALLER_DIR": str(tmp_path)})
    assert result.returncode == 0 and result.stderr == "wrote openapi.yaml to api.yaml\n", result.stderr
    assert (tmp_path / "api.yaml").read_bytes() == (REPO / "openapi.yaml").read_bytes()
    unwritable = run("spec", "-o", str(tmp_path / "missing" / "api.yaml"))
    assert unwritable.returncode == 2 and unwritable.stderr.count("\n") == 1
    assert unwritable.stderr.startswith("mockserver: --output has value")
