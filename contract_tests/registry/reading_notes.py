"""Where an answer the checks accept takes another reading than the mock's: the notes of a correct run.

A check passes an answer whenever some reading allows it (promise_provenance.py); this says which readings
of the documentation's open points an answer took that the mock does not take, so that the report can list
where a deployment and the mock part ways. Pure: it reads one exchange and returns the readings' keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from contract_tests.registry.documented_rules import paging_rules
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.open_readings import may_be_no_filter, search_readings, whole_number
from contract_tests.registry.response_checks import page_data, page_numbers, whole
from contract_tests.registry.search_collations import COLLATIONS, sound_under

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


ANSWER_READINGS: tuple[Callable[[Exchange, dict[str, Any]], list[str]], ...] = (
    _search, _unset, _empty_total_pages, _page_and_limit)


def readings_taken(exchange: Exchange) -> list[str]:
    """The keys of the readings (not the mock's) a 200 page takes, each once, in the registry's order."""
    data = page_data(exchange)
    if data is None:
        return []
    found = [key for reading in ANSWER_READINGS for key in reading(exchange, data)]
    return list(dict.fromkeys(found))
