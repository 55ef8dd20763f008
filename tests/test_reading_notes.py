"""Where a deployment takes another reading than the mock: noted per answer, once per run, in the report and
the terminal, never as a failure."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from contract_tests.plugin.ledger import Ledger
from contract_tests.plugin.suite_report_sections import PARTING_HEADING, ledger_sections, parting_ways_line
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.reading_notes import readings_taken

PATH = "http://127.0.0.1:9/api/v1/live-stream/64d15f9e2e6c8f4d5a654321/viewers"


def viewer(name: str = "Ayşe", surname: str = "Yılmaz", username: str = "ayse", **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"_id": "64d15f9e2e6c8f4d5a654322", "name": name, "surname": surname,
                            "username": username, "expertise": None, "profilePhoto": None,
                            "joinedAt": "2026-01-15T10:30:00.000Z", "followersCount": 1, "followingCount": 2,
                            "isFollowing": False}
    base.update(changes)
    return {key: value for key, value in base.items() if value != "LEFT-OUT"}


def page(viewers: list[dict[str, Any]], *, total: int | None = None, total_pages: int | None = None,
         per_page: int = 20, page_number: int = 1, **query: str) -> Exchange:
    items = len(viewers) if total is None else total
    pages = -(-items // per_page) if total_pages is None else total_pages
    body = {"isSuccess": True, "statusCode": 200, "errors": [], "timestamp": "2026-01-15T10:30:00.000Z",
            "data": {"list": viewers, "participantAudienceTotal": items,
                     "pagination": {"totalItems": items, "itemsPerPage": per_page, "currentPage": page_number,
                                    "totalPages": pages, "hasNextPage": page_number < pages,
                                    "hasPrevPage": page_number > 1}}}
    url = f"{PATH}?{urlencode(query)}" if query else PATH
    return Exchange.of("GET", url, {"authorization": "Bearer t"}, 200, {"content-type": "application/json"},
                       json.dumps(body).encode())


def test_the_mock_s_own_readings_are_no_note() -> None:
    assert readings_taken(page([viewer()], search="ayşe")) == []
    assert readings_taken(page([], search="zzz")) == []
    assert readings_taken(page([viewer()], per_page=100, limit="100")) == []


def test_an_accent_insensitive_match_is_the_search_collation_reading() -> None:
    assert readings_taken(page([viewer()], search="ayse")) == []  # the username holds it as sent
    assert readings_taken(page([viewer(username="ay")], search="ayse")) == ["search-collation"]


def test_a_trimmed_term_is_the_search_spaces_reading() -> None:
    assert readings_taken(page([viewer()], search=" yılmaz ")) == ["search-spaces"]


def test_an_unset_attribute_left_out_or_empty_is_a_reading_and_null_is_the_mock_s() -> None:
    assert readings_taken(page([viewer(expertise="LEFT-OUT")])) == ["unset-attributes"]
    assert readings_taken(page([viewer(expertise="")])) == ["unset-attributes"]
    assert readings_taken(page([viewer(profilePhoto="LEFT-OUT")])) == ["unset-attributes"]
    assert readings_taken(page([viewer(expertise="Backend")])) == []


def test_one_empty_page_for_nothing_found_is_the_empty_total_pages_reading() -> None:
    assert readings_taken(page([], search="zzz", total_pages=1)) == ["empty-total-pages"]


def test_a_value_the_mock_refuses_served_is_out_of_range_or_a_spelling() -> None:
    assert readings_taken(page([viewer()], per_page=100, limit="500")) == ["out-of-range"]
    assert readings_taken(page([viewer()], page="0")) == ["out-of-range"]
    assert readings_taken(page([viewer()], page="abc")) == ["number-spellings"]
    assert readings_taken(page([viewer()], page="1e0")) == []  # the mock reads it as 1


def test_each_reading_is_noted_once_with_its_first_request_as_a_note_not_a_failure() -> None:
    ledger = Ledger()
    first, second = page([viewer(expertise="LEFT-OUT")], page="1"), page([viewer(expertise="")])
    for exchange in (first, second):
        for key in readings_taken(exchange):
            ledger.note_reading(key, exchange)
    assert ledger.readings == {"unset-attributes": first.curl()}
    text = "\n".join(ledger_sections(ledger))
    assert text.startswith(f"## {PARTING_HEADING}") and "`unset-attributes`" in text and "page=1" in text
    assert "fail" not in text.lower().replace("none fails the run", "")
    assert parting_ways_line(ledger.readings) == ("contract note: where the deployment and the mock part ways "
                                                  "(accepted readings): unset-attributes")
    assert parting_ways_line({}) is None and ledger_sections(Ledger()) == []
