"""The registry's checks as Schemathesis calls them: the run's allowances and secrets, or the request's own token."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from contract_tests.plugin.ledger import Ledger
from contract_tests.registry.exchange import Secrets
from contract_tests.registry.response_checks import CHECKS
from contract_tests.registry.schemathesis_checks import as_schemathesis_check, exchange_of, schemathesis_checks
from contract_tests.registry.violations import ContractViolation

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl"
URL = "http://127.0.0.1:8080/api/v1/live-stream/64d15f9e2e6c8f4d5a123456/viewers"


@dataclass
class Request:
    method: str = "GET"
    url: str = URL
    headers: dict[str, str] = field(default_factory=lambda: {"Authorization": f"Bearer {TOKEN}"})


@dataclass
class Response:
    status_code: int
    content: bytes
    headers: dict[str, Any] = field(default_factory=lambda: {"Content-Type": ["application/json"]})
    request: Request = field(default_factory=Request)


@dataclass
class Case:
    method: str = "GET"


def stale_timestamp() -> Response:
    body: dict[str, object] = {"isSuccess": True, "statusCode": 200, "data": None, "errors": [],
                               "timestamp": "yesterday"}
    return Response(200, json.dumps(body).encode())


def test_without_the_runs_secrets_the_requests_token_reads_as_its_variable() -> None:
    curl = exchange_of(Case(), stale_timestamp()).curl()
    assert TOKEN not in curl and "Bearer $CONTRACT_TOKEN" in curl


def test_the_runs_secrets_decide_what_curl_lines_show() -> None:
    assert TOKEN in exchange_of(Case(), stale_timestamp(), Secrets(reveal=True)).curl()


def test_a_check_fails_unless_its_deviation_is_allowed() -> None:
    check = as_schemathesis_check(CHECKS["envelope_timestamp"])
    assert check.__name__ == "envelope_timestamp"
    with pytest.raises(ContractViolation, match="envelope_timestamp"):
        check(None, stale_timestamp(), Case())
    ledger = Ledger(allowed={"envelope_timestamp": "known"})
    assert as_schemathesis_check(CHECKS["envelope_timestamp"], ledger)(None, stale_timestamp(), Case()) is None
    assert [v.check for v in ledger.deviations["envelope_timestamp"]] == ["envelope_timestamp"]


def test_every_registered_check_is_offered() -> None:
    assert [check.__name__ for check in schemathesis_checks()] == list(CHECKS)
