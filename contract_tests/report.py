"""The readable report for CI: every broken promise with what came back, what the contract says,
and a curl line that reproduces it; the seed that replays the run."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from contract_tests.violations import ContractViolation


@dataclass
class Outcome:
    test: str
    outcome: str
    seconds: float
    violation: ContractViolation | None = None
    text: str = ""


@dataclass(eq=False)
class ContractReport:
    path: Path
    target: str = "not resolved"
    profile: str = ""
    seed: int = 0
    started: float = field(default_factory=time.monotonic)
    outcomes: list[Outcome] = field(default_factory=list)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        if not _is_contract_test(item):
            return
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            error = call.excinfo.value if call.excinfo else None
            violation = _find_violation(error)
            text = "" if error is None or violation else _short(str(error) or report.longreprtext)
            state = "skipped" if report.skipped else report.outcome
            self.outcomes.append(Outcome(item.nodeid, state, report.duration, violation, text))

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self.outcomes:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.render(), encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.outcomes:
            terminalreporter.write_line(f"contract report: {self.path} (replay with CONTRACT_SEED={self.seed})")

    def render(self) -> str:
        failed = [o for o in self.outcomes if o.outcome == "failed"]
        passed = sum(o.outcome == "passed" for o in self.outcomes)
        skipped = [o for o in self.outcomes if o.outcome == "skipped"]
        verdict = "BROKEN" if failed else "KEPT"
        lines = [
            f"# Contract report: the contract is {verdict}",
            "",
            f"- Target: {self.target}",
            f"- Profile: {self.profile}; seed: {self.seed} (replay: `CONTRACT_SEED={self.seed} "
            f"CONTRACT_PROFILE={self.profile} pytest contract_tests`)",
            f"- Finished: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC, "
            f"after {time.monotonic() - self.started:.1f} s",
            f"- Results: {passed} passed, {len(failed)} failed, {len(skipped)} skipped",
            "",
        ]
        if failed:
            lines += self._broken_promises(failed)
        if skipped:
            lines += ["## Not checked", ""]
            lines += [f"- `{o.test}`: {o.text or 'skipped'}" for o in skipped] + [""]
        lines += ["## Every check", "", "| test | outcome | seconds |", "| --- | --- | --- |"]
        lines += [f"| `{o.test}` | {o.outcome} | {o.seconds:.2f} |" for o in self.outcomes]
        return "\n".join(lines) + "\n"

    @staticmethod
    def _broken_promises(failed: list[Outcome]) -> list[str]:
        """One section per broken promise: its first example in full, then every test that met it."""
        by_check: dict[str, list[Outcome]] = {}
        for outcome in failed:
            key = outcome.violation.check if outcome.violation else f"test {outcome.test}"
            by_check.setdefault(key, []).append(outcome)
        lines = ["## Broken promises", "", "| promise | failing tests |", "| --- | --- |"]
        lines += [f"| {key} | {len(outcomes)} |" for key, outcomes in by_check.items()]
        lines.append("")
        for key, outcomes in by_check.items():
            first = outcomes[0]
            violation = first.violation
            if violation is None:
                lines += [f"### {key}", "", "```", first.text, "```", ""]
                continue
            lines += [f"### {violation.check}: {violation.problem}", "", f"- Received: {violation.received}",
                      f"- Contract: {violation.expected}"]
            if violation.exchange is not None:
                lines += [f"- Response: `{violation.exchange.summary(300)}`", "- Reproduce:", "",
                          "```sh", violation.exchange.curl(), "```", ""]
            lines += ["- Failing tests:"] + [f"  - `{o.test}`" for o in outcomes] + [""]
        return lines


def _is_contract_test(item: pytest.Item) -> bool:
    return "contract_tests" in Path(str(item.path)).parts


def _find_violation(error: BaseException | None) -> ContractViolation | None:
    """The ContractViolation behind a failure, also inside Hypothesis' or Schemathesis' groups."""
    if error is None:
        return None
    if isinstance(error, ContractViolation):
        return error
    for inner in getattr(error, "exceptions", ()):
        found = _find_violation(inner)
        if found:
            return found
    return _find_violation(error.__cause__) if error.__cause__ else None


def _short(text: str, limit: int = 6000) -> str:
    # Schemathesis hides the token; point its curl lines at the variable that holds it instead.
    text = text.replace("'Authorization: [Filtered]'", '"Authorization: Bearer $CONTRACT_TOKEN"')
    return text if len(text) <= limit else text[:limit] + "\n..."
