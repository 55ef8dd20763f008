"""A filter that sets aside, in a few milliseconds, most records of a large audience that cannot hold a term.

Each record's byte bigrams and trigrams are hashed into 256 buckets and kept as 256 bit-planes over the
records: plane b has record r's bit set when some bigram or trigram of r falls in bucket b (32 MB for a
million records). A record that holds a term holds every bigram and trigram of it, so it is among the
records whose bits are set in every plane of the term's own buckets: an AND of a few planes. The filter
never sets aside a record that holds the term; the few it lets through that do not are tested exactly
by the caller. Built with NumPy (imported only for audiences large enough to need the filter).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

_BUCKETS = 256
_TABLE_SEED = 20_261_129  # fixed: the same records always give the same planes
_BLOCK = 8192  # records hashed at once: their scratch bits (2 MB) stay in the processor's cache


class NgramFilter:
    """The bit-planes of fixed-width records, and the records that may hold a term."""

    def __init__(self, haystack: bytes, width: int, count: int) -> None:
        import numpy as np

        if width < 3 or len(haystack) != width * count:
            raise ValueError(f"{count} records of {width} bytes cannot come from {len(haystack)} bytes")
        self._count = count
        self._tables = np.random.default_rng(_TABLE_SEED).integers(0, _BUCKETS, size=(3, 256), dtype=np.uint8)
        records = np.frombuffer(haystack, np.uint8).reshape(count, width)
        self._planes = np.zeros((_BUCKETS, (count + 7) // 8), np.uint8)
        for start in range(0, count, _BLOCK):  # _BLOCK is a multiple of 8: each block fills whole bytes
            block = records[start : start + _BLOCK]
            bigrams, trigrams = self._buckets(block)
            size = len(block)
            seen = np.zeros((_BUCKETS, size), np.bool_)
            rows = np.arange(size, dtype=np.int32)[:, None]
            seen.ravel()[(bigrams.astype(np.int32) * size + rows).ravel()] = True
            seen.ravel()[(trigrams.astype(np.int32) * size + rows).ravel()] = True
            self._planes[:, start // 8 : (start + size + 7) // 8] = np.packbits(seen, axis=1)

    def _buckets(self, records: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
        """Tabulation hashes of every bigram and trigram of each row: three random tables, XORed."""
        first, second, third = (table[records] for table in self._tables)
        bigrams = first[:, :-1] ^ second[:, 1:]
        return bigrams, bigrams[:, :-1] ^ third[:, 2:]

    def candidates(self, pattern: bytes) -> Sequence[int] | None:
        """The records that may hold the pattern, in order; None for a pattern shorter than two bytes."""
        import numpy as np

        if len(pattern) < 2:
            return None
        bigrams, trigrams = self._buckets(np.frombuffer(pattern, np.uint8)[None, :])
        buckets = sorted({*bigrams.ravel().tolist(), *trigrams.ravel().tolist()})
        held_by = np.bitwise_and.reduce(self._planes[buckets], axis=0)
        found: list[int] = np.flatnonzero(np.unpackbits(held_by, count=self._count)).tolist()
        return found
