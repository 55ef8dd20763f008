"""Readings the documentation leaves open: the suite accepts every one a correct backend may take.

Each function here answers "is this allowed under some reading?", so that the checks fail only what no
reading allows. docs/reference/open-readings.md lists these points and how the suite treats each.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from contract_tests.registry.search_collations import sound_under

# String.prototype.trim() in JavaScript strips these besides Unicode's White_Space.
_JS_TRIMMED = "\ufeff"
_WHOLE = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _is_trimmed_space(character: str) -> bool:
    return character.isspace() or character in _JS_TRIMMED or unicodedata.category(character) == "Zs"


def trimmed(term: str) -> str:
    """The term without the leading and trailing whitespace any common backend trims."""
    start, end = 0, len(term)
    while start < end and _is_trimmed_space(term[start]):
        start += 1
    while end > start and _is_trimmed_space(term[end - 1]):
        end -= 1
    return term[start:end]


def search_readings(term: str) -> list[str]:
    """The terms a correct backend may search for when asked for `term`: as sent, or trimmed."""
    readings = [term]
    for candidate in (term.strip(), trimmed(term), term.strip(" ")):
        if candidate not in readings:
            readings.append(candidate)
    return readings


def may_be_no_filter(term: str) -> bool:
    """Whether some reading of the term is blank, so that an unfiltered answer is right."""
    return any(not reading.strip() or not trimmed(reading) for reading in search_readings(term))


def matches_a_reading(term: str, viewer: dict[str, Any]) -> bool:
    """Whether the viewer matches the term under some reading: trimmed or not, under some collation a backend
    may use (search_collations.py), by its name, surname, username, or its full name ("name surname"), which
    some backends search as one."""
    return sound_under(search_readings(term), [viewer]) is not None


def whole_number(raw: str | None, default: int) -> int | None:
    """The page or limit a request asks for: the default when absent or empty; the number a whole-number
    spelling denotes ("2", "2.0", "1e3"); None when it denotes no whole number ("1.5", "abc")."""
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if _WHOLE.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(text):
        value = float(text)
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return int(value)
    return None


def echoes_number(received: Any, requested: int) -> bool:
    """Whether `received` echoes the whole number asked for: exactly, or past 2**53 as its nearest double,
    which is what a backend whose numbers are doubles (JavaScript's Number, the documented `number`) holds."""
    if isinstance(received, bool) or not isinstance(received, int | float):
        return False
    if received == requested:
        return True
    return abs(requested) > 2**53 and float(received) == float(requested)


def is_open_spelling(raw: str) -> bool:
    """A value whose acceptance the documentation leaves open: empty, or a whole number spelled with a
    fraction or an exponent. The documentation types page and limit as `number`; the spec as integer."""
    return raw == "" or (whole_number(raw, 0) is not None and not _WHOLE.fullmatch(raw.strip()))
