"""The suite's fixtures, here so that only the suite's own tests see them (the plugin does the rest)."""

from contract_tests.plugin.suite_fixtures import (
    api,
    audience_size,
    contract_schema,
    judged_contract,
    ledger,
    pacer,
    registry_checks,
    schemathesis_excluded_checks,
    schemathesis_session,
    secrets,
    suite_profile,
    suite_seed,
    target,
)

__all__ = ["api", "audience_size", "contract_schema", "judged_contract", "ledger", "pacer", "registry_checks",
           "schemathesis_excluded_checks", "schemathesis_session", "secrets", "suite_profile", "suite_seed", "target"]
