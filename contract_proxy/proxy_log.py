"""What the proxy tells: one stderr line per broken promise, and the Markdown and JUnit reports.

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
from contract_tests.registry.response_checks import CHECKS

KEPT_EXAMPLES = 20  # per promise, in full; the rest are counted


def one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


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
    dirty: bool = True
    _written: float = 0.0

    def answer(self, findings: list[Finding], label: str) -> None:
        """One checked answer and what it broke."""
        self.checked += 1
        if findings:
            self.broken_answers += 1
        for finding in findings:
            self.counts[finding.check] += 1
            self.promises.setdefault(finding.check, finding.promise)
            kept = self.examples.setdefault(finding.check, [])
            if len(kept) < KEPT_EXAMPLES:
                kept.append((label, finding))
            print(stderr_line(finding), file=self.stream, flush=True)
        self.dirty = True
        if findings and time.monotonic() - self._written >= 0.5:
            self.write()

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
            lines += ["## Broken promises", "", "| promise | broken in answers |", "| --- | --- |"]
            lines += [f"| {check} | {count} |" for check, count in self.counts.most_common()]
            lines.append("")
            for check, examples in self.examples.items():
                first = examples[0][1].violation
                lines += [f"### {check}: {first.problem}", "", f"- Promise: {self.promises[check]}",
                          f"- Received: {first.received}", f"- Contract: {first.expected}"]
                if first.exchange is not None:
                    lines += [f"- Response: `{first.exchange.summary(300)}`", "- Reproduce:", "", "```sh",
                              first.exchange.curl(), "```", ""]
                more = self.counts[check] - len(examples)
                lines += ["- Answers that broke it:"] + [f"  - {label}" for label, _ in examples]
                lines += ([f"  - and {more} more"] if more > 0 else []) + [""]
        lines += ["## Every check", "", "| check | answers that broke it |", "| --- | --- |"]
        lines += [f"| `{name}` | {self.counts.get(name, 0)} |" for name in self._all_checks()]
        return "\n".join(lines) + "\n"

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
