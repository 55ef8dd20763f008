"""What the proxy tells: one stderr line per broken promise, and the Markdown and JUnit reports.

The Markdown report has a section per root cause, as the suite's has (registry/finding_groups.py): the same
promise broken in two ways is two sections, and a status alone (`HTTP 500`) on two kinds of request (deep
pages, searches with metacharacters) is two, told by the parameter classes of every answer the proxy checked.

The reports are rewritten as answers come (at most twice a second) and once more at exit, each
replaced whole, so that a reader never meets a half-written file, even after Ctrl-C.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from contract_proxy.cross_answer_watch import CROSS_ANSWER_PROMISES, Finding
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.finding_groups import RequestCounts, RootCause, Sighting, finding_key, group
from contract_tests.registry.parameter_classes import classes_of
from contract_tests.registry.request_kinds import Signature, signature
from contract_tests.registry.response_checks import CHECKS

KEPT_EXAMPLES = 20  # per promise and root cause, in full; the rest are counted (and any new kind of request kept)


def one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def request_classes(exchange: Exchange) -> Signature:
    """The parameter classes of a request the proxy forwarded. It knows no tokens nor streams of its own: the
    request's token is the valid one and its stream the target's, so that only the query tells kinds apart."""
    authorization = next((v for k, v in exchange.request_headers.items() if k.lower() == "authorization"), None)
    token = (authorization or "").partition(" ")[2]
    segments = exchange.url.split("?", 1)[0].rstrip("/").split("/")
    stream = segments[-2] if len(segments) >= 2 else ""
    return signature(classes_of(exchange.method, exchange.url, authorization, stream_id=stream, valid_token=token))


def stderr_line(finding: Finding) -> str:
    """A broken promise as one line: check, promise, what was received, and a curl line to reproduce it."""
    violation = finding.violation
    curl = violation.exchange.curl() if violation.exchange is not None else ""
    return (f"contract-proxy: [{finding.check}] {one_line(finding.promise, 400)} | {one_line(violation.problem)}; "
            f"received: {one_line(violation.received)} | reproduce: {curl}")


@dataclass
class ProxyLog:
    """The broken promises seen so far, told on stderr and kept in the report files."""

    upstream: str
    report: Path | None = None
    junit: Path | None = None
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    started: float = field(default_factory=time.monotonic)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    checked: int = 0
    unchecked: int = 0
    broken_answers: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[tuple[str, Finding]]] = field(default_factory=dict)
    promises: dict[str, str] = field(default_factory=dict)
    skip_reasons: set[str] = field(default_factory=set)
    allowed_seen: set[str] = field(default_factory=set)
    # By root cause (finding name and shape): examples kept, the answers that showed it by their classes, and
    # every checked answer by class and status, from which the kind of request of a status alone is told.
    sightings: dict[tuple[str, str], list[Sighting]] = field(default_factory=dict)
    showing: dict[tuple[str, str], Counter[Signature]] = field(default_factory=dict)
    by_class_status: Counter[tuple[str, int]] = field(default_factory=Counter)
    dirty: bool = True
    _written: float = 0.0

    def answer(self, findings: list[Finding], label: str, exchange: Exchange | None = None) -> None:
        """One checked answer (`exchange`, whose request's classes are counted) and what it broke."""
        self.checked += 1
        classes = request_classes(exchange) if exchange is not None else ()
        if exchange is not None:
            self.by_class_status.update((name, exchange.status) for name in classes)
        if findings:
            self.broken_answers += 1
        for finding in findings:
            self.counts[finding.check] += 1
            self.promises.setdefault(finding.check, finding.promise)
            kept = self.examples.setdefault(finding.check, [])
            if len(kept) < KEPT_EXAMPLES:
                kept.append((label, finding))
            self._sighted(finding, label, classes)
            print(stderr_line(finding), file=self.stream, flush=True)
        self.dirty = True
        if findings and time.monotonic() - self._written >= 0.5:
            self.write()

    def _sighted(self, finding: Finding, label: str, classes: Signature) -> None:
        key = finding_key(finding.violation)
        showing = self.showing.setdefault(key, Counter())
        kept = self.sightings.setdefault(key, [])
        if len(kept) < KEPT_EXAMPLES or classes not in showing:
            kept.append(Sighting.of(label, finding.violation, "", classes=classes))
        showing[classes] += 1

    def root_causes(self) -> list[RootCause]:
        """The broken promises by root cause, in the order first met, each with the answers that showed it."""
        counts = RequestCounts(dict(self.by_class_status), {key: dict(shown) for key, shown in self.showing.items()})
        sightings = [sighting for kept in self.sightings.values() for sighting in kept]
        return group(sightings, {key: sum(shown.values()) for key, shown in self.showing.items()}, counts)

    def allowed_deviation(self, finding: Finding, reason: str) -> None:
        """A broken promise the team declared (CONTRACT_ALLOW): said once per check, never counted as broken."""
        if finding.check not in self.allowed_seen:
            self.allowed_seen.add(finding.check)
            print(f"contract-proxy: allowed deviation {finding.check} ({reason}): {finding.violation.problem}",
                  file=self.stream, flush=True)

    def skipped(self, reason: str) -> None:
        """An answer of the viewers endpoint that could not be checked, said once per reason."""
        self.unchecked += 1
        self.dirty = True
        if reason not in self.skip_reasons:
            self.skip_reasons.add(reason)
            print(f"contract-proxy: not checked: {reason}", file=self.stream, flush=True)

    @property
    def broken(self) -> bool:
        return bool(self.counts)

    def write(self) -> None:
        """Replace both report files with the figures so far."""
        self._written = time.monotonic()
        self.dirty = False
        if self.report is not None:
            _replace(self.report, self.markdown())
        if self.junit is not None:
            _replace(self.junit, self.junit_xml())

    def markdown(self) -> str:
        """The suite's report shape: verdict, figures, one section per broken promise with a curl line."""
        verdict = "BROKEN" if self.counts else "KEPT so far"
        lines = [
            f"# Contract report: the contract is {verdict}",
            "",
            f"- Target: {self.upstream}, watched through contract-proxy",
            f"- Since: {self.started_at:%Y-%m-%d %H:%M:%S} UTC, for {time.monotonic() - self.started:.0f} s; "
            f"updated {dt.datetime.now(dt.UTC):%H:%M:%S} UTC",
            f"- Answers of the viewers endpoint: {self.checked} checked, {self.broken_answers} broke the contract, "
            f"{self.unchecked} not checked",
            "",
        ]
        if self.counts:
            causes = self.root_causes()
            lines += ["## Broken promises", "", "| promise | broken in answers | root causes |", "| --- | --- | --- |"]
            lines += [f"| {check} | {count} | {sum(cause.name == check for cause in causes)} |"
                      for check, count in self.counts.most_common()]
            lines.append("")
            for cause in causes:
                lines += self._cause_lines(cause)
        lines += ["## Every check", "", "| check | answers that broke it |", "| --- | --- |"]
        lines += [f"| `{name}` | {self.counts.get(name, 0)} |" for name in self._all_checks()]
        return "\n".join(lines) + "\n"

    def _cause_lines(self, cause: RootCause) -> list[str]:
        first = cause.first.violation
        if first is None:  # every sighting the proxy keeps is of a violation
            return []
        lines = [f"### {cause.name}: {first.problem}", "", f"- Promise: {self.promises[cause.name]}"]
        if cause.kind:
            lines.append(f"- Requests of: {cause.kind} (the parameter class the answers that broke it have in "
                         "common, and the answers that kept the contract lack)")
        lines += [f"- Received: {first.received}", f"- Contract: {first.expected}"]
        if first.exchange is not None:
            lines += [f"- Response: `{first.exchange.summary(300)}`", "- Reproduce:", "", "```sh",
                      first.exchange.curl(), "```", ""]
        labels = cause.tests[:KEPT_EXAMPLES]
        more = cause.requests - len(labels)
        lines += [f"- Answers that broke it ({cause.requests}):"] + [f"  - {label}" for label in labels]
        return lines + ([f"  - and {more} more"] if more > 0 else []) + [""]

    def junit_xml(self) -> str:
        """One test case per promise; a broken one fails with its examples and curl lines."""
        names = self._all_checks()
        suite = ElementTree.Element("testsuite", name="contract-proxy", tests=str(len(names)),
                                    failures=str(len(self.counts)), errors="0", skipped="0",
                                    time=f"{time.monotonic() - self.started:.1f}",
                                    timestamp=f"{self.started_at:%Y-%m-%dT%H:%M:%S}")
        for name in names:
            case = ElementTree.SubElement(suite, "testcase", classname="contract_proxy", name=name)
            if name in self.counts:
                examples = self.examples[name]
                failure = ElementTree.SubElement(
                    case, "failure", message=f"{examples[0][1].violation.problem} "
                    f"({self.counts[name]} of {self.checked} answers)")
                failure.text = "\n\n".join(f"{label}\n{finding.violation.render()}" for label, finding in examples)
        ElementTree.indent(suite)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(suite, encoding="unicode") + "\n"

    def _all_checks(self) -> list[str]:
        return list(dict.fromkeys([*CHECKS, *CROSS_ANSWER_PROMISES, *self.counts]))


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
