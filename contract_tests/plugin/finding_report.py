"""Findings as a developer takes them into a ticket: one per root cause, each with the shortest sequence of
requests that reproduces it (the earlier requests whose answers a cache served again included), as curl
lines in order and as a file that `contract-test --contract-replay FILE` runs, and how many requests and
tests showed it.

A failing test is turned into plain records (sightings) where it failed, so that a parallel run's workers
hand them to the report as they are; the report groups them by name and shape of what came back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract_tests.plugin.run_summary import FindingView
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.finding_groups import Sighting, group, shape_of
from contract_tests.registry.sequences import SequenceViolation, with_sources
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.deployment import Target
from contract_tests.target.request_log import RequestLog
from contract_tests.target.sequence_replay import Reproducer, reproducer_of, store

FINDINGS_FOLDER = "findings"
Record = dict[str, Any]  # one sighting as plain data: it crosses from a worker to the report as it is


def record_of(test: str, violation: ContractViolation, log: RequestLog | None, target: Target | None) -> Record:
    """A violation met by a test, with the requests that reproduce it on a freshly started target."""
    exchanges: list[Exchange] = list(violation.sequence) if isinstance(violation, SequenceViolation) else (
        [violation.exchange] if violation.exchange is not None else [])
    if exchanges and log is not None:
        exchanges = with_sources(exchanges, log.source_of)
    told = SequenceViolation(violation.check, violation.problem, received=violation.received,
                             expected=violation.expected, sequence=exchanges) if exchanges else violation
    reproducer = reproducer_of(told, target) if target is not None and exchanges else None
    return {"test": test, "name": violation.check, "problem": violation.problem, "received": violation.received,
            "expected": violation.expected, "status": violation.exchange.status if violation.exchange else None,
            "response": violation.exchange.summary(300) if violation.exchange else "",
            "curl": [exchange.curl() for exchange in exchanges],
            "reproducer": reproducer.to_json() if reproducer is not None else "", "text": ""}


def text_records(test: str, text: str) -> list[Record]:
    """A failure that is not one of the suite's violations: one record per finding Schemathesis lists (a
    custom check by the registry's name for it), else one for the failure as told."""
    curls = re.findall(r"^\s*(curl .+)$", text, re.MULTILINE)
    found = re.findall(r"^- (ST\d+ .+)$", text, re.MULTILINE) if text.startswith("Schemathesis found") else []
    if not found:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        return [_text_record(test, f"test {test}", first, text, curls)]
    return [_text_record(test, _finding_name(line), line, text, curls) for line in found]


def _finding_name(line: str) -> str:
    custom = re.fullmatch(r"ST901 Custom check failed: `(\w+)`", line.strip())
    return custom[1] if custom else f"Schemathesis: {line.strip()}"


def _text_record(test: str, name: str, received: str, text: str, curls: list[str]) -> Record:
    return {"test": test, "name": name, "problem": received[:200], "received": received, "expected": "",
            "status": None, "response": "", "curl": curls[:1], "reproducer": "", "text": text}


@dataclass(frozen=True)
class Cause:
    """One root cause of the run and the records that showed it."""

    name: str
    shape: str
    records: tuple[Record, ...]
    requests: int

    @property
    def first(self) -> Record:
        return self.records[0]

    @property
    def tests(self) -> list[str]:
        return list(dict.fromkeys(str(record["test"]) for record in self.records))

    @property
    def file_stem(self) -> str:
        digest = hashlib.sha1(self.shape.encode()).hexdigest()[:6]
        return f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', self.name).strip('-')[:60]}-{digest}"


def causes(records: Sequence[Record], log: RequestLog | None = None) -> list[Cause]:
    """One cause per finding name and shape of what came back, in the order first met; the shortest
    reproducer of the records leads each."""
    sightings = [Sighting(str(r["test"]), str(r["name"]), str(r["received"]), r.get("status")) for r in records]
    found = []
    for root in group(sightings):
        members = [r for r in records if str(r["name"]) == root.name and
                   shape_of(str(r["received"]), r.get("status")) == root.shape]
        members.sort(key=lambda r: (not r["curl"], len(r["curl"]) or 10**6))  # the shortest reproducer first
        counted = log.requests_showing(root.name, root.shape) if log is not None else 0
        found.append(Cause(root.name, root.shape, tuple(members), max(counted, len(members))))
    return found


def write_reproducer(cause_or_record: Cause | Record, folder: Path) -> Path | None:
    """The reproducer file (and its shell script) of a cause, named by its name and shape."""
    record = cause_or_record.first if isinstance(cause_or_record, Cause) else cause_or_record
    if not record.get("reproducer"):
        return None
    stem = cause_or_record.file_stem if isinstance(cause_or_record, Cause) else Cause(
        str(record["name"]), shape_of(str(record["received"]), record.get("status")), (record,), 1).file_stem
    return store(Reproducer.from_json(str(record["reproducer"])), folder, stem)


def finding_views(found: Iterable[Cause], folder: Path) -> list[FindingView]:
    """The causes as the summaries show them, each with its replay command (its file written)."""
    views = []
    for cause in found:
        first = cause.first
        path = write_reproducer(cause, folder)
        replay = f"contract-test --contract-replay {path}" if path is not None else (
            f"contract-test '{_rerunnable(cause.tests[0])}'")
        views.append(FindingView(cause.name, str(first["problem"]), str(first["received"]), str(first["expected"]),
                                 str(first["response"]), cause.requests, tuple(cause.tests), tuple(first["curl"]),
                                 replay, str(first["text"])))
    return views


def _rerunnable(test: str) -> str:
    """The name that re-runs a test: a Schemathesis subtest by its test (the same seed gives the same cases)."""
    return test.split(" (Schemathesis subtest)")[0].split(" [")[0]


def markdown_lines(views: Sequence[FindingView]) -> list[str]:
    """The "Broken promises" section: a table of root causes, then each in full."""
    lines = ["## Broken promises", "", "| finding | requests | failing tests |", "| --- | --- | --- |"]
    lines += [f"| {view.name} | {view.requests} | {len(view.tests)} |" for view in views]
    lines.append("")
    for view in views:
        lines += [f"### {view.name}: {view.problem}", ""]
        if view.received or view.expected:
            lines += [f"- Received: {view.received}", f"- Contract: {view.expected}"]
        if view.response:
            lines.append(f"- Response: `{view.response}`")
        if view.reproducer:
            lines += [f"- Reproduce ({len(view.reproducer)} request(s), in this order):", "", "```sh",
                      *view.reproducer, "```", ""]
        elif view.text:
            lines += ["", "```", view.text, "```", ""]
        lines += [f"- Replay: `{view.replay}`", f"- Seen in {view.requests} request(s); failing tests:"]
        lines += [f"  - `{test}`" for test in view.tests] + [""]
    return lines
