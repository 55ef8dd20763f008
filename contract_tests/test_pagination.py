"""3. Pagination: the documented arithmetic, and pages that partition the audience at any limit."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_tests.plugin.hypothesis_profiles import SuiteProfile
from contract_tests.plugin.ledger import Ledger
from contract_tests.registry.churn_tolerance import Attempt, audience_shrinks, changes_across, settle
from contract_tests.registry.documented_rules import paging_rules
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.response_checks import expect_status, fail
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.page_walks import limits_for, partition_attempt, refused_past_the_end
from contract_tests.target.viewers_client import ContractClient


def test_documented_defaults(api: ContractClient) -> None:
    rules = paging_rules()
    exchange = api.viewers()
    pagination = exchange.body["data"]["pagination"]
    if (pagination["currentPage"], pagination["itemsPerPage"]) != (rules.default_page, rules.default_limit):
        fail("pagination_defaults", "without page and limit the documented defaults must apply", exchange,
             received=f"currentPage={pagination['currentPage']}, itemsPerPage={pagination['itemsPerPage']}",
             expected=f"currentPage={rules.default_page}, itemsPerPage={rules.default_limit}")


def test_full_last_and_past_the_end_pages(api: ContractClient, audience_size: int, ledger: Ledger) -> None:
    limit = max(1, min(paging_rules().max_limit, audience_size - 1)) if audience_size > 1 else 1

    def attempt() -> Attempt:
        first = api.viewers(params={"limit": limit})
        total_pages = first.body["data"]["pagination"]["totalPages"]
        api.viewers(params={"limit": limit, "page": total_pages})  # its length: pagination_page_length
        past = api.viewers(params={"limit": limit, "page": total_pages + 1})
        if past.status in {400, 404}:  # a reading: past-the-end, refused in the error envelope (the mock: 200)
            ledger.note_reading("past-the-end", past)
            return Attempt(None, 0)
        expect_status("pagination_past_the_end", past, 200,
                      "a page past the end is a 200 with an empty list, or a 404 or 400 error envelope")
        if past.body["data"]["pagination"]["totalPages"] > total_pages:
            return Attempt(None if not past.body["data"]["list"] else _moved(past), 1, explained=True)
        if past.body["data"]["list"] != []:
            return Attempt(ContractViolation("pagination_past_the_end", "a page past the end is not empty",
                                             received=f"{len(past.body['data']['list'])} viewers",
                                             expected="an empty list", exchange=past), changes_across([first, past]))
        return Attempt(None, 0)

    settle("pagination_past_the_end", attempt, notes=ledger)


def _moved(exchange: Exchange) -> ContractViolation:
    return ContractViolation("pagination_past_the_end", "the audience grew past the page asked for",
                             received="a full page", expected="an empty page", exchange=exchange)


def test_walking_every_page_yields_every_viewer_once(api: ContractClient, audience_size: int,
                                                    suite_profile: SuiteProfile, ledger: Ledger) -> None:
    """At each limit the audience allows a walk at, the largest last: its order is also held against pages deep
    in it at the profile's sample limits (a third of the way in, across a page boundary, its end, and in the deep
    and campaign profiles more places: pagination_stable_order)."""
    limits = limits_for(audience_size, suite_profile.walk_limits, suite_profile.walk_pages)
    largest = max(limits)
    for limit in [*(limit for limit in limits if limit != largest), largest]:
        samples = suite_profile.deep_sample_limits if limit == largest else ()
        settle(f"pagination_partition at limit {limit}",
               partition_attempt(api, "pagination_partition", limit=limit, max_pages=suite_profile.walk_pages,
                                 sample_limits=samples, sample_positions=suite_profile.deep_sample_pages),
               notes=ledger)


def test_limits_agree_on_the_order(api: ContractClient, ledger: Ledger) -> None:
    limit = paging_rules().max_limit

    def attempt() -> Attempt:
        reference_page = api.viewers(params={"limit": limit})
        small_pages = [api.viewers(params={"limit": 7, "page": page}) for page in range(1, 5)]
        reference = [v["_id"] for v in reference_page.body["data"]["list"]]
        small = [v["_id"] for page in small_pages for v in page.body["data"]["list"]]
        if small == reference[: len(small)]:
            return Attempt(None, 0)
        changes = changes_across([reference_page, *small_pages])
        return Attempt(ContractViolation(
            "pagination_stable_order", "pages at different limits disagree on the order",
            received=f"limit 7 pages 1-4: {small[:8]}...", expected=f"the order at limit {limit}: {reference[:8]}...",
            exchange=small_pages[0]), changes, explained=changes > 0)

    settle("pagination_stable_order", attempt, notes=ledger)


@given(page=st.integers(1, 60), limit=st.integers(1, 100))
def test_any_page_keeps_the_arithmetic(api: ContractClient, page: int, limit: int) -> None:
    """Every answer passes the registry's pagination checks (echo, arithmetic, page length, audience total)."""
    params = {"page": page, "limit": limit}
    exchange = api.viewers(params=params)
    if not refused_past_the_end(api, exchange, params):
        expect_status("pagination_any_page", exchange, 200,
                      "any page and limit in range is answered with 200 (or refused only past the last page)")


def test_participant_audience_total_is_stable_across_searches(api: ContractClient, ledger: Ledger) -> None:
    queries: list[dict[str, Any]] = [{}, {"page": 2}, {"limit": 3}, {"search": "a"}, {"search": "zzzzzz-none"}, {}]

    def attempt() -> Attempt:
        answers = [api.viewers(params=query) for query in queries]
        totals = [answer.body["data"]["participantAudienceTotal"] for answer in answers]
        if len(set(totals)) == 1:
            return Attempt(None, 0)
        shrink = audience_shrinks(answers)
        violation = ContractViolation("pagination_audience_total_stable",
                                      "participantAudienceTotal changes with the query", received=str(totals),
                                      expected="one value for every page and search (on a live stream, never less)",
                                      exchange=shrink[1] if shrink else answers[-1])
        return Attempt(violation, max(totals) - min(totals), explained=shrink is None)

    settle("pagination_audience_total_stable", attempt, notes=ledger)


AGREEING_QUERIES: list[dict[str, Any]] = [{}, {"page": 2, "limit": 7}, {"search": "a", "limit": 100},
                                          {"search": "e", "page": 2, "limit": 5}]


@pytest.mark.parametrize("query", AGREEING_QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "-")
def test_identical_requests_agree(api: ContractClient, query: dict[str, Any], ledger: Ledger) -> None:
    """The same request twice: the same viewers, in the same order, with the same isFollowing. A moving audience
    may shift the viewers (the totals show it); nothing the suite can see explains isFollowing changing."""

    def attempt() -> Attempt:
        first, second = api.viewers(params=query), api.viewers(params=query)
        if first.status != 200 or second.status != 200:
            return Attempt(None, 0)
        listed = [[(v.get("_id"), v.get("isFollowing")) for v in answer.body["data"]["list"]]
                  for answer in (first, second)]
        if listed[0] == listed[1]:
            return Attempt(None, 0)
        following = {viewer: flag for viewer, flag in listed[0]}
        flipped = [viewer for viewer, flag in listed[1] if viewer in following and following[viewer] != flag]
        changes = changes_across([first, second])
        what = (f"isFollowing of {len(flipped)} viewer(s) changed, e.g. {flipped[:3]}" if flipped else
                f"other viewers or another order: {[v for v, _ in listed[0][:5]]} then {[v for v, _ in listed[1][:5]]}")
        return Attempt(ContractViolation("identical_requests_agree", "two identical requests got different answers",
                                         received=what, expected="the same viewers, order and isFollowing",
                                         exchange=second), changes, explained=changes > 0 and not flipped)

    settle("identical_requests_agree", attempt, notes=ledger)


def test_pages_at_the_arithmetic_boundaries(api: ContractClient, audience_size: int) -> None:
    """Limits that divide the audience exactly, equal it or miss it by one, each at its last page and the one
    past it: where ceil, hasNextPage and the last page's length are most often wrong. The registry's checks hold
    every answer (pagination_arithmetic, pagination_page_length); a page past the end may be refused."""
    total, most = audience_size, paging_rules().max_limit
    divisors = [limit for limit in range(2, min(total, most) + 1) if total % limit == 0]
    limits = sorted({*divisors[:3], *divisors[-2:], *(limit for limit in (total - 1, total, total + 1) if
                                                       1 <= limit <= most)})
    calls = []
    for limit in limits:
        last = -(-total // limit)
        calls += [partial(api.viewers, params={"limit": limit, "page": page}) for page in (last, last + 1)]
    for exchange in api.gather(calls):
        expect_status("pagination_any_page", exchange, {200, 400, 404},
                      "a last page is answered with 200; the one past it with 200, or refused")
