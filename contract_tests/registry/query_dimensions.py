"""The dimensions a cross-answer promise must hold under, and the promise that ties a query's pages together.

A promise about pages holds under every combination of the request's dimensions (search x page x limit),
so the suite does not test it at a few hand-picked points: it draws search terms from what the deployment
itself served (a whole value, a fragment from inside a field, a letter that matches many), walks each
query at limits chosen from its own total (a short last page, a full last page), and samples pages deep in
it at other limits. Every sampled page must be the slice of the query's one order that its page and limit
select: a search filtered after slicing, a viewer repeated across pages, a shift past some depth all break
it. Pure: each function takes what the deployment served and gives terms, limits, pages or a violation.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from contract_tests.registry.documented_rules import is_blank
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.response_checks import page_numbers
from contract_tests.registry.violations import ContractViolation

SEARCH_TERM_KINDS = ("whole", "inner", "many")
NAME_FIELDS = ("name", "surname", "username")


def _texts(viewer: Mapping[str, Any]) -> list[str]:
    return [value for field in NAME_FIELDS if isinstance(value := viewer.get(field), str) and not is_blank(value)]


def _whole_value(viewer: Mapping[str, Any]) -> str | None:
    """A whole field as it was served: the surname, else the username or the name."""
    for field in ("surname", "username", "name"):
        value = viewer.get(field)
        if isinstance(value, str) and not is_blank(value) and value == value.strip():
            return value
    return None


def _inner_fragment(viewer: Mapping[str, Any]) -> str | None:
    """Three characters from the middle of the longest field: neither its prefix nor its suffix."""
    longest = max(_texts(viewer), key=len, default="")
    if len(longest) < 5:
        return None
    middle = len(longest) // 2
    fragment = longest[middle - 1:middle + 2]
    return fragment if fragment == fragment.strip() and not is_blank(fragment) else None


def _letter_of_many(viewers: Sequence[Mapping[str, Any]]) -> str | None:
    """The letter the most viewers hold in a name, surname or username (ties: the first in code order)."""
    held = Counter(letter for viewer in viewers
                   for letter in {c for text in _texts(viewer) for c in text.lower() if c.isalpha()})
    if not held:
        return None
    return min(held, key=lambda letter: (-held[letter], letter))


def served_terms(viewers: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Search terms drawn from viewers the deployment served, by kind: `whole` (one viewer's whole surname or
    username), `inner` (a fragment from inside another viewer's field) and `many` (the letter most of them
    hold). A kind the viewers give no term for is left out; the same viewers give the same terms."""
    listed = [viewer for viewer in viewers if isinstance(viewer, Mapping)]
    if not listed:
        return {}
    terms: dict[str, str] = {}
    whole = _whole_value(listed[len(listed) // 3])
    inner = next((fragment for viewer in [*listed[2 * len(listed) // 3:], *listed]
                  if (fragment := _inner_fragment(viewer)) is not None), None)
    many = _letter_of_many(listed)
    for kind, term in zip(SEARCH_TERM_KINDS, (whole, inner, many), strict=True):
        if term is not None:
            terms[kind] = term
    return terms


def limits_for_total(total: int, max_limit: int, max_pages: int) -> list[int]:
    """Page sizes to walk a query of `total` results at, each within max_pages: one that leaves a short last
    page after full ones, and one the total is a multiple of (a full last page, where hasNextPage turns);
    the largest limit when neither fits (one page, or a walk too long for the others)."""
    limits: list[int] = []
    short_last = next((limit for pages in (3, 4, 5, 2) if 1 <= (limit := math.ceil(total / pages)) <= max_limit
                       and total % limit and math.ceil(total / limit) <= max_pages), None)
    full_last = next((limit for limit in range(min(max_limit, total // 2), 0, -1)
                      if total % limit == 0 and total // limit <= max_pages), None)
    for candidate in (short_last, full_last):
        if candidate is not None and candidate not in limits:
            limits.append(candidate)
    return limits or [max_limit]


def deep_positions(total: int, walked_limit: int, count: int) -> list[int]:
    """Positions (0-based) deep in a query of `total` results, from the first `count` of these places: the viewer
    a third of the way in, the first past the walk's page boundary nearest two thirds of the way, the last; then,
    at halves, quarters, eighths, ... of the way, the first viewer past the walk's page boundary nearest there and
    the viewer there, in turn (a seam of the walk, then the middle of a page). A place that falls on another or
    outside the query adds nothing: the same count gives the same positions, whatever the total."""
    def boundary(fraction: float) -> int | None:
        near = walked_limit * round(fraction * total / walked_limit)
        return near if 0 < near < total else None

    places: list[int | None] = [total // 3, boundary(2 / 3), total - 1]
    denominator = 2
    while len(places) < count:
        for numerator in range(1, denominator, 2):
            places += [boundary(numerator / denominator), numerator * total // denominator]
        denominator *= 2
    return sorted({place for place in places[:count] if place is not None and 0 <= place < total})


def deep_page_samples(total: int, walked_limit: int, sample_limits: Sequence[int],
                      positions: int = 3) -> list[tuple[int, int]]:
    """(page, limit) pairs deep in a query of `total` results, at other limits than the one walked: at each
    limit, the pages holding `positions` viewers deep in it (deep_positions), each page once."""
    if total < 2:
        return []
    deep = deep_positions(total, walked_limit, positions)
    samples: list[tuple[int, int]] = []
    for limit in sample_limits:
        if limit == walked_limit:
            continue
        for position in deep:
            sample = (position // limit + 1, limit)
            if sample not in samples:
                samples.append(sample)
    return samples


def page_ids(exchange: Exchange) -> list[Any]:
    numbers = page_numbers(exchange)
    if numbers is None:
        return []
    return [viewer.get("_id") for viewer in numbers.data["list"] if isinstance(viewer, dict)]


def page_slice_violation(check: str, order: Sequence[Any], exchange: Exchange, what: str) -> ContractViolation | None:
    """Whether a page is the slice of the query's order (its viewers' ids, walked at another limit) that its
    currentPage and itemsPerPage select; the violation named `check` when it is not."""
    numbers = page_numbers(exchange)
    if numbers is None:
        return None
    start = (numbers.current - 1) * numbers.per_page
    expected = list(order[start:start + numbers.per_page])
    listed = page_ids(exchange)
    if listed == expected:
        return None
    missing = [viewer for viewer in expected if viewer not in listed]
    strangers = [viewer for viewer in listed if viewer not in expected]
    return ContractViolation(
        check, f"page {numbers.current} at limit {numbers.per_page} of {what} is not the slice of the order its "
               "walk at another limit served",
        received=f"{len(listed)} viewers: {listed[:4]}{'...' if len(listed) > 4 else ''}"
                 + (f"; not in the slice: {strangers[:3]}" if strangers else "")
                 + (f"; missing: {missing[:3]}" if missing else ""),
        expected=f"viewers {start + 1} to {start + len(expected)} of the order: {expected[:4]}"
                 f"{'...' if len(expected) > 4 else ''}", exchange=exchange)
