"""Findings: one per root cause (a name, the shape of what came back and, where that is a status alone, the kind of
request), counted by the requests that showed it."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from contract_tests.registry.exchange import Exchange
from contract_tests.registry.finding_groups import KnownFindings, RequestCounts, Sighting, group, shape_of
from contract_tests.registry.request_kinds import signature, told_by_status
from contract_tests.registry.response_checks import search_soundness
from contract_tests.registry.violations import ContractViolation


def test_particulars_do_not_make_another_shape() -> None:
    assert shape_of("0 viewers on page 4 of 45 at 5 a page") == shape_of("1 viewers on page 1 of 45 at 20 a page")
    assert shape_of("3 non-matching: Zülgarni Çorlu (@zulgarnicorlu1)") == shape_of("1 non-matching: Ay Su (@ay)")
    assert shape_of("currentPage=1, itemsPerPage=1") == shape_of("currentPage=3, itemsPerPage=7")


def test_fields_and_statuses_make_another_shape() -> None:
    assert shape_of("HTTP 500") != shape_of("HTTP 502")
    assert shape_of("currentPage=1, itemsPerPage=1") != shape_of("currentPage=1")
    assert shape_of("{'totalPages': 4}") != shape_of("{'hasNextPage': True}")
    assert shape_of("HTTP 200", 200) != shape_of("HTTP 200", 400)


def test_one_root_cause_on_many_tests_is_one_finding() -> None:
    sightings = [Sighting.of(f"test_{number}", ContractViolation(
        "pagination_page_length", "the page holds the wrong number of viewers",
        received=f"{number} viewers on page {number + 1} of 45 at 20 a page", expected="20 viewers"), "")
        for number in range(24)]
    sightings.append(Sighting.of("test_x", ContractViolation("no_server_error", "a server error",
                                                             received="HTTP 500", expected="2xx or 4xx"), ""))
    findings = group(sightings, {("pagination_page_length", shape_of("1 viewers on page 2 of 45 at 20 a page")): 80})
    assert [(finding.name, len(finding.tests), finding.requests) for finding in findings] == [
        ("pagination_page_length", 24, 80), ("no_server_error", 1, 1)]


def test_the_same_name_with_another_shape_is_another_finding() -> None:
    first = ContractViolation("types_counts", "a count is wrong", received="-1 for followingCount", expected=">= 0")
    second = ContractViolation("types_counts", "a count is wrong", received="'7' (str) for followerCount",
                               expected="an integer")
    assert len(group([Sighting.of("a", first, ""), Sighting.of("b", second, "")])) == 2


def test_the_received_texts_of_one_campaign_are_one_finding_each() -> None:
    """A campaign against a target whose offset follows the previous limit: the walks asked other pages at
    other limits, the repeats met other lists; each promise is one finding."""
    partitions = [
        "7 repeated, 38 distinct viewers for totalItems = 45 (pages 2, 5, 6, 3, 4, 1, 7 at limit 7, in the order "
        "asked; the audience did not move)",
        "17 repeated, 28 distinct viewers for totalItems = 45 (pages 2, 1, 3 at limit 20, in the order asked; the "
        "audience did not move)",
        "0 repeated, 35 distinct viewers for totalItems = 45 (pages 5, 2, 3, 4, 1 at limit 10, in the order asked; "
        "the audience did not move)"]
    repeats = [
        "viewers [] (0), then [63d3f832b2c66aabf000000f, 5ddc3437b7cfb6dde8000010] (2) (the audience did not move "
        "in between)",
        "viewers [63fc5bfd7d10256f15000028] (1), then [629a44ac2cc1adda7a000004] (1) (the audience did not move in "
        "between)",
        "viewers [6364af54d484fe22da00000e, 63d3f832b2c66aabf000000f, 5ddc3437b7cfb6dde8000010, "
        "5cc8d1c646b5c03b63000011, ...] (7), then [60f89062e24fafaf71000006, 670191c949f8dfd3bc000007, "
        "631c9cf575466c5c06000008, 6306a160e0d2b1d13f000009, ...] (7) (the audience did not move in between)"]
    sightings = [Sighting("walk", "pagination_partition", received) for received in partitions]
    sightings += [Sighting("sequences", "sequence_repeatable", received) for received in repeats]
    assert [(finding.name, len(finding.sightings)) for finding in group(sightings)] == [
        ("pagination_partition", 3), ("sequence_repeatable", 3)]


def test_a_list_of_particulars_is_one_particular_but_fields_stay_apart() -> None:
    assert shape_of("pages 2, 5, 6 at limit 7") == shape_of("pages 1 at limit 20")
    assert shape_of("currentPage=1, itemsPerPage=1") != shape_of("currentPage=1")
    assert shape_of("viewers [] (0)") == shape_of("viewers [a1, ...] (9)")
    assert shape_of("1 of 2 stray: Ali Vural (@av)") == shape_of("2 of 2 stray: Ay Su (@ay), Zülgarni Çorlu (@zc)")


def test_a_term_that_filters_nothing_is_not_a_collation_difference() -> None:
    """`search=¯` answered with everybody, and a backend folding `ş` where the results say it does not: two
    causes of search_soundness."""
    everybody = search_violation("¯", [("Ay", "Su", "ay"), ("Zülgarni", "Çorlu", "zulgarnicorlu1")])
    folded = search_violation("ş", [("Şule", "Kaya", "sule"), ("Ali", "Vural", "alivural")])
    assert len(group([Sighting.of("a", everybody, ""), Sighting.of("b", folded, "")])) == 2


def search_violation(term: str, names: list[tuple[str, str, str]]) -> ContractViolation:
    viewers = [{"_id": f"{number:024x}", "name": name, "surname": surname, "username": username}
               for number, (name, surname, username) in enumerate(names)]
    body = {"isSuccess": True, "statusCode": 200, "errors": [], "timestamp": "2026-01-01T00:00:00Z",
            "data": {"list": viewers, "pagination": {"currentPage": 1, "itemsPerPage": 20, "totalItems": len(viewers),
                                                     "totalPages": 1, "hasNextPage": False}}}
    url = f"http://127.0.0.1/api/v1/live-stream/64d15f9e2e6c8f4d5a123456/viewers?{urlencode({'search': term})}"
    exchange = Exchange.of("GET", url, {}, 200, {"content-type": "application/json"}, json.dumps(body).encode())
    with pytest.raises(ContractViolation) as raised:
        search_soundness(exchange)
    return raised.value


DEEP = "page: deep (over 1000)"
METACHARACTERS = "search: regex or SQL metacharacters"
ORDINARY = ("limit: within range", "search: none", "token: valid", "stream id: the target's")


def server_error(test: str, *classes: str) -> Sighting:
    return Sighting(test, "no_server_error", "HTTP 500", 500, classes=signature(classes))


def answers(*rows: tuple[tuple[str, ...], int, int]) -> dict[tuple[str, int], int]:
    """Answers by (class, status), from rows of (classes of the requests, status, how many)."""
    counted: dict[tuple[str, int], int] = {}
    for classes, status, count in rows:
        for name in classes:
            counted[name, status] = counted.get((name, status), 0) + count
    return counted


def test_a_status_alone_is_told_by_status_and_particulars_are_not() -> None:
    assert told_by_status("HTTP 500") and told_by_status("statusCode 400 on HTTP 401")
    assert not told_by_status("-1 for followingCount") and not told_by_status("'7' (str) for followerCount")


def test_one_500_on_many_deep_pages_is_one_finding() -> None:
    """Other page numbers, limits and terms; one class in common that no answer which got through had."""
    sightings = [server_error("boundaries", DEEP, "page or limit: left out", "search: none", "token: valid"),
                 server_error("generated", DEEP, "limit: within range", "search: ASCII", "token: valid"),
                 server_error("arithmetic", DEEP, "limit: boundary (0, 1, max, max + 1)", "search: none",
                              "token: valid")]
    counts = RequestCounts(answers((ORDINARY, 200, 400), (("search: ASCII", "token: valid"), 200, 90),
                                   (("limit: boundary (0, 1, max, max + 1)", "token: valid"), 200, 30)),
                           {("no_server_error", shape_of("HTTP 500", 500)): {s.classes: 7 for s in sightings}})
    findings = group(sightings, counts=counts)
    assert [(finding.kind, len(finding.tests), finding.requests) for finding in findings] == [(DEEP, 3, 21)]


def test_a_500_on_pages_and_a_500_on_searches_are_two_findings() -> None:
    pages = [server_error(f"page {number}", DEEP, *ORDINARY) for number in range(3)]
    searches = [server_error(f"search {number}", "page or limit: left out", METACHARACTERS, "search: ASCII",
                             "token: valid") for number in range(4)]
    counts = RequestCounts(answers((ORDINARY, 200, 400), (("search: ASCII", "token: valid"), 200, 90),
                                   (("page or limit: left out", "search: none", "token: valid"), 200, 50)))
    findings = group([*pages, *searches], counts=counts)
    assert [(finding.name, finding.kind, len(finding.tests)) for finding in findings] == [
        ("no_server_error", DEEP, 3), ("no_server_error", METACHARACTERS, 4)]


def test_a_500_for_every_request_is_one_finding() -> None:
    """No answer got through: nothing tells one kind of request from another."""
    sightings = [server_error("pages", DEEP, *ORDINARY), server_error("searches", METACHARACTERS, "token: valid"),
                 server_error("defaults", *ORDINARY)]
    counts = RequestCounts(answers((("token: none",), 401, 30), (("token: valid",), 400, 12)))
    assert [(finding.kind, len(finding.tests)) for finding in group(sightings, counts=counts)] == [("", 3)]


def test_a_finding_on_ordinary_requests_is_not_split_by_the_odd_class() -> None:
    """A 500 on every third request whatever it asks: no class explains most of its kind's answers."""
    sightings = [server_error("a", *ORDINARY), server_error("b", DEEP, *ORDINARY), server_error("c", *ORDINARY)]
    counts = RequestCounts(answers((ORDINARY, 200, 400), ((DEEP, *ORDINARY), 200, 20)))
    assert len(group(sightings, counts=counts)) == 1


def test_what_is_not_a_status_keeps_its_shape_as_the_key() -> None:
    """The same count broken on deep pages and on searches: one field, one finding, whatever the requests."""
    first = Sighting("a", "types_counts", "-1 for followingCount", 200, classes=signature([DEEP, *ORDINARY]))
    second = Sighting("b", "types_counts", "-3 for followingCount", 200,
                      classes=signature([METACHARACTERS, "token: valid"]))
    counts = RequestCounts(answers((ORDINARY, 200, 400)))
    assert len(group([first, second], counts=counts)) == 1


def test_an_exploration_knows_a_status_finding_again_only_on_the_kinds_of_request_it_met() -> None:
    """What the state machine and a campaign's lanes skip as told already: the same name and shape, and of a
    finding told by a status alone, no parameter class it has not met; a 500 on a search after one on deep pages
    is told, a 500 on another deep page is not."""
    def server_error(received: str = "HTTP 500") -> ContractViolation:
        return ContractViolation("no_server_error", "a server error", received=received, expected="2xx or 4xx")

    known = KnownFindings()
    deep, search = signature(["page:deep", "limit:max"]), signature(["page:deep", "search:metacharacters"])
    assert known.first_sight(server_error(), deep)
    assert not known.first_sight(server_error(), signature(["page:deep"]))
    assert known.is_known(server_error(), deep) and not known.is_known(server_error(), search)
    assert known.first_sight(server_error(), search) and not known.first_sight(server_error(), search)
    counted = ContractViolation("pagination_page_length", "wrong length", received="3 viewers on page 2 at 20 a page",
                                expected="20")
    assert known.first_sight(counted, deep)
    assert not known.first_sight(ContractViolation("pagination_page_length", "wrong length",
                                                   received="7 viewers on page 9 at 37 a page", expected="37"), search)
