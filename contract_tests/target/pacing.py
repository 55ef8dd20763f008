"""How the suite talks to a real deployment: a rate cap, Retry-After, and one retry of a lone gateway error.

A throttled answer (429, or 503 with Retry-After) is never a contract violation: the suite waits as the
target asks (bounded), slows down and sends the request again. A lone 502/503/504 or a dropped connection
on an idempotent request (or a body-less probe) is sent once more and noted as flaky; a 5xx that repeats
is returned, for the checks to report. Every request of the suite, Schemathesis' included, goes through one Pacer.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Answer = TypeVar("Answer")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
GATEWAY_STATUSES = frozenset({502, 503, 504})
LONGEST_WAIT_S = 60.0  # the longest single Retry-After the suite honours before it gives up on the target
MOST_THROTTLES_IN_A_ROW = 8  # throttled answers to one request before the suite gives up on the target
DEFAULT_TIME_BUDGET_S = 3600.0


class OutOfTime(BaseException):
    """The run cannot go on as described: past its time budget, a target that never stops throttling, or a
    token that expired during the run (a set-up matter, exit 4, never a broken promise)."""


@dataclass
class PacingLog:
    """What the target's pacing cost the run: throttled answers, waits, and flaky answers retried."""

    throttled: int = 0
    waited_s: float = 0.0
    flaky: list[str] = field(default_factory=list)
    first_throttled: str | None = None  # the first throttled request and its answer: where the target and the mock
    # part ways (the mock throttles only when asked to, with `Prefer: code=503`)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def summary(self) -> str:
        return (f"the target throttled {self.throttled} time(s) (waited {self.waited_s:.1f} s) and flaked "
                f"{len(self.flaky)} time(s)")


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds from now: a number of seconds or an HTTP date; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


@dataclass(frozen=True)
class Reply(Generic[Answer]):
    """What one attempt gave: an answer with its status and Retry-After, or a transport error."""

    answer: Answer | None
    status: int = 0
    retry_after: str | None = None
    error: Exception | None = None


class Pacer:
    """Spaces requests to at most max_rps, honours Retry-After, retries lone gateway errors once."""

    def __init__(self, max_rps: float | None = None, time_budget_s: float = DEFAULT_TIME_BUDGET_S,
                 log: PacingLog | None = None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.max_rps = max_rps
        self.user_cap = max_rps
        self._answered_since_throttle = 0
        self.log = log or PacingLog()
        self._clock, self._sleep = clock, sleep
        self._deadline = clock() + time_budget_s
        self._budget_s = time_budget_s
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._recent: deque[float] = deque(maxlen=200)

    def send(self, method: str, url: str, attempt: Callable[[], Reply[Answer]], *, has_body: bool = True) -> Answer:
        """One request, paced and retried as the target asks; raises OutOfTime when the budget is gone.
        A gateway error is retried on idempotent methods, and on any request without a body (the suite's
        probes of undocumented methods change nothing, so a one-off 502 on them is a flake too)."""
        throttles = 0
        retried_gateway = False
        while True:
            self._wait_for_turn()
            reply = attempt()
            if reply.error is None and self._is_throttle(reply):
                throttles += 1
                self._throttled(reply, throttles, f"{method} {url}")
                continue
            transient = reply.error is not None or reply.status in GATEWAY_STATUSES
            if transient and not retried_gateway and (method.upper() in IDEMPOTENT_METHODS or not has_body):
                retried_gateway = True
                what = f"{type(reply.error).__name__}" if reply.error is not None else f"HTTP {reply.status}"
                again = self._retry_once(attempt)
                if again.error is None and again.status not in GATEWAY_STATUSES:
                    with self.log.lock:
                        self.log.flaky.append(f"{method} {url}: {what}, then HTTP {again.status} on the retry")
                reply = again
                if reply.error is None and self._is_throttle(reply):
                    throttles += 1
                    self._throttled(reply, throttles, f"{method} {url}")
                    continue
            if reply.error is not None:
                raise reply.error
            assert reply.answer is not None
            self._speed_up()
            return reply.answer

    def check_budget(self) -> None:
        """Stop the run when its time budget is spent."""
        if self._clock() > self._deadline:
            raise OutOfTime(f"the run did not finish within CONTRACT_TIME_BUDGET={self._budget_s:g} s "
                            f"({self.log.summary()})")

    @staticmethod
    def _is_throttle(reply: Reply[Answer]) -> bool:
        return reply.status == 429 or (reply.status == 503 and reply.retry_after is not None)

    def _retry_once(self, attempt: Callable[[], Reply[Answer]]) -> Reply[Answer]:
        self._wait_for_turn()
        return attempt()

    def _throttled(self, reply: Reply[Answer], in_a_row: int, what: str) -> None:
        wait = retry_after_seconds(reply.retry_after)
        wait = min(2.0 ** (in_a_row - 1) * 0.5, 8.0) if wait is None else wait
        with self.log.lock:
            self.log.throttled += 1
            if self.log.first_throttled is None:
                self.log.first_throttled = f"{what} answered HTTP {reply.status}, Retry-After {reply.retry_after!r}"
        if in_a_row > MOST_THROTTLES_IN_A_ROW or wait > LONGEST_WAIT_S:
            raise OutOfTime(f"the target kept throttling ({what}: HTTP {reply.status} {in_a_row} times in a row, "
                            f"Retry-After {reply.retry_after!r}); {self.log.summary()}")
        if self._clock() + wait > self._deadline:
            raise OutOfTime(f"throttling keeps the run from finishing within CONTRACT_TIME_BUDGET={self._budget_s:g} s"
                            f" ({what} asks to wait {wait:g} s more; {self.log.summary()})")
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + wait)
            self._slow_down()
        with self.log.lock:
            self.log.waited_s += wait

    def _speed_up(self) -> None:
        """After 50 answers without a throttle, 10% faster again (never past the user's cap)."""
        with self._lock:
            self._answered_since_throttle += 1
            if self.max_rps is None or self.max_rps == self.user_cap or self._answered_since_throttle < 50:
                return
            self._answered_since_throttle = 0
            faster = self.max_rps * 1.1
            self.max_rps = min(faster, self.user_cap) if self.user_cap else faster

    def _slow_down(self) -> None:
        """After a throttled answer, send at most 70% of the recent rate (and never faster than before)."""
        now = self._clock()
        recent = [t for t in self._recent if now - t <= 2.0]
        observed = len(recent) / 2.0 if len(recent) >= 2 else 1.0
        slower = max(0.5, observed * 0.7)
        self._answered_since_throttle = 0
        self.max_rps = slower if self.max_rps is None else max(0.5, min(self.max_rps, slower))

    def _wait_for_turn(self) -> None:
        self.check_budget()
        with self._lock:
            now = self._clock()
            start = max(now, self._paused_until, self._next_slot)
            interval = 1.0 / self.max_rps if self.max_rps else 0.0
            self._next_slot = start + interval
            self._recent.append(start)
        if start > now:
            self._sleep(start - now)
