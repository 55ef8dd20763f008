"""Search: a literal, case-insensitive (Unicode) substring of name, surname or username."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.core.search import SearchIndex, fold, is_blank

PEOPLE = [
    ("Ayşe", "Yılmaz", "ayse.yilmaz1"),
    ("İlker", "Öztürk", "ilker_ozturk2"),
    ("John", "Doe", "johndoe3"),
    ("AYŞE", "KARA", "aysekara4"),
    ("Mary-Jane", "O'Neil (Jr.)", "mj.oneil5"),
    ("Straße", "Groß", "strasse6"),
]


def found(term: str) -> list[int]:
    return list(SearchIndex(PEOPLE).positions(term))


def test_turkish_letters_match_across_case() -> None:
    assert found("ayşe") == [0, 3]
    assert found("AYŞE") == [0, 3]
    assert found("ilker") == [1]
    assert found("İLKER") == [1]
    assert found("öztürk") == [1]


def test_each_field_is_searched() -> None:
    assert found("doe") == [2]  # surname
    assert found("john") == [2]  # name
    assert found("johndoe3") == [2]  # username


def test_a_term_never_spans_two_fields_or_two_viewers() -> None:
    assert found("johndoe") == [2]  # inside the username, not name + surname
    assert found("doejohn") == []
    assert found("Jr.)strasse") == []


def test_regex_metacharacters_are_plain_characters() -> None:
    assert found("(Jr.)") == [4]
    assert found(".*") == []
    assert found("[a-z]") == []
    assert found("O'Neil") == [4]


def test_case_folding_is_full_unicode() -> None:
    assert found("STRASSE") == [5]
    assert found("groß") == [5]


def test_decomposed_input_matches_composed_names() -> None:
    assert found("Ays\u0327e") == [0, 3]


def test_blank_terms_are_no_filter() -> None:
    assert is_blank(None) and is_blank("") and is_blank("   ") and is_blank("\t")
    assert not is_blank(" a ")


def test_separator_characters_find_nothing() -> None:
    assert found("\x1f") == [] and found("\x1e") == []


def test_a_long_term_finds_nothing_quickly() -> None:
    assert found("a" * 10_000) == []


def test_fold_handles_dotted_capital_i() -> None:
    assert fold("İlker") == "ilker"
    assert fold("ILKER") == "ilker"


names = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=12)


@given(people=st.lists(st.tuples(names, names, names), max_size=25), term=st.text(max_size=4))
def test_results_are_exactly_those_of_a_full_scan(people: list[tuple[str, str, str]], term: str) -> None:
    expected = [position for position, fields in enumerate(people) if any(fold(term) in fold(f) for f in fields)]
    assert list(SearchIndex(people).positions(term)) == expected


def test_the_four_turkish_is_are_one_letter() -> None:
    assert found("YILMAZ") == [0]
    assert found("yilmaz") == [0]
    assert found("İLKER") == found("ILKER") == found("ılker") == [1]


def test_common_and_rare_terms_take_either_scan_with_the_same_results() -> None:
    people = [(f"Name{i % 7}", "Öz" if i % 3 else "Kaya", f"user{i}") for i in range(120_000)]
    index = SearchIndex(people)
    for term in ("name", "öz", "KAYA", "user11", "user119999", "zz"):
        expected = [i for i, fields in enumerate(people) if any(fold(term) in fold(f) for f in fields)]
        assert list(index.positions(term)) == expected


def test_kept_results_stay_within_their_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.core import search

    monkeypatch.setattr(search, "_CACHED_POSITIONS", 10)
    index = SearchIndex(PEOPLE * 3)
    for _ in range(2):
        for term in ("a", "y", "o", "ş", "john", "zz"):
            expected = [i for i, fields in enumerate(PEOPLE * 3) if any(fold(term) in fold(f) for f in fields)]
            assert list(index.positions(term)) == expected
    assert index._cached_positions <= 10


def test_a_longer_term_filters_a_kept_shorter_one_exactly() -> None:
    people = [(f"Ay{chr(97 + i % 26)}e", "Yılmaz" if i % 5 else "Kaya", f"u{i}") for i in range(5_000)]
    index = SearchIndex(people)
    for term in ("a", "ay", "ayb", "AYBE", "y", "yıl", "yilmaz", "kay", "u49", "u499"):
        expected = [i for i, fields in enumerate(people) if any(fold(term) in fold(f) for f in fields)]
        assert list(index.positions(term)) == expected


def test_an_audience_with_one_very_long_name_gives_the_same_results() -> None:
    people = [*PEOPLE * 20, ("Ayşe" * 200, "Yılmaz", "ayse.long")]
    index = SearchIndex(people)
    assert not index._width  # records of many widths: no padding to the longest
    for term in ("a", "AYŞEAYŞE", "yılmaz", "long", "zz"):
        expected = [i for i, fields in enumerate(people) if any(fold(term) in fold(f) for f in fields)]
        assert list(index.positions(term)) == expected


def test_a_term_is_never_found_across_two_neighbours() -> None:
    index = SearchIndex([("Ab", "Cd", "ef"), ("gh", "Ij", "kl")])
    assert list(index.positions("efgh")) == list(index.positions("f\x1eg")) == []
    assert list(index.positions("ef")) == [0] and list(index.positions("gh")) == [1]


def test_a_lone_surrogate_in_a_name_is_searched_like_any_letter() -> None:
    index = SearchIndex([("a\ud800b", "c", "d"), ("x", "y", "z")])
    assert list(index.positions("\ud800")) == [0] and list(index.positions("a\ud800b")) == [0]


few_letters = st.text(alphabet="aAbıIiİşŞ\u0307ö😀-", max_size=8)


@given(people=st.lists(st.tuples(few_letters, few_letters, few_letters), min_size=1, max_size=40),
       term=st.text(alphabet="aAbıIiİşŞ\u0307ö😀-", min_size=2, max_size=5))
def test_with_the_ngram_filter_results_are_exactly_those_of_a_full_scan(
        people: list[tuple[str, str, str]], term: str) -> None:
    from unittest import mock

    expected = [position for position, fields in enumerate(people) if any(fold(term) in fold(f) for f in fields)]
    with mock.patch("mockserver.core.search._TESTED_AT_MOST", 1.0):  # always test what the filter lets through
        assert list(SearchIndex(people, ngram_filter_from=0).positions(term)) == expected


@given(records=st.lists(st.binary(min_size=0, max_size=11), min_size=1, max_size=30),
       pattern=st.binary(min_size=2, max_size=6))
def test_the_ngram_filter_never_sets_aside_a_record_that_holds_the_pattern(records: list[bytes],
                                                                          pattern: bytes) -> None:
    from mockserver.core.ngrams import NgramFilter

    width = 12
    ngrams = NgramFilter(b"".join(record.ljust(width, b"\x1e") for record in records), width, len(records))
    candidates = ngrams.candidates(pattern)
    assert candidates is not None
    assert list(candidates) == sorted(set(candidates))
    assert {i for i, record in enumerate(records) if pattern in record} <= set(candidates)


def test_the_ngram_filter_sets_aside_most_records_of_a_rare_term() -> None:
    from mockserver.core.ngrams import NgramFilter

    records = [f"name{i % 97}\x1fsurname{i % 89}\x1fuser{i}".encode().ljust(40, b"\x1e") for i in range(20_000)]
    ngrams = NgramFilter(b"".join(records), 40, len(records))
    candidates = ngrams.candidates(b"user12345")
    assert candidates is not None and 12345 in candidates
    assert len(candidates) < 200  # a filter that lets everything through would still be exact, and useless
    assert ngrams.candidates(b"u") is None


def test_the_ngram_filter_refuses_records_that_do_not_fit_the_bytes() -> None:
    from mockserver.core.ngrams import NgramFilter

    with pytest.raises(ValueError, match="3 records of 10 bytes"):
        NgramFilter(b"x" * 29, 10, 3)


def test_names_holding_the_separators_are_folded_field_by_field() -> None:
    people = [("A\x1fB", "Ç", "x"), ("İ\x1e", "y", "z"), ("Ayşe", "Kaya", "ak")]
    index = SearchIndex(people)
    assert list(index.positions("ç")) == [0]
    assert list(index.positions("i")) == [1]
    assert list(index.positions("AYŞE")) == [2]


@given(people=st.lists(st.tuples(names, names, names), min_size=1, max_size=25))
def test_folding_all_at_once_is_folding_each_field(people: list[tuple[str, str, str]]) -> None:
    from mockserver.core.search import _folded_records

    assert _folded_records(people) == tuple("\x1f".join(map(fold, fields)) for fields in people)
    assert _folded_records(iter(people)) == _folded_records(people)
