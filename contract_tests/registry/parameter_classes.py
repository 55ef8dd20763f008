"""What a request tried, in classes a person reads: boundaries, fractions, Unicode classes, long terms, deep
pages, each token attack. The run's summary counts its requests by these; one request may be in several."""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlsplit

from contract_tests.registry.documented_rules import paging_rules
from contract_tests.registry.open_readings import whole_number

LONG_TERM = 256  # characters from which a search term counts as long
DEEP_PAGE = 1000
_METACHARACTERS = set("%_*.?+[](){}|^$\\'\";")
_TURKISH = set("çğıöşüÇĞİÖŞÜâîû")
_NUMBER_SPELLING = re.compile(r"[+-]?([0-9]*\.[0-9]*|[0-9.]+[eE][+-]?[0-9]+)")

# The order the summary lists them in.
CLASSES = (
    "page: boundary (0, 1, negative)", "page: deep (over 1000)", "limit: boundary (0, 1, max, max + 1)",
    "limit: within range", "page or limit: fraction or exponent", "page or limit: not a number",
    "page or limit: left out",
    "search: none", "search: blank", "search: ASCII", "search: Turkish letters", "search: combining marks",
    "search: other scripts", "search: emoji and astral", "search: control and format characters",
    "search: regex or SQL metacharacters", f"search: long term (over {LONG_TERM} characters)",
    "token: valid", "token: none", "token: garbage credentials", "token: forbidden user", "token: expired",
    "token: tampered signature", "token: alg none", "token: forged claims", "token: other",
    "stream id: the target's", "stream id: another (ended, unknown or malformed)", "method: undeclared",
)


def _number_classes(name: str, raw: str | None, boundaries: set[int]) -> list[str]:
    """A page or limit's class; for a page, every value up to 1 is a boundary."""
    if raw is None:
        return []
    value = whole_number(raw, 0)
    if _NUMBER_SPELLING.fullmatch(raw.strip()) and not raw.strip().lstrip("+-").isdigit():
        return ["page or limit: fraction or exponent"]
    if value is None:
        return ["page or limit: not a number"]
    if name == "page":
        if value <= 1:
            return ["page: boundary (0, 1, negative)"]
        return ["page: deep (over 1000)"] if value > DEEP_PAGE else []
    return ["limit: boundary (0, 1, max, max + 1)" if value in boundaries else "limit: within range"]


def search_classes(term: str | None) -> list[str]:
    """The classes of a search term: blank, scripts, marks, emoji, controls, metacharacters, length."""
    if term is None:
        return ["search: none"]
    if not term.strip():
        return ["search: blank"]
    found = []
    categories = [unicodedata.category(character) for character in term]
    if term.isascii():
        found.append("search: ASCII")
    if _TURKISH & set(term):
        found.append("search: Turkish letters")
    if any(category == "Mn" for category in categories):
        found.append("search: combining marks")
    if any(category.startswith("L") and not _latin(character) for character, category in zip(term, categories,
                                                                                               strict=True)):
        found.append("search: other scripts")
    if any(ord(character) > 0xFFFF or category == "So" for character, category in zip(term, categories,
                                                                                       strict=True)):
        found.append("search: emoji and astral")
    if any(category in {"Cc", "Cf"} for category in categories):
        found.append("search: control and format characters")
    if _METACHARACTERS & set(term):
        found.append("search: regex or SQL metacharacters")
    if len(term) > LONG_TERM:
        found.append(f"search: long term (over {LONG_TERM} characters)")
    return found


def _latin(character: str) -> bool:
    return "LATIN" in unicodedata.name(character, "") or character.isascii()


def _claims(part: str) -> object:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, binascii.Error):
        return None


def token_class(authorization: str | None, valid: str, forbidden: str | None, expired: str | None = None) -> str:
    """Which caller, or which attack on the valid token, a request's Authorization header is."""
    if authorization is None:
        return "token: none"
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or token.count(".") != 2:
        return "token: garbage credentials"
    if token == valid:
        return "token: valid"
    if forbidden and token == forbidden:
        return "token: forbidden user"
    if expired and token == expired:
        return "token: expired"
    head, payload, signature = token.split(".")
    header = _claims(head)
    if isinstance(header, dict) and str(header.get("alg", "")).lower() == "none":
        return "token: alg none"
    valid_parts = valid.split(".") if valid.count(".") == 2 else ["", "", ""]
    if [head, payload] == valid_parts[:2]:
        return "token: tampered signature"
    if signature == valid_parts[2]:
        return "token: forged claims"
    return "token: other" if header is not None else "token: garbage credentials"


def classes_of(method: str, url: str, authorization: str | None, *, stream_id: str, valid_token: str,
               forbidden_token: str | None = None, expired_token: str | None = None) -> list[str]:
    """Every class one request belongs to."""
    rules = paging_rules()
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    found: list[str] = []
    found += _number_classes("page", query.get("page"), set())
    found += _number_classes("limit", query.get("limit"), {0, 1, rules.max_limit, rules.max_limit + 1})
    if "page" not in query or "limit" not in query:
        found.append("page or limit: left out")
    found += search_classes(query.get("search"))
    found.append(token_class(authorization, valid_token, forbidden_token, expired_token))
    segments = unquote(parts.path).rstrip("/").split("/")
    asked_id = segments[-2] if len(segments) >= 2 and segments[-1] == "viewers" else ""
    found.append("stream id: the target's" if asked_id == stream_id
                 else "stream id: another (ended, unknown or malformed)")
    if method.upper() not in {"GET", "HEAD"}:
        found.append("method: undeclared")
    return found


def ordered(classes: Iterable[str]) -> list[str]:
    """Class names in the summary's order (unknown ones last, alphabetically)."""
    rank = {name: number for number, name in enumerate(CLASSES)}
    return sorted(set(classes), key=lambda name: (rank.get(name, len(rank)), name))
