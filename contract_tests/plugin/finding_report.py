"""Findings as a developer takes them into a ticket: one per root cause, each with the shortest sequence of
requests that reproduces it (the earlier requests whose answers a cache served again included), as curl
lines in order and as a file that `contract-test --contract-replay FILE` runs, and how many requests and
tests showed it.

A failing test is turned into plain records (sightings) where it failed, so that a parallel run's workers
hand them to the report as they are; the report groups them by name and shape of what came back and, where
that is a status alone, by the kind of request that showed it (registry/request_kinds.py).
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
from contract_tests.registry.request_kinds import NO_CLASS
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
    reproducer = reproducer_of(told, target, rerun_name(test)) if target is not None and exchanges else None
    return {"test": test, "name": violation.check, "problem": violation.problem, "received": violation.received,
            "expected": violation.expected, "status": violation.exchange.status if violation.exchange else None,
            "response": violation.exchange.summary(300) if violation.exchange else "",
            "curl": [exchange.curl() for exchange in exchanges],
            "reproducer": reproducer.to_json() if reproducer is not None else "", "text": "",
            "classes": list(log.classes(violation.exchange)) if log is not None and violation.exchange else []}


def text_records(test: str, text: str) -> list[Record]:
    """A failure that is not one of the suite's violations: one record per finding Schemathesis lists (a
    registry check by its own name and what it received; a server error, and the undocumented 5xx status it
    brings, as no_server_error), else one for the failure as told."""
    lines = [re.sub(r"^(\s*\|\s?)+|^E\s+", "", line) for line in text.splitlines()]
    plain = "\n".join(lines)
    curls = re.findall(r"^\s*(?:Reproduce: )?(curl .+)$", plain, re.MULTILINE)
    starts = [number for number, line in enumerate(lines) if re.match(r"- ST\d+ ", line)]
    if not starts:
        first = next((line.strip() for line in lines if line.strip()), "")
        return [_text_record(test, f"test {test}", first, first, "", None, text, curls)]
    shown = re.search(r"^\s*\[(\d{3})\] ", plain, re.MULTILINE)  # the answer Schemathesis shows once for all
    answered = int(shown[1]) if shown else None
    records = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        block = "\n".join(lines[start:end])
        title = lines[start][2:].strip()
        status_match = re.search(r"^\s*\[(\d{3})\]|^\s*Received: (\d{3})\s*$|Response: HTTP (\d{3})", block,
                                 re.MULTILINE)
        status = int(next(group for group in status_match.groups() if group)) if status_match else answered
        custom = re.fullmatch(r"ST901 Custom check failed: `(\w+)`", title)
        if custom:
            problem = re.search(r"^\s*\[\w+\] (.+)$", block, re.MULTILINE)
            received = re.search(r"^\s*Received: (.+)$", block, re.MULTILINE)
            expected = re.search(r"^\s*Expected: (.+)$", block, re.MULTILINE)
            records.append(_text_record(test, custom[1], problem[1] if problem else title,
                                        received[1] if received else title, expected[1] if expected else "",
                                        status, text, curls))
        elif status is not None and status >= 500 and re.match(r"ST10[13] ", title):
            records.append(_text_record(test, "no_server_error", "the deployment answered with a server error",
                                        f"HTTP {status}", "a 2xx or 4xx answer", status, text, curls))
        else:
            records.append(_text_record(test, f"Schemathesis: {title}", title, title, "", status, text, curls))
    unique = {(r["name"], r["received"], r["status"]): r for r in records}
    return list(unique.values())


def _text_record(test: str, name: str, problem: str, received: str, expected: str, status: int | None, text: str,
                 curls: list[str]) -> Record:
    return {"test": test, "name": name, "problem": problem[:200], "received": received, "expected": expected,
            "status": status, "response": "", "curl": curls[:1], "reproducer": "", "text": text, "classes": []}


@dataclass(frozen=True)
class Cause:
    """One root cause of the run and the records that showed it."""

    name: str
    shape: str
    records: tuple[Record, ...]
    requests: int
    kind: str = NO_CLASS  # the parameter class of the requests that show it, where it tells the cause

    @property
    def first(self) -> Record:
        return self.records[0]

    @property
    def tests(self) -> list[str]:
        return list(dict.fromkeys(str(record["test"]) for record in self.records))

    @property
    def file_stem(self) -> str:
        digest = hashlib.sha1((self.shape + (f"\t{self.kind}" if self.kind else "")).encode()).hexdigest()[:6]
        return f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', self.name).strip('-')[:60]}-{digest}"


def causes(records: Sequence[Record], log: RequestLog | None = None) -> list[Cause]:
    """One cause per finding name, shape of what came back and (where that is a status alone) kind of request,
    in the order first met; the shortest reproducer of the records leads each."""
    sightings = [Sighting(str(r["test"]), str(r["name"]), str(r["received"]), r.get("status"),
                          classes=tuple(r.get("classes") or ())) for r in records]
    record_of_sighting = {id(sighting): record for sighting, record in zip(sightings, records, strict=True)}
    requests = {} if log is None else {
        (s.name, shape): log.requests_showing(s.name, shape) for s in sightings
        for shape in [shape_of(s.received, s.status)]}
    found = []
    for root in group(sightings, requests, log.counts() if log is not None else None):
        members = [record_of_sighting[id(sighting)] for sighting in root.sightings]
        # a replayable reproducer first, the shortest of them
        members.sort(key=lambda r: (not r["reproducer"], not r["curl"], len(r["curl"]) or 10**6))
        found.append(Cause(root.name, root.shape, tuple(members), max(root.requests, len(members)), root.kind))
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
            f"contract-test '{rerun_name(cause.tests[0])}'")
        views.append(FindingView(cause.name, str(first["problem"]), str(first["received"]), str(first["expected"]),
                                 str(first["response"]), cause.requests, tuple(cause.tests), tuple(first["curl"]),
                                 replay, str(first["text"]), cause.kind))
    return views


def rerun_name(test: str) -> str:
    """The name that re-runs a test: a Schemathesis subtest by its test (the same seed gives the same cases)."""
    return test.split(" (Schemathesis subtest)")[0].split(" [")[0]


def markdown_lines(views: Sequence[FindingView]) -> list[str]:
    """The "Broken promises" section: a table of root causes, then each in full."""
    lines = ["## Broken promises", "", "| finding | requests | failing tests | requests of |",
             "| --- | --- | --- | --- |"]
    lines += [f"| {view.name} | {view.requests} | {len(view.tests)} | {view.kind or 'any kind'} |" for view in views]
    lines.append("")
    for view in views:
        lines += [f"### {view.name}: {view.problem}", ""]
        if view.kind:
            lines.append(f"- Requests of: {view.kind} (the parameter class the requests that showed it have in "
                         "common, and the answers that kept the contract lack)")
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
