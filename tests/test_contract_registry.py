"""The registry's promises on single answers: open readings, undocumented methods and fields, allowances."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from contract_tests.plugin.ledger import Ledger
from contract_tests.registry.allowances import AllowanceError, parse_allowances
from contract_tests.registry.cross_answer_promises import PROMISES
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.finding_groups import finding_key
from contract_tests.registry.open_readings import is_open_spelling, matches_a_reading, may_be_no_filter, whole_number
from contract_tests.registry.reading_notes import readings_taken
from contract_tests.registry.response_checks import CHECKS, verify
from contract_tests.registry.violations import ContractViolation

REPO = Path(__file__).resolve().parent.parent
URL = "http://127.0.0.1:1/api/v1/live-stream/64d15f9e2e6c8f4d5a123456/viewers"
VIEWER = {"_id": "64d15f9e2e6c8f4d5a654321", "username": "johndoe", "name": "John", "surname": "Doe",
          "profilePhoto": None, "followersCount": 1, "followingCount": 2, "expertise": "designer",
          "isFollowing": True, "joinedAt": "2026-02-18T09:30:00.000Z"}


def answer(method: str = "GET", status: int = 200, body: Any = None, query: str = "",
           content_type: str | None = "application/json") -> Exchange:
    if body is None and status == 200 and method == "GET":
        body = {"isSuccess": True, "statusCode": 200, "errors": [], "timestamp": "2026-05-22T16:11:27.035Z",
                "data": {"list": [VIEWER], "participantAudienceTotal": 3,
                         "pagination": {"currentPage": 1, "totalPages": 1, "totalItems": 1, "itemsPerPage": 20,
                                        "hasNextPage": False, "hasPrevPage": False}}}
    content = json.dumps(body).encode() if body is not None else b""
    headers = {"content-type": content_type} if content_type else {}
    return Exchange.of(method, URL + query, {}, status, headers, content)


@pytest.mark.parametrize("status", [200, 204])
def test_options_answered_as_frameworks_do_keeps_every_check(status: int) -> None:
    verify(answer("OPTIONS", status, content_type=None))


def test_a_405_with_allow_and_a_plain_body_keeps_every_check() -> None:
    verify(Exchange.of("DELETE", URL, {}, 405, {"allow": "GET", "content-type": "text/plain"}, b"Method Not Allowed"))


def test_head_without_a_body_keeps_every_check() -> None:
    verify(answer("HEAD", 200, content_type="application/json"))


@pytest.mark.parametrize(("method", "status", "check"), [("OPTIONS", 500, "no_server_error"),
                                                         ("POST", 200, "undocumented_method"),
                                                         ("DELETE", 204, "undocumented_method")])
def test_a_5xx_or_a_write_served_as_if_it_worked_still_fails(method: str, status: int, check: str) -> None:
    with pytest.raises(ContractViolation) as caught:
        verify(answer(method, status, body={"isSuccess": True}))
    assert caught.value.check == check


def test_a_leaked_field_is_a_named_promise_with_its_path() -> None:
    leaky = answer()
    leaky.body["data"]["list"][0]["email"] = "john@example.com"
    leaky = Exchange.of("GET", URL, {}, 200, {"content-type": "application/json"}, json.dumps(leaky.body).encode())
    with pytest.raises(ContractViolation) as caught:
        CHECKS["no_undocumented_fields"].function(leaky)
    assert caught.value.check == "no_undocumented_fields"
    assert caught.value.received == "data.list[0].email"


def test_a_documented_answer_has_no_undocumented_field() -> None:
    CHECKS["no_undocumented_fields"].function(answer())


@pytest.mark.parametrize("term", ["john ", " Doe", "\ufeffjohn", "john\u00a0", "n D"])
def test_trimmed_terms_and_full_names_are_readings_a_backend_may_take(term: str) -> None:
    assert matches_a_reading(term, VIEWER)
    verify(answer(query=f"?search={term}"))


def test_a_viewer_no_reading_allows_still_fails_soundness() -> None:
    with pytest.raises(ContractViolation) as caught:
        verify(answer(query="?search=zz"))
    assert caught.value.check == "search_soundness"


@pytest.mark.parametrize(("term", "blank"), [(" ", True), ("\ufeff", True), ("\u3000", True), ("a ", False)])
def test_a_term_blank_under_some_reading_may_be_no_filter(term: str, blank: bool) -> None:
    assert may_be_no_filter(term) is blank


@pytest.mark.parametrize(("raw", "number", "open_spelling"), [
    ("2", 2, False), ("2.0", 2, True), ("1e1", 10, True), ("", 1, True), ("1.5", None, False), ("abc", None, False),
    (None, 1, False)])
def test_whole_numbers_spelled_otherwise_denote_their_number(raw: str | None, number: int | None,
                                                             open_spelling: bool) -> None:
    assert whole_number(raw, 1) == number
    assert raw is None or is_open_spelling(raw) is open_spelling


def test_the_echo_of_page_2_0_is_page_2_or_the_default() -> None:
    verify(answer(query="?page=2.0"))  # the answer says currentPage 1: a parser that takes "2.0" for no number
    with pytest.raises(ContractViolation) as caught:
        verify(answer(query="?page=3"))  # a whole number has one reading
    assert caught.value.check == "pagination_echo"


def paged_at(page: int | float) -> dict[str, Any]:
    return {"isSuccess": True, "statusCode": 200, "errors": [], "timestamp": "2026-05-22T16:11:27.035Z",
            "data": {"list": [], "participantAudienceTotal": 3,
                     "pagination": {"currentPage": page, "totalPages": 1, "totalItems": 1, "itemsPerPage": 20,
                                    "hasNextPage": False, "hasPrevPage": True}}}


def test_a_page_past_2_53_may_be_echoed_as_its_nearest_double() -> None:
    verify(answer(body=paged_at(2**54), query=f"?page={2**54 + 1}&limit=20"))  # JavaScript's Number(page)


def test_a_page_past_2_53_echoed_as_another_number_still_fails() -> None:
    with pytest.raises(ContractViolation) as caught:
        verify(answer(body=paged_at(2**54 - 2**20), query=f"?page={2**54 + 1}&limit=20"))
    assert caught.value.check == "pagination_echo"


def test_allowances_from_a_list_and_from_a_file(tmp_path: Path) -> None:
    known = {"envelope_timestamp", "search_blank"}
    assert parse_allowances("envelope_timestamp, search_blank", known) == {
        "envelope_timestamp": "allowed by CONTRACT_ALLOW", "search_blank": "allowed by CONTRACT_ALLOW"}
    listed = tmp_path / "contract-allow.txt"
    listed.write_text("# known deviations\nenvelope_timestamp: our gateway stamps seconds only (TICKET-12)\n")
    assert parse_allowances(str(listed), known) == {
        "envelope_timestamp": "our gateway stamps seconds only (TICKET-12)"}


@pytest.mark.parametrize(("value", "message"), [
    ("envelope_timestamp,nope", "CONTRACT_ALLOW names 'nope', which is not a check of the suite"),
    ("missing-file.txt", "CONTRACT_ALLOW names the file 'missing-file.txt', which cannot be read"),
])
def test_bad_allowances_name_the_bad_value(value: str, message: str) -> None:
    with pytest.raises(AllowanceError, match=re.escape(message)):
        parse_allowances(value, {"envelope_timestamp"})


def test_an_allowance_without_a_reason_is_refused(tmp_path: Path) -> None:
    listed = tmp_path / "allow.txt"
    listed.write_text("envelope_timestamp\n")
    with pytest.raises(AllowanceError, match="every allowed deviation needs its reason"):
        parse_allowances(str(listed), {"envelope_timestamp"})


def test_an_allowed_check_is_kept_as_a_deviation_not_raised() -> None:
    ledger = Ledger(allowed={"envelope_timestamp": "known"})
    stamped = answer()
    stamped.body["timestamp"] = "yesterday"
    verify(Exchange.of("GET", URL, {}, 200, {"content-type": "application/json"}, json.dumps(stamped.body).encode()),
           allowances=ledger)
    assert [v.check for v in ledger.deviations["envelope_timestamp"]] == ["envelope_timestamp"]
    assert ledger.stale_allowances() == []


def test_every_promise_the_suite_names_is_registered() -> None:
    """CONTRACT_ALLOW accepts only registered names, so every name the tests use must be one."""
    used = set()
    for path in (REPO / "contract_tests").rglob("*.py"):
        used |= set(re.findall(r'(?:fail|expect_status|ContractViolation)\(\s*"([a-z0-9_]+)"', path.read_text()))
    assert used - set(CHECKS) - set(PROMISES) == set()


@pytest.mark.parametrize(("status", "content_type", "text"), [
    (431, None, ""),  # Node: past 16 KiB of request line and headers, before Express sees it
    (414, "text/html", "<html><h1>Request-URI Too Long</h1></html>"),  # gunicorn, nginx, Apache
    (400, "text/html", "<html>Request Line is too large (8192 > 4094)</html>"),
    (413, "text/plain", "Payload Too Large"),
])
def test_a_request_too_long_for_the_server_may_be_refused_in_the_server_s_own_format(
        status: int, content_type: str | None, text: str) -> None:
    """Reading long-term: past 2,048 bytes of request, a 400, 413, 414 or 431 in any format keeps every check (and
    is noted); the same answer to a short request still breaks the envelope."""
    long, short = f"?search={'ab' * 30_030}", "?search=ab"
    refusals = [Exchange.of("GET", URL + query, {}, status, {"content-type": content_type} if content_type else {},
                            text.encode()) for query in (long, short)]
    verify(refusals[0])
    assert readings_taken(refusals[0]) == ["long-term"]
    with pytest.raises(ContractViolation) as raised:
        verify(refusals[1])
    assert raised.value.check == "envelope_shape"
    with pytest.raises(ContractViolation):  # a 5xx, or a 2xx, to a long request is held to the contract as ever
        verify(Exchange.of("GET", URL + long, {}, 502, {"content-type": "text/html"}, b"<html>Bad Gateway</html>"))


def test_wrong_page_arithmetic_names_only_the_wrong_fields_so_one_cause_is_one_shape() -> None:
    """totalPages one too many (floor + 1) on page 1 and on page 34: hasPrevPage differs between the pages but is
    right on both, so both tell one finding."""
    found = []
    for current in (1, 34):
        body = {"isSuccess": True, "statusCode": 200, "errors": [], "timestamp": "2026-05-22T16:11:27.035Z",
                "data": {"list": [VIEWER], "participantAudienceTotal": 101,
                         "pagination": {"currentPage": current, "totalPages": 102, "totalItems": 101,
                                        "itemsPerPage": 1, "hasNextPage": True, "hasPrevPage": current > 1}}}
        with pytest.raises(ContractViolation) as raised:
            CHECKS["pagination_arithmetic"].function(answer(body=body, query=f"?page={current}&limit=1"))
        found.append(raised.value)
    assert [violation.received.split(" for ")[0] for violation in found] == ["{'totalPages': 102}"] * 2
    assert finding_key(found[0]) == finding_key(found[1])
