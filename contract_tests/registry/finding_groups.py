"""One finding per root cause: failures with the same finding name, the same shape of what was received and,
where that is a status alone, the same kind of request.

A cache that serves the wrong page fails many tests, each with other numbers; a 500 on big pages fails
every generated case that asks for one. What tells one cause from another is the finding's name and
what came back, with its numbers, ids, names and quoted values left out; where what came back is a status
and nothing else (`HTTP 500`), the parameter classes of the requests that showed it (request_kinds.py): a
500 on deep pages and a 500 on searches are two findings, a 500 on every deep page is one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from contract_tests.registry.request_kinds import NO_CLASS, Signature, comparable, request_kinds, told_by_status
from contract_tests.registry.violations import ContractViolation

_ID = re.compile(r"\b[0-9a-fA-F]{24}\b")
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_-]*")
_STATUS = re.compile(r"\bHTTP ([0-9]{3})\b")
_NAMED = re.compile(r"…\s*\(…\)")  # a name and its handle: `Ay Su (@ay)`
_RUN = re.compile(r"…(\s*,?\s*…)+")  # particulars in a row, a list of them included


def shape_of(received: str, status: int | None = None) -> str:
    """What was received, without its particulars: numbers, ids, names and quoted values become `…`, and so
    does a list of them whatever its length (`[]`, `2, 5, 6`, `Ay Su (@ay), Ali Vural (@av)`). Field names
    (lower camel case, snake case) and plain words stay, so that different fields differ."""
    text = _QUOTED.sub(lambda quoted: quoted[0] if _is_field(quoted[1] or quoted[2] or "") else "…",
                       _STATUS.sub(r"HTTP_\1", _ID.sub("…", received)))
    shaped = [token if _kept(token) else "…" for token in re.split(r"(\s+|[,;:()\[\]{}=<>])", text)]
    collapsed = _RUN.sub("…", _NAMED.sub("…", "".join(shaped).replace("[]", "[…]"))).replace("HTTP_", "HTTP ")
    return collapsed.strip() + (f" (HTTP {status})" if status is not None else "")


def _is_field(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z][A-Za-z0-9_]*", text))


def _kept(token: str) -> bool:
    """Separators, field names and plain words; not numbers, names or handles."""
    if not token or token.isspace() or re.fullmatch(r"[,;:()\[\]{}=<>]", token):
        return True
    if token == "...":  # a list shown in part
        return False
    if token in {"None", "True", "False"} or re.fullmatch(r"HTTP_[0-9]{3}", token) or _QUOTED.fullmatch(token):
        return True
    return bool(_WORD.fullmatch(token)) and (token[0].islower() or "_" in token)


@dataclass(frozen=True)
class Sighting:
    """One failing test (or subtest), and what it met."""

    test: str
    name: str  # the finding's stable name: a check or promise, or Schemathesis' own finding
    received: str
    status: int | None = None
    violation: ContractViolation | None = None
    text: str = ""  # the failure as the test runner told it, when it is not a ContractViolation
    classes: Signature = ()  # the parameter classes of the request that showed it (none when not known)

    @classmethod
    def of(cls, test: str, violation: ContractViolation | None, text: str, name: str = "",
           classes: Signature = ()) -> Sighting:
        if violation is None:
            return cls(test, name or f"test {test}", _first_line(text), None, None, text)
        status = violation.exchange.status if violation.exchange is not None else None
        return cls(test, name or violation.check, violation.received, status, violation, text, classes)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


@dataclass(frozen=True)
class RequestCounts:
    """What a run's log counted of its requests: answers by parameter class and status, and for each finding
    (name, shape) the classes of the requests that showed it, with how many did."""

    by_class_status: Mapping[tuple[str, int], int] = field(default_factory=dict)
    showing: Mapping[tuple[str, str], Mapping[Signature, int]] = field(default_factory=dict)


@dataclass
class RootCause:
    name: str
    shape: str
    kind: str = NO_CLASS  # the parameter class of the requests that show it, where it tells the cause
    sightings: list[Sighting] = field(default_factory=list)
    requests: int = 0  # how many answers showed it (0 when only the failing tests are known)

    @property
    def first(self) -> Sighting:
        return self.sightings[0]

    @property
    def tests(self) -> list[str]:
        return list(dict.fromkeys(sighting.test for sighting in self.sightings))


def group(sightings: Sequence[Sighting], requests: Mapping[tuple[str, str], int] | None = None,
          counts: RequestCounts | None = None) -> list[RootCause]:
    """The findings of a run, in the order first met; `requests` counts the answers that showed each
    (name, shape), `counts` the classes of the requests that did, from the run's log."""
    by_shape: dict[tuple[str, str], list[Sighting]] = {}
    for sighting in sightings:
        by_shape.setdefault((sighting.name, shape_of(sighting.received, sighting.status)), []).append(sighting)
    findings: dict[tuple[str, str, str], RootCause] = {}
    for (name, shape), members in by_shape.items():
        failing, kinds = _kinds(name, shape, members, counts or RequestCounts())
        requests_of: Counter[str] = Counter()
        for classes, count in failing.items():
            requests_of[kinds.get(classes, NO_CLASS)] += count
        shown = Counter(kinds.get(sighting.classes, NO_CLASS) for sighting in members if sighting.classes)
        usual = max(shown, key=lambda kind: (shown[kind], requests_of[kind])) if shown else NO_CLASS
        for sighting in members:
            kind = kinds.get(sighting.classes, NO_CLASS) if sighting.classes else usual
            findings.setdefault((name, shape, kind), RootCause(name, shape, kind)).sightings.append(sighting)
        mine = [finding for (n, s, _), finding in findings.items() if (n, s) == (name, shape)]
        for finding in mine:
            finding.requests = requests_of[finding.kind]
        # requests of a kind no failing test met are counted with the finding most of them showed
        unmet = sum(count for kind, count in requests_of.items() if kind not in {f.kind for f in mine})
        widest = max(mine, key=lambda finding: finding.requests)
        widest.requests += unmet
        for finding in mine:
            total = (requests or {}).get((name, shape), 0) if len(mine) == 1 else 0
            finding.requests = max(finding.requests, total, len(finding.sightings))
    return list(findings.values())


def _kinds(name: str, shape: str, members: Sequence[Sighting],
           counts: RequestCounts) -> tuple[dict[Signature, int], dict[Signature, str]]:
    """The classes of the requests that showed a finding, with how many did, and the kind of each."""
    failing = dict(counts.showing.get((name, shape), {}))
    for sighting in members:
        if sighting.classes and sighting.classes not in failing:
            failing[sighting.classes] = 1
    status = members[0].status
    if status is None or not told_by_status(members[0].received):
        return failing, {}
    return failing, request_kinds(failing, comparable(counts.by_class_status, failing, status))


def finding_key(violation: ContractViolation) -> tuple[str, str]:
    """A finding's name and the shape of what came back (with the answer's status)."""
    return violation.check, shape_of(violation.received, violation.exchange.status if violation.exchange else None)


@dataclass
class KnownFindings:
    """The findings an exploration has told, so that it tells each root cause once: by name and shape, and of a
    finding told by a status alone (`HTTP 500`) also by the parameter classes of the requests that showed it,
    so that a 500 on a search met after one on deep pages is told as the other cause it may be."""

    met: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def is_known(self, violation: ContractViolation, classes: Signature = ()) -> bool:
        key = finding_key(violation)
        if key not in self.met:
            return False
        return not told_by_status(violation.received) or set(classes) <= self.met[key]

    def first_sight(self, violation: ContractViolation, classes: Signature = ()) -> bool:
        """Whether the violation tells a cause not known yet; if so, it is known from now on."""
        if self.is_known(violation, classes):
            return False
        self.met.setdefault(finding_key(violation), set()).update(classes)
        return True
