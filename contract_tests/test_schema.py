"""1. Schema: generated requests, valid and invalid, get answers that conform to openapi.yaml."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from contract_tests.plugin.hypothesis_profiles import SuiteProfile
from contract_tests.plugin.ledger import Ledger
from contract_tests.registry.documented_rules import VIEWERS_PATH, paging_rules
from contract_tests.registry.response_checks import expect_status, fail
from contract_tests.registry.violations import ContractViolation
from contract_tests.suite.endpoint_exploration import EndpointExploration
from contract_tests.target.page_walks import refused_past_the_end
from contract_tests.target.viewers_client import ContractClient


class ContractViolations(ExceptionGroup[ContractViolation]):
    """Every distinct finding of one exploration, each a named ContractViolation."""


@pytest.mark.contract_exploration("schemathesis")
@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_generated_requests_get_conforming_answers(mode: str, endpoint_exploration: EndpointExploration,
                                                   ledger: Ledger, suite_profile: SuiteProfile,
                                                   suite_seed: int) -> None:
    """Generated cases, valid and invalid, held to Schemathesis' checks against the judged contract and to every
    check of the registry; every distinct finding is reported, each under its own name, none stops the run."""
    found = endpoint_exploration.run(mode, examples=suite_profile.schemathesis_examples, seed=suite_seed)
    broken = sorted((violation for violation in found if not ledger.is_allowed(violation)),
                    key=lambda violation: violation.check)
    if broken:
        names = sorted({violation.check for violation in broken})
        raise ContractViolations(f"{len(names)} distinct finding(s): {', '.join(names)}", broken)


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
    # A 200 is a reading (clamped, truncated, the default): the registry's rejects_invalid_input holds it to one.
    expect_status("rejects_invalid_input", api.viewers(params=query), {200, 400, 404},
                  "a page or limit out of range, fractional or not a number is refused with 400, or read as a "
                  "reading gives it")


@pytest.mark.parametrize("query", open_spellings(), ids=query_id)
def test_whole_numbers_spelled_otherwise_are_refused_or_read_as_numbers(api: ContractClient,
                                                                        query: dict[str, str]) -> None:
    """Either reading is right; pagination_echo holds a 200 to the number the spelling denotes."""
    exchange = api.viewers(params=query)
    if not refused_past_the_end(api, exchange, {"page": int(float(query["page"]))} if query.get("page") else {}):
        expect_status("rejects_invalid_input", exchange, {200, 400},
                      "a whole number spelled as a fraction or exponent, or an empty value, is refused or read as such")


@pytest.mark.parametrize("stream_id", ["not-an-id", "64d15f9e2e6c8f4d5a12345", "64d15f9e2e6c8f4d5a1234567",
                                       "64d15f9e2e6c8f4d5a12345g", "%20"])
def test_malformed_ids_are_rejected(api: ContractClient, stream_id: str) -> None:
    expect_status("rejects_malformed_id", api.viewers(stream_id), {400, 404},
                  "a malformed stream id is refused with 400, or not found (404): the documentation says only "
                  "that the id is a string")


def test_valid_boundaries_are_accepted(api: ContractClient) -> None:
    rules = paging_rules()
    queries: list[dict[str, Any]] = [{"limit": 1}, {"limit": rules.max_limit}, {"page": 1}, {"page": 10**6},
                                     {"search": ""}]
    for query, exchange in zip(queries, api.gather([partial(api.viewers, params=q) for q in queries]), strict=True):
        past_the_end = {400, 404} if query.get("page", 1) > 1 else set()  # a reading: past-the-end
        expect_status("accepts_valid_input", exchange, {200} | past_the_end, f"valid input {query} must be accepted")


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
    expect_status("undeclared_method", exchange, set(range(400, 500)),
                  f"{method} is not documented: refused with a 4xx (405 Method Not Allowed, or the framework's 404)")
