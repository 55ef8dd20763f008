"""4. Search: sound (every result matches), complete (every viewer is found by its names), safe."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_tests.checks import expect_status, fail
from contract_tests.profiles import SuiteProfile
from contract_tests.rules import is_blank, matches, paging_rules
from contract_tests.target import ViewersApi
from contract_tests.walking import walk_pages

METACHARACTERS = [".*", ".", "^", "$", "[", "(", ")", "\\", "|", "+", "?", "{1}", "%", "_", "*", "a.*z",
                  '{"$ne": null}', "$where", "';--", "%00", "\x00"]
CASE_CHANGES = {"upper": str.upper, "lower": str.lower, "swapcase": str.swapcase}


def sample_viewers(api: ViewersApi, count: int = 5) -> list[dict[str, Any]]:
    viewers = api.viewers(params={"limit": paging_rules().max_limit}).body["data"]["list"]
    step = max(1, len(viewers) // count)
    return list(viewers[::step][:count])


def finds(api: ViewersApi, term: str, viewer_id: str, max_pages: int) -> bool:
    limit = paging_rules().max_limit
    for page in range(1, max_pages + 1):
        data = api.viewers(params={"search": term, "limit": limit, "page": page}).body["data"]
        if any(v.get("_id") == viewer_id for v in data["list"]):
            return True
        if not data["pagination"]["hasNextPage"]:
            return False
    return False


@pytest.mark.parametrize("field", ["name", "surname", "username"])
@pytest.mark.parametrize("change", list(CASE_CHANGES))
def test_a_viewer_is_found_by_its_own_names_in_any_case(api: ViewersApi, field: str, change: str) -> None:
    for viewer in sample_viewers(api, 3):
        term = CASE_CHANGES[change](viewer[field])
        if is_blank(term):
            continue
        if not finds(api, term, viewer["_id"], max_pages=30):
            exchange = api.viewers(params={"search": term, "limit": paging_rules().max_limit})
            fail("search_completeness", f"searching a viewer's own {field} ({change}) does not find it", exchange,
                 received=f"{exchange.body['data']['pagination']['totalItems']} results without viewer "
                 f"{viewer['_id']} ({viewer['name']} {viewer['surname']} @{viewer['username']})",
                 expected=f"viewer {viewer['_id']} among the results for {term!r}")


def test_a_part_of_a_name_finds_the_viewer(api: ViewersApi) -> None:
    for viewer in sample_viewers(api, 3):
        surname = viewer["surname"]
        term = surname[1:-1] if len(surname) > 3 else surname
        if not is_blank(term) and not finds(api, term.upper(), viewer["_id"], max_pages=30):
            exchange = api.viewers(params={"search": term.upper()})
            fail("search_completeness", "a substring of a surname does not find the viewer", exchange,
                 received="viewer missing", expected=f"viewer {viewer['_id']} among the results for {term.upper()!r}")


@pytest.mark.parametrize("term", ["a", "e", "ş"])
def test_search_totals_agree_with_walking_its_pages(api: ViewersApi, term: str) -> None:
    walk = walk_pages(api, limit=paging_rules().max_limit, search=term, max_pages=40)
    if walk.complete and len(walk.viewers) != walk.total_items:
        fail("search_totals", f"walking the pages of search {term!r} does not yield totalItems viewers", walk.first,
             received=f"{len(walk.viewers)} viewers", expected=f"totalItems = {walk.total_items}")
    ids = [v.get("_id") for v in walk.viewers]
    if len(ids) != len(set(ids)):
        fail("search_totals", f"the pages of search {term!r} repeat viewers", walk.first,
             received=f"{len(ids) - len(set(ids))} repeats", expected="each matching viewer once")


def test_blank_search_is_no_filter(api: ViewersApi, audience_size: int) -> None:
    for term in ("", " ", "   "):
        exchange = api.viewers(params={"search": term})
        expect_status("search_blank", exchange, 200, "a blank search term is accepted")
        if exchange.body["data"]["pagination"]["totalItems"] != audience_size:
            fail("search_blank", f"the blank term {term!r} filters the audience", exchange,
                 received=f"totalItems={exchange.body['data']['pagination']['totalItems']}",
                 expected=f"the whole audience, {audience_size}")


@pytest.mark.parametrize("term", METACHARACTERS)
def test_metacharacters_are_plain_characters(api: ViewersApi, term: str) -> None:
    exchange = api.viewers(params={"search": term})
    expect_status("search_literal", exchange, {200, 400}, f"the search {term!r} is answered, never with a 5xx")
    # Soundness (no result without the literal term) is held by search_soundness on the answer.


def test_a_very_long_term_is_answered(api: ViewersApi, suite_profile: SuiteProfile) -> None:
    for length in (1_000, suite_profile.longest_search_term):
        expect_status("search_long_term", api.viewers(params={"search": "ab" * (length // 2)}), {200, 400, 414},
                      f"a {length}-character search is answered, never with a 5xx")


search_terms = st.one_of(
    st.text(max_size=60),
    st.sampled_from([*METACHARACTERS, "ayşe", "AYŞE", "İlker", "ılker", "ß", "Ç", "ÖZ", "名前", "🙂"]),
    st.text(alphabet="aeiouçğışöüİIAEn ", min_size=1, max_size=6),
)


@given(term=search_terms)
def test_any_term_is_answered_soundly(api: ViewersApi, term: str) -> None:
    exchange = api.viewers(params={"search": term, "limit": paging_rules().max_limit})
    expect_status("search_any_term", exchange, {200, 400}, f"the search {term!r} is answered, never with a 5xx")
    if exchange.status == 200:
        for viewer in exchange.body["data"]["list"]:
            assert is_blank(term) or matches(term, viewer)  # search_soundness already ran; this documents it
