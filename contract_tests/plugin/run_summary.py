"""What a run tried and found, as one value: the terminal, the Markdown report and the HTML report all
render it. Pure data and text; the plugin fills it from the session's ledger."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FindingView:
    """One root cause: its name, what came back, the requests that reproduce it, how often it was seen."""

    name: str
    problem: str
    received: str
    expected: str
    response: str
    requests: int  # answers that showed it
    tests: tuple[str, ...]  # the failing tests (and subtests), by the name that re-runs each
    reproducer: tuple[str, ...]  # curl lines, in order
    replay: str  # the command that replays the reproducer
    text: str = ""  # the failure as told, when it is not one of the suite's own violations
    kind: str = ""  # the parameter class of the requests that show it, where it tells the cause apart


@dataclass(frozen=True)
class CheckVerdict:
    name: str
    promise: str
    verdict: str  # held, not broken, broken, allowed deviation, not verifiable, not run
    runs: int  # answers (or tests) it judged


@dataclass
class RunView:
    verdict: str  # KEPT or BROKEN
    target: str
    profile: str
    seed: int
    finished: str
    seconds: float
    results: Mapping[str, int]
    findings: list[FindingView] = field(default_factory=list)
    requests_by_status: Mapping[str, int] = field(default_factory=dict)
    requests_by_class: Mapping[str, int] = field(default_factory=dict)
    checks: list[CheckVerdict] = field(default_factory=list)
    seconds_by_part: Mapping[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    workers: int = 1

    @property
    def requests(self) -> int:
        return sum(self.requests_by_status.values())


def terminal_lines(run: RunView) -> list[str]:
    """The summary of what was tried, for the end of the terminal output (a screenful at most)."""
    statuses = ", ".join(f"{count} x {status}" for status, count in sorted(run.requests_by_status.items()))
    lines = [f"contract: {run.requests} requests in {run.seconds:.1f} s"
             + (f" on {run.workers} workers" if run.workers > 1 else "") + f" ({statuses or 'none'})"]
    if run.requests_by_class:
        shown = sorted(run.requests_by_class.items(), key=lambda item: -item[1])
        lines.append("contract: tried " + "; ".join(f"{name} {count}" for name, count in shown[:12])
                     + ("; ..." if len(shown) > 12 else ""))
    broken = [check.name for check in run.checks if check.verdict == "broken"]
    not_run = [check.name for check in run.checks if check.verdict == "not run"]
    checked = {check.name for check in run.checks}
    others = [finding.name for finding in run.findings if finding.name not in checked]  # Schemathesis', tests'
    lines.append(f"contract: {len(run.checks)} checks, {len(broken)} broken" + (f" ({', '.join(broken)})"
                                                                                if broken else "")
                 + (f"; {len(others)} other finding(s) ({', '.join(others)})" if others else "")
                 + (f"; {len(not_run)} not run ({', '.join(not_run)})" if not_run else ""))
    for finding in run.findings:
        lines.append(f"contract finding: {finding.name}: {finding.problem} ("
                     + (f"on {finding.kind}; " if finding.kind else "") + f"{finding.requests} request(s), "
                     f"{len(finding.tests)} test(s)); replay: {finding.replay}")
    return lines


def markdown_lines(run: RunView) -> list[str]:
    """The "What was tried" section of the Markdown report."""
    lines = ["## What was tried", "",
             f"{run.requests} requests in {run.seconds:.1f} s" + (f" on {run.workers} workers" if run.workers > 1
                                                                 else "") + ".", "",
             "| status | requests |", "| --- | --- |"]
    lines += [f"| {status} | {count} |" for status, count in sorted(run.requests_by_status.items())]
    lines += ["", "| parameter class | requests |", "| --- | --- |"]
    lines += [f"| {name} | {count} |" for name, count in run.requests_by_class.items()]
    lines += ["", "| check | verdict | judged |", "| --- | --- | --- |"]
    lines += [f"| `{check.name}` | {check.verdict} | {check.runs} |" for check in run.checks]
    if run.seconds_by_part:
        lines += ["", "| part of the suite | seconds |", "| --- | --- |"]
        lines += [f"| {part} | {seconds:.1f} |" for part, seconds in run.seconds_by_part.items()]
    return [*lines, ""]
