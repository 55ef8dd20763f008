"""Set-up mistakes told at once: what the settings and the target's first answer show is checked before
pytest, Schemathesis and Hypothesis are loaded (seconds on a busy machine), with the same line, report and
JUnit as later. The plugin runs the same preflight again in its session, so that the run's request log holds
the preflight's requests (a reproducer may need them) whichever way the suite was started; but the
controller of a parallel run, which sends no test's request, takes the early preflight's word for it
(EarlyPreflightPassed), and its workers start a few requests sooner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from contract_tests.plugin.ledger import Ledger
from contract_tests.plugin.suite_report_sections import untestable_junit, untestable_report
from contract_tests.plugin.suite_settings import SuiteSettings, SuiteSettingsError, read_settings
from contract_tests.target.deployment import Target
from contract_tests.target.pacing import OutOfTime, Pacer


@dataclass(frozen=True)
class EarlyPreflightPassed:
    """Handed to pytest by `contract-test` when the target passed the preflight before pytest started."""

    target: Target


def early_problem(arguments: Sequence[str], environ: Mapping[str, str]) -> str | EarlyPreflightPassed | None:
    """Why the run cannot start, from the CONTRACT_* variables and the target's first answer (its report and
    JUnit written); EarlyPreflightPassed when the target passed the preflight; None when the suite runs on its
    bundled mock, or when options on the command line may change the settings (pytest's start checks those)."""
    if any(argument.startswith(("--contract-", "--junitxml", "-c", "-p")) for argument in arguments):
        return None
    if any(argument in {"--collect-only", "--co"} for argument in arguments):
        return None
    try:
        settings = read_settings({}, environ)
    except SuiteSettingsError as error:
        _write(error.report_path, error.junit_path, error.target_text, str(error))
        return str(error)
    if settings.target is None:
        return None
    ledger = Ledger(allowed=dict(settings.allowed))
    problem = preflight_problem(settings.target, Pacer(settings.max_rps, settings.time_budget_s, ledger.pacing),
                                settings, ledger)
    if problem is None:
        return EarlyPreflightPassed(settings.target)
    _write(settings.report_path, settings.junit_path, settings.target_text, problem)
    return problem


def preflight_problem(target: Target, pacer: Pacer, settings: SuiteSettings, ledger: Ledger) -> str | None:
    """Why the target cannot be tested as described, found before any test; None when it can."""
    # Imported here, for a target only: on the bundled mock, the command loads no HTTP client before pytest.
    from contract_tests.target.preflight import preflight
    from contract_tests.target.viewers_client import ContractClient, target_secrets

    ledger.requests.bind(target)
    client = ContractClient(target, pacer, settings.timeout_s, allowances=ledger,
                            secrets=target_secrets(target, settings.reveal_token), log=ledger.requests, notes=ledger)
    try:
        return preflight(target, client)
    except OutOfTime as stop:
        return str(stop)
    finally:
        client.close()


def _write(report: Path, junit: Path, target: str, line: str) -> None:
    for path, text in ((report, untestable_report(target, line)), (junit, untestable_junit(target, line))):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
