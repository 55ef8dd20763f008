"""The suite's fixtures: the target, its pacer and clients, the Schemathesis schema, the run's ledger.

Offered by the suite's conftest.py, so that only the suite's own tests see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NoReturn

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import ignored_auth  # where every 4.x defines it; the lazy alias is 4.30+

from contract_tests.plugin.early_checks import preflight_problem
from contract_tests.plugin.hooks import suite_session
from contract_tests.plugin.hypothesis_profiles import SuiteProfile
from contract_tests.plugin.ledger import Ledger
from contract_tests.plugin.suite_report import ContractReport
from contract_tests.registry.documented_rules import load_spec
from contract_tests.registry.exchange import Secrets
from contract_tests.registry.judged_spec import judged_spec
from contract_tests.registry.schemathesis_checks import SchemathesisCheck, schemathesis_checks
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.bundled_mock import BundledMock
from contract_tests.target.deployment import Target, TargetError
from contract_tests.target.pacing import Pacer
from contract_tests.target.sessions import PacedSession
from contract_tests.target.viewers_client import ContractClient, target_secrets


@pytest.fixture(scope="session")
def suite_profile(pytestconfig: pytest.Config) -> SuiteProfile:
    return suite_session(pytestconfig).settings.profile


@pytest.fixture(scope="session")
def suite_seed(pytestconfig: pytest.Config) -> int:
    return suite_session(pytestconfig).seed


@pytest.fixture(scope="session")
def ledger(pytestconfig: pytest.Config) -> Ledger:
    """The run's ledger: what could not be verified, allowed deviations, the target's throttling and flakes."""
    return suite_session(pytestconfig).ledger


@pytest.fixture(scope="session")
def pacer(pytestconfig: pytest.Config) -> Pacer:
    """The one pacer of the run: rate cap, Retry-After, one retry of a lone gateway error."""
    return suite_session(pytestconfig).pacer


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config, pacer: Pacer) -> Iterator[Target]:
    """The deployment under test: the one the CONTRACT_* values name (checked at start), else the bundled mock."""
    run = suite_session(pytestconfig)
    if run.target is not None:
        run.ledger.requests.bind(run.target)
        yield run.target
        return
    try:
        mock = BundledMock.start()
    except TargetError as error:
        _untestable(run.report, str(error))
    run.report.target = mock.target.description
    for secret in (mock.target.token, mock.target.forbidden_token, mock.target.expired_token):
        run.report.secrets.add(secret)
    try:
        problem = preflight_problem(mock.target, pacer, run.settings, run.ledger)
        if problem is not None:
            _untestable(run.report, problem)
        yield mock.target
    finally:
        mock.stop()


def _untestable(report: ContractReport, line: str) -> NoReturn:
    report.untestable = line
    pytest.exit(f"contract suite: {line}", returncode=4)


@pytest.fixture(scope="session")
def secrets(target: Target, pytestconfig: pytest.Config) -> Secrets:
    """The target's tokens, shown in curl lines as the variables that hold them (unless CONTRACT_REVEAL_TOKEN)."""
    return target_secrets(target, suite_session(pytestconfig).settings.reveal_token)


@pytest.fixture(scope="session")
def api(target: Target, pacer: Pacer, ledger: Ledger, secrets: Secrets,
        pytestconfig: pytest.Config) -> Iterator[ContractClient]:
    client = ContractClient(target, pacer, suite_session(pytestconfig).settings.timeout_s, allowances=ledger,
                            secrets=secrets, log=ledger.requests, notes=ledger)
    yield client
    client.close()


@pytest.fixture(scope="session")
def schemathesis_session(pacer: Pacer, ledger: Ledger, pytestconfig: pytest.Config) -> Iterator[PacedSession]:
    """The requests session Schemathesis' calls go through: the same pacer, the suite's timeout, the run's log."""
    session = PacedSession(pacer, suite_session(pytestconfig).settings.timeout_s, ledger.requests)
    yield session
    session.close()


@pytest.fixture(scope="session")
def registry_checks(ledger: Ledger, secrets: Secrets) -> list[SchemathesisCheck]:
    """The registry's checks for Schemathesis' calls, minding the run's allowed deviations and secrets; each
    answer they judge and each one they fail is counted in the run's log."""
    return [_counted(check, ledger) for check in schemathesis_checks(ledger, secrets)]


def _counted(check: SchemathesisCheck, ledger: Ledger) -> SchemathesisCheck:
    name = getattr(check, "__name__", "check")

    def counted_check(ctx: Any, response: Any, case: Any) -> bool | None:
        ledger.requests.note_judged([name])
        try:
            return check(ctx, response, case)
        except ContractViolation as violation:
            ledger.requests.note_violation(violation)
            raise

    counted_check.__name__ = counted_check.__qualname__ = name
    counted_check.__doc__ = check.__doc__
    return counted_check


@pytest.fixture(scope="session")
def schemathesis_excluded_checks(registry_checks: list[SchemathesisCheck]) -> list[Any]:
    """Schemathesis' checks the suite leaves out: ignored_auth (test_auth.py holds auth; its probes bypass the
    paced session, so a throttled probe would read as a breach), and the registry's checks as the hooks module
    registers them for the whole process (registry_checks runs them, minding the run's allowances)."""
    ours = {check.__name__ for check in registry_checks}
    twins = [check for check in schemathesis.checks.CHECKS.get_all() if getattr(check, "__name__", "") in ours]
    return [ignored_auth, *twins]


@pytest.fixture(scope="session")
def audience_size(api: ContractClient) -> int:
    """How many viewers the target stream has (the suite adapts its walks to it)."""
    total: int = api.viewers(params={"limit": 1}).body["data"]["pagination"]["totalItems"]
    return total


@pytest.fixture(scope="session")
def judged_contract() -> dict[str, Any]:
    """openapi.yaml with the registry's readings applied: what Schemathesis judges answers by."""
    return judged_spec(load_spec())


@pytest.fixture(scope="session")
def contract_schema(target: Target, judged_contract: dict[str, Any]) -> Any:
    """The judged contract for Schemathesis, aimed at the target, its stream pinned and the token sent."""
    schema = schemathesis.openapi.from_dict(judged_contract)
    schema.config.update(base_url=target.base_url, headers={"Authorization": f"Bearer {target.token}"},
                         parameters={"path.id": target.stream_id})
    return schema
