"""What a run noted besides passes and failures: properties it could not verify, allowed deviations,
where the deployment took another reading than the mock, and the target's throttling and flakes. One ledger
per run (the plugin keeps it in the session's config), shared by the suite's tests, its client and its report."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from contract_tests.registry.exchange import Exchange
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.pacing import PacingLog
from contract_tests.target.request_log import RequestLog


@dataclass
class Ledger:
    not_verifiable: list[str] = field(default_factory=list)
    allowed: dict[str, str] = field(default_factory=dict)  # check name -> the team's reason
    deviations: dict[str, list[ContractViolation]] = field(default_factory=dict)
    readings: dict[str, str] = field(default_factory=dict)  # a reading the mock does not take -> an example request
    pacing: PacingLog = field(default_factory=PacingLog)
    requests: RequestLog = field(default_factory=RequestLog)  # what was sent, for the summary and reproducers
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def note_not_verifiable(self, line: str) -> None:
        with self.lock:
            if line not in self.not_verifiable:
                self.not_verifiable.append(line)

    def note_reading(self, key: str, exchange: Exchange) -> None:
        """An answer accepted under a reading the mock does not take: noted once, with its first request."""
        with self.lock:
            self.readings.setdefault(key, exchange.curl())

    def noted_readings(self) -> dict[str, str]:
        """Every reading noted, each with its first request: those of the answers, and 429 or 503 waited out."""
        with self.lock:
            noted = dict(self.readings)
        if self.pacing.first_throttled is not None:
            noted.setdefault("status-codes", self.pacing.first_throttled)
        return noted

    def is_allowed(self, violation: ContractViolation) -> bool:
        """Whether the violation's check is a known deviation; if so, it is kept for the report."""
        if violation.check not in self.allowed:
            return False
        with self.lock:
            self.deviations.setdefault(violation.check, []).append(violation)
        return True

    def stale_allowances(self) -> list[str]:
        """Allowed checks that never failed in this run: the deviation may be fixed."""
        return [name for name in self.allowed if name not in self.deviations]

