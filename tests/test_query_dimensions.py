"""The dimensions a page promise is held under: terms drawn from served viewers, limits chosen from a total,
pages sampled deep in a query, and the slice each sampled page must be."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.plugin.hypothesis_profiles import PROFILES
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.query_dimensions import (
    deep_page_samples,
    deep_positions,
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


def test_more_places_sample_more_pages_and_three_sample_what_they_always_did() -> None:
    assert deep_positions(3000, 100, 3) == [1000, 2000, 2999]  # a third in, the seam nearest two thirds, the last
    assert deep_positions(3000, 100, 9) == [750, 800, 1000, 1500, 2000, 2200, 2250, 2999]  # 1500 twice: once
    assert deep_positions(45, 100, 9) == [11, 15, 22, 33, 44] and deep_positions(2, 7, 9) == [0, 1]
    few, more = deep_page_samples(3000, 100, (7, 1), 3), deep_page_samples(3000, 100, (37, 7, 3, 1), 9)
    assert set(few) <= set(more) and len(few) == 6 and len(more) == 32
    assert all((page - 1) * limit < 3000 for page, limit in more)
    assert {(22, 37), (21, 37), (501, 3), (1501, 1)} <= set(more)  # 37 and 3 too, at the half (viewer 1501)


@pytest.mark.parametrize("name", list(PROFILES))
def test_each_profile_samples_its_own_limits_and_pages_and_fast_no_more_than_before(name: str) -> None:
    profile = PROFILES[name]
    samples = deep_page_samples(2500, max(profile.walk_limits), profile.deep_sample_limits, profile.deep_sample_pages)
    if name == "fast":  # the pull requests' run: the pages it sampled before the profiles chose them
        assert (profile.deep_sample_limits, profile.deep_sample_pages) == ((7, 1), 3)
        assert samples == [(120, 7), (243, 7), (358, 7), (834, 1), (1701, 1), (2500, 1)]
    else:
        assert {3, 37} <= set(profile.deep_sample_limits) and profile.deep_sample_pages > 3
        assert len(samples) > 6 * len(profile.deep_sample_limits) // 2


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
