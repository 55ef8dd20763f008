"""Schemathesis hooks: `SCHEMATHESIS_HOOKS=contract_tests.registry.checks st run ...` (or `--hooks`) adds every
check of the registry to Schemathesis' own checks. Also the registry's public names, as before.

The one module of the registry that imports Schemathesis: importing it registers the checks with Schemathesis
for the whole process, which Schemathesis' CLI wants; the suite instead hands its checks to each call.
"""

from __future__ import annotations

from collections.abc import Callable

import schemathesis

from contract_tests.registry import response_checks
from contract_tests.registry.response_checks import (
    CHECKS,
    CheckFunction,
    ContractCheck,
    envelope,
    expect_status,
    fail,
    is_documented,
    page_data,
    page_numbers,
    parse_rfc3339,
    verify,
)
from contract_tests.registry.schemathesis_checks import as_schemathesis_check, exchange_of

__all__ = ["CHECKS", "ContractCheck", "contract_check", "envelope", "exchange_of", "expect_status", "fail",
           "is_documented", "page_data", "page_numbers", "parse_rfc3339", "verify"]


def contract_check(promise: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check in the registry and with Schemathesis (for checks added beside the hooks)."""

    def register(function: CheckFunction) -> CheckFunction:
        response_checks.contract_check(promise)(function)
        schemathesis.check(as_schemathesis_check(CHECKS[function.__name__]))
        return function

    return register


for _check in list(CHECKS.values()):
    schemathesis.check(as_schemathesis_check(_check))
