"""How a correct backend may compare a search term with a name: the collations the suite accepts.

The documentation says only that the search covers name, surname and username. Whether case and accents
count is the database's collation: a page of results is sound when all its viewers match the term under
one collation a backend may use (a backend has one), and a viewer must be found by a term that matches it
under every one of them. A term that matches everybody under none of them (`¯` folded to nothing) stays a
bug under all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from contract_tests.registry.documented_rules import fold

SEARCHED_FIELDS = ("name", "surname", "username")
# Letters that accent-insensitive collations fold to a base letter although Unicode gives them no decomposition.
_BASE_LETTERS = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe", "þ": "th"})


def _accents_off(text: str) -> str:
    """Marks dropped and compatibility forms taken apart (`ş` s, `ﬁ` fi), as unaccent and ICU folding do; a
    character that would come apart into nothing or a space (a spacing macron `¯`) is kept as it is."""
    kept = []
    for character in text:
        if unicodedata.combining(character):
            continue
        bare = "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))
        kept.append(bare if bare and not bare.isspace() else character)
    return "".join(kept)


def _unicode(text: str) -> str:
    return fold(text)


def _lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _upper(text: str) -> str:
    return unicodedata.normalize("NFC", text).upper()


def _accent_insensitive(text: str) -> str:
    return _accents_off(fold(text).translate(_BASE_LETTERS))


def _general_ci(text: str) -> str:
    return _accents_off(_lower(text).replace("ß", "s").translate(_BASE_LETTERS))


# name -> (what uses it, the folding both sides go through before a substring test)
COLLATIONS: dict[str, tuple[str, Callable[[str], str]]] = {
    "unicode": ("Unicode case folding with the Turkish i's as one (the mock)", _unicode),
    "lower": ("per-letter lower case: PostgreSQL ILIKE, MongoDB $regex with i, JavaScript toLowerCase", _lower),
    "upper": ("per-letter upper case: Spring Data's IgnoreCase (upper(x) LIKE upper(?))", _upper),
    "accent": ("accent- and case-insensitive: MySQL utf8mb4_unicode_ci, PostgreSQL unaccent + ILIKE, "
               "Elasticsearch ICU folding (ş s, ı İ I i, ö o)", _accent_insensitive),
    "general_ci": ("MySQL utf8mb4_general_ci: accents off, ß is one s", _general_ci),
}


def _texts(viewer: dict[str, Any], full_name: bool) -> list[str]:
    texts = [viewer[key] for key in SEARCHED_FIELDS if isinstance(viewer.get(key), str)]
    if full_name and isinstance(viewer.get("name"), str) and isinstance(viewer.get("surname"), str):
        texts.append(f"{viewer['name']} {viewer['surname']}")
    return texts


def matches_under(collation: str, term: str, viewer: dict[str, Any], *, full_name: bool = True) -> bool:
    """Whether the viewer holds the term under this collation (by a field, or by its full name when allowed)."""
    folding = COLLATIONS[collation][1]
    needle = folding(term)
    return bool(needle) and any(needle in folding(text) for text in _texts(viewer, full_name))


def sound_under(terms: Iterable[str], viewers: list[dict[str, Any]]) -> tuple[str, str] | None:
    """A (collation, term reading) under which every viewer matches, or None: then no correct backend could
    have answered these viewers."""
    for term in terms:
        for collation in COLLATIONS:
            if all(matches_under(collation, term, viewer) for viewer in viewers):
                return collation, term
    return None


def found_under_every(term: str, text: str) -> bool:
    """Whether a field's value holds the term under every collation: only such a term may be required to find
    the viewer (a PostgreSQL ILIKE does not find "Yılmaz" by "YILMAZ": lower('I') is i, not ı)."""
    for _, folding in COLLATIONS.values():
        needle = folding(term)
        if not needle or needle not in folding(text):
            return False
    return True


def found_by_the_mock_only(term: str, text: str) -> bool:
    """Whether the mock's collation (the first listed) finds the term in a field's value and some other collation
    does not: a correct backend may miss the viewer by it, and then takes another reading than the mock."""
    mock_folding = next(iter(COLLATIONS.values()))[1]
    needle = mock_folding(term)
    return bool(needle) and needle in mock_folding(text) and not found_under_every(term, text)


def matching_collations(term: str, viewer: dict[str, Any]) -> list[str]:
    return [name for name in COLLATIONS if matches_under(name, term, viewer)]
