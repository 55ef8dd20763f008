"""The suite's pytest plugin (entry point `pytest11`): options, settings, header, profiles, report and JUnit.

Loaded in every pytest session of an environment that holds the suite, it touches only the suite's own
tests (those whose module belongs to the installed package, suite_items.py): other tests of the session
keep their Hypothesis settings and their JUnit file, and see none of its fixtures (those live in the
suite's conftest.py). It wakes up when the command line names the suite (`contract-test`,
`pytest --pyargs contract_tests`, a path into the package, or testpaths that hold it), or else when the
suite's tests are collected. Every option has an equal CONTRACT_* environment variable; options win. A
set-up mistake is one line and exit status 4, with a report and a JUnit file that say the target could
not be tested and why.
"""

from __future__ import annotations

import os
import random
import shlex
import sys
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import seed as hypothesis_seed

from contract_tests.plugin.early_checks import preflight_problem
from contract_tests.plugin.hypothesis_internals import put_settings
from contract_tests.plugin.ledger import Ledger
from contract_tests.plugin.parallel_order import (
    EXPLORATION_MARKER,
    DistributionPlan,
    ExplorationsFirst,
    WorkerEnd,
    ends_quickly,
    takes_groups,
)
from contract_tests.plugin.suite_items import in_suite, is_suite_item, selects_suite
from contract_tests.plugin.suite_junit import SuiteJunit, session_junit
from contract_tests.plugin.suite_report import ContractReport
from contract_tests.plugin.suite_settings import (
    OTHER_VARIABLES,
    RUN_VARIABLES,
    SuiteSettings,
    SuiteSettingsError,
    read_settings,
)
from contract_tests.target.deployment import VARIABLES, Target, expiry_warning
from contract_tests.target.pacing import Pacer


@dataclass
class SuiteSession:
    """What one session of the suite holds: its settings, seed, ledger, pacer, report, and the target."""

    settings: SuiteSettings
    seed: int
    ledger: Ledger
    pacer: Pacer
    report: ContractReport
    target: Target | None  # a deployment named by the settings and preflighted; None: the bundled mock
    nodeids: set[str] = field(default_factory=set)  # the suite's own tests (and modules) in this session
    junit: SuiteJunit | None = None


SUITE_SESSION = pytest.StashKey[SuiteSession]()


def suite_session(config: pytest.Config) -> SuiteSession:
    """The session's suite run (the suite's fixtures and tests run only once it is set up)."""
    return config.stash[SUITE_SESSION]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "contract suite of the live-stream viewers endpoint")
    for name, variable in VARIABLES.items():
        group.addoption(f"--contract-{name.replace('_', '-')}", dest=f"contract_{name}", default=None,
                        help=f"(env {variable})")
    for name, (variable, text) in {**RUN_VARIABLES, **OTHER_VARIABLES}.items():
        group.addoption(f"--contract-{name.replace('_', '-')}", dest=f"contract_{name}", default=None,
                        help=f"{text} (env {variable})")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "contract_campaign: a lane of the suite's campaign (the campaign profile only)")
    config.addinivalue_line("markers", f"{EXPLORATION_MARKER}(name): a long exploration of the suite, started first "
                            "on a worker of a parallel run (one worker for each name)")
    if selects_suite(list(config.args), bool(config.option.pyargs), config.invocation_params.dir):
        _set_up(config)
        if getattr(config.option, "dist", "no") == "load":
            # by group: one campaign lane on each worker (contract_tests/test_sequences.py), the explorations first
            config.option.dist = "loadgroup"
        if getattr(config.option, "dist", "no") != "no" and not hasattr(config, "workerinput"):
            config.pluginmanager.register(DistributionPlan(), "contract-distribution-plan")
    if takes_groups(config) and not config.pluginmanager.has_plugin("contract-explorations-first"):
        config.pluginmanager.register(ExplorationsFirst(), "contract-explorations-first")
    if ends_quickly(config) and not config.pluginmanager.has_plugin("contract-worker-end"):
        config.pluginmanager.register(WorkerEnd(), "contract-worker-end")


def _set_up(config: pytest.Config) -> SuiteSession:
    """Read the settings, check the target (a deployment: preflight), and start the report and JUnit."""
    if SUITE_SESSION in config.stash:
        return config.stash[SUITE_SESSION]
    names = [*VARIABLES, *RUN_VARIABLES, *OTHER_VARIABLES]
    junitxml = getattr(config.option, "xmlpath", None)
    try:
        settings = read_settings({name: config.getoption(f"contract_{name}") for name in names}, os.environ,
                                 junitxml)
    except SuiteSettingsError as error:
        ContractReport(error.report_path, error.junit_path, target=error.target_text).write_untestable(str(error))
        raise pytest.UsageError(f"contract suite: {error}") from None
    ledger = Ledger(allowed=dict(settings.allowed))
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    # The rate cap is the run's: each worker of a parallel run keeps to its share of it.
    pacer = Pacer(settings.max_rps / workers if settings.max_rps else None, settings.time_budget_s, ledger.pacing)
    report = ContractReport(settings.report_path, settings.junit_path, target=settings.target_text, ledger=ledger)
    if settings.target is not None:
        for secret in (settings.target.token, settings.target.forbidden_token, settings.target.expired_token):
            report.secrets.add(secret)
    if settings.target is not None and not config.option.collectonly:
        # on each worker of a parallel run too (two or three requests): its log then holds the answers a cache in
        # the target may serve again to that worker's requests, which its reproducers must start with
        problem = preflight_problem(settings.target, pacer, settings, ledger)
        if problem is not None:
            report.write_untestable(problem)
            raise pytest.UsageError(f"contract suite: {problem}")
    seed = settings.seed if settings.seed is not None else settings.profile.default_seed
    if seed is None:
        seed = random.randrange(2**31)
    report.profile, report.seed, report.max_rps = settings.profile.name, seed, settings.max_rps
    report.declarations = declarations(config, settings)
    report.replay = replay_command(settings.profile.name, seed, report.declarations)
    if getattr(config.option, "dist", "no") != "no" and isinstance(getattr(config.option, "numprocesses", None), int):
        report.workers = max(1, config.option.numprocesses)
    target = settings.target if not config.option.collectonly else None
    run = SuiteSession(settings, seed, ledger, pacer, report, target)
    if not settings.junit_by_pytest and not hasattr(config, "workerinput"):
        run.junit = SuiteJunit(config, settings.junit_path, run.nodeids)
        config.pluginmanager.register(run.junit, "contract-junit")
    config.stash[SUITE_SESSION] = run
    config.pluginmanager.register(report, "contract-report")
    return run


def pytest_sessionstart(session: pytest.Session) -> None:
    """The JUnit file names the target, the seed and the command that replays the run, for CI that shows only it."""
    run = session.config.stash.get(SUITE_SESSION, None)
    if run is not None:
        _name_the_run(session.config, run)
        terminal = session.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None and not hasattr(session.config, "workerinput"):
            for warning in expiry_warnings(run):
                terminal.write_line(warning, yellow=True)


def _name_the_run(config: pytest.Config, run: SuiteSession) -> None:
    xml = run.junit or session_junit(config)
    if xml is None:
        return
    xml.add_global_property("contract_target", run.report.target)
    xml.add_global_property("contract_seed", str(run.seed))
    xml.add_global_property("contract_declarations", "; ".join(run.report.declarations) or "none")
    xml.add_global_property("contract_replay", run.report.replay)


def pytest_collectstart(collector: pytest.Collector) -> None:
    run = collector.config.stash.get(SUITE_SESSION, None)
    if run is not None and isinstance(collector, pytest.Module) and in_suite(collector.path):
        run.nodeids.add(collector.nodeid)  # its collection errors belong in the suite's JUnit


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """The suite's tests get the suite's Hypothesis settings and seed; no other test is touched."""
    ours = [item for item in items if is_suite_item(item)]
    if not ours:
        return
    late = SUITE_SESSION not in config.stash
    run = _set_up(config)
    if late:  # the command line did not name the suite, but it was collected: set up now, as it would have been
        if run.junit is not None:
            run.junit.pytest_sessionstart()
        _name_the_run(config, run)
        terminal = config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            terminal.write_line(header_line(run))
    if run.settings.profile.name != "campaign":
        lanes = [item for item in ours if item.get_closest_marker("contract_campaign") is not None]
        if lanes:
            config.hook.pytest_deselected(items=lanes)
            items[:] = [item for item in items if item not in lanes]
            ours = [item for item in ours if item not in lanes]
    run.nodeids.update(item.nodeid for item in ours)
    forced_seed = getattr(config.option, "hypothesis_seed", None)
    for item in ours:
        function = getattr(item, "obj", None)
        function = getattr(function, "__func__", function)  # a test method: its function holds the settings
        if getattr(function, "is_hypothesis_test", False):
            apply_profile(function, run, forced_seed is None)


def apply_profile(function: Any, run: SuiteSession, with_seed: bool) -> None:
    """Put the run's Hypothesis settings (and seed) on one of the suite's property tests."""
    put_settings(function, run.settings.profile.hypothesis_settings())
    if with_seed:
        hypothesis_seed(run.seed)(function)


def pytest_unconfigure(config: pytest.Config) -> None:
    """After pytest's own summary: the set-up line is the last thing printed, beside its report and JUnit."""
    run = config.stash.get(SUITE_SESSION, None)
    if run is not None and run.report.untestable is not None:
        run.report.write_untestable(run.report.untestable)
        sys.stderr.write(f"contract suite: {run.report.untestable}\n")


def declarations(config: pytest.Config, settings: SuiteSettings) -> list[str]:
    """Every declaration in force that changes what is judged: allowed deviations, another contract, and the
    tests left out (-k, -m, --deselect), each as the replay command gives it."""
    given: list[str] = []
    if settings.allowed:
        allow = os.environ.get("CONTRACT_ALLOW") or config.getoption("contract_allow") or ",".join(settings.allowed)
        given.append(f"CONTRACT_ALLOW={shlex.quote(str(allow))}")
    if settings.spec is not None:
        given.append(f"CONTRACT_SPEC={shlex.quote(str(settings.spec))}")
    if config.option.keyword:
        given.append(f"-k {shlex.quote(config.option.keyword)}")
    if config.option.markexpr:
        given.append(f"-m {shlex.quote(config.option.markexpr)}")
    given += [f"--deselect {shlex.quote(item)}" for item in config.getoption("deselect", None) or []]
    return given


def replay_command(profile: str, seed: int, given: list[str]) -> str:
    variables = [part for part in given if part.startswith("CONTRACT_")]
    options = [part for part in given if not part.startswith("CONTRACT_")]
    return " ".join([f"CONTRACT_SEED={seed}", f"CONTRACT_PROFILE={profile}", *variables, "contract-test", *options])


def header_line(run: SuiteSession) -> str:
    settings, seed = run.settings, run.seed
    profile = settings.profile.name
    cap = f"at most {settings.max_rps:g} requests/s" if settings.max_rps else "no rate cap"
    return (f"contract: target {run.report.target}; profile {profile}; seed {seed} "
            f"(replay: {run.report.replay}); {cap}; "
            f"time budget {settings.time_budget_s:g} s; timeout {settings.timeout_s:g} s; "
            f"declared: {'; '.join(run.report.declarations) or 'nothing'}")


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = config.stash.get(SUITE_SESSION, None)
    return [header_line(run)] if run is not None else []


def expiry_warnings(run: SuiteSession) -> list[str]:
    """A line for each token given that expires before the run's time budget is up."""
    target, budget = run.settings.target, run.settings.time_budget_s
    tokens = () if target is None else (("CONTRACT_TOKEN", target.token),
                                        ("CONTRACT_FORBIDDEN_TOKEN", target.forbidden_token))
    warnings = [expiry_warning(variable, token, budget) for variable, token in tokens if token]
    return [warning for warning in warnings if warning]
