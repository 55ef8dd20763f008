"""Who is watching at second t: a fixed base audience, plus a deterministic schedule of joins and leaves.

Every participant has a place `u` in one fixed order: joiner k (the k-th to join after the clock
started) is `-(k + 1)`, base viewer p is `p`; so ascending `u` is the audience order (newest first).
At any instant the audience is the places from `-joins` to the base size, minus those who left.

- Join k and leave m each fall at a drawn moment inside their own slot of `60 / rate` seconds, so
  how many happened by an instant is a division, whatever the audience size.
- Leave m takes someone present at its moment: half of the time one of the joiners still there (the
  pool of people who came during the stream, so leaves show on the first pages of any audience), else
  anyone present. Both draws are O(1) (a swap-remove list and a sparse Fisher-Yates array), and each
  leave is worked out once, in order, and kept: the audience at t is a pure function of the seed,
  the data and t, and costs nothing that grows with the audience.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import OrderedDict
from dataclasses import dataclass

from mockserver.core.generate import mix64
from mockserver.core.model import Churn

MAX_RATE_PER_MINUTE = 600
_JOIN_SALT = 0x4A4F494E  # "JOIN"
_LEAVE_SALT = 0x4C454156  # "LEAV"
_NOBODY = 1 << 62  # a leave that found nobody present
_KEPT_SNAPSHOTS = 8


class EventSchedule:
    """Event k of a rate falls at a drawn millisecond of its slot [k * 60000 / rate, (k + 1) * 60000 / rate)."""

    def __init__(self, key: int, per_minute: int) -> None:
        if not 0 <= per_minute <= MAX_RATE_PER_MINUTE:
            raise ValueError(f"{per_minute} per minute is outside 0 to {MAX_RATE_PER_MINUTE}")
        self._key = key
        self._rate = per_minute

    def moment_ms(self, k: int) -> int:
        """When event k happens, in milliseconds after the clock's start."""
        start = k * 60_000 // self._rate
        length = (k + 1) * 60_000 // self._rate - start
        return start + mix64(self._key ^ k) % length

    def count(self, until_ms: int) -> int:
        """How many events happened at or before a moment."""
        if self._rate == 0 or until_ms < 0:
            return 0
        k = until_ms * self._rate // 60_000
        while k > 0 and self.moment_ms(k - 1) > until_ms:
            k -= 1
        while self.moment_ms(k) <= until_ms:
            k += 1
        return k


@dataclass(frozen=True)
class Snapshot:
    """The audience at one second: joins so far and the sorted places of everyone who left."""

    second: int
    joins: int
    left: list[int]
    base_size: int

    def __len__(self) -> int:
        return self.joins + self.base_size - len(self.left)

    def first_places(self, start: int, limit: int) -> list[int]:
        """The places of the present participants at ranks start .. start + limit - 1."""
        return select_ranks(self.joins + self.base_size, self.left, start, limit, offset=self.joins,
                            first_place=-self.joins)


def select_ranks(length: int, removed: list[int], start: int, limit: int, *, offset: int = 0,
                 first_place: int = 0) -> list[int]:
    """Ranks start.. of a sequence of `length` places (`first_place` upwards) less the sorted `removed`.

    `removed[i] + offset` is the index of the i-th removed one; `removed[i] + offset - i` of them are
    present before it, so a rank is found by a bisection, not by a walk from the top.
    """
    skipped = bisect_right(range(len(removed)), start - offset, key=lambda i: removed[i] - i)
    index = start + skipped
    found: list[int] = []
    while len(found) < limit and index < length:
        if skipped < len(removed) and removed[skipped] + offset == index:
            skipped += 1
        else:
            found.append(index + first_place)
        index += 1
    return found


class Departures:
    """The leaves of one stream, each worked out once, in order, from who was present at its moment."""

    def __init__(self, key: int, churn: Churn, base_size: int) -> None:
        self.joins = EventSchedule(key ^ _JOIN_SALT, churn.joins_per_minute)
        self.leaves = EventSchedule(key ^ _LEAVE_SALT, churn.leaves_per_minute)
        self._key = key ^ _LEAVE_SALT ^ 0x5EED
        self._base_size = base_size
        self._victims: list[int] = []  # the place each leave took, or _NOBODY
        self._joiners_present: list[int] = []
        self._joined = 0
        self._base_present = base_size
        self._base_moved: dict[int, int] = {}  # sparse Fisher-Yates: slot -> base place, where not identity
        self._snapshots: OrderedDict[int, Snapshot] = OrderedDict()

    def snapshot(self, second: int) -> Snapshot:
        """The audience at a second of the clock (kept for the next requests of the same second)."""
        found = self._snapshots.get(second)
        if found is not None:
            self._snapshots.move_to_end(second)
            return found
        until_ms = second * 1000
        leaves = self.leaves.count(until_ms)
        self._work_out(leaves)
        earlier = max((s for s in self._snapshots.values() if s.second < second), key=lambda s: s.second,
                      default=None)
        if earlier is not None:
            left = list(earlier.left)
            done = self.leaves.count(earlier.second * 1000)
            for place in self._victims[done:leaves]:
                if place != _NOBODY:
                    insort(left, place)
        else:
            left = sorted(place for place in self._victims[:leaves] if place != _NOBODY)
        found = self._snapshots[second] = Snapshot(second, self.joins.count(until_ms), left, self._base_size)
        if len(self._snapshots) > _KEPT_SNAPSHOTS:
            self._snapshots.popitem(last=False)
        return found

    def _work_out(self, leaves: int) -> None:
        while len(self._victims) < leaves:
            m = len(self._victims)
            joined = self.joins.count(self.leaves.moment_ms(m))
            self._joiners_present.extend(range(self._joined, joined))
            self._joined = max(self._joined, joined)
            self._victims.append(self._draw(mix64(self._key ^ m)))

    def _draw(self, draw: int) -> int:
        joiners, base = len(self._joiners_present), self._base_present
        if joiners + base == 0:
            return _NOBODY
        pick = (draw >> 1) % joiners if joiners and draw & 1 else (draw >> 1) % (joiners + base)
        if pick < joiners:
            joiner = self._joiners_present[pick]
            last = self._joiners_present.pop()
            if pick < len(self._joiners_present):
                self._joiners_present[pick] = last
            return -(joiner + 1)
        slot = pick - joiners
        place = self._base_moved.get(slot, slot)
        last_slot = base - 1
        self._base_moved[slot] = self._base_moved.pop(last_slot, last_slot)
        if slot == last_slot:
            self._base_moved.pop(slot, None)
        self._base_present -= 1
        return place
