"""The live stream through real mock processes: restarts agree, the clock moves, the stream ends."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.core.dataset import LIVE_STREAM_ID
from mockserver.core.model import parse_timestamp
from tests.conftest import VIEWERS, LiveMock, start_mock, stop_mock

pytestmark = pytest.mark.slow  # starts mocks in subprocesses and waits on their clocks

CLOCK = "2026-11-28T12:00:00Z"


def audience(mock: LiveMock, token: str, prefer: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """Every viewer of the live stream (walked at one instant when `prefer` pins one) and the total."""
    headers = {"Authorization": f"Bearer {token}", **({"Prefer": prefer} if prefer else {})}
    viewers: list[dict[str, Any]] = []
    page = 1
    while True:
        response = httpx.get(mock.base_url + VIEWERS.format(LIVE_STREAM_ID), params={"page": page, "limit": 37},
                             headers=headers)
        assert response.status_code == 200, response.text
        data = json.loads(response.text.replace(mock.base_url, "http://mock"))["data"]  # the same on any port
        viewers.extend(data["list"])
        if not data["pagination"]["hasNextPage"]:
            assert len(viewers) == data["pagination"]["totalItems"]
            return viewers, data["participantAudienceTotal"]
        page += 1


@pytest.fixture
def pinned_mock() -> Iterator[LiveMock]:
    mock = start_mock("--clock", CLOCK, "--validate-responses")
    yield mock
    stop_mock(mock)


def test_two_mocks_started_apart_agree_at_each_second(pinned_mock: LiveMock, token: str) -> None:
    time.sleep(1.5)  # the second mock starts later: its clock is at another second when asked
    later = start_mock("--clock", CLOCK)
    try:
        first_600, first_total_600 = audience(pinned_mock, token, "at=600")
        second_600, second_total_600 = audience(later, token, "at=600")
        first_900, first_total_900 = audience(pinned_mock, token, "at=900")
    finally:
        stop_mock(later)
    assert first_600 == second_600 and first_total_600 == second_total_600
    assert [v["_id"] for v in first_900] != [v["_id"] for v in first_600]
    assert first_total_900 > first_total_600
    assert first_600[0]["joinedAt"].startswith("2026-11-28T12:09:")  # someone who joined in the last minute


def test_without_at_the_live_stream_changes_within_seconds(pinned_mock: LiveMock, token: str) -> None:
    first, first_total = audience(pinned_mock, token)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        time.sleep(1)
        now, total = audience(pinned_mock, token)
        if now != first:
            assert total >= first_total
            return
    pytest.fail("the live stream did not change in 15 seconds at 30 joins and 24 leaves a minute")


def test_after_live_for_the_stream_is_a_404_envelope(token: str) -> None:
    mock = start_mock("--live-for", "2s")
    try:
        url = mock.base_url + VIEWERS.format(LIVE_STREAM_ID)
        assert "ends 2s after the start" in mock.banner
        assert httpx.get(url, headers={"Authorization": f"Bearer {token}", "Prefer": "at=1"}).status_code == 200
        time.sleep(2.5)
        response = httpx.get(url, headers={"Authorization": f"Bearer {token}"})
    finally:
        stop_mock(mock)
    assert response.status_code == 404
    assert response.json()["errors"] == ["Resource not found", f"Live stream {LIVE_STREAM_ID} has ended"]


def test_churn_zero_freezes_the_live_stream(token: str) -> None:
    mock = start_mock("--churn", "0/0")
    try:
        assert audience(mock, token, "at=0") == audience(mock, token, "at=3000")
    finally:
        stop_mock(mock)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mockserver", *args], capture_output=True, text=True, timeout=60)


def test_streams_lists_rates_and_the_end() -> None:
    rows = {row["id"]: row for row in json.loads(run("streams", "--json", "--churn", "12/6", "--live-for", "15m",
                                                     "--clock", CLOCK).stdout)}
    live = rows[LIVE_STREAM_ID]
    assert live["churn"] == {"joinsPerMinute": 12, "leavesPerMinute": 6}
    assert live["endsAfterSeconds"] == 900 and live["endsAt"] == "2026-11-28T12:15:00.000Z"
    assert "churn" not in rows["64d15f9e2e6c8f4d5a123456"]  # the documented example is static
    before_ms = time.time_ns() // 1_000_000 // 1000 * 1000
    table = run("streams", "--live-for", "15m").stdout
    ends = re.search(rf"{LIVE_STREAM_ID} +live +\d+ +\d+ +30/24/min +.*ends 15m after the start, at (\S+)\)", table)
    assert ends, table  # without --clock: 15 minutes after this start, whatever second of the hour it is
    assert before_ms + 900_000 <= parse_timestamp(ends[1]) <= time.time_ns() // 1_000_000 + 900_000


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--churn", "fast", "--churn has value 'fast': not joins/leaves per minute"),
    ("--churn", "601/0", "--churn has value '601/0': more than 600 a minute"),
    ("--live-for", "soon", "--live-for has value 'soon': not a duration"),
    ("--clock", "noon", "--clock has value 'noon': not an instant with a time zone"),
])
def test_bad_live_options_are_one_line(option: str, value: str, message: str) -> None:
    result = run("streams", option, value)
    assert result.returncode == 2 and result.stderr.startswith(f"mockserver: {message}")
    assert result.stderr.count("\n") == 1


def test_workers_agree_on_the_live_stream(token: str) -> None:
    mock = start_mock("--workers", "2", "--clock", CLOCK)
    try:
        bodies = set()
        for _ in range(16):
            with httpx.Client() as client:  # a new connection each time, so that both workers answer
                text = client.get(mock.base_url + VIEWERS.format(LIVE_STREAM_ID), params={"limit": "50"},
                                  headers={"Authorization": f"Bearer {token}", "Prefer": "at=420"}).text
            bodies.add(re.sub(r'"timestamp":"[^"]+"', "", text))
    finally:
        stop_mock(mock)
    assert len(bodies) == 1


def walk_alternating(replicas: list[httpx.Client], token: str) -> tuple[list[str], int, bool]:
    """Every page of the live stream at limit 25, asking the replicas in turn, started just after a wall-clock
    second began: the ids, the last totalItems, and whether every answer came in that second (else the
    audience may have moved during the walk)."""
    ids: list[str] = []
    seconds: set[str] = set()
    while time.time() % 1 > 0.05:
        time.sleep(0.005)
    page = 1
    while True:
        body = replicas[(page - 1) % len(replicas)].get(VIEWERS.format(LIVE_STREAM_ID), params={
            "page": page, "limit": 25}, headers={"Authorization": f"Bearer {token}"}).json()
        seconds.add(body["timestamp"][:19])
        ids.extend(viewer["_id"] for viewer in body["data"]["list"])
        if not body["data"]["pagination"]["hasNextPage"]:
            return ids, body["data"]["pagination"]["totalItems"], len(seconds) == 1
        page += 1


def partitions_across(base_urls: list[str], token: str) -> bool:
    """Whether a walk that alternates between the replicas yields every viewer once (tried until a walk fits
    in one second, as the audience moves every second)."""
    clients = [httpx.Client(base_url=base_url, timeout=30) for base_url in base_urls]
    try:
        for client in clients:  # each works out the hour's joins and leaves so far on its first request
            client.get(VIEWERS.format(LIVE_STREAM_ID), headers={"Authorization": f"Bearer {token}"})
        for _ in range(30):
            ids, total, in_one_second = walk_alternating(clients, token)
            if in_one_second:
                return len(ids) == len(set(ids)) == total
    finally:
        for client in clients:
            client.close()
    pytest.fail("no walk of the live stream fitted in one second in 30 tries")


@pytest.mark.parametrize("clock", [(), ("--clock", CLOCK)], ids=["default clock", "each its own --clock"])
def test_replicas_started_apart_serve_one_audience_by_default(token: str, clock: tuple[str, ...]) -> None:
    churn = ("--churn", "600/600")  # ten joins and ten leaves a second: two seconds apart is another audience
    first = start_mock(*churn, *clock)
    try:
        time.sleep(2.5)  # the second replica starts later, as a restarted or scaled-out one does
        second = start_mock(*churn, *clock)
        try:
            partitioned = partitions_across([first.base_url, second.base_url], token)
        finally:
            stop_mock(second)
    finally:
        stop_mock(first)
    # By default both clocks count from the top of the hour; `--clock` starts each at its own start (the proof
    # that the walk would see two audiences if they did not agree).
    assert partitioned == (not clock)
