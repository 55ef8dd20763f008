"""Where a deployment takes another reading than the mock: noted per answer, once per run, in the report and
the terminal, never as a failure."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from contract_tests.plugin.ledger import Ledger
from contract_tests.plugin.ledger_merge import ledger_snapshot, merge_ledger
from contract_tests.plugin.suite_report_sections import PARTING_HEADING, ledger_sections, parting_ways_line
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.promise_provenance import READINGS, Reading
from contract_tests.registry.reading_notes import readings_taken
from contract_tests.target.pacing import Pacer, Reply
from tests.conftest import REPO

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


def test_a_throttled_answer_is_noted_where_the_target_and_the_mock_part_ways() -> None:
    """A 429 (or a 503 with Retry-After) is waited out, never a failure, and noted once with its first request,
    in a parallel run's merged ledger too; the mock throttles only when asked to."""
    ledger = Ledger()
    slept: list[float] = []
    replies = [Reply("slow down", 429, "0"), Reply("page", 200), Reply("busy", 503, "0"), Reply("page", 200)]
    paced = Pacer(log=ledger.pacing, sleep=slept.append)
    for query in ("?page=1", "?page=2"):
        assert paced.send("GET", f"http://127.0.0.1:1{PATH}{query}", lambda: replies.pop(0)) == "page"
    noted = ledger.noted_readings()
    assert noted == {"status-codes": f"GET http://127.0.0.1:1{PATH}?page=1 answered HTTP 429, Retry-After '0'"}
    assert "`status-codes`" in "\n".join(ledger_sections(ledger))
    assert parting_ways_line(noted) is not None and "status-codes" in str(parting_ways_line(noted))
    merged = Ledger()
    merge_ledger(merged, ledger_snapshot(ledger))
    assert merged.noted_readings() == noted and Ledger().noted_readings() == {}


def answer(status: int, url: str, body: dict[str, Any] | None = None, method: str = "GET",
           **headers: str) -> Exchange:
    """Any answer of the endpoint: an error envelope of the documented message unless the body is given."""
    messages = {400: "Validation failed", 401: "Authentication required", 403: "Insufficient permissions",
                404: "Resource not found"}
    shown = body if body is not None else {"isSuccess": False, "statusCode": status, "data": None,
                                           "errors": [messages.get(status, "Method not allowed")],
                                           "timestamp": "2026-01-15T10:30:00.000Z"}
    return Exchange.of(method, url, {"authorization": "Bearer t"}, status,
                       {"content-type": "application/json", **headers}, json.dumps(shown).encode())


def changed(exchange: Exchange, *, url: str | None = None, headers: dict[str, str] | None = None) -> Exchange:
    """The same answer at another URL or with other headers."""
    return Exchange.of(exchange.method, url or exchange.url, dict(exchange.request_headers), exchange.status,
                       {**exchange.headers, **(headers or {})}, exchange.text.encode())


def with_pagination(exchange: Exchange, **fields: Any) -> Exchange:
    body = json.loads(exchange.text)
    body["data"]["pagination"].update(fields)
    return Exchange.of("GET", exchange.url, {}, 200, {"content-type": "application/json"}, json.dumps(body).encode())


def error_with(status: int, url: str, message: str) -> Exchange:
    return answer(status, url, {"isSuccess": False, "statusCode": status, "data": None, "errors": [message],
                                "timestamp": "2026-01-15T10:30:00.000Z"})


# Each reading of the one place of readings, as a correct deployment that takes another than the mock's answers it.
ANOTHER_READING: dict[str, Exchange] = {
    "search-collation": page([viewer(username="ay")], search="ayse"),
    "search-substring": page([viewer(name="John", surname="Doe", username="jd")], search="n D"),
    "search-spaces": page([viewer()], search=" yılmaz "),
    "search-blank": page([viewer()], search="\ufeff"),
    "unset-attributes": page([viewer(expertise="LEFT-OUT")]),
    "empty-total-pages": page([], search="zzz", total_pages=1),
    "out-of-range": page([viewer()], per_page=100, limit="500"),
    "number-spellings": page([viewer()], page="abc"),
    "big-numbers": with_pagination(page([viewer()]), currentPage=1.0),
    "extra-fields": with_pagination(page([viewer()]), pagingCounter=1),
    "timestamps": page([viewer(joinedAt="2026-01-15T10:30:00+03:00")]),
    "malformed-id": answer(404, PATH.replace("64d15f9e2e6c8f4d5a654321", "xyz")),
    "other-methods": answer(404, PATH, method="DELETE"),
    "long-term": answer(414, f"{PATH}?search={'ab' * 500}"),
    "search-not-utf8": changed(page([]), url=f"{PATH}?search=%ff&limit=100"),
    "wire": changed(page([viewer()]), headers={"content-type": "application/json; charset=utf-8"}),
    "error-messages": error_with(404, PATH, "Stream not found"),
    "order": page([viewer(_id="64d15f9e2e6c8f4d5a654321", joinedAt="2026-01-15T09:00:00.000Z"),
                   viewer(_id="64d15f9e2e6c8f4d5a654322", joinedAt="2026-01-15T10:00:00.000Z")]),  # oldest first
}
# Readings a suite test notes from what it asked (one answer cannot tell): the test that notes each.
NOTED_FROM_WHAT_WAS_ASKED = {"past-the-end": "test_pagination.py"}
# Readings the suite notes from how the target paced it: the test that shows each noted.
NOTED_FROM_PACING = {"status-codes": "test_a_throttled_answer_is_noted_where_the_target_and_the_mock_part_ways"}
# Readings the suite does not note yet, each with why; a note for one of them moves it to the tables above.
NOT_NOTED_YET = {
    "path-normalisation": "no answer to a normalised path is compared with the mock's 404",
    "live-audience": "a deployment whose audience does not move takes no reading a frontend must be told of",
}


@pytest.mark.parametrize("reading", READINGS, ids=lambda reading: reading.key)
def test_every_reading_a_deployment_may_take_otherwise_than_the_mock_is_noted(reading: Reading) -> None:
    """By method: a reading added to the one place of readings fails here until the report can note it."""
    places = [reading.key in table for table in (ANOTHER_READING, NOTED_FROM_WHAT_WAS_ASKED, NOTED_FROM_PACING,
                                                 NOT_NOTED_YET)]
    assert places.count(True) == 1, f"{reading.key}: no way to note a deployment that reads it otherwise"
    if reading.key in ANOTHER_READING:
        assert reading.key in readings_taken(ANOTHER_READING[reading.key])
    elif reading.key in NOTED_FROM_PACING:
        assert NOTED_FROM_PACING[reading.key] in globals()
    elif reading.key in NOTED_FROM_WHAT_WAS_ASKED:
        source = (REPO / "contract_tests" / NOTED_FROM_WHAT_WAS_ASKED[reading.key]).read_text(encoding="utf-8")
        assert f'note_reading("{reading.key}"' in source
    else:
        assert all(reading.key not in readings_taken(example) for example in ANOTHER_READING.values())


def test_the_mock_s_own_answers_to_the_same_requests_are_no_note() -> None:
    """The counterpart of each example above as the mock answers it: nothing noted."""
    mock_answers = [
        page([viewer()], search="ayşe"), page([viewer()], search="yılmaz"), page([], search="\ufeff"),
        page([viewer()]), page([], search="zzz"), page([viewer()], per_page=100, limit="100"),
        answer(400, PATH.replace("64d15f9e2e6c8f4d5a654321", "xyz")),
        answer(405, PATH, method="DELETE", allow="GET"),
        page([viewer()], search="ab" * 500), answer(400, f"{PATH}?search=%ff&limit=100"),
        answer(404, PATH), page([viewer()], search="%"),
        page([viewer(_id="64d15f9e2e6c8f4d5a654329", joinedAt="2026-01-15T07:00:00.000Z"),  # the newest
              viewer(_id="64d15f9e2e6c8f4d5a654321", joinedAt="2026-01-15T06:00:00.000Z"),
              viewer(_id="64d15f9e2e6c8f4d5a654322", joinedAt="2026-01-15T06:00:00.000Z")]),  # a tie, by _id
    ]
    for exchange in mock_answers:
        assert readings_taken(exchange) == [], exchange.url
