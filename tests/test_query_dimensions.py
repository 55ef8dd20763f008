"""The dimensions a page promise is held under: terms drawn from served viewers, limits chosen from a total,
pages sampled deep in a query, and the slice each sampled page must be."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.registry.exchange import Exchange
from contract_tests.registry.query_dimensions import (
    deep_page_samples,
    limits_for_total,
    page_slice_violation,
    served_terms,
)
from tests.test_contract_churn import page


def served_page(ids: list[str], total: int, number: int, limit: int) -> Exchange:
    """A page of the query whose whole audience is its total (the churn tests' page, nothing moving)."""
    exchange: Exchange = page(ids, total, total, number, limit)
    return exchange


def viewer(name: str, surname: str, username: str) -> dict[str, Any]:
    return {"_id": username, "name": name, "surname": surname, "username": username}


VIEWERS = [viewer("Ayşe", "Yılmaz", "ayse_y"), viewer("Mehmet", "Kaya", "mkaya"),
           viewer("Zeynep", "Demir", "zeynepdemir"), viewer("Ali", "Çelik", "alicelik")]


def test_terms_are_drawn_from_the_served_viewers() -> None:
    terms = served_terms(VIEWERS)
    assert terms["whole"] == "Kaya"  # the surname of the viewer a third of the way in, as served
    assert terms["inner"] in "zeynepdemir" and not "zeynepdemir".startswith(terms["inner"])
    assert not "zeynepdemir".endswith(terms["inner"]) and len(terms["inner"]) == 3
    assert terms["many"] == "e"  # held by all four ("a" by three)
    assert served_terms(list(reversed(VIEWERS))) == served_terms(list(reversed(VIEWERS)))  # the same every time


def test_no_viewers_give_no_terms_and_short_names_no_inner_fragment() -> None:
    assert served_terms([]) == {}
    assert "inner" not in served_terms([viewer("Al", "Su", "a_b")])


@pytest.mark.parametrize(("total", "limits"), [(45, [12, 15]), (12, [6]), (1, [100]), (0, [100]), (3000, [100])])
def test_limits_leave_a_short_and_a_full_last_page(total: int, limits: list[int]) -> None:
    chosen = limits_for_total(total, 100, 40)
    assert chosen == limits
    for limit in chosen:
        assert limit <= 100 and -(-total // limit) <= 40


def test_samples_lie_deep_at_other_limits_and_within_the_total() -> None:
    samples = deep_page_samples(3000, 100, (7, 1))
    assert (3000, 1) in samples and (429, 7) in samples  # the last viewer, at each limit
    assert (2001, 1) in samples  # the first viewer past the walk's page boundary nearest two thirds in
    assert all((page - 1) * limit < 3000 for page, limit in samples)
    assert deep_page_samples(1, 100, (7, 1)) == [] and deep_page_samples(45, 7, (7,)) == []


ORDER = [f"v{n}" for n in range(10)]


def test_a_page_that_is_its_slice_keeps_the_promise() -> None:
    assert page_slice_violation("pagination_stable_order", ORDER, served_page(ORDER[3:6], 10, 2, 3), "x") is None
    assert page_slice_violation("pagination_stable_order", ORDER, served_page(["v9"], 10, 4, 3), "x") is None


@pytest.mark.parametrize("listed", [["v2", "v3", "v4"], ["v3", "v5"], ["v3", "v5", "v4"], ["v3", "v4", "v6"]],
                         ids=["repeated from the page before", "filtered after slicing", "reordered", "shifted"])
def test_a_page_that_is_not_its_slice_breaks_it(listed: list[str]) -> None:
    violation = page_slice_violation("search_totals", ORDER, served_page(listed, 10, 2, 3), "search 'a'")
    assert violation is not None and violation.check == "search_totals"
    assert "viewers 4 to 6 of the order" in violation.expected
