"""4. Search: sound (every result matches), complete (every viewer is found by its names), safe."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract_tests.plugin.hypothesis_profiles import SuiteProfile
from contract_tests.plugin.ledger import Ledger
from contract_tests.registry.churn_tolerance import Attempt, changes_across, settle
from contract_tests.registry.documented_rules import VIEWERS_PATH, is_blank, paging_rules
from contract_tests.registry.query_dimensions import SEARCH_TERM_KINDS, limits_for_total, served_terms
from contract_tests.registry.reading_notes import ReadingNotes
from contract_tests.registry.response_checks import REFUSED_AS_TOO_LONG, expect_status
from contract_tests.registry.search_collations import found_by_the_mock_only, found_under_every
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.page_walks import partition_attempt
from contract_tests.target.viewers_client import ContractClient

METACHARACTERS = [".*", ".", "^", "$", "[", "(", ")", "\\", "|", "+", "?", "{1}", "%", "_", "*", "a.*z",
                  '{"$ne": null}', "$where", "';--", "%00", "\x00"]
PROBES = ("whole", "upper", "lower", "swapcase", "inner", "inner upper")


def sample_viewers(api: ContractClient, count: int = 5) -> list[dict[str, Any]]:
    viewers = api.viewers(params={"limit": paging_rules().max_limit}).body["data"]["list"]
    step = max(1, len(viewers) // count)
    return list(viewers[::step][:count])


def finds(api: ContractClient, term: str, viewer_id: str, max_pages: int) -> bool:
    limit = paging_rules().max_limit
    for page in range(1, max_pages + 1):
        data = api.viewers(params={"search": term, "limit": limit, "page": page}).body["data"]
        if any(v.get("_id") == viewer_id for v in data["list"]):
            return True
        if not data["pagination"]["hasNextPage"]:
            return False
    return False


def still_present(api: ContractClient, viewer_id: str, max_pages: int = 30) -> bool:
    """Whether the viewer is still in the audience (it may have left since it was sampled)."""
    return finds(api, "", viewer_id, max_pages)


def probe_term(value: str, probe: str) -> str | None:
    """A term cut or recased from a field's own value, when it holds the value under every collation a correct
    backend may use (else no backend could be required to find the viewer by it)."""
    cut = value
    if probe.startswith("inner"):
        if len(value) < 3:
            return None
        cut = value[1:-1]  # neither a prefix nor a suffix: found only by a substring search
    changes: dict[str, Callable[[str], str]] = {"whole": str, "upper": str.upper, "lower": str.lower,
                                                "swapcase": str.swapcase, "inner": str, "inner upper": str.upper}
    term = changes[probe](cut)
    return term if not is_blank(term) and found_under_every(term, value) else None


def mock_only_term(value: str, probe: str) -> str | None:
    """The probe's term when the mock's collation finds the value by it and another correct one may not."""
    cut = value[1:-1] if probe.startswith("inner") and len(value) >= 3 else value
    term = {"upper": str.upper, "lower": str.lower, "swapcase": str.swapcase,
            "inner upper": str.upper}.get(probe, str)(cut)
    return term if not is_blank(term) and found_by_the_mock_only(term, value) else None


def note_a_collation_the_mock_does_not_take(api: ContractClient, viewers: list[dict[str, Any]], field: str,
                                            probe: str, notes: ReadingNotes | None) -> None:
    """A viewer missed by a term only the mock's collation holds is no failure: a note that the deployment
    compares otherwise than the mock (search-collation)."""
    if notes is None:
        return
    for viewer in viewers:
        term = mock_only_term(viewer[field], probe) if isinstance(viewer.get(field), str) else None
        if term is not None:
            if not finds(api, term, viewer["_id"], 30) and still_present(api, viewer["_id"]):
                notes.note_reading("search-collation", api.viewers(params={"search": term,
                                                                           "limit": paging_rules().max_limit}))
            return


def completeness_attempt(api: ContractClient, field: str, probe: str, notes: ReadingNotes | None = None) -> Attempt:
    """Search 3 freshly sampled viewers by a part of their own field; a miss counts only if the viewer is still
    there."""
    sampled = sample_viewers(api, 6)
    note_a_collation_the_mock_does_not_take(api, sampled, field, probe, notes)
    probes = [(viewer, probe_term(viewer[field], probe)) for viewer in sampled
              if isinstance(viewer.get(field), str)]
    chosen = [(viewer, term) for viewer, term in probes if term is not None][:3]
    found = api.gather([partial(finds, api, term, viewer["_id"], 30) for viewer, term in chosen])
    for (viewer, term), was_found in zip(chosen, found, strict=True):
        if was_found:
            continue
        exchange = api.viewers(params={"search": term, "limit": paging_rules().max_limit})
        left = not still_present(api, viewer["_id"])
        return Attempt(ContractViolation(
            "search_completeness", f"searching a part of a viewer's own {field} ({probe}) does not find it",
            received=f"{exchange.body['data']['pagination']['totalItems']} results without viewer {viewer['_id']} "
                     f"({viewer['name']} {viewer['surname']} @{viewer['username']})",
            expected=f"viewer {viewer['_id']} among the results for {term!r}", exchange=exchange), int(left), left)
    return Attempt(None, 0)


@pytest.mark.parametrize("field", ["name", "surname", "username"])
@pytest.mark.parametrize("probe", PROBES)
def test_a_viewer_is_found_from_inside_each_of_its_names(api: ContractClient, field: str, probe: str,
                                                        ledger: Ledger) -> None:
    settle(f"search_completeness by {field} ({probe})", lambda: completeness_attempt(api, field, probe, ledger),
           notes=ledger)


def surname_fragment(surname: str) -> str | None:
    """A part from inside a surname, in upper case where every collation a correct backend may use still finds the
    surname by it ('ŞI' is not in 'Işık' under PostgreSQL ILIKE: lower('I') is i), else as it is written."""
    return next((term for probe in ("inner upper", "inner", "upper", "whole")
                 if (term := probe_term(surname, probe)) is not None), None)


def test_a_part_of_a_name_finds_the_viewer(api: ContractClient, ledger: Ledger) -> None:
    def attempt() -> Attempt:
        for viewer in sample_viewers(api, 3):
            surname = viewer["surname"]
            term = surname_fragment(surname)
            if term is None or finds(api, term, viewer["_id"], max_pages=30):
                continue
            left = not still_present(api, viewer["_id"])
            return Attempt(ContractViolation(
                "search_completeness", "a substring of a surname does not find the viewer", received="viewer missing",
                expected=f"viewer {viewer['_id']} among the results for {term!r}",
                exchange=api.viewers(params={"search": term})), int(left), left)
        return Attempt(None, 0)

    settle("search_completeness by a part of a surname", attempt, notes=ledger)


SEARCH_WALK_PAGES = 40  # the most pages a walk of one search may take


@pytest.mark.parametrize("kind", [*SEARCH_TERM_KINDS, "accented"])
def test_a_search_pages_partition_its_matches(api: ContractClient, kind: str, ledger: Ledger,
                                              suite_profile: SuiteProfile) -> None:
    """A search by a term drawn from the served viewers (a whole surname or username, a fragment from inside
    a field, the letter most of them hold; or `ş`, which collations read apart) walked at limits chosen from
    its total (a short last page, a full one), then at the largest limit with pages deep in it sampled at the
    profile's sample limits: every walk yields totalItems viewers, each once (search_totals), every page full but the
    last (pagination_page_length), every sampled page the slice of the order (pagination_stable_order)."""
    most = paging_rules().max_limit
    term = "ş" if kind == "accented" else served_terms(
        api.viewers(params={"limit": most}).body["data"]["list"]).get(kind, "e")
    total = api.viewers(params={"search": term, "limit": most}).body["data"]["pagination"]["totalItems"]
    for limit in [*(limit for limit in limits_for_total(total, most, SEARCH_WALK_PAGES) if limit != most), most]:
        settle(f"search_totals for {term!r} at limit {limit}",
               partition_attempt(api, "search_totals", limit=limit, search=term, max_pages=SEARCH_WALK_PAGES,
                                 sample_limits=suite_profile.deep_sample_limits if limit == most else (),
                                 sample_positions=suite_profile.deep_sample_pages), notes=ledger)


def test_blank_search_is_no_filter(api: ContractClient, ledger: Ledger) -> None:
    for term in ("", " ", "   "):
        def attempt(term: str = term) -> Attempt:
            before = api.viewers()
            blank = api.viewers(params={"search": term})
            after = api.viewers()
            expect_status("search_blank", blank, 200, "a blank search term is accepted")
            totals = [answer.body["data"]["pagination"]["totalItems"] for answer in (before, blank, after)]
            if len(set(totals)) == 1:
                return Attempt(None, 0)
            changes = changes_across([before, after])
            return Attempt(ContractViolation(
                "search_blank", f"the blank term {term!r} filters the audience", received=f"totalItems={totals[1]}",
                expected=f"the whole audience: {totals[0]} just before, {totals[2]} just after", exchange=blank),
                changes, explained=changes > 0)

        settle(f"search_blank for {term!r}", attempt, notes=ledger)


@pytest.mark.parametrize("term", METACHARACTERS)
def test_metacharacters_are_plain_characters(api: ContractClient, term: str) -> None:
    exchange = api.viewers(params={"search": term})
    expect_status("search_literal", exchange, {200, 400}, f"the search {term!r} is answered, never with a 5xx")
    # Soundness (no result without the literal term) is held by search_soundness on the answer.


@pytest.mark.parametrize("term", ["0 ", " a", "e ", "\u00a0ay", "a\ufeff"])
def test_spaces_around_a_term_are_kept_or_trimmed(api: ContractClient, term: str) -> None:
    """The documentation leaves it open: search_soundness accepts the term as sent or trimmed, nothing else."""
    exchange = api.viewers(params={"search": term, "limit": paging_rules().max_limit})
    expect_status("search_any_term", exchange, {200, 400}, f"the search {term!r} is answered, never with a 5xx")


@pytest.mark.parametrize("raw", ["%ff", "%c3", "ab%ffcd"])
def test_a_term_that_is_not_utf8_is_refused_or_read_as_replaced(api: ContractClient, raw: str) -> None:
    """The documentation is silent (reading search-not-utf8): a 400 in the error envelope, or a 200 searched for
    the term read with each bad byte U+FFFD, which search_soundness holds the page to (not everybody, not the
    term without its bad bytes)."""
    path = VIEWERS_PATH.format(id=api.target.stream_id)
    exchange = api.request("GET", f"{path}?search={raw}&limit={paging_rules().max_limit}", headers=api.auth())
    expect_status("search_not_utf8", exchange, {200, 400},
                  f"the search {raw} (not UTF-8 once percent-decoded) is refused with 400 or searched as read")


def test_a_very_long_term_is_answered(api: ContractClient, suite_profile: SuiteProfile) -> None:
    lengths = (1_000, suite_profile.longest_search_term)
    answers = api.gather([partial(api.viewers, params={"search": "ab" * (length // 2)}) for length in lengths])
    for length, exchange in zip(lengths, answers, strict=True):
        expect_status("search_long_term", exchange, {200, *REFUSED_AS_TOO_LONG},
                      f"a {length}-character search is answered (or refused as too long), never with a 5xx")


search_terms = st.one_of(
    st.text(max_size=60),
    st.sampled_from([*METACHARACTERS, "ayşe", "AYŞE", "İlker", "ılker", "ß", "Ç", "ÖZ", "名前", "🙂"]),
    st.text(alphabet="aeiouçğışöüİIAEn ", min_size=1, max_size=6),
)


@given(term=search_terms)
def test_any_term_is_answered_soundly(api: ContractClient, term: str) -> None:
    exchange = api.viewers(params={"search": term, "limit": paging_rules().max_limit})
    expect_status("search_any_term", exchange, {200, 400}, f"the search {term!r} is answered, never with a 5xx")
    # Soundness (every viewer matches the term under one collation) is search_soundness, which the client runs
    # on this answer as on every other.
