"""A run's ledger as plain data and back (a parallel run's workers send theirs to the report), and what the
summary derives from it: each check's verdict, and the time each part of the suite took."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any, Protocol

from contract_tests.plugin.ledger import Ledger
from contract_tests.plugin.run_summary import CheckVerdict, FindingView
from contract_tests.registry.cross_answer_promises import PROMISES
from contract_tests.registry.response_checks import CHECKS
from contract_tests.registry.sequences import SEQUENCE_PROMISES
from contract_tests.registry.violations import ContractViolation


class TimedOutcome(Protocol):
    test: str
    seconds: float


def ledger_snapshot(ledger: Ledger) -> dict[str, Any]:
    """What a worker's ledger holds, as plain data."""
    with ledger.lock:
        deviations = {name: {"count": len(violations), "first": [violations[0].problem, violations[0].received,
                                                                  violations[0].expected]}
                      for name, violations in ledger.deviations.items() if violations}
        return {"not_verifiable": list(ledger.not_verifiable), "deviations": deviations,
                "readings": dict(ledger.readings),
                "requests": ledger.requests.snapshot(),
                "pacing": {"throttled": ledger.pacing.throttled, "waited_s": ledger.pacing.waited_s,
                           "flaky": list(ledger.pacing.flaky), "first_throttled": ledger.pacing.first_throttled}}


def merge_ledger(ledger: Ledger, snapshot: Mapping[str, Any]) -> None:
    """Add a worker's ledger to the run's."""
    for line in snapshot.get("not_verifiable", []):
        ledger.note_not_verifiable(str(line))
    with ledger.lock:
        for key, example in snapshot.get("readings", {}).items():
            ledger.readings.setdefault(str(key), str(example))
        for name, seen in snapshot.get("deviations", {}).items():
            problem, received, expected = (str(part) for part in seen["first"])
            violation = ContractViolation(name, problem, received=received, expected=expected)
            ledger.deviations.setdefault(name, []).extend([violation] * int(seen["count"]))
    pacing = snapshot.get("pacing", {})
    with ledger.pacing.lock:
        ledger.pacing.throttled += int(pacing.get("throttled", 0))
        ledger.pacing.waited_s += float(pacing.get("waited_s", 0.0))
        ledger.pacing.flaky.extend(str(line) for line in pacing.get("flaky", []))
        if ledger.pacing.first_throttled is None and pacing.get("first_throttled"):
            ledger.pacing.first_throttled = str(pacing["first_throttled"])
    ledger.requests.merge(snapshot.get("requests", {}))


def check_verdicts(findings: Sequence[FindingView], ledger: Ledger, judged: Mapping[str, int],
                   not_run: Mapping[str, str] | None = None) -> list[CheckVerdict]:
    """Every check of the registry and promise across answers, with its verdict in this run; `not_run`, the
    promises whose tests were skipped for a value the target did not give (deployment.promises_not_run)."""
    broken = {finding.name: finding for finding in findings}
    verdicts = []
    promises = {**{name: check.promise for name, check in CHECKS.items()}, **PROMISES, **SEQUENCE_PROMISES}
    for name, promise in promises.items():
        if name in broken:
            verdict = "broken"
        elif name in ledger.deviations:
            verdict = "allowed deviation"
        elif any(line.startswith(name) for line in ledger.not_verifiable):
            verdict = "not verifiable"
        elif name in (not_run or {}):
            verdict = "not run"
        else:
            verdict = "held" if name in CHECKS and judged.get(name) else "not broken"
        verdicts.append(CheckVerdict(name, promise, verdict, int(judged.get(name, 0))
                                     or (broken[name].requests if name in broken else 0)))
    return verdicts


def seconds_by_part(outcomes: Sequence[TimedOutcome]) -> dict[str, float]:
    """Seconds spent per test module of the suite (summed over workers in a parallel run)."""
    parts: dict[str, float] = {}
    for outcome in outcomes:
        module = PurePosixPath(outcome.test.split("::")[0].replace("\\", "/")).stem.removeprefix("test_")
        parts[module] = parts.get(module, 0.0) + outcome.seconds
    return dict(sorted(parts.items(), key=lambda item: -item[1]))
