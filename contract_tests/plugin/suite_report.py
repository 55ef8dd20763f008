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

from contract_tests.plugin.finding_report import (
    FINDINGS_FOLDER,
    Record,
    causes,
    finding_views,
    record_of,
    text_records,
    write_reproducer,
)
from contract_tests.plugin.finding_report import markdown_lines as finding_markdown
from contract_tests.plugin.html_report import render_html
from contract_tests.plugin.ledger import Ledger
from contract_tests.plugin.ledger_merge import check_verdicts, ledger_snapshot, merge_ledger, seconds_by_part
from contract_tests.plugin.run_summary import RunView, terminal_lines
from contract_tests.plugin.run_summary import markdown_lines as summary_markdown
from contract_tests.plugin.suite_items import is_suite_item, reported_name
from contract_tests.plugin.suite_report_sections import (
    ledger_sections,
    not_checked,
    not_checked_lines,
    parting_ways_line,
    untestable_junit,
    untestable_report,
)
from contract_tests.registry.parameter_classes import ordered
from contract_tests.registry.secret_fragments import SecretFragments
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.deployment import promises_not_run
from contract_tests.target.pacing import OutOfTime

NOTHING_DECLARED = "nothing (no allowed deviation, the shipped contract, every test)"


@dataclass
class Outcome:
    test: str
    outcome: str  # passed, failed, skipped or error, as pytest counts them
    seconds: float
    records: list[Record] = field(default_factory=list)  # what a failure met (finding_report.py)
    text: str = ""


@dataclass(eq=False)
class ContractReport:
    path: Path
    junit_path: Path | None = None
    target: str = "not resolved"
    profile: str = ""
    seed: int = 0
    max_rps: float | None = None
    secrets: SecretFragments = field(default_factory=SecretFragments)  # cut out of everything shown
    declarations: list[str] = field(default_factory=list)  # allow-list, spec, deselection in force
    replay: str = ""
    started: float = field(default_factory=time.monotonic)
    outcomes: list[Outcome] = field(default_factory=list)
    untestable: str | None = None
    ledger: Ledger = field(default_factory=Ledger)
    subtests_passed: int = 0  # Schemathesis runs each operation as a subtest; pytest counts the passed apart
    _contract_nodeids: set[str] = field(default_factory=set)  # the suite's own tests, however pytest names them
    workers: int = 1

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        if not is_suite_item(item):
            return
        self._contract_nodeids.add(item.nodeid)
        if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
            path, line, reason = report.longrepr
            report.longrepr = (path, line, self.secrets.redact(reason))
        elif report.longrepr is not None:  # what the terminal and the JUnit show, at every --tb
            report.longrepr = self.secrets.redact(str(report.longrepr))
        report.sections = [(title, self.secrets.redact(content)) for title, content in report.sections]
        report.contract_suite = True  # type: ignore[attr-defined]  # told apart where a parallel run reports
        error = call.excinfo.value if call.excinfo else None
        stop = _find(error, OutOfTime)
        if stop is not None and self.untestable is None:
            self.untestable = str(stop)
            item.session.shouldstop = str(stop)
        violations = _violations(error)
        if report.failed and violations and all(self.ledger.is_allowed(v) for v in violations):
            report.outcome, report.longrepr = "passed", None  # an allowed deviation: kept in the ledger
        text = "" if not report.failed or violations else _short(str(error or "") or report.longreprtext)
        text = self.secrets.redact(text)
        if report.failed:
            # Plain data on the report itself: a parallel run's worker sends it to the report as it is.
            target, log = self.ledger.requests.target, self.ledger.requests
            records = ([record_of(reported_name(item.nodeid), v, log, target) for v in violations] if violations
                       else text_records(reported_name(item.nodeid), text))
            report.contract_records = records  # type: ignore[attr-defined]

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count as pytest counts: items (not their subtests), setup and teardown failures as errors."""
        records: list[Record] = list(getattr(report, "contract_records", None) or [])
        if getattr(report, "contract_suite", False):  # from this process or from a worker of a parallel run
            self._contract_nodeids.add(report.nodeid)
        if report.nodeid not in self._contract_nodeids:  # under --pyargs, "test_auth.py::…" has no folder
            return
        if _is_subtest(report):
            # pytest counts a failing subtest as a failure of its own and a passing one apart, as "subtests passed"
            if report.failed:
                name = f"{reported_name(report.nodeid)} (Schemathesis subtest)"
                text = self.secrets.redact(_short(report.longreprtext))
                self.outcomes.append(Outcome(name, "failed", report.duration, records or text_records(name, text)))
            elif report.passed:
                self.subtests_passed += 1
            return
        text = ""
        if report.skipped and isinstance(report.longrepr, tuple):
            text = str(report.longrepr[2]).removeprefix("Skipped: ")
        if report.when == "call" or report.outcome != "passed":
            state = report.outcome if report.when == "call" or report.skipped else "error"
            if report.failed and not records:
                records = text_records(reported_name(report.nodeid), self.secrets.redact(_short(report.longreprtext)))
            self.outcomes.append(Outcome(reported_name(report.nodeid), state, report.duration,
                                         records if report.failed else [], text))

    def write_finding_now(self, violation: ContractViolation) -> None:
        """A campaign's new finding, written at once (its reproducer file), before the run ends."""
        record = record_of("campaign", violation, self.ledger.requests, self.ledger.requests.target)
        write_reproducer(record, self.path.parent / FINDINGS_FOLDER)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.untestable is not None:
            session.exitstatus = pytest.ExitCode.USAGE_ERROR
            return
        worker_output = getattr(session.config, "workeroutput", None)
        if worker_output is not None:  # a worker of a parallel run: the controller reports for all of them
            worker_output["contract_ledger"] = ledger_snapshot(self.ledger)
            return
        if not self.outcomes:
            return
        view = self.run_view()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.secrets.redact(self.render(view)), encoding="utf-8")
        self.path.with_suffix(".html").write_text(self.secrets.redact(render_html(view)), encoding="utf-8")
        self._view = view

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """A worker of a parallel run is done: add what its ledger counted to the run's."""
        output = getattr(node, "workeroutput", {}) or {}
        if "contract_ledger" in output:
            merge_ledger(self.ledger, output["contract_ledger"])

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.outcomes and self.untestable is None:
            terminalreporter.write_line(f"contract: tested {self.target}; {self.ledger.pacing.summary()}")
            view = getattr(self, "_view", None) or self.run_view()
            for line in terminal_lines(view):
                terminalreporter.write_line(line)
            parting = parting_ways_line(self.ledger.noted_readings())
            if parting is not None:
                terminalreporter.write_line(parting)
            for line in not_checked_lines(self.skipped()):
                terminalreporter.write_line(line)
            for line in self.ledger.not_verifiable:
                terminalreporter.write_line(f"contract warning: {line}")
            for name in self.ledger.stale_allowances():
                terminalreporter.write_line(f"contract warning: {name} is allowed (CONTRACT_ALLOW) but no longer "
                                            "fails: remove it from the list")
            terminalreporter.write_line(f"contract report: {self.path} and {self.path.with_suffix('.html')} "
                                        f"(replay with CONTRACT_SEED={self.seed})")

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

    def skipped(self) -> list[tuple[str, str]]:
        """The tests the run did not run, each with the reason it gave (how to run it, where it says)."""
        return [(o.test, o.text) for o in self.outcomes if o.outcome == "skipped"]

    def run_view(self) -> RunView:
        """What the run tried and found, for the terminal, the Markdown and the HTML report."""
        failed = [o for o in self.outcomes if o.outcome in {"failed", "error"}]
        found = causes([record for outcome in failed for record in outcome.records], self.ledger.requests)
        views = finding_views(found, self.path.parent / FINDINGS_FOLDER)
        log = self.ledger.requests.snapshot()
        return RunView(
            verdict="BROKEN" if failed else "KEPT", target=self.target, profile=self.profile, seed=self.seed,
            finished=f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC", seconds=time.monotonic() - self.started,
            results={**self.counts(), "subtests passed": self.subtests_passed}, findings=views,
            requests_by_status=dict(sorted(log["by_status"].items())),
            requests_by_class={name: log["by_class"][name] for name in ordered(log["by_class"])},
            checks=check_verdicts(views, self.ledger, log["judged"],
                                  promises_not_run(reason for _, reason in self.skipped())),
            seconds_by_part=seconds_by_part(self.outcomes), warnings=list(self.ledger.not_verifiable),
            workers=self.workers)

    def default_replay(self) -> str:
        """The installed command that replays the run when the plugin gave no replay line of its own."""
        return f"CONTRACT_SEED={self.seed} CONTRACT_PROFILE={self.profile} contract-test" if self.profile \
            else "contract-test"

    def render(self, view: RunView | None = None) -> str:
        view = view or self.run_view()
        counts = self.counts()
        cap = f"{self.max_rps:g} requests/s" if self.max_rps else "none"
        lines = [
            f"# Contract report: the contract is {view.verdict}",
            "",
            f"- Target: {self.target}",
            f"- Profile: {self.profile}; seed: {self.seed} (replay: `{self.replay or self.default_replay()}`, with the "
            "same target)",
            f"- Declared: {'; '.join(self.declarations) or NOTHING_DECLARED}",
            f"- Finished: {view.finished}, after {view.seconds:.1f} s"
            + (f" on {self.workers} workers" if self.workers > 1 else ""),
            f"- Results: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped, "
            f"{counts['error']} errors, {self.subtests_passed} subtests passed",
            f"- Findings: {len(view.findings)} root cause(s); {view.requests} requests sent",
            f"- Pacing: {self.ledger.pacing.summary()}; rate cap: {cap}",
            f"- Warnings: {len(self.ledger.not_verifiable)} not verifiable, "
            f"{sum(len(v) for v in self.ledger.deviations.values())} allowed deviations, "
            f"{len(self.ledger.stale_allowances())} stale allowances",
            f"- HTML report: {self.path.with_suffix('.html').name}",
            "",
        ]
        if view.findings:
            lines += finding_markdown(view.findings)
        lines += ledger_sections(self.ledger)
        lines += not_checked(self.skipped())
        lines += summary_markdown(view)
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
