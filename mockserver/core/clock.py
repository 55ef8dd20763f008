"""The mock's clock: whole seconds since its second 0, and the instant each second stands for.

By default second 0 is the top of the UTC hour the mock started in, standing for itself: every mock
started in that hour (two replicas behind a load balancer, two workers, a restart) is at the same
second at the same instant, so they serve the same audience. With `--clock` second 0 is the moment
the mock started, standing for the instant given, so a restart replays the same seconds.
Every worker is given the parent's start, so all of them agree on the current second.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

_DURATION = re.compile(r"(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s?)?")
ANCHOR_MS = 3_600_000  # without --clock, second 0 is the top of the UTC hour the mock started in


def wall_clock_ms() -> int:
    """Milliseconds since the epoch, now."""
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class MockClock:
    """Second 0 stands for `start_ms` and began at wall-clock `started_wall_ms`; the mock itself started at
    second `opened_second` (0 with `--clock`; with the default anchor, the seconds past the hour)."""

    start_ms: int
    started_wall_ms: int
    opened_second: int = 0
    anchored: bool = False  # second 0 is the top of an hour standing for itself, not an instant --clock gave
    now_ms: Callable[[], int] = field(default=wall_clock_ms, compare=False, repr=False)

    @classmethod
    def starting(cls, started_wall_ms: int, start_ms: int | None = None) -> MockClock:
        """The clock of a mock started at `started_wall_ms`: second 0 is then, standing for `start_ms` (--clock),
        or, without one, the top of that UTC hour, standing for itself."""
        if start_ms is not None:
            return cls(start_ms=start_ms, started_wall_ms=started_wall_ms)
        anchor = started_wall_ms - started_wall_ms % ANCHOR_MS
        return cls(start_ms=anchor, started_wall_ms=anchor, opened_second=(started_wall_ms - anchor) // 1000,
                   anchored=True)

    @classmethod
    def starting_now(cls, start_ms: int | None = None) -> MockClock:
        """The clock of a mock starting now."""
        return cls.starting(wall_clock_ms(), start_ms)

    def second(self) -> int:
        """The current second of the clock (0 during its first second)."""
        return max(0, (self.now_ms() - self.started_wall_ms) // 1000)

    def instant_ms(self, second: int) -> int:
        """The instant (milliseconds since the epoch) a second of the clock stands for."""
        return self.start_ms + second * 1000

    def end_second(self, lasts_s: int) -> int:
        """The second a stream that lasts `lasts_s` from the mock's start ends at."""
        return self.opened_second + lasts_s


MAX_DURATION_S = 8760 * 3600  # a year: the end of a stream stays a date the API can print


def parse_duration(text: str) -> int:
    """Seconds from `900`, `90s`, `15m`, `1h` or `1h30m`; ValueError when it is none of these."""
    compact = text.strip().lower().replace(" ", "")
    match = _DURATION.fullmatch(compact)
    if not compact or not match or not any(match.groups()):
        raise ValueError("not a duration (e.g. 900, 90s, 15m, 1h30m)")
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def format_duration(seconds: int) -> str:
    """`15m`, `1h30m`, `45s`: the short form of a duration."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s" if secs else ""]
    return "".join(parts) or "0s"
