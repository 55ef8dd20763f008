"""Target resolution, profiles, seed, pacing, allowed deviations and report of the contract suite.

Every option has an equal CONTRACT_* environment variable; options win. A set-up mistake is one line and
exit status 4, with a report and a JUnit file that say the target could not be tested and why.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from _pytest.junitxml import xml_key
from hypothesis import settings

from contract_tests.deployment.pacing import OutOfTime, Pacer
from contract_tests.deployment.preflight import preflight
from contract_tests.deployment.profiles import PROFILE_VARIABLE, SuiteProfile, profile_named
from contract_tests.deployment.run_settings import RUN_VARIABLES, RunSettings, run_settings
from contract_tests.deployment.sessions import PacedSession
from contract_tests.deployment.target import (
    VARIABLES,
    BundledMock,
    Target,
    TargetError,
    ViewersApi,
    check_given,
    given_values,
    resolve_target,
)
from contract_tests.registry.checks import CHECKS
from contract_tests.registry.promises import PROMISES
from contract_tests.registry.rules import check_spec, spec_path
from contract_tests.reporting.deviations import AllowanceError, parse_allowances
from contract_tests.reporting.ledger import LEDGER
from contract_tests.reporting.report import ContractReport

_REPORT_KEY = pytest.StashKey[ContractReport]()
_PROFILE = pytest.StashKey[SuiteProfile]()
_SEED = pytest.StashKey[int]()
_RUN = pytest.StashKey[RunSettings]()
_PACER = pytest.StashKey[Pacer]()
_TARGET = pytest.StashKey[Target]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "contract suite of the live-stream viewers endpoint")
    for name, variable in VARIABLES.items():
        group.addoption(f"--contract-{name.replace('_', '-')}", dest=f"contract_{name}", default=None,
                        help=f"(env {variable})")
    for name, (variable, text) in RUN_VARIABLES.items():
        group.addoption(f"--contract-{name.replace('_', '-')}", dest=f"contract_{name}", default=None,
                        help=f"{text} (env {variable})")
    group.addoption("--contract-profile", dest="contract_profile", default=None,
                    help=f"fast (default) or deep (env {PROFILE_VARIABLE})")
    group.addoption("--contract-seed", dest="contract_seed", default=None,
                    help="seed that replays a run's requests (env CONTRACT_SEED; printed in the header)")
    group.addoption("--contract-report", dest="contract_report", default=None,
                    help="Markdown report path (env CONTRACT_REPORT; default reports/contract-report.md)")


def _option(config: pytest.Config, name: str, variable: str) -> str | None:
    value = config.getoption(name)
    return str(value) if value else os.environ.get(variable) or None


def _set_but_empty(config: pytest.Config) -> None:
    """An empty CONTRACT_BASE_URL is an unset CI variable, not a wish to test the bundled mock."""
    option = config.getoption("contract_base_url")
    if option is not None and not option.strip():
        raise TargetError("--contract-base-url is empty: give the deployment's root URL, or leave the option out "
                          "to test the bundled mock")
    if option is None and "CONTRACT_BASE_URL" in os.environ and not os.environ["CONTRACT_BASE_URL"].strip():
        raise TargetError("CONTRACT_BASE_URL is set but empty (an unset CI variable?): give the deployment's root "
                          "URL, or unset it to test the bundled mock")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    report_path = Path(_option(config, "contract_report", "CONTRACT_REPORT") or "reports/contract-report.md")
    if getattr(config.option, "xmlpath", None) is None:
        config.option.xmlpath = os.environ.get("CONTRACT_JUNIT") or str(report_path.with_name("contract-junit.xml"))
    options = {name: config.getoption(f"contract_{name}") for name in VARIABLES}
    base_url = given_values(options, os.environ)["base_url"]
    report = ContractReport(report_path, Path(config.option.xmlpath),
                            target=f"the deployment at {base_url}" if base_url else "the bundled mock")
    try:
        _set_but_empty(config)
        check_given(given_values(options, os.environ))
        profile = profile_named(_option(config, "contract_profile", PROFILE_VARIABLE) or "fast")
        seed_text = _option(config, "contract_seed", "CONTRACT_SEED")
        if seed_text is not None and not seed_text.strip().isdigit():
            raise TargetError(f"CONTRACT_SEED has value {seed_text!r}: not a whole number")
        run = run_settings({name: config.getoption(f"contract_{name}") for name in RUN_VARIABLES}, os.environ)
        LEDGER.allowed = parse_allowances(run.allow, set(CHECKS) | set(PROMISES))
        check_spec()
        reveal = os.environ.get("CONTRACT_REVEAL_TOKEN", "")
        if reveal.strip().lower() not in {"", "0", "1", "true", "false", "yes", "no"}:
            raise TargetError(f"CONTRACT_REVEAL_TOKEN has value {reveal!r}: use 1 to show tokens in curl lines, 0 "
                              "or nothing to hide them")
    except (TargetError, ValueError, AllowanceError) as error:
        report.write_untestable(str(error))
        raise pytest.UsageError(f"contract suite: {error}") from None
    seed = int(seed_text) if seed_text is not None else random.randrange(2**31)
    pacer = Pacer(run.max_rps, run.time_budget_s, LEDGER.pacing)
    if base_url and not config.option.collectonly:
        target = resolve_target(given_values(options, os.environ))
        problem = _preflight(target, pacer, run)
        if problem is not None:
            report.write_untestable(problem)
            raise pytest.UsageError(f"contract suite: {problem}")
        config.stash[_TARGET] = target
    report.profile, report.seed, report.max_rps = profile.name, seed, run.max_rps
    config.stash[_PROFILE], config.stash[_SEED], config.stash[_RUN] = profile, seed, run
    config.stash[_PACER], config.stash[_REPORT_KEY] = pacer, report
    if getattr(config.option, "hypothesis_seed", None) is None:
        config.option.hypothesis_seed = seed
    settings.load_profile(f"contract-{profile.name}")
    config.pluginmanager.register(report, "contract-report")


def pytest_sessionstart(session: pytest.Session) -> None:
    """The JUnit file names the target, the seed and the command that replays the run, for CI that shows only it."""
    config = session.config
    xml = config.stash.get(xml_key, None)
    if xml is None or _SEED not in config.stash:
        return
    report, profile, seed = config.stash[_REPORT_KEY], config.stash[_PROFILE], config.stash[_SEED]
    xml.add_global_property("contract_target", report.target)
    xml.add_global_property("contract_seed", str(seed))
    xml.add_global_property("contract_replay", f"CONTRACT_SEED={seed} CONTRACT_PROFILE={profile.name} contract-test")


def _preflight(target: Target, pacer: Pacer, run: RunSettings) -> str | None:
    api = ViewersApi(target, pacer, run.timeout_s)
    try:
        return preflight(target, api)
    except OutOfTime as stop:
        return str(stop)
    finally:
        api.close()


def pytest_unconfigure(config: pytest.Config) -> None:
    """After pytest's own summary: the set-up line is the last thing printed, beside its report and JUnit."""
    report = config.stash.get(_REPORT_KEY, None)
    if report is not None and report.untestable is not None:
        report.write_untestable(report.untestable)
        sys.stderr.write(f"contract suite: {report.untestable}\n")


def pytest_report_header(config: pytest.Config) -> list[str]:
    if _SEED not in config.stash:
        return []
    profile, seed, run = config.stash[_PROFILE], config.stash[_SEED], config.stash[_RUN]
    report = config.stash[_REPORT_KEY]
    cap = f"at most {run.max_rps:g} requests/s" if run.max_rps else "no rate cap"
    return [f"contract: target {report.target}; profile {profile.name}; seed {seed} "
            f"(replay: CONTRACT_SEED={seed} CONTRACT_PROFILE={profile.name}); {cap}; "
            f"time budget {run.time_budget_s:g} s; timeout {run.timeout_s:g} s"]


@pytest.fixture(scope="session")
def suite_profile(pytestconfig: pytest.Config) -> SuiteProfile:
    return pytestconfig.stash[_PROFILE]


@pytest.fixture(scope="session")
def suite_seed(pytestconfig: pytest.Config) -> int:
    return pytestconfig.stash[_SEED]


@pytest.fixture(scope="session")
def pacer(pytestconfig: pytest.Config) -> Pacer:
    """The one pacer of the run: rate cap, Retry-After, one retry of a lone gateway error."""
    return pytestconfig.stash[_PACER]


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config, pacer: Pacer) -> Iterator[Target]:
    """The deployment under test: the one the CONTRACT_* values name (checked at start), else the bundled mock."""
    report = pytestconfig.stash[_REPORT_KEY]
    if _TARGET in pytestconfig.stash:
        yield pytestconfig.stash[_TARGET]
        return
    try:
        mock = BundledMock.start()
    except TargetError as error:
        _untestable(report, str(error))
    report.target = mock.target.description
    try:
        problem = _preflight(mock.target, pacer, pytestconfig.stash[_RUN])
        if problem is not None:
            _untestable(report, problem)
        yield mock.target
    finally:
        mock.stop()


def _untestable(report: ContractReport, line: str) -> Any:
    report.untestable = line
    pytest.exit(f"contract suite: {line}", returncode=4)


@pytest.fixture(scope="session")
def api(target: Target, pacer: Pacer, pytestconfig: pytest.Config) -> Iterator[ViewersApi]:
    client = ViewersApi(target, pacer, pytestconfig.stash[_RUN].timeout_s)
    yield client
    client.close()


@pytest.fixture(scope="session")
def schemathesis_session(pacer: Pacer, pytestconfig: pytest.Config) -> Iterator[PacedSession]:
    """The requests session Schemathesis' calls go through: the same pacer, the suite's timeout."""
    session = PacedSession(pacer, pytestconfig.stash[_RUN].timeout_s)
    yield session
    session.close()


@pytest.fixture(scope="session")
def audience_size(api: ViewersApi) -> int:
    """How many viewers the target stream has (the suite adapts its walks to it)."""
    total: int = api.viewers(params={"limit": 1}).body["data"]["pagination"]["totalItems"]
    return total


@pytest.fixture(scope="session")
def contract_schema(target: Target, suite_profile: SuiteProfile, suite_seed: int) -> Any:
    """openapi.yaml for Schemathesis, aimed at the target, its stream pinned and the token sent."""
    schema = schemathesis.openapi.from_path(str(spec_path()))
    schema.config.update(base_url=target.base_url, headers={"Authorization": f"Bearer {target.token}"},
                         parameters={"path.id": target.stream_id})
    schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
                                    max_examples=suite_profile.schemathesis_examples, database="none")
    schema.config.seed = suite_seed
    return schema
