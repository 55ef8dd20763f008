"""1. Schema: generated requests, valid and invalid, get answers that conform to openapi.yaml."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis

from contract_tests.checks import expect_status
from contract_tests.rules import VIEWERS_PATH, paging_rules
from contract_tests.target import ViewersApi

schema = schemathesis.pytest.from_fixture("contract_schema")


@schema.parametrize()
def test_generated_requests_get_conforming_answers(case: Any) -> None:
    """Positive and negative cases, every Schemathesis check plus the registry's checks."""
    case.call_and_validate()


def invalid_queries() -> list[dict[str, str]]:
    return [{"page": "0"}, {"page": "-1"}, {"limit": "0"}, {"limit": "101"}, {"limit": "1.5"}, {"page": "2.0"},
            {"limit": "abc"}, {"page": "1e3"}, {"page": ""}]


@pytest.mark.parametrize("query", invalid_queries(), ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
def test_invalid_parameters_are_rejected(api: ViewersApi, query: dict[str, str]) -> None:
    expect_status("rejects_invalid_input", api.viewers(params=query), 400,
                  "a page or limit out of range, fractional or not a number must be rejected with 400")


@pytest.mark.parametrize("stream_id", ["not-an-id", "64d15f9e2e6c8f4d5a12345", "64d15f9e2e6c8f4d5a1234567",
                                       "64d15f9e2e6c8f4d5a12345g", "%20"])
def test_malformed_ids_are_rejected(api: ViewersApi, stream_id: str) -> None:
    expect_status("rejects_malformed_id", api.viewers(stream_id), 400,
                  "a malformed stream id must be rejected with 400")


def test_valid_boundaries_are_accepted(api: ViewersApi) -> None:
    rules = paging_rules()
    for query in ({"limit": 1}, {"limit": rules.max_limit}, {"page": 1}, {"page": 10**6}, {"search": ""}):
        expect_status("accepts_valid_input", api.viewers(params=query), 200,
                      f"valid input {query} must be accepted")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_undeclared_methods_are_405(api: ViewersApi, method: str) -> None:
    exchange = api.request(method, VIEWERS_PATH.format(id=api.target.stream_id), headers=api.auth(), checked=False)
    expect_status("undeclared_method", exchange, 405, f"{method} is not declared: 405 Method Not Allowed")
