"""Walking the pages of one query, adapted to the size of the audience, and judged against churn."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from contract_tests.registry.churn_tolerance import Attempt, audience_shrinks, changes_across, partition_findings
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.query_dimensions import deep_page_samples, page_slice_violation
from contract_tests.registry.response_checks import expect_status, page_data
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.viewers_client import ContractClient


@dataclass(frozen=True)
class Walk:
    pages: list[Exchange]  # in the order requested
    complete: bool  # False when the walk sampled its first and last pages only

    @property
    def first(self) -> Exchange:
        return self.pages[0]

    @property
    def viewers(self) -> list[dict[str, Any]]:
        return [v for page in self.pages for v in (page_data(page) or {}).get("list", []) if isinstance(v, dict)]


def walk_pages(api: ContractClient, *, limit: int, search: str | None = None, max_pages: int = 60) -> Walk:
    """Every page of a query at one limit, one after the other; past max_pages, its first pages and its last."""
    params: dict[str, Any] = {"limit": limit} | ({"search": search} if search is not None else {})
    first = api.viewers(params={**params, "page": 1})
    expect_status("walk_pages", first, 200, f"the first page at limit {limit} is answered with 200")
    total_pages = first.body["data"]["pagination"]["totalPages"]
    pages = list(range(2, total_pages + 1))
    complete = len(pages) < max_pages
    if not complete:
        pages = [*pages[:max_pages - 2], total_pages]
    exchanges = [first]
    for page in pages:
        exchange = api.viewers(params={**params, "page": page})
        expect_status("walk_pages", exchange, 200, f"page {page} at limit {limit} is answered with 200")
        exchanges.append(exchange)
    return Walk(exchanges, complete)


def judge_walk(walk: Walk, check: str, what: str) -> Attempt:
    """Whether the walk's pages partition the audience, and how far churn explains it where they do not."""
    findings = partition_findings(walk.pages)
    shrink = audience_shrinks(walk.pages)
    if shrink is not None:
        earlier, later = shrink
        return Attempt(ContractViolation(
            "pagination_audience_total_stable", "participantAudienceTotal went down while walking the pages",
            received=f"{earlier.body['data']['participantAudienceTotal']}, then "
                     f"{later.body['data']['participantAudienceTotal']}",
            expected="one value on every page (on a live stream it only grows)", exchange=later), findings.changes)
    problems = []
    if findings.repeats:
        problems.append(f"{findings.repeats} repeated, e.g. {findings.repeated[:3]}")
    if walk.complete and findings.listed != findings.total_items:
        problems.append(f"{findings.listed} distinct viewers for totalItems = {findings.total_items}")
    if not problems:
        return Attempt(None, findings.changes)
    violation = ContractViolation(check, f"walking the pages of {what} does not yield every viewer once",
                                  received="; ".join(problems) + f" (the audience changed {findings.changes} "
                                  f"times during the walk)", expected="every viewer exactly once",
                                  exchange=walk.pages[1] if len(walk.pages) > 1 else walk.first)
    return Attempt(violation, findings.changes, findings.explained_by_churn(walk.complete))


def partition_attempt(api: ContractClient, check: str, *, limit: int, search: str | None = None,
                      max_pages: int = 60, sample_limits: Sequence[int] = (),
                      sample_positions: int = 3) -> Callable[[], Attempt]:
    """One try of "the pages of this query partition its results", for churn.settle(); with sample_limits,
    and a complete walk, also "its pages deep in it at those limits (the pages holding sample_positions viewers
    deep in it, at each) are slices of the order walked"."""
    what = f"search {search!r}" if search is not None else "the whole audience"

    def attempt() -> Attempt:
        walk = walk_pages(api, limit=limit, search=search, max_pages=max_pages)
        judged = judge_walk(walk, check, f"{what} at limit {limit}")
        if judged.violation is not None or not walk.complete or not sample_limits:
            return judged
        return judge_samples(api, walk, limit, sample_limits, search, what, sample_positions)

    return attempt


def judge_samples(api: ContractClient, walk: Walk, walked_limit: int, sample_limits: Sequence[int],
                  search: str | None, what: str, positions: int = 3) -> Attempt:
    """Pages deep in a walked query, at other limits: each the slice of the walk's order its page and limit
    select (pagination_stable_order), but for what the audience's movement meanwhile explains."""
    order = [viewer.get("_id") for viewer in walk.viewers]
    query: dict[str, Any] = {"search": search} if search is not None else {}
    samples = [{**query, "page": page, "limit": limit}
               for page, limit in deep_page_samples(len(order), walked_limit, sample_limits, positions)]
    answers = api.gather([partial(api.viewers, params=params) for params in samples])
    served = []
    for params, answer in zip(samples, answers, strict=True):
        if refused_past_the_end(api, answer, params):  # the audience shrank below the page since the walk
            continue
        expect_status("pagination_any_page", answer, 200, f"page {params['page']} at limit {params['limit']} of "
                      f"{what}, within its totalItems, is answered with 200")
        served.append(answer)
    changes = changes_across([*walk.pages, *served])
    for answer in served:
        violation = page_slice_violation("pagination_stable_order", order, answer, what)
        if violation is not None:
            return Attempt(violation, changes, explained=changes > 0)
    return Attempt(None, changes)


def limits_for(audience: int, candidates: tuple[int, ...], max_pages: int) -> list[int]:
    """The candidate page sizes whose walk stays within max_pages; at least the largest one."""
    chosen = [limit for limit in candidates if math.ceil(audience / limit) <= max_pages]
    return chosen or [max(candidates)]


def refused_past_the_end(api: ContractClient, exchange: Exchange, params: Mapping[str, Any]) -> bool:
    """Whether a 400 or 404 for this page is the past-the-end reading: the first page of the same query says
    there are fewer pages than the one asked for (a backend may answer a page past the last so)."""
    page = params.get("page")
    if exchange.status not in {400, 404} or not isinstance(page, int) or page <= 1:
        return False
    first = api.viewers(params={**params, "page": 1})
    if first.status != 200:
        return False
    total_pages = first.body["data"]["pagination"].get("totalPages")
    return isinstance(total_pages, int) and total_pages < page
