"""Target resolution, profiles, seed and report of the contract suite.

Every option has an equal CONTRACT_* environment variable; options win.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import settings

from contract_tests.profiles import PROFILE_VARIABLE, SuiteProfile, profile_named
from contract_tests.report import ContractReport
from contract_tests.rules import spec_path
from contract_tests.target import (
    VARIABLES,
    BundledMock,
    Target,
    TargetError,
    ViewersApi,
    check_given,
    given_values,
    preflight,
    resolve_target,
)

_REPORT_KEY = pytest.StashKey[ContractReport]()
_PROFILE = pytest.StashKey[SuiteProfile]()
_SEED = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "contract suite of the live-stream viewers endpoint")
    for name, variable in VARIABLES.items():
        group.addoption(f"--contract-{name.replace('_', '-')}", dest=f"contract_{name}", default=None,
                        help=f"(env {variable})")
    group.addoption("--contract-profile", dest="contract_profile", default=None,
                    help=f"fast (default) or deep (env {PROFILE_VARIABLE})")
    group.addoption("--contract-seed", dest="contract_seed", default=None,
                    help="seed that replays a run's requests (env CONTRACT_SEED; printed in the header)")
    group.addoption("--contract-report", dest="contract_report", default=None,
                    help="Markdown report path (env CONTRACT_REPORT; default reports/contract-report.md)")


def _option(config: pytest.Config, name: str, variable: str) -> str | None:
    value = config.getoption(name)
    return str(value) if value else os.environ.get(variable) or None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    options = {name: config.getoption(f"contract_{name}") for name in VARIABLES}
    try:
        check_given(given_values(options, os.environ))
        profile = profile_named(_option(config, "contract_profile", PROFILE_VARIABLE) or "fast")
        seed_text = _option(config, "contract_seed", "CONTRACT_SEED")
        if seed_text is not None and not seed_text.strip().isdigit():
            raise TargetError(f"CONTRACT_SEED has value {seed_text!r}: not a whole number")
    except (TargetError, ValueError) as error:
        raise pytest.UsageError(str(error)) from None
    seed = int(seed_text) if seed_text is not None else random.randrange(2**31)
    config.stash[_PROFILE] = profile
    config.stash[_SEED] = seed
    if getattr(config.option, "hypothesis_seed", None) is None:
        config.option.hypothesis_seed = seed
    settings.load_profile(f"contract-{profile.name}")
    report_path = Path(_option(config, "contract_report", "CONTRACT_REPORT") or "reports/contract-report.md")
    if getattr(config.option, "xmlpath", None) is None:
        config.option.xmlpath = os.environ.get("CONTRACT_JUNIT") or str(report_path.with_name("contract-junit.xml"))
    report = ContractReport(report_path, profile=profile.name, seed=seed)
    config.stash[_REPORT_KEY] = report
    config.pluginmanager.register(report, "contract-report")



def pytest_report_header(config: pytest.Config) -> list[str]:
    if _SEED not in config.stash:
        return []
    profile, seed = config.stash[_PROFILE], config.stash[_SEED]
    base_url = _option(config, "contract_base_url", "CONTRACT_BASE_URL") or "the bundled mock (no CONTRACT_BASE_URL)"
    return [f"contract: target {base_url}; profile {profile.name}; seed {seed} "
            f"(replay: CONTRACT_SEED={seed} CONTRACT_PROFILE={profile.name})"]


@pytest.fixture(scope="session")
def suite_profile(pytestconfig: pytest.Config) -> SuiteProfile:
    return pytestconfig.stash[_PROFILE]


@pytest.fixture(scope="session")
def suite_seed(pytestconfig: pytest.Config) -> int:
    return pytestconfig.stash[_SEED]


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Iterator[Target]:
    """The deployment under test: the one the CONTRACT_* values name, else the bundled mock."""
    values = given_values({name: pytestconfig.getoption(f"contract_{name}") for name in VARIABLES}, os.environ)
    report = pytestconfig.stash[_REPORT_KEY]
    if values["base_url"]:
        resolved = resolve_target(values)
        _exit_unless_testable(resolved)
        report.target = resolved.description
        yield resolved
        return
    try:
        mock = BundledMock.start()
    except TargetError as error:
        pytest.exit(f"contract suite: {error}", returncode=4)
    report.target = mock.target.description
    try:
        _exit_unless_testable(mock.target)
        yield mock.target
    finally:
        mock.stop()


def _exit_unless_testable(target: Target) -> None:
    problem = preflight(target)
    if problem is not None:
        pytest.exit(f"contract suite: {problem}", returncode=4)


@pytest.fixture(scope="session")
def api(target: Target) -> Iterator[ViewersApi]:
    client = ViewersApi(target)
    yield client
    client.close()


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
