"""The suite's pacing: Retry-After, the rate cap, one retry of a lone gateway error, the time budget."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from contract_tests.target.pacing import OutOfTime, Pacer, Reply, retry_after_seconds


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def scripted(*replies: Reply[str]) -> tuple[list[int], Callable[[], Reply[str]]]:
    """An attempt function that gives these replies in turn, and the list of attempts made."""
    made: list[int] = []
    queue = list(replies)

    def attempt() -> Reply[str]:
        made.append(1)
        return queue.pop(0)

    return made, attempt


def pacer(clock: FakeClock, max_rps: float | None = None, budget: float = 1800.0) -> Pacer:
    return Pacer(max_rps, budget, clock=clock, sleep=clock.sleep)


def test_a_throttled_answer_is_waited_out_as_retry_after_says() -> None:
    clock = FakeClock()
    paced = pacer(clock)
    made, attempt = scripted(Reply("slow down", 429, "2"), Reply("page", 200))
    assert paced.send("GET", "/viewers", attempt) == "page"
    assert len(made) == 2 and clock.slept == [2.0]
    assert paced.log.throttled == 1 and paced.log.waited_s == 2.0
    assert paced.max_rps is not None  # it slowed down


def test_a_503_with_retry_after_is_a_throttle_not_a_flake() -> None:
    clock = FakeClock()
    paced = pacer(clock)
    _, attempt = scripted(Reply("busy", 503, "1"), Reply("page", 200))
    assert paced.send("GET", "/viewers", attempt) == "page"
    assert paced.log.throttled == 1 and paced.log.flaky == []


def test_a_lone_502_on_a_get_is_retried_once_and_noted_as_flaky() -> None:
    paced = pacer(FakeClock())
    made, attempt = scripted(Reply("bad gateway", 502), Reply("page", 200))
    assert paced.send("GET", "/viewers?page=2", attempt) == "page"
    assert len(made) == 2
    assert paced.log.flaky == ["GET /viewers?page=2: HTTP 502, then HTTP 200 on the retry"]


def test_a_5xx_that_repeats_is_returned_for_the_checks() -> None:
    paced = pacer(FakeClock())
    made, attempt = scripted(Reply("bad gateway", 502), Reply("bad gateway again", 504))
    assert paced.send("GET", "/viewers", attempt) == "bad gateway again"
    assert len(made) == 2 and paced.log.flaky == []


def test_a_500_is_never_retried() -> None:
    paced = pacer(FakeClock())
    made, attempt = scripted(Reply("crash", 500))
    assert paced.send("GET", "/viewers", attempt) == "crash"
    assert len(made) == 1


def test_a_write_with_a_body_is_never_retried() -> None:
    paced = pacer(FakeClock())
    made, attempt = scripted(Reply("bad gateway", 502))
    assert paced.send("POST", "/viewers", attempt) == "bad gateway"
    assert len(made) == 1


def test_a_body_less_probe_of_a_write_method_is_retried_once() -> None:
    paced = pacer(FakeClock())
    made, attempt = scripted(Reply("bad gateway", 502), Reply("not allowed", 405))
    assert paced.send("POST", "/viewers", attempt, has_body=False) == "not allowed"
    assert len(made) == 2


def test_a_dropped_connection_is_retried_once_then_raised() -> None:
    paced = pacer(FakeClock())
    _, attempt = scripted(Reply(None, error=ConnectionResetError("reset")), Reply("page", 200))
    assert paced.send("GET", "/viewers", attempt) == "page"
    assert paced.log.flaky == ["GET /viewers: ConnectionResetError, then HTTP 200 on the retry"]
    _, twice = scripted(Reply(None, error=ConnectionResetError("reset")),
                        Reply(None, error=ConnectionResetError("reset again")))
    with pytest.raises(ConnectionResetError, match="again"):
        paced.send("GET", "/viewers", twice)


def test_the_rate_cap_spaces_requests() -> None:
    clock = FakeClock()
    paced = pacer(clock, max_rps=20)
    for _ in range(5):
        _, attempt = scripted(Reply("page", 200))
        paced.send("GET", "/viewers", attempt)
    assert clock.slept == [0.05, 0.05, 0.05, 0.05]


def test_a_target_that_never_stops_throttling_ends_the_run() -> None:
    paced = pacer(FakeClock())
    _, attempt = scripted(*[Reply("slow down", 429, "1")] * 20)
    with pytest.raises(OutOfTime, match="kept throttling"):
        paced.send("GET", "/viewers", attempt)


def test_a_wait_past_the_budget_ends_the_run_at_once() -> None:
    clock = FakeClock()
    paced = pacer(clock, budget=10)
    _, attempt = scripted(Reply("slow down", 429, "30"))
    with pytest.raises(OutOfTime, match="CONTRACT_TIME_BUDGET=10 s"):
        paced.send("GET", "/viewers", attempt)
    assert clock.slept == []


@pytest.mark.parametrize(("value", "seconds"), [("3", 3.0), (" 0 ", 0.0), ("", None), ("soon", None),
                                                 ("Sat, 28 Nov 2026 12:00:05 GMT", 5.0)])
def test_retry_after_is_read_as_seconds_or_a_date(value: str, seconds: float | None) -> None:
    now = dt.datetime(2026, 11, 28, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds(value, now) == seconds
