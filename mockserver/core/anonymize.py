"""Anonymizing recorded viewers: other names in the same script, the same everything else.

Names, surnames, usernames and photos are replaced; ids, counts, join times (so ties and order)
stay. Each fake is drawn from Faker-made pools by a hash of the viewer's id, so the same person
gets the same fake every time, in every recording, without anything of the real name in it but
its script: a Turkish name (ç, ğ, ı, İ, ş...) gets a Turkish one, a Cyrillic name a Cyrillic one,
and a name with letters beyond ASCII gets one with such letters too, so a bug that needs odd
letters still reproduces.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from faker import Faker

from mockserver.core.generate import username_part

_POOL_SEED = 20260218  # changing it changes every fake: keep it
_POOL_DRAWS = 300
_PHOTO_HOST = "https://example.com/uploads/images"
_PHOTO_CDN = "https://cdn.example.com/profiles"

# The Latin letters that tell a language (first match wins), then whole scripts by their Unicode name.
_LATIN_LOCALES: tuple[tuple[str, str], ...] = (
    ("ğıİşĞŞ", "tr_TR"), ("əƏ", "az_AZ"), ("łąęśźżńćŁĄĘŚŹŻŃĆ", "pl_PL"), ("řěůčšžŘĚŮČŠŽ", "cs_CZ"),
    ("őűŐŰ", "hu_HU"), ("ãõÃÕ", "pt_BR"), ("åøæÅØÆ", "no_NO"), ("ñÑ", "es_ES"), ("ßäÄ", "de_DE"),
    ("çöüÇÖÜ", "tr_TR"), ("éèêëàâîïôûùÉÈÊÀÂÎÔÛ", "fr_FR"), ("áíóúÁÍÓÚ", "es_ES"),
)
_SCRIPT_LOCALES: Mapping[str, str] = {
    "CYRILLIC": "ru_RU", "GREEK": "el_GR", "ARABIC": "ar_AA", "HEBREW": "he_IL", "CJK": "zh_CN",
    "HIRAGANA": "ja_JP", "KATAKANA": "ja_JP", "HANGUL": "ko_KR", "DEVANAGARI": "hi_IN", "THAI": "th_TH",
}


def locale_of(text: str) -> str:
    """The Faker locale whose names are written like this text: its script, and for Latin its letters."""
    for char in text:
        if char.isalpha() and not char.isascii():
            script = unicodedata.name(char, "LATIN").split()[0]
            if script in _SCRIPT_LOCALES:
                return _SCRIPT_LOCALES[script]
    for letters, locale in _LATIN_LOCALES:
        if any(char in letters for char in text):
            return locale
    return "en_US"


@dataclass(frozen=True)
class _Pool:
    plain: tuple[str, ...]  # ASCII only
    marked: tuple[str, ...]  # with a letter beyond ASCII (the whole pool for non-Latin scripts)

    def pick(self, wants_marked: bool, draw: int) -> str:
        choices = (self.marked if wants_marked else self.plain) or self.plain or self.marked
        return choices[draw % len(choices)]


@cache
def _pools(locale: str) -> tuple[_Pool, _Pool]:
    """First names and last names of one locale, drawn once from Faker with a fixed seed."""
    fake = Faker(locale)
    fake.seed_instance(_POOL_SEED)

    def pool(draw: Any) -> _Pool:
        names = tuple(dict.fromkeys(name for name in (draw() for _ in range(_POOL_DRAWS)) if " " not in name))
        return _Pool(tuple(n for n in names if n.isascii()), tuple(n for n in names if not n.isascii()))

    return pool(fake.first_name), pool(fake.last_name)


def _draw(viewer_id: str, field: str) -> int:
    digest = hashlib.blake2b(f"{field}:{viewer_id.lower()}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def fake_name(viewer_id: str, real: str, *, surname: bool = False) -> str:
    """The fake first name (or surname) of this viewer, written like the real one."""
    if not real:
        return real
    first_names, last_names = _pools(locale_of(real))
    pool = last_names if surname else first_names
    return pool.pick(not real.isascii(), _draw(viewer_id, "surname" if surname else "name"))


def fake_username(viewer_id: str, real: str, name: str, surname: str) -> str:
    """A username made of the fake names and a number, ASCII when the real one is."""
    number = _draw(viewer_id, "username") % 100_000
    if real.isascii():
        return f"{username_part(name)}{username_part(surname)}{number}"
    return f"{name}{surname}".lower().replace(" ", "") + str(number)


def fake_photo(viewer_id: str, photo: Mapping[str, Any]) -> dict[str, Any]:
    """The photo record with its addresses replaced; its id, sizes and times kept."""
    variants = photo.get("variants")
    sizes = list(variants) if isinstance(variants, Mapping) else []
    return {**photo, "url": f"{_PHOTO_HOST}/{photo.get('_id')}.jpg",
            "variants": {size: f"{_PHOTO_CDN}/{viewer_id}/{size}.webp" for size in sizes}}


def anonymize_viewer(viewer: Mapping[str, Any]) -> dict[str, Any]:
    """A viewer record (as the API or a fixtures file has it) with other names, username and photo."""
    viewer_id = str(viewer["_id"])
    name = fake_name(viewer_id, str(viewer.get("name", "")))
    surname = fake_name(viewer_id, str(viewer.get("surname", "")), surname=True)
    anonymous = {**viewer, "name": name, "surname": surname,
                 "username": fake_username(viewer_id, str(viewer.get("username", "")), name, surname)}
    if isinstance(viewer.get("profilePhoto"), Mapping):
        anonymous["profilePhoto"] = fake_photo(viewer_id, viewer["profilePhoto"])
    return anonymous
