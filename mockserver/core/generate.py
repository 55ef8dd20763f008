"""Deterministic viewers: name pools drawn once from Faker, every viewer derived from its position.

Plain Faker costs about a hundred microseconds a viewer; drawing pools once and deriving each viewer
from a 64-bit hash of (seed, stream, position) costs a few microseconds, keeps a million-viewer stream
cheap, and makes the data a pure function of the seed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from faker import Faker

from mockserver.core.model import ProfilePhoto, Viewer

_MASK64 = (1 << 64) - 1
_POOL_SIZE = 400
_TURKISH_SHARE = 150  # out of 256: the audience is mostly Turkish, partly international
_PHOTO_SHARE = 218  # out of 256: most viewers have a profile photo
_EXPERTISE_SHARE = 200  # out of 256: most viewers have set an expertise; the rest are served null
_EXPERTISE_SALT = 0x657870  # "exp"
_ASCII_FOLD = str.maketrans({"ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u", "â": "a", "î": "i"})
_USERNAME_SEPARATORS = ("", ".", "_")
_ACCOUNTS_FROM_S = 1_546_300_800  # 2019-01-01: accounts were created between this day
_ACCOUNTS_SPAN_S = 6 * 365 * 86_400  # ... and six years later
_PHOTO_HOSTS = ("https://example.com/uploads/images", "https://cdn.example.com/profiles")


def mix64(value: int) -> int:
    """SplitMix64's finaliser: a fast, well-spread 64-bit hash of an integer."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK64
    return value ^ (value >> 31)


def stream_key(seed: int, stream_id: str) -> int:
    """The hash key of one stream under one seed."""
    return mix64(mix64(seed & _MASK64) ^ int(stream_id, 16) & _MASK64)


@lru_cache(maxsize=8192)  # names come from small pools: each is converted once
def username_part(text: str) -> str:
    """A name as it appears in a username: lower-case ASCII letters and digits."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_ASCII_FOLD))
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


@dataclass(frozen=True)
class LocalePool:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


@dataclass(frozen=True)
class NamePools:
    turkish: LocalePool
    international: LocalePool
    expertise: tuple[str, ...]

    @classmethod
    def draw(cls, seed: int) -> NamePools:
        """Draw every pool from Faker once, seeded, so that a seed always gives the same people."""
        fake = Faker(["tr_TR", "en_US"])
        fake.seed_instance(seed)

        def pool(locale: str) -> LocalePool:
            local = fake[locale]
            return LocalePool(
                first_names=_unique([local.first_name() for _ in range(_POOL_SIZE)]),
                last_names=_unique([local.last_name() for _ in range(_POOL_SIZE)]),
            )

        jobs = [fake["en_US"].job().split(",")[0].lower() for _ in range(_POOL_SIZE // 2)]
        return cls(turkish=pool("tr_TR"), international=pool("en_US"), expertise=_unique(jobs))


@lru_cache(maxsize=4)
def name_pools(seed: int) -> NamePools:
    """The name pools of a seed, drawn once per process."""
    return NamePools.draw(seed)


def _object_id(epoch_s: int, entropy: int, counter: int) -> str:
    """A MongoDB-shaped ObjectId: 4 bytes of time, 5 of entropy, 3 of counter."""
    return f"{epoch_s & 0xFFFFFFFF:08x}{entropy & 0xFFFFFFFFFF:010x}{counter & 0xFFFFFF:06x}"


class GeneratedAudience:
    """The audience of one stream, every viewer derived on demand from its position.

    Position 0 is the newest joiner; join times fall strictly with the position, so the positions
    are already the audience order (newest first, ties by id never arise).
    """

    def __init__(self, *, key: int, size: int, pools: NamePools, newest_join_ms: int, span_ms: int) -> None:
        self._key = key
        self._size = size
        self._pools = pools
        self._newest_join_ms = newest_join_ms
        self._gap_ms = max(1, span_ms // max(size, 1))

    def __len__(self) -> int:
        return self._size

    def searchable_names(self) -> Sequence[tuple[str, str, str]]:
        key, pools = self._key, self._pools
        return [viewer_names(pools, position, mix64(key ^ position)) for position in range(self._size)]

    def viewer(self, position: int) -> Viewer:
        """The viewer at a position, derived each time (a few microseconds): what is served is kept by the
        page renderer, as JSON, and a cache of viewer objects here would only lengthen garbage collection."""
        if not 0 <= position < self._size:
            raise IndexError(position)
        draw = mix64(self._key ^ position)
        joined_at_ms = self._newest_join_ms - position * self._gap_ms - (draw >> 48) % self._gap_ms
        return derive_viewer(self._pools, draw, position, joined_at_ms)


def viewer_names(pools: NamePools, serial: int, draw: int) -> tuple[str, str, str]:
    """Name, surname and username of the viewer with this serial number and 64-bit draw."""
    pool = pools.turkish if draw & 0xFF < _TURKISH_SHARE else pools.international
    name = pool.first_names[(draw >> 8) % len(pool.first_names)]
    surname = pool.last_names[(draw >> 24) % len(pool.last_names)]
    separator = _USERNAME_SEPARATORS[(draw >> 40) % len(_USERNAME_SEPARATORS)]
    username = f"{username_part(name)}{separator}{username_part(surname)}{serial + 1}"
    return name, surname, username


def derive_viewer(pools: NamePools, draw: int, serial: int, joined_at_ms: int) -> Viewer:
    """A viewer from a 64-bit draw; the serial (unique in its stream) makes the id and username unique."""
    detail = mix64(draw)
    name, surname, username = viewer_names(pools, serial, draw)
    account_s = _ACCOUNTS_FROM_S + (detail >> 32) % _ACCOUNTS_SPAN_S
    viewer_id = _object_id(account_s, detail, serial)
    return Viewer(
        id=viewer_id,
        username=username,
        name=name,
        surname=surname,
        profile_photo=_photo(viewer_id, account_s, detail) if detail & 0xFF < _PHOTO_SHARE else None,
        followers_count=_skewed_count(detail >> 8, 13.0),
        following_count=_skewed_count(detail >> 24, 9.0),
        expertise=pools.expertise[(detail >> 40) % len(pools.expertise)]
        if mix64(detail ^ _EXPERTISE_SALT) & 0xFF < _EXPERTISE_SHARE else None,
        joined_at_ms=joined_at_ms,
    )


def _photo(viewer_id: str, account_s: int, detail: int) -> ProfilePhoto:
    photo_draw = mix64(detail)
    created_s = account_s + photo_draw % (90 * 86_400)
    photo_id = _object_id(created_s, photo_draw >> 16, photo_draw >> 40)
    host, cdn = _PHOTO_HOSTS
    return ProfilePhoto(
        id=photo_id,
        url=f"{host}/{photo_id}.jpg",
        variants={size: f"{cdn}/{viewer_id}/{size}.webp" for size in ("40", "76")},
        created_at_ms=created_s * 1000,
        updated_at_ms=(created_s + (photo_draw >> 24) % 86_400) * 1000,
    )


def _skewed_count(bits: int, scale: float) -> int:
    """A count most viewers have little of and a few have much of, from 16 bits of a hash."""
    fraction = (bits & 0xFFFF) / 0xFFFF
    return int(2.0 ** (fraction**1.5 * scale)) - 1
