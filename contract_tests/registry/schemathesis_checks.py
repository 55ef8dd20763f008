"""The registry's checks as Schemathesis check functions (called with its context, response and case).

Plain functions of what Schemathesis passes, so the registry stays free of it: the suite hands them to
`case.call_and_validate`, and `contract_tests.registry.checks` registers them for Schemathesis' CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contract_tests.registry.exchange import Exchange, Secrets, bearer_token
from contract_tests.registry.response_checks import CHECKS, Allowances, ContractCheck, NoAllowances
from contract_tests.registry.violations import ContractViolation

SchemathesisCheck = Callable[[Any, Any, Any], "bool | None"]
TOKEN_VARIABLE = "CONTRACT_TOKEN"  # what a request's bearer token is shown as when the run names no secrets


def exchange_of(case: Any, response: Any, secrets: Secrets | None = None) -> Exchange:
    """An Exchange from a Schemathesis case and its response; without secrets, the request's own bearer token
    is shown as $CONTRACT_TOKEN (as Schemathesis' CLI is given it)."""
    request = response.request
    headers = {key: ", ".join(value) if isinstance(value, list) else value for key, value in response.headers.items()}
    request_headers = dict(request.headers)
    shown = secrets if secrets is not None else Secrets().remembering(bearer_token(request_headers), TOKEN_VARIABLE)
    return Exchange.of(request.method or case.method, str(request.url or ""), request_headers, response.status_code,
                       headers, response.content or b"", shown)


def as_schemathesis_check(check: ContractCheck, allowances: Allowances | None = None,
                          secrets: Secrets | None = None) -> SchemathesisCheck:
    """The check as Schemathesis calls it, under its own name; allowed deviations pass (and are kept)."""
    known = allowances or NoAllowances()

    def schemathesis_check(ctx: Any, response: Any, case: Any) -> bool | None:
        try:
            check.function(exchange_of(case, response, secrets))
        except ContractViolation as violation:
            if not known.is_allowed(violation):
                raise
        return None

    schemathesis_check.__name__ = check.name
    schemathesis_check.__qualname__ = check.name
    schemathesis_check.__doc__ = check.promise
    return schemathesis_check


def schemathesis_checks(allowances: Allowances | None = None,
                        secrets: Secrets | None = None) -> list[SchemathesisCheck]:
    """Every registered check, for Schemathesis."""
    return [as_schemathesis_check(check, allowances, secrets) for check in list(CHECKS.values())]
