"""Campaigns: request sequences and single requests explored round after round until a deadline, each new
finding told at once.

A lane runs the state machine with a new seed each round; a finding ends its round, is told (written,
printed) and joins the findings it will not stop for again, so that later rounds look for others. After each
round of sequences it explores single requests (Schemathesis' positive and negative cases, by turns) from a new
seed, so that a campaign left running draws ever more of them, as the deep profile's single exploration does
once. Several lanes (one per worker) explore at once; the report merges what they found by root cause.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import settings as hypothesis_settings

from contract_tests.registry.exchange import Exchange
from contract_tests.registry.finding_groups import KnownFindings
from contract_tests.registry.run_memory import RunMemory
from contract_tests.registry.violations import ContractViolation
from contract_tests.suite.request_machine import run_sequences
from contract_tests.target.viewers_client import ContractClient

PROGRESS_EVERY_S = 30.0
SINGLE_REQUEST_MODES = ("positive", "negative")
# Explores single requests: a generation mode, a seed, a deadline; every distinct finding (EndpointExploration).
SingleRequests = Callable[[str, int, float], list[ContractViolation]]


def clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


@dataclass
class Lane:
    """One explorer of a campaign."""

    api: ContractClient
    settings: hypothesis_settings  # of one round
    seed: int
    deadline: float  # time.monotonic() at which to stop
    started: float | None = None  # when the campaign started (time.monotonic()), for the progress lines
    name: str = "lane 1"
    tell: Callable[[str], None] = lambda line: None  # progress lines, as they come
    on_finding: Callable[[ContractViolation], None] = lambda violation: None
    single_requests: SingleRequests | None = None  # a round of single requests after each round of sequences
    lane_number: int = 1  # lanes start at different modes of single requests
    sent: list[Exchange] = field(default_factory=list)
    findings: list[ContractViolation] = field(default_factory=list)
    rounds: int = 0
    memory: RunMemory = field(default_factory=RunMemory)  # first answers kept over the rounds: many requests apart
    clock: Callable[[], float] = time.monotonic

    def run(self) -> list[ContractViolation]:
        """Explore until the deadline; the findings, one per root cause, in the order found."""
        known = KnownFindings()
        last_told = self.clock()
        started = self.started if self.started is not None else last_told
        while self.clock() < self.deadline:
            self.rounds += 1
            try:
                run_sequences(self.api, self.settings, self.sent, seed=self.seed * 100_003 + self.rounds,
                              known=known, deadline=self.deadline, memory=self.memory)
            except ContractViolation as violation:
                self._found(violation, known)
            if self.single_requests is not None and self.clock() < self.deadline:
                mode = SINGLE_REQUEST_MODES[(self.rounds + self.lane_number) % len(SINGLE_REQUEST_MODES)]
                for single in self.single_requests(mode, self.seed * 100_003 + 50_000 + self.rounds, self.deadline):
                    self._found(single, known)
            now = self.clock()
            if now - last_told >= PROGRESS_EVERY_S or now >= self.deadline:
                last_told = now
                self.tell(f"contract campaign {self.name}: {clock_text(now - started)} of "
                          f"{clock_text(self.deadline - started)}, {self.rounds} rounds, {len(self.sent)} requests, "
                          f"{len(self.findings)} finding(s)")
            if len(self.sent) > 5_000:
                del self.sent[: len(self.sent) - 5_000]  # the reproducers look back this far at most
        return self.findings

    def _found(self, violation: ContractViolation, known: KnownFindings) -> None:
        log = self.api.log
        classes = log.classes(violation.exchange) if log is not None and violation.exchange is not None else ()
        if known.first_sight(violation, classes):
            self.findings.append(violation)
            self.on_finding(violation)
            self.tell(f"contract campaign {self.name}: new finding {violation.check}: {violation.problem} "
                      f"({len(getattr(violation, 'sequence', ())) or 1} request(s) reproduce it)")
