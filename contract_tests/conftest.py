"""The suite's fixtures, here so that only the suite's own tests see them (the plugin does the rest)."""

from typing import Any

import pytest

from contract_tests.plugin.ledger import Ledger
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
from contract_tests.registry.exchange import Secrets
from contract_tests.suite.endpoint_exploration import EndpointExploration
from contract_tests.target.sessions import PacedSession

__all__ = ["api", "audience_size", "contract_schema", "judged_contract", "ledger", "pacer", "registry_checks",
           "schemathesis_excluded_checks", "schemathesis_session", "secrets", "suite_profile", "suite_seed", "target"]


@pytest.fixture(scope="session")
def endpoint_exploration(contract_schema: Any, judged_contract: dict[str, Any], schemathesis_session: PacedSession,
                         secrets: Secrets, ledger: Ledger) -> EndpointExploration:
    """Schemathesis' exploration of the target, for test_schema.py and a campaign's lanes."""
    return EndpointExploration(contract_schema, judged_contract, schemathesis_session, secrets, ledger)
