"""Walking the pages of one query, adapted to the size of the audience, and judged against churn."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from contract_tests.registry.churn_tolerance import Attempt, audience_shrinks, partition_findings
from contract_tests.registry.exchange import Exchange
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
                      max_pages: int = 60) -> Callable[[], Attempt]:
    """One try of "the pages of this query partition its results", for churn.settle()."""
    what = f"search {search!r}" if search is not None else "the whole audience"
    return lambda: judge_walk(walk_pages(api, limit=limit, search=search, max_pages=max_pages), check,
                              f"{what} at limit {limit}")


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
