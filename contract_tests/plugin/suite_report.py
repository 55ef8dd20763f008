"""The readable report for CI: every broken promise with what came back, what the contract says,
and a curl line that reproduces it; what could not be verified, allowed deviations, throttling and
flakes; the seed that replays the run. Its counts are pytest's (and so JUnit's)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from contract_tests.plugin.ledger import Ledger
from contract_tests.plugin.suite_items import is_suite_item
from contract_tests.plugin.suite_report_sections import (
    broken_promises,
    ledger_sections,
    untestable_junit,
    untestable_report,
)
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.pacing import OutOfTime


@dataclass
class Outcome:
    test: str
    outcome: str  # passed, failed, skipped or error, as pytest counts them
    seconds: float
    violation: ContractViolation | None = None
    text: str = ""


@dataclass(eq=False)
class ContractReport:
    path: Path
    junit_path: Path | None = None
    target: str = "not resolved"
    profile: str = ""
    seed: int = 0
    max_rps: float | None = None
    started: float = field(default_factory=time.monotonic)
    outcomes: list[Outcome] = field(default_factory=list)
    untestable: str | None = None
    ledger: Ledger = field(default_factory=Ledger)
    subtests_passed: int = 0  # Schemathesis runs each operation as a subtest; pytest counts the passed apart
    _last_finding: tuple[str, list[ContractViolation], str] = ("", [], "")
    _contract_nodeids: set[str] = field(default_factory=set)  # the suite's own tests, however pytest names them

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        if not is_suite_item(item):
            return
        self._contract_nodeids.add(item.nodeid)
        error = call.excinfo.value if call.excinfo else None
        stop = _find(error, OutOfTime)
        if stop is not None and self.untestable is None:
            self.untestable = str(stop)
            item.session.shouldstop = str(stop)
        violations = _violations(error)
        if report.failed and violations and all(self.ledger.is_allowed(v) for v in violations):
            report.outcome, report.longrepr = "passed", None  # an allowed deviation: kept in the ledger
        text = "" if not report.failed or violations else _short(str(error or "") or report.longreprtext)
        self._last_finding = (item.nodeid, violations, text)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count as pytest counts: items (not their subtests), setup and teardown failures as errors."""
        if report.nodeid not in self._contract_nodeids:  # under --pyargs, "test_auth.py::…" has no folder
            return
        nodeid, violations, text = self._last_finding
        if nodeid != report.nodeid:
            violations, text = [], ""
        if _is_subtest(report):
            # pytest counts a failing subtest as a failure of its own and a passing one apart, as "subtests passed"
            if report.failed:
                self.outcomes.append(Outcome(f"{report.nodeid} (Schemathesis subtest)", "failed", report.duration,
                                             violations[0] if violations else None,
                                             text or _short(report.longreprtext)))
            elif report.passed:
                self.subtests_passed += 1
            return
        if report.skipped and isinstance(report.longrepr, tuple):
            text = str(report.longrepr[2]).removeprefix("Skipped: ")
        if report.when == "call" or report.outcome != "passed":
            state = report.outcome if report.when == "call" or report.skipped else "error"
            self.outcomes.append(Outcome(report.nodeid, state, report.duration,
                                         violations[0] if violations and report.failed else None, text))

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.untestable is not None:
            session.exitstatus = pytest.ExitCode.USAGE_ERROR
            return
        if not self.outcomes:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.render(), encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.outcomes and self.untestable is None:
            terminalreporter.write_line(f"contract: tested {self.target}; {self.ledger.pacing.summary()}")
            for line in self.ledger.not_verifiable:
                terminalreporter.write_line(f"contract warning: {line}")
            for name in self.ledger.stale_allowances():
                terminalreporter.write_line(f"contract warning: {name} is allowed (CONTRACT_ALLOW) but no longer "
                                            "fails: remove it from the list")
            terminalreporter.write_line(f"contract report: {self.path} (replay with CONTRACT_SEED={self.seed})")

    def write_untestable(self, line: str) -> None:
        """On exit 4: a report and a JUnit file that say the target could not be tested, and why."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(untestable_report(self.target, line), encoding="utf-8")
        if self.junit_path is not None:
            self.junit_path.parent.mkdir(parents=True, exist_ok=True)
            self.junit_path.write_text(untestable_junit(self.target, line), encoding="utf-8")

    def counts(self) -> dict[str, int]:
        counted = {"passed": 0, "failed": 0, "skipped": 0, "error": 0}
        for outcome in self.outcomes:
            counted[outcome.outcome] = counted.get(outcome.outcome, 0) + 1
        return counted

    def render(self) -> str:
        failed = [o for o in self.outcomes if o.outcome in {"failed", "error"}]
        skipped = [o for o in self.outcomes if o.outcome == "skipped"]
        counts = self.counts()
        verdict = "BROKEN" if failed else "KEPT"
        cap = f"{self.max_rps:g} requests/s" if self.max_rps else "none"
        lines = [
            f"# Contract report: the contract is {verdict}",
            "",
            f"- Target: {self.target}",
            f"- Profile: {self.profile}; seed: {self.seed} (replay: `CONTRACT_SEED={self.seed} "
            f"CONTRACT_PROFILE={self.profile} contract-test`, with the same target)",
            f"- Finished: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC, "
            f"after {time.monotonic() - self.started:.1f} s",
            f"- Results: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped, "
            f"{counts['error']} errors, {self.subtests_passed} subtests passed",
            f"- Pacing: {self.ledger.pacing.summary()}; rate cap: {cap}",
            f"- Warnings: {len(self.ledger.not_verifiable)} not verifiable, "
            f"{sum(len(v) for v in self.ledger.deviations.values())} allowed deviations, "
            f"{len(self.ledger.stale_allowances())} stale allowances",
            "",
        ]
        if failed:
            lines += broken_promises([(o.test, o.violation, o.text) for o in failed])
        lines += ledger_sections(self.ledger)
        if skipped:
            lines += ["## Not checked", ""]
            lines += [f"- `{o.test}`: {o.text or 'skipped'}" for o in skipped] + [""]
        lines += ["## Every check", "", "| test | outcome | seconds |", "| --- | --- | --- |"]
        lines += [f"| `{o.test}` | {o.outcome} | {o.seconds:.2f} |" for o in self.outcomes]
        return "\n".join(lines) + "\n"


def _is_subtest(report: pytest.TestReport) -> bool:
    return type(report).__name__ == "SubtestReport"


def _find(error: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    if error is None:
        return None
    if isinstance(error, kind):
        return error
    for inner in getattr(error, "exceptions", ()):
        found = _find(inner, kind)
        if found:
            return found
    return _find(error.__cause__, kind) if error.__cause__ else None


def _violations(error: BaseException | None) -> list[ContractViolation]:
    """The ContractViolations behind a failure, also inside Hypothesis' or Schemathesis' groups."""
    if error is None:
        return []
    if isinstance(error, ContractViolation):
        return [error]
    inner = getattr(error, "exceptions", ())
    if inner:
        return [violation for exception in inner for violation in _violations(exception)]
    return _violations(error.__cause__) if error.__cause__ else []


def _short(text: str, limit: int = 6000) -> str:
    # Schemathesis hides the token; point its curl lines at the variable that holds it instead.
    text = text.replace("'Authorization: [Filtered]'", '"Authorization: Bearer $CONTRACT_TOKEN"')
    return text if len(text) <= limit else text[:limit] + "\n..."
