"""The mock's clock: whole seconds since it started, and the instant each second stands for.

Every worker is given the same start (the instant second 0 stands for, and the wall-clock moment it
began), so all of them agree on the current second, and a restart with the same `--clock` replays
the same seconds.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

_DURATION = re.compile(r"(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s?)?")


def wall_clock_ms() -> int:
    """Milliseconds since the epoch, now."""
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class MockClock:
    """Second 0 stands for `start_ms` and began at wall-clock `started_wall_ms`."""

    start_ms: int
    started_wall_ms: int
    now_ms: Callable[[], int] = field(default=wall_clock_ms, compare=False, repr=False)

    @classmethod
    def starting_now(cls, start_ms: int | None = None) -> MockClock:
        """A clock whose second 0 is now, standing for `start_ms` (default: now)."""
        now = wall_clock_ms()
        return cls(start_ms=now if start_ms is None else start_ms, started_wall_ms=now)

    def second(self) -> int:
        """The current second of the clock (0 during its first second)."""
        return max(0, (self.now_ms() - self.started_wall_ms) // 1000)

    def instant_ms(self, second: int) -> int:
        """The instant (milliseconds since the epoch) a second of the clock stands for."""
        return self.start_ms + second * 1000


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
