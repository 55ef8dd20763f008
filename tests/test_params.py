"""Request parameters are checked against the spec's rules, every bad one named."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.core.params import ParameterRules
from tests.test_spec import OPERATION, resolve


@pytest.fixture(scope="module")
def rules(spec: dict[str, Any]) -> ParameterRules:
    path, method = OPERATION
    return ParameterRules.from_spec(resolve(spec["paths"][path][method], spec)["parameters"])


GOOD_ID = {"id": "64d15f9e2e6c8f4d5a123456"}


@pytest.mark.parametrize("query", [[], [("page", "1")], [("limit", "100"), ("page", "99999")], [("search", "")],
                                   [("page", "10" * 15)], [("unknown", "x")]])
def test_valid_requests_pass(rules: ParameterRules, query: list[tuple[str, str]]) -> None:
    assert rules.problems(query, GOOD_ID) == []


@pytest.mark.parametrize(("query", "path", "expected"), [
    ([("page", "0")], GOOD_ID, ["page: must be at least 1, got '0'"]),
    ([("limit", "101")], GOOD_ID, ["limit: must be at most 100, got '101'"]),
    ([("limit", "1e3")], GOOD_ID, ["limit: must be an integer, got '1e3'"]),
    ([("page", "1.0")], GOOD_ID, ["page: must be an integer, got '1.0'"]),
    ([("page", "")], GOOD_ID, ["page: must be an integer, got ''"]),
    ([("page", "١")], GOOD_ID, ["page: must be an integer, got '١'"]),
    ([("page", "1"), ("page", "2")], GOOD_ID, ["page: was given 2 times; send it once"]),
    ([], {"id": "xyz"}, ["id: must match ^[0-9a-fA-F]{24}$, got 'xyz'"]),
    ([], {"id": "64d15f9e2e6c8f4d5a123456\n"}, ["id: must match ^[0-9a-fA-F]{24}$, got '64d15f9e2e6c8f4d5a123456\\n'"]),
    ([("page", "-1"), ("limit", "abc")], {"id": "q"}, ["id: must match ^[0-9a-fA-F]{24}$, got 'q'",
                                                         "page: must be at least 1, got '-1'",
                                                         "limit: must be an integer, got 'abc'"]),
])
def test_each_bad_parameter_is_named(rules: ParameterRules, query: list[tuple[str, str]], path: dict[str, str],
                                     expected: list[str]) -> None:
    assert rules.problems(query, path) == expected


def test_long_values_are_cut_short_in_messages(rules: ParameterRules) -> None:
    (problem,) = rules.problems([("page", "x" * 10_000)], GOOD_ID)
    assert problem.endswith("... (10000 characters)") and len(problem) < 120


def test_unsupported_schemas_are_refused_at_start() -> None:
    with pytest.raises(ValueError, match="beyond these rules"):
        ParameterRules.from_spec([{"name": "tags", "in": "query", "schema": {"type": "array"}}])


@pytest.mark.parametrize("query", ["search=%ff", "search=a+b&page=2", "%ff=1&&x", "search=%c3%28&search=%zz"])
def test_query_pairs_read_as_parse_qsl_does(query: str) -> None:
    from urllib.parse import parse_qsl

    from mockserver.core.params import query_pairs

    assert query_pairs(query)[0] == parse_qsl(query, keep_blank_values=True)


def test_a_value_that_is_not_utf8_is_named_by_its_bytes(rules: ParameterRules) -> None:
    from mockserver.core.params import query_pairs

    pairs, undecodable = query_pairs("search=x%E2%82&page=%ff&unknown=%ff")
    assert rules.problems(pairs, GOOD_ID, undecodable) == [
        "page: must be UTF-8 text once percent-decoded, got '%ff' (%FF is not UTF-8)",
        "search: must be UTF-8 text once percent-decoded, got 'x%E2%82' (%E2%82 is not UTF-8)"]
