"""Walking the pages of one query, adapted to the size of the audience."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from contract_tests.checks import expect_status, fail
from contract_tests.exchange import Exchange
from contract_tests.target import ViewersApi


@dataclass(frozen=True)
class Walk:
    viewers: list[dict[str, Any]]
    total_items: int
    audience_totals: set[Any]
    complete: bool  # False when the walk sampled its first and last pages only
    first: Exchange


def walk_pages(api: ViewersApi, *, limit: int, search: str | None = None, max_pages: int = 60) -> Walk:
    """Every page of a query at one limit; past max_pages, its first pages and its last one."""
    params: dict[str, Any] = {"limit": limit} | ({"search": search} if search is not None else {})
    first = api.viewers(params={**params, "page": 1})
    expect_status("walk_pages", first, 200, f"the first page at limit {limit} is answered with 200")
    pagination = first.body["data"]["pagination"]
    total_items, total_pages = pagination["totalItems"], pagination["totalPages"]
    viewers = list(first.body["data"]["list"])
    audience_totals = {first.body["data"]["participantAudienceTotal"]}
    pages = list(range(2, total_pages + 1))
    complete = len(pages) < max_pages
    if not complete:
        pages = [*pages[:max_pages - 2], total_pages]
    for page in pages:
        exchange = api.viewers(params={**params, "page": page})
        data = exchange.body["data"]
        if data["pagination"]["totalItems"] != total_items:
            fail("pagination_stable_totals", "totalItems changed while walking the pages", exchange,
                 received=f"totalItems={data['pagination']['totalItems']} on page {page}",
                 expected=f"{total_items}, as on page 1")
        viewers.extend(data["list"])
        audience_totals.add(data["participantAudienceTotal"])
    return Walk(viewers, total_items, audience_totals, complete, first)


def limits_for(audience: int, candidates: tuple[int, ...], max_pages: int) -> list[int]:
    """The candidate page sizes whose walk stays within max_pages; at least the largest one."""
    chosen = [limit for limit in candidates if math.ceil(audience / limit) <= max_pages]
    return chosen or [max(candidates)]
