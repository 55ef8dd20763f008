"""Findings: one per root cause (a name and the shape of what came back), counted by the requests that showed it."""

from __future__ import annotations

from contract_tests.registry.finding_groups import Sighting, group, shape_of
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
