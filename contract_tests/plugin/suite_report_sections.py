"""Sections of the contract report, and the report and JUnit file of a target that could not be tested."""

from __future__ import annotations

import datetime as dt
import re
from xml.sax.saxutils import quoteattr

from contract_tests.plugin.ledger import Ledger
from contract_tests.registry.promise_provenance import READINGS
from contract_tests.registry.violations import ContractViolation


def broken_promises(failed: list[tuple[str, ContractViolation | None, str]]) -> list[str]:
    """One section per broken promise: its first example in full, then every test that met it."""
    by_check: dict[str, list[tuple[str, ContractViolation | None, str]]] = {}
    for test, violation, text in failed:
        key = violation.check if violation else _schemathesis_findings(text) or f"test {test}"
        by_check.setdefault(key, []).append((test, violation, text))
    lines = ["## Broken promises", "", "| promise | failing tests |", "| --- | --- |"]
    lines += [f"| {key} | {len(entries)} |" for key, entries in by_check.items()]
    lines.append("")
    for key, entries in by_check.items():
        _, violation, text = entries[0]
        if violation is None:
            lines += [f"### {key}", "", "```", text, "```", ""]
        else:
            lines += [f"### {violation.check}: {violation.problem}", "", *_example(violation)]
        lines += ["- Failing tests:"] + [f"  - `{test}`" for test, _, _ in entries] + [""]
    return lines


def _schemathesis_findings(text: str) -> str:
    """What Schemathesis found, in a line ("Schemathesis: ST108 Response violates schema, types_is_following"),
    so that the table of broken promises says it; empty when the text is not Schemathesis' summary."""
    if not text.startswith("Schemathesis found"):
        return ""
    findings = [re.sub(r"^ST901 Custom check failed: `(\w+)`$", r"\1", found)
                for found in re.findall(r"^- (ST\d+ .+)$", text, re.MULTILINE)]
    return f"Schemathesis: {', '.join(findings)}" if findings else ""


def _example(violation: ContractViolation) -> list[str]:
    lines = [f"- Received: {violation.received}", f"- Contract: {violation.expected}"]
    if violation.exchange is not None:
        lines += [f"- Response: `{violation.exchange.summary(300)}`", "- Reproduce:", "",
                  "```sh", violation.exchange.curl(), "```", ""]
    return lines


PARTING_HEADING = "Where the deployment and the mock part ways"


def parting_ways(readings: dict[str, str]) -> list[str]:
    """Notes, never failures: each point the documentation leaves open where the deployment took another reading
    than the mock's (both are accepted), once, with the first request that showed it."""
    if not readings:
        return []
    lines = [f"## {PARTING_HEADING}", "",
             "The documentation leaves these points open and the suite accepts every reading of them: none fails "
             "the run. A frontend built on the mock meets the deployment's reading here.", ""]
    for reading in READINGS:
        if reading.key in readings:
            lines += [f"- `{reading.key}`: {reading.point}. The mock serves {reading.mock}; the deployment took "
                      f"another reading the suite accepts ({reading.accepted}). For example:", "",
                      "  ```sh", f"  {readings[reading.key]}", "  ```", ""]
    return lines


def parting_ways_line(readings: dict[str, str]) -> str | None:
    """The terminal's line of the same notes, or None when the deployment reads every open point as the mock."""
    keys = [reading.key for reading in READINGS if reading.key in readings]
    return f"contract note: where the deployment and the mock part ways (accepted readings): {', '.join(keys)}" \
        if keys else None


def skipped_by_reason(skipped: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The tests a run skipped (test, reason), grouped by the reason each gave, in the order first met."""
    grouped: dict[str, list[str]] = {}
    for test, reason in skipped:
        grouped.setdefault(reason or "skipped", []).append(test)
    return grouped


def not_checked(skipped: list[tuple[str, str]]) -> list[str]:
    """The report's section of what was not run: each reason once (it says how to run it), with its tests."""
    if not skipped:
        return []
    lines = ["## Not checked", ""]
    for reason, tests in skipped_by_reason(skipped).items():
        lines.append(f"- {reason} ({len(tests)} test{'s' if len(tests) > 1 else ''}: "
                     + ", ".join(f"`{test}`" for test in tests) + ")")
    return [*lines, ""]


def not_checked_lines(skipped: list[tuple[str, str]]) -> list[str]:
    """The terminal's lines of the same: each reason once, with how many tests it kept from running."""
    return [f"contract {reason if reason.startswith('not run: ') else f'not checked: {reason}'} "
            f"({len(tests)} test{'s' if len(tests) > 1 else ''})"
            for reason, tests in skipped_by_reason(skipped).items()]


def ledger_sections(ledger: Ledger) -> list[str]:
    """Notes and warnings that do not fail the run: where the deployment and the mock part ways, not verifiable,
    allowed deviations, stale allowances, flakes."""
    lines: list[str] = parting_ways(ledger.noted_readings())
    if ledger.not_verifiable:
        lines += ["## Not verifiable (the audience moved)", ""]
        lines += [f"- {line}" for line in ledger.not_verifiable] + [""]
    if ledger.deviations:
        lines += ["## Allowed deviations (CONTRACT_ALLOW)", ""]
        for name, violations in ledger.deviations.items():
            heading = f"### {name}: allowed deviation, seen {len(violations)} time(s): {ledger.allowed[name]}"
            lines += [heading, "", f"- {violations[0].problem}", *_example(violations[0])]
    stale = ledger.stale_allowances()
    if stale:
        lines += ["## Stale allowances", ""]
        lines += [f"- {name} is allowed ({ledger.allowed[name]}) but no longer fails: remove it from CONTRACT_ALLOW"
                  for name in stale] + [""]
    if ledger.pacing.flaky:
        lines += ["## Flaky answers (retried once, then answered)", ""]
        lines += [f"- {line}" for line in ledger.pacing.flaky] + [""]
    return lines


def untestable_report(target: str, line: str) -> str:
    return "\n".join([
        "# Contract report: the target could NOT BE TESTED",
        "",
        f"- Target: {target}",
        f"- Why: {line}",
        f"- Finished: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC",
        "",
        "No promise of the contract was judged: fix the set-up above and run the suite again (exit status 4).",
        "",
    ])


def untestable_junit(target: str, line: str) -> str:
    message = quoteattr(f"the target could not be tested: {line}")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<testsuites><testsuite name="contract" errors="1" failures="0" skipped="0" tests="1">'
        f'<testcase classname="contract_tests" name={quoteattr("target: " + target)}>'
        f"<error message={message}/></testcase></testsuite></testsuites>\n"
    )
