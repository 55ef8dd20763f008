"""Viewer search: a literal, case-insensitive substring of name, surname or username.

Case-insensitive means Unicode case folding, so "ayşe" finds "AYŞE" and "ilker" finds "İlker". All
names of a stream are folded once into one string, so a search is one C-speed `str.find` scan per hit
rather than a Python loop over every viewer, and its results are exactly those of a full scan.
"""

from __future__ import annotations

import unicodedata
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Sequence

_FIELD_END = "\x1f"
_RECORD_END = "\x1e"
_CACHED_TERMS = 64


def fold(text: str) -> str:
    """Fold text for caseless matching: NFC, Unicode case folding, and one i for the four Turkish i's.

    Turkish pairs I with ı and İ with i; other languages pair I with i. Folding all four to i lets
    "YILMAZ" find "Yılmaz" and "ilker" find "İlker", whichever keyboard typed the term.
    """
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return folded.replace("i\u0307", "i").replace("ı", "i")


def is_blank(term: str | None) -> bool:
    """A missing, empty or all-whitespace search term filters nothing."""
    return term is None or not term.strip()


class SearchIndex:
    """The folded names of one audience, in audience order."""

    def __init__(self, names: Iterable[tuple[str, str, str]]) -> None:
        records: list[str] = []
        starts = array("q")
        offset = 0
        for name, surname, username in names:
            record = f"{fold(name)}{_FIELD_END}{fold(surname)}{_FIELD_END}{fold(username)}{_RECORD_END}"
            starts.append(offset)
            offset += len(record)
            records.append(record)
        self._haystack = "".join(records)
        self._starts = starts
        self._cache: OrderedDict[str, Sequence[int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._starts)

    def positions(self, term: str) -> Sequence[int]:
        """Audience positions whose name, surname or username contains the term, in order."""
        needle = fold(term)
        cached = self._cache.get(needle)
        if cached is not None:
            self._cache.move_to_end(needle)
            return cached
        found = self._scan(needle)
        self._cache[needle] = found
        if len(self._cache) > _CACHED_TERMS:
            self._cache.popitem(last=False)
        return found

    def _scan(self, needle: str) -> Sequence[int]:
        if not needle:
            return array("l", range(len(self._starts)))
        if _FIELD_END in needle or _RECORD_END in needle:
            return array("l")
        haystack, starts = self._haystack, self._starts
        record_count = len(starts)
        found = array("l")
        hit = haystack.find(needle)
        while hit != -1:
            position = bisect_right(starts, hit) - 1
            found.append(position)
            if position + 1 >= record_count:
                break
            hit = haystack.find(needle, starts[position + 1])
        return found
