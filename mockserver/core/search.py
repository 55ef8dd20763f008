"""Viewer search: a literal, case-insensitive substring of name, surname or username.

Case-insensitive means Unicode case folding, so "ayşe" finds "AYŞE" and "ilker" finds "İlker". All
names of a stream are folded once into one byte string of fixed-width records, so a search is one
C-speed scan, and every hit becomes a record number by a division in C (no Python step per hit). A large
audience also gets an n-gram filter (mockserver.core.ngrams) that sets aside most records that cannot
hold a term, so that only the rest are tested. Either way the results are exactly those of a full scan.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, compress, repeat

from mockserver.core.ngrams import NgramFilter

_FIELD_END = "\x1f"
_RECORD_END = "\x1e"
_PADDING = _RECORD_END.encode()
_ENCODING = "utf-8"
_ERRORS = "surrogatepass"  # a fixtures file may hold a lone surrogate; it is searched as any other letter
_CACHED_TERMS = 1024
_CACHED_POSITIONS = 8_000_000  # about 64 MB of results at most
# Records are padded to one width unless that would more than double the text (one very long name).
_MAX_PADDING_RATIO = 2.0
# A hit costs about a fifth of a microsecond in C, testing one record about 60 ns, and the scan itself
# about 20 ns a record: past about a hit for every four records, testing every record is faster.
_RECORD_SCAN_ABOVE = 0.25
_SAMPLED_RECORDS = 50_000
_FILTER_COST = 3  # filtering a kept result costs about three times a scan's cost per record
# From this many records a search is worth an n-gram filter (about 1 s to build for a million records);
# testing what it lets through beats a scan while that is under about a sixth of the records.
NGRAM_FILTER_FROM = 50_000
_TESTED_AT_MOST = 0.15


def fold(text: str) -> str:
    """Fold text for caseless matching: NFC, Unicode case folding, and one i for the four Turkish i's.

    Turkish pairs I with ı and İ with i; other languages pair I with i. Folding all four to i lets
    "YILMAZ" find "Yılmaz" and "ilker" find "İlker", whichever keyboard typed the term.
    """
    if text.isascii():
        return text.lower()  # the same as the steps below, for ASCII
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return folded.replace("i\u0307", "i").replace("ı", "i")


def is_blank(term: str | None) -> bool:
    """A missing, empty or all-whitespace search term filters nothing."""
    return term is None or not term.strip()


def _folded_records(names: Iterable[tuple[str, str, str]]) -> tuple[str, ...]:
    """Each viewer's folded name, surname and username, joined by _FIELD_END, with no Python step per viewer:
    names and surnames repeat, so each is folded once; usernames do not, so they are folded as one text."""
    people = names if isinstance(names, Sequence) else list(names)
    if not people:
        return ()
    first_names, surnames, usernames = (list(map(operator.itemgetter(field), people)) for field in range(3))
    folded = {text: fold(text) for text in {*first_names, *surnames}}
    return tuple(map(_FIELD_END.join, zip(map(folded.__getitem__, first_names), map(folded.__getitem__, surnames),
                                          _folded_each(usernames), strict=True)))


def _folded_each(texts: Sequence[str]) -> list[str]:
    """fold() of each text: of all at once when no text holds the separator (folding works letter by letter,
    and the separator blocks every combination of letters, so the result is the same)."""
    text = _RECORD_END.join(texts)
    if text.count(_RECORD_END) == len(texts) - 1:
        return fold(text).split(_RECORD_END)
    return list(map(fold, texts))


class SearchIndex:
    """The folded names of one audience, in audience order.

    Two forms of the same text: one UTF-8 byte string of all records, each padded to the same width,
    where a term's hits are found by one C-speed regular-expression scan for the literal and turned
    into record numbers by integer division (a match in UTF-8 bytes is a match in the text: no
    letter's bytes start inside another's), and a list of the records, where a term most records
    hold is tested record by record in C.
    """

    def __init__(self, names: Iterable[tuple[str, str, str]], *, ngram_filter_from: int = NGRAM_FILTER_FROM) -> None:
        # A tuple, not a list: a tuple of strings drops out of the garbage collector's passes, which would
        # otherwise walk a million records each time.
        self._records = _folded_records(names)
        encoded = list(map(str.encode, self._records, repeat(_ENCODING), repeat(_ERRORS)))
        width = max(map(len, encoded), default=0) + 1  # at least one padding byte: no hit spans two records
        text_size = sum(map(len, encoded)) + len(encoded)
        self._width = width if width * len(encoded) <= _MAX_PADDING_RATIO * text_size else 0
        if self._width:
            self._haystack = b"".join(map(bytes.ljust, encoded, repeat(width), repeat(_PADDING)))
            self._starts = array("q")
        else:
            self._haystack = _PADDING.join(encoded) + _PADDING
            self._starts = array("q", accumulate(map(len, encoded[:-1]), lambda start, size: start + size + 1,
                                                 initial=0) if encoded else ())
        self._ngrams = (NgramFilter(self._haystack, self._width, len(encoded))
                        if len(encoded) >= ngram_filter_from and self._width >= 3 else None)
        self._cache: OrderedDict[str, Sequence[int]] = OrderedDict()  # the terms searched last, for their next pages
        self._cached_positions = 0

    def __len__(self) -> int:
        return len(self._records)

    def positions(self, term: str) -> Sequence[int]:
        """Audience positions whose name, surname or username contains the term, in order."""
        needle = fold(term)
        cached = self._cache.get(needle)
        if cached is not None:
            self._cache.move_to_end(needle)
            return cached
        narrower = self._cached_part_of(needle)
        found = self._filter(narrower, needle) if narrower is not None else self._scan(needle)
        self._cache[needle] = found
        self._cached_positions += len(found)
        while len(self._cache) > _CACHED_TERMS or self._cached_positions > _CACHED_POSITIONS:
            _, dropped = self._cache.popitem(last=False)
            self._cached_positions -= len(dropped)
        return found

    def _cached_part_of(self, needle: str) -> Sequence[int] | None:
        """The smallest kept result of a term inside this one (typing "ay", then "ayş"), when it is worth
        filtering: every record that holds "ayş" holds "ay", so filtering that result is exact."""
        best: Sequence[int] | None = None
        for term, found in self._cache.items():
            if term in needle and (best is None or len(found) < len(best)):
                best = found
        return best if best is not None and len(best) * _FILTER_COST < len(self._records) else None

    def _filter(self, candidates: Sequence[int], needle: str) -> Sequence[int]:
        """The candidates whose record holds the term, tested in C."""
        records = map(self._records.__getitem__, candidates)
        return array("l", compress(candidates, map(operator.contains, records, repeat(needle))))

    def _scan(self, needle: str) -> Sequence[int]:
        if not needle:
            return array("l", range(len(self._records)))
        if _FIELD_END in needle or _RECORD_END in needle:
            return array("l")
        pattern = needle.encode(_ENCODING, _ERRORS)
        if self._ngrams is not None:
            candidates = self._ngrams.candidates(pattern)
            if candidates is not None and len(candidates) <= _TESTED_AT_MOST * len(self._records):
                return self._filter(candidates, needle)
        if self._expected_hits(pattern) > _RECORD_SCAN_ABOVE * len(self._records):
            return self._record_scan(needle)
        hits = map(re.Match.start, re.compile(re.escape(pattern)).finditer(self._haystack))  # all in C
        return array("l", dict.fromkeys(self._record_numbers(hits)))

    def _record_numbers(self, offsets: Iterable[int]) -> Iterator[int]:
        """The record each byte offset falls in, in C: a division when records have one width."""
        if self._width:
            return map(operator.floordiv, offsets, repeat(self._width))
        after: Callable[[Sequence[int], int], int] = bisect_right
        return map(operator.sub, map(after, repeat(self._starts), offsets), repeat(1))

    def _expected_hits(self, pattern: bytes) -> float:
        """The term's hits in the whole audience, extrapolated from its count in the first records."""
        sampled = min(len(self._records), _SAMPLED_RECORDS)
        if sampled == len(self._records):
            return 0.0  # small audiences: the plain scan is always fast
        end = sampled * self._width if self._width else self._starts[sampled]
        return self._haystack.count(pattern, 0, end) * len(self._records) / sampled

    def _record_scan(self, needle: str) -> Sequence[int]:
        """Every record tested in C: slower for a rare term, far faster for one that most records hold."""
        hits = map(operator.contains, self._records, repeat(needle))
        return array("l", compress(range(len(self._records)), hits))
