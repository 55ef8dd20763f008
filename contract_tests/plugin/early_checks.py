"""Set-up mistakes told at once: what the settings alone show is checked before pytest, Schemathesis and
Hypothesis are loaded (seconds on a busy machine), with the same line, report and JUnit as later."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from contract_tests.plugin.suite_report_sections import untestable_junit, untestable_report
from contract_tests.plugin.suite_settings import SuiteSettingsError, read_settings
from contract_tests.target.deployment import expiry_problem


def early_problem(arguments: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """Why the run cannot start, from the CONTRACT_* variables alone (its report and JUnit written); None when
    they show no mistake, or when options on the command line may change them (pytest's start checks those)."""
    if any(argument.startswith(("--contract-", "--junitxml", "-c", "-p")) for argument in arguments):
        return None
    try:
        settings = read_settings({}, environ)
    except SuiteSettingsError as error:
        _write(error.report_path, error.junit_path, error.target_text, str(error))
        return str(error)
    target = settings.target
    problem = expiry_problem("CONTRACT_TOKEN", target.token) if target is not None else None
    if problem is not None:
        _write(settings.report_path, settings.junit_path, settings.target_text, problem)
    return problem


def _write(report: object, junit: object, target: str, line: str) -> None:
    from pathlib import Path

    for path, text in ((Path(str(report)), untestable_report(target, line)),
                       (Path(str(junit)), untestable_junit(target, line))):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
