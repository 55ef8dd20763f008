"""Every request a run sent, as the summary counts it (by status and parameter class), and the first answer
of each kind, so that a finding can name the earlier request whose answer a cache served again.

One log per run, shared by the suite's client and Schemathesis' session; thread-safe; its counts travel
between processes as plain data (snapshot, merge), so a parallel run sums its workers'.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contract_tests.registry.exchange import Exchange
from contract_tests.registry.finding_groups import RequestCounts, shape_of
from contract_tests.registry.parameter_classes import classes_of
from contract_tests.registry.request_kinds import Signature, signature
from contract_tests.registry.sequences import may_be_a_copy, may_be_a_source, normalized_request, served_data
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.deployment import Target

MOST_FIRST_ANSWERS = 20_000  # distinct answers remembered for copy-source look-ups (requests, not bodies)


def _served_key(exchange: Exchange) -> bytes | None:
    served = served_data(exchange)
    return None if served is None else hashlib.sha1(served.encode("utf-8", "replace")).digest()


def _slim(exchange: Exchange) -> Exchange:
    """The request of an exchange and its status, without the body: enough to resend it and name it."""
    return Exchange(exchange.method, exchange.url, exchange.query, exchange.request_headers, exchange.status,
                    exchange.headers, "", None, False, exchange.secrets)


@dataclass
class RequestLog:
    target: Target | None = None
    by_status: Counter[str] = field(default_factory=Counter)
    by_class: Counter[str] = field(default_factory=Counter)
    judged: Counter[str] = field(default_factory=Counter)  # check name -> answers it judged
    findings: Counter[str] = field(default_factory=Counter)  # "name\tshape" -> answers that showed it
    by_class_status: Counter[str] = field(default_factory=Counter)  # "class\tstatus" -> answers
    finding_classes: Counter[str] = field(default_factory=Counter)  # "name\tshape\tclass|class" -> answers
    sent: int = 0
    _first: dict[bytes, Exchange] = field(default_factory=dict, repr=False)  # served data -> its first request
    _unbound: list[Exchange] = field(default_factory=list, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def bind(self, target: Target) -> None:
        """Whose tokens the token classes compare with; requests sent before are classed now."""
        with self.lock:
            self.target = target
            waiting, self._unbound = self._unbound, []
        for exchange in waiting:
            self._classify(exchange)

    def record(self, exchange: Exchange) -> None:
        served = _served_key(exchange) if may_be_a_source(exchange) else None
        with self.lock:
            self.sent += 1
            self.by_status[str(exchange.status)] += 1
            if served is not None and served not in self._first and len(self._first) < MOST_FIRST_ANSWERS:
                self._first[served] = _slim(exchange)
            if self.target is None:
                self._unbound.append(_slim(exchange))
                return
        self._classify(exchange)

    def classes(self, exchange: Exchange) -> Signature:
        """The parameter classes of a request (none before the log knows its target's tokens)."""
        if self.target is None:
            return ()
        authorization = next((v for k, v in exchange.request_headers.items() if k.lower() == "authorization"), None)
        return signature(classes_of(exchange.method, exchange.url, authorization, stream_id=self.target.stream_id,
                                    valid_token=self.target.token, forbidden_token=self.target.forbidden_token,
                                    expired_token=self.target.expired_token))

    def _classify(self, exchange: Exchange) -> None:
        classes = self.classes(exchange)
        with self.lock:
            self.by_class.update(classes)
            self.by_class_status.update(f"{name}\t{exchange.status}" for name in classes)

    def note_judged(self, names: list[str]) -> None:
        with self.lock:
            self.judged.update(names)

    def note_violation(self, violation: ContractViolation) -> None:
        status = violation.exchange.status if violation.exchange is not None else None
        key = f"{violation.check}\t{shape_of(violation.received, status)}"
        classes = self.classes(violation.exchange) if violation.exchange is not None else ()
        with self.lock:
            self.findings[key] += 1
            if classes:
                self.finding_classes[f"{key}\t{'|'.join(classes)}"] += 1

    def source_of(self, exchange: Exchange) -> Exchange | None:
        """The first request, asked otherwise, whose answer this one repeats word for word (see
        registry.sequences.copied_from): what a freshly started target needs before it to show a cache's fault."""
        served = _served_key(exchange) if may_be_a_copy(exchange) else None
        with self.lock:
            first = self._first.get(served) if served is not None else None
        if first is None or first is exchange or normalized_request(first) == normalized_request(exchange):
            return None
        return first

    def requests_showing(self, name: str, shape: str) -> int:
        return self.findings.get(f"{name}\t{shape}", 0)

    def counts(self) -> RequestCounts:
        """Answers by class and status, and the classes of the requests that showed each finding."""
        with self.lock:
            by_class_status = {(key.rpartition("\t")[0], int(key.rpartition("\t")[2])): count
                               for key, count in self.by_class_status.items()}
            showing: dict[tuple[str, str], dict[Signature, int]] = {}
            for key, count in self.finding_classes.items():
                name, _, rest = key.partition("\t")
                shape, _, classes = rest.rpartition("\t")
                showing.setdefault((name, shape), {})[tuple(classes.split("|"))] = count
        return RequestCounts(by_class_status, showing)

    def snapshot(self) -> dict[str, Any]:
        """The counts as plain data (for a parallel run's workers to send)."""
        with self.lock:
            return {"sent": self.sent, "by_status": dict(self.by_status), "by_class": dict(self.by_class),
                    "judged": dict(self.judged), "findings": dict(self.findings),
                    "by_class_status": dict(self.by_class_status), "finding_classes": dict(self.finding_classes)}

    def merge(self, snapshot: Mapping[str, Any]) -> None:
        """Add another process's counts."""
        with self.lock:
            self.sent += int(snapshot.get("sent", 0))
            for name in ("by_status", "by_class", "judged", "findings", "by_class_status", "finding_classes"):
                getattr(self, name).update({key: int(value) for key, value in snapshot.get(name, {}).items()})
