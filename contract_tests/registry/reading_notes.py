"""Where an answer the checks accept takes another reading than the mock's: the notes of a correct run.

A check passes an answer whenever some reading allows it (promise_provenance.py); this says which readings
of the documentation's open points an answer took that the mock does not take, so that the report can list
where a deployment and the mock part ways. Pure: it reads one exchange and returns the readings' keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from contract_tests.registry.documented_rules import documented_messages, is_blank, paging_rules
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.open_readings import may_be_no_filter, search_readings, trimmed, whole_number
from contract_tests.registry.parameter_classes import LONG_TERM
from contract_tests.registry.response_checks import (
    documented_methods,
    envelope,
    is_documented,
    page_data,
    page_numbers,
    parse_rfc3339,
    refused_as_too_long,
    whole,
)
from contract_tests.registry.search_collations import COLLATIONS, matches_under, sound_under
from contract_tests.registry.undocumented_checks import undocumented_places

MOCK_COLLATION = next(iter(COLLATIONS))  # the first collation the registry lists is the mock's
UNSET_ATTRIBUTES = ("expertise", "profilePhoto")


class ReadingNotes(Protocol):
    """Where a run keeps the readings a deployment took (the run's ledger)."""

    def note_reading(self, key: str, exchange: Exchange) -> None: ...


def _viewers(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [viewer for viewer in data["list"] if isinstance(viewer, dict)]


def _search(exchange: Exchange, data: dict[str, Any]) -> list[str]:
    term = exchange.query.get("search")
    viewers = _viewers(data)
    if term is None or may_be_no_filter(term) or not viewers:
        return []
    sound = sound_under(search_readings(term), viewers)
    if sound is None:
        return []  # search_soundness reports it
    collation, reading = sound
    return (["search-collation"] if collation != MOCK_COLLATION else []) + (["search-spaces"] if reading != term
                                                                           else [])


def _unset(exchange: Exchange, data: dict[str, Any]) -> list[str]:
    """The mock serves `null` for an attribute a user never set; left out or empty is another reading."""
    for viewer in _viewers(data):
        if any(key not in viewer for key in UNSET_ATTRIBUTES) or viewer.get("expertise") == "":
            return ["unset-attributes"]
    return []


def _empty_total_pages(exchange: Exchange, data: dict[str, Any]) -> list[str]:
    numbers = page_numbers(exchange)
    if numbers is not None and numbers.total == 0 and whole(data["pagination"].get("totalPages")) == 1:
        return ["empty-total-pages"]
    return []


def _page_and_limit(exchange: Exchange, data: dict[str, Any]) -> list[str]:
    """A value the mock refuses with 400 (out of range, or spelled as no whole number) served with a 200."""
    rules = paging_rules()
    found: list[str] = []
    for name, default, maximum in (("page", rules.default_page, None), ("limit", rules.default_limit,
                                                                         rules.max_limit)):
        raw = exchange.query.get(name)
        if raw is None or raw == "":
            continue
        number = whole_number(raw, default)
        if number is None:  # the mock reads whole-number spellings ("2.0", "1e1") and refuses the rest
            found.append("number-spellings")
        elif number < 1 or (maximum is not None and number > maximum):
            found.append("out-of-range")
    return found


def _search_blank(exchange: Exchange, data: dict[str, Any]) -> list[str]:
    """A term the mock searches for (`"\\ufeff"`: no whitespace to it) served as no filter, blank under some
    reading (JavaScript's trim())."""
    term, viewers = exchange.query.get("search"), _viewers(data)
    if term is None or is_blank(term) or not may_be_no_filter(term) or not viewers:
        return []
    searched = [reading for reading in search_readings(term) if reading.strip() and trimmed(reading)]
    return ["search-blank"] if not searched or sound_under(searched, viewers) is None else []


def _substring(exchange: Exchange, data: dict[str, Any]) -> list[str]:
    """A viewer found only across its name and surname (`n D` for John Doe): the mock matches each field alone."""
    term, viewers = exchange.query.get("search"), _viewers(data)
    if term is None or may_be_no_filter(term) or not viewers or sound_under(search_readings(term), viewers) is None:
        return []
    by_fields = any(all(matches_under(collation, reading, viewer, full_name=False) for viewer in viewers)
                    for reading in search_readings(term) for collation in COLLATIONS)
    return [] if by_fields else ["search-substring"]


def _not_utf8(exchange: Exchange, data: dict[str, Any]) -> list[str]:
    """A `search` that is not UTF-8 once percent-decoded (`%ff`) served with a 200: the mock refuses it with 400."""
    raw = [value for name, _, value in (part.partition("=") for part in urlsplit(exchange.url).query.split("&"))
           if name == "search"]
    for value in raw:
        try:
            unquote_to_bytes(value.replace("+", " ")).decode("utf-8")
        except UnicodeDecodeError:
            return ["search-not-utf8"]
    return []


def _big_numbers(exchange: Exchange, data: dict[str, Any]) -> list[str]:
    """A page or limit echoed as a double (`20.0`, `1e+21`): the mock echoes exact integers."""
    pagination = data["pagination"]
    return ["big-numbers"] if any(isinstance(pagination.get(key), float) for key in ("currentPage", "itemsPerPage")) \
        else []


def _order(exchange: Exchange, data: dict[str, Any]) -> list[str]:
    """A page in another order than the mock's (newest joiner first, ties by `_id`): one page shows it. Whether
    the order is total and stable is judged across pages (pagination_partition, pagination_stable_order)."""
    keys = []
    for viewer in _viewers(data):
        joined, ident = parse_rfc3339(viewer.get("joinedAt")), viewer.get("_id")
        if joined is None or joined.tzinfo is None or not isinstance(ident, str):
            return []  # types_timestamps and the schema report it
        keys.append((-joined.timestamp(), ident))
    return ["order"] if keys != sorted(keys) else []


ANSWER_READINGS: tuple[Callable[[Exchange, dict[str, Any]], list[str]], ...] = (
    _search, _search_blank, _substring, _not_utf8, _unset, _empty_total_pages, _page_and_limit, _big_numbers,
    _order)

_MOCK_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")


def _timestamps(exchange: Exchange, body: dict[str, Any]) -> list[str]:
    """A date-time in another RFC 3339 spelling than the mock's (`2026-01-15T10:30:00.000Z`)."""
    times = [body.get("timestamp")]
    data = body.get("data")
    if isinstance(data, dict) and isinstance(data.get("list"), list):
        times += [viewer.get(key) for viewer in data["list"] if isinstance(viewer, dict) for key in ("joinedAt",)]
    return ["timestamps"] if any(isinstance(time, str) and not _MOCK_TIME.fullmatch(time) for time in times) else []


def _wire(exchange: Exchange, body: dict[str, Any]) -> list[str]:
    """A media type with parameters (`; charset=utf-8`) or a compressed body: the mock sends `application/json`."""
    media = (exchange.header("content-type") or "").strip().lower()
    return ["wire"] if media != "application/json" or exchange.header("content-encoding") else []


def _extra_fields(exchange: Exchange, body: dict[str, Any]) -> list[str]:
    """Fields beside the documented ones in the envelope, `data` or `pagination` (`pagingCounter`, `requestId`)."""
    return ["extra-fields"] if any(not place.startswith("data.list[") for place in undocumented_places(exchange)) \
        else []


def _errors(exchange: Exchange, body: dict[str, Any]) -> list[str]:
    """The documented error answers the mock gives otherwise: another first message, a 404 for a malformed id, a
    400 or 414 for a long term."""
    if body.get("isSuccess") is not False:
        return []
    found: list[str] = []
    errors, documented = body.get("errors"), documented_messages().get(exchange.status)
    if documented and isinstance(errors, list) and errors and errors[0] != documented:
        found.append("error-messages")
    segments = unquote(urlsplit(exchange.url).path).rstrip("/").split("/")
    asked_id = segments[-2] if len(segments) >= 2 and segments[-1] == "viewers" else ""
    if exchange.status == 404 and asked_id and not _OBJECT_ID.fullmatch(asked_id):
        found.append("malformed-id")
    if exchange.status in {400, 414} and len(exchange.query.get("search") or "") >= LONG_TERM:
        found.append("long-term")
    return found


def _other_method(exchange: Exchange) -> list[str]:
    """A write method refused otherwise than the mock refuses it (405 in the envelope, with `Allow`): another 4xx
    (Express's 404 page), or a 405 without the envelope or the header."""
    refused_as_the_mock = exchange.status == 405 and envelope(exchange) is not None and exchange.header("allow")
    return [] if refused_as_the_mock or not 400 <= exchange.status < 500 else ["other-methods"]


ENVELOPE_READINGS: tuple[Callable[[Exchange, dict[str, Any]], list[str]], ...] = (
    _timestamps, _wire, _extra_fields, _errors)


def readings_taken(exchange: Exchange) -> list[str]:
    """The keys of the readings (not the mock's) an answer of the documented endpoint takes, each once: those of a
    200 page, and those of any envelope."""
    if exchange.method.lower() not in {*documented_methods(), "head", "options"}:
        return _other_method(exchange)
    if refused_as_too_long(exchange):  # by a server in front of the app, perhaps: no envelope binds it
        return ["long-term"] if len(exchange.query.get("search") or "") >= LONG_TERM else ["status-codes"]
    body = envelope(exchange)
    if body is None or not is_documented(exchange):
        return []
    data = page_data(exchange)
    found = [key for reading in ENVELOPE_READINGS for key in reading(exchange, body)]
    if data is not None:
        found += [key for reading in ANSWER_READINGS for key in reading(exchange, data)]
    return list(dict.fromkeys(found))
