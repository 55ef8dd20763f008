"""1. Schema: generated requests, valid and invalid, get answers that conform to openapi.yaml."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
import schemathesis

from contract_tests.registry.documented_rules import VIEWERS_PATH, paging_rules
from contract_tests.registry.response_checks import expect_status, fail
from contract_tests.registry.schemathesis_checks import SchemathesisCheck
from contract_tests.target.sessions import PacedSession
from contract_tests.target.viewers_client import ContractClient

schema = schemathesis.pytest.from_fixture("contract_schema")


@schema.parametrize()
def test_generated_requests_get_conforming_answers(case: Any, schemathesis_session: PacedSession,
                                                   registry_checks: list[SchemathesisCheck],
                                                   schemathesis_excluded_checks: list[Any]) -> None:
    """Positive and negative cases, every Schemathesis check plus the registry's checks. ignored_auth is left to
    the auth tests (test_auth.py): its probes bypass the session, so a throttled probe would read as a breach."""
    case.call_and_validate(session=schemathesis_session, additional_checks=registry_checks,
                           excluded_checks=schemathesis_excluded_checks)


def invalid_queries() -> list[dict[str, str]]:
    return [{"page": "0"}, {"page": "-1"}, {"limit": "0"}, {"limit": "101"}, {"limit": "1.5"}, {"page": "0.5"},
            {"limit": "abc"}, {"page": "1e-3"}, {"limit": "1e3"}]


def open_spellings() -> list[dict[str, str]]:
    """Values the documentation (page and limit are `number`s) leaves open: 400, or read as the number."""
    return [{"page": "2.0"}, {"page": "1e1"}, {"page": ""}, {"limit": "20.0"}]


def query_id(query: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items())


@pytest.mark.parametrize("query", invalid_queries(), ids=query_id)
def test_invalid_parameters_are_rejected(api: ContractClient, query: dict[str, str]) -> None:
    expect_status("rejects_invalid_input", api.viewers(params=query), 400,
                  "a page or limit out of range, fractional or not a number must be rejected with 400")


@pytest.mark.parametrize("query", open_spellings(), ids=query_id)
def test_whole_numbers_spelled_otherwise_are_refused_or_read_as_numbers(api: ContractClient,
                                                                        query: dict[str, str]) -> None:
    """Either reading is right; pagination_echo holds a 200 to the number the spelling denotes."""
    expect_status("rejects_invalid_input", api.viewers(params=query), {200, 400},
                  "a whole number spelled as a fraction or exponent, or an empty value, is refused or read as such")


@pytest.mark.parametrize("stream_id", ["not-an-id", "64d15f9e2e6c8f4d5a12345", "64d15f9e2e6c8f4d5a1234567",
                                       "64d15f9e2e6c8f4d5a12345g", "%20"])
def test_malformed_ids_are_rejected(api: ContractClient, stream_id: str) -> None:
    expect_status("rejects_malformed_id", api.viewers(stream_id), 400,
                  "a malformed stream id must be rejected with 400")


def test_valid_boundaries_are_accepted(api: ContractClient) -> None:
    rules = paging_rules()
    queries: list[dict[str, Any]] = [{"limit": 1}, {"limit": rules.max_limit}, {"page": 1}, {"page": 10**6},
                                     {"search": ""}]
    for query, exchange in zip(queries, api.gather([partial(api.viewers, params=q) for q in queries]), strict=True):
        expect_status("accepts_valid_input", exchange, 200, f"valid input {query} must be accepted")


def test_options_and_head_are_answered_as_frameworks_do(api: ContractClient) -> None:
    """Not in the contract, so not held to the envelope: only never a 5xx, and HEAD is GET without a body."""
    path = VIEWERS_PATH.format(id=api.target.stream_id)
    options = api.request("OPTIONS", path, headers={**api.auth(), "Origin": "http://localhost:3000",
                                                    "Access-Control-Request-Method": "GET"})
    expect_status("undeclared_method", options, set(range(200, 300)) | set(range(400, 500)),
                  "OPTIONS is answered as the framework answers it (200/204, 405, ...), never with a 5xx")
    get, head = api.viewers(), api.request("HEAD", path, headers=api.auth())
    expect_status("undeclared_method", head, {get.status, 405}, "HEAD is answered with GET's status (or 405)")
    if head.text:
        fail("undeclared_method", "HEAD is answered with a body", head, received=f"{len(head.text)} characters",
             expected="no body")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_undeclared_methods_are_405(api: ContractClient, method: str) -> None:
    exchange = api.request(method, VIEWERS_PATH.format(id=api.target.stream_id), headers=api.auth())
    expect_status("undeclared_method", exchange, 405, f"{method} is not declared: 405 Method Not Allowed")
