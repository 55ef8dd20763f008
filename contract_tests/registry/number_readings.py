"""How a correct backend may read `page` and `limit`: the values it may serve, and whether it may refuse.

The documentation types both as `number`, page from 1, limit from 1 to 100 (default 1 and 20), and lists a
400 "Validation failed". What a backend does with a value outside that is its framework's default: NestJS
pipes and FastAPI refuse it (400), Spring's Pageable and kaminari clamp it into the range, Laravel reads an
unparseable page as 1, JavaScript's parseInt reads "1.5" as 1 and Number reads "1e1" as 10. Each is a
reading; what no reading allows is an answer that serves another value than every reading gives (a
`limit=101` served as 101 viewers), or a refusal of a value inside the range.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_DIGITS = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_LEADING_INTEGER = re.compile(r"\s*([+-]?[0-9]+)")


@dataclass(frozen=True)
class NumberReading:
    """What a request's `page` or `limit` may be read as."""

    values: frozenset[int]  # the numbers a backend may serve it as
    refusable: bool  # whether a 400 is right for it

    @property
    def valid(self) -> bool:
        return not self.refusable


def read_number(raw: str | None, *, default: int, maximum: int | None = None) -> NumberReading:
    """The readings of one value of page (maximum None) or limit (maximum the documented one)."""
    if raw is None:
        return NumberReading(frozenset({default}), refusable=False)
    text = raw.strip()
    if _DIGITS.fullmatch(raw):
        number = int(raw)
        if number >= 1 and (maximum is None or number <= maximum):
            return NumberReading(frozenset({number}), refusable=False)
        return NumberReading(frozenset({_clamped(number, maximum), default}), refusable=True)
    candidates: set[int] = {default}  # an unparseable value read as absent (Spring, Laravel)
    if _NUMBER.fullmatch(text):
        value = float(text)
        if math.isfinite(value):
            candidates.add(_clamped(math.trunc(value), maximum))  # Number, then (int) or Math.trunc
    leading = _LEADING_INTEGER.match(raw)
    if leading:
        candidates.add(_clamped(int(leading.group(1)), maximum))  # parseInt("1e3") is 1
    return NumberReading(frozenset(candidates), refusable=True)


def _clamped(number: int, maximum: int | None) -> int:
    return max(1, number if maximum is None else min(number, maximum))


def echoes(received: object, reading: NumberReading) -> bool:
    """Whether the answer's currentPage or itemsPerPage is one of the reading's values: exactly, or past
    2**53 as its nearest double (a backend whose numbers are JavaScript's), or written as 20.0 or 2e1."""
    if isinstance(received, bool) or not isinstance(received, int | float):
        return False
    if isinstance(received, float) and not (math.isfinite(received) and received == int(received)):
        return False
    return any(received == value or (abs(value) > 2**53 and float(received) == float(value))
               for value in reading.values)
