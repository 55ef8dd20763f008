"""3. Pagination: the documented arithmetic, and pages that partition the audience at any limit."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from contract_tests.checks import expect_status, fail
from contract_tests.profiles import SuiteProfile
from contract_tests.rules import paging_rules
from contract_tests.target import ViewersApi
from contract_tests.walking import limits_for, walk_pages


def test_documented_defaults(api: ViewersApi) -> None:
    rules = paging_rules()
    exchange = api.viewers()
    pagination = exchange.body["data"]["pagination"]
    if (pagination["currentPage"], pagination["itemsPerPage"]) != (rules.default_page, rules.default_limit):
        fail("pagination_defaults", "without page and limit the documented defaults must apply", exchange,
             received=f"currentPage={pagination['currentPage']}, itemsPerPage={pagination['itemsPerPage']}",
             expected=f"currentPage={rules.default_page}, itemsPerPage={rules.default_limit}")


def test_full_last_and_past_the_end_pages(api: ViewersApi, audience_size: int) -> None:
    limit = max(1, min(paging_rules().max_limit, audience_size - 1)) if audience_size > 1 else 1
    first = api.viewers(params={"limit": limit})
    total_pages = first.body["data"]["pagination"]["totalPages"]
    last = api.viewers(params={"limit": limit, "page": total_pages})
    past = api.viewers(params={"limit": limit, "page": total_pages + 1})
    expect_status("pagination_past_the_end", past, 200, "a page past the end is a 200 with an empty list")
    if past.body["data"]["list"] != []:
        fail("pagination_past_the_end", "a page past the end is not empty", past,
             received=f"{len(past.body['data']['list'])} viewers", expected="an empty list")
    # Exact lengths of the full, last and past pages are held by pagination_page_length on each answer.
    assert last.body["data"]["pagination"]["hasNextPage"] is False


def test_walking_every_page_yields_every_viewer_once(api: ViewersApi, audience_size: int,
                                                    suite_profile: SuiteProfile) -> None:
    for limit in limits_for(audience_size, suite_profile.walk_limits, suite_profile.walk_pages):
        walk = walk_pages(api, limit=limit, max_pages=suite_profile.walk_pages)
        counts = Counter(viewer.get("_id") for viewer in walk.viewers)
        repeated = [viewer_id for viewer_id, count in counts.items() if count > 1]
        if repeated:
            fail("pagination_partition", f"walking the pages at limit {limit} meets viewers twice", walk.first,
                 received=f"{len(repeated)} repeated, e.g. {repeated[:3]}", expected="every viewer exactly once")
        if walk.complete and len(walk.viewers) != walk.total_items:
            fail("pagination_partition", f"walking the pages at limit {limit} does not yield totalItems viewers",
                 walk.first, received=f"{len(walk.viewers)} viewers", expected=f"totalItems = {walk.total_items}")
        if len(walk.audience_totals) != 1:
            fail("pagination_audience_total_stable", "participantAudienceTotal changes from page to page", walk.first,
                 received=sorted(walk.audience_totals, key=str), expected="one value on every page")


def test_limits_agree_on_the_order(api: ViewersApi, audience_size: int) -> None:
    limit = paging_rules().max_limit
    reference = [v["_id"] for v in api.viewers(params={"limit": limit}).body["data"]["list"]]
    small = []
    for page in range(1, 5):
        small += [v["_id"] for v in api.viewers(params={"limit": 7, "page": page}).body["data"]["list"]]
    if small != reference[: len(small)]:
        exchange = api.viewers(params={"limit": 7, "page": 1})
        fail("pagination_stable_order", "pages at different limits disagree on the order", exchange,
             received=f"limit 7 pages 1-4: {small[:8]}...", expected=f"the order at limit {limit}: {reference[:8]}...")


@given(page=st.integers(1, 60), limit=st.integers(1, 100))
def test_any_page_keeps_the_arithmetic(api: ViewersApi, page: int, limit: int) -> None:
    """Every answer passes the registry's pagination checks (echo, arithmetic, page length, audience total)."""
    expect_status("pagination_any_page", api.viewers(params={"page": page, "limit": limit}), 200,
                  "any page and limit in range is answered with 200")


def test_participant_audience_total_is_stable_across_searches(api: ViewersApi) -> None:
    totals = {api.viewers(params=query).body["data"]["participantAudienceTotal"]
              for query in ({}, {"page": 2}, {"limit": 3}, {"search": "a"}, {"search": "zzzzzz-none"})}
    if len(totals) != 1:
        fail("pagination_audience_total_stable", "participantAudienceTotal changes with the query", api.viewers(),
             received=sorted(totals), expected="one value for every page and search")
