"""One finding per root cause: failures with the same finding name and the same shape of what was received.

A cache that serves the wrong page fails many tests, each with other numbers; a 500 on big pages fails
every generated case that asks for one. What tells one cause from another is the finding's name and
what came back, with its numbers, ids, names and quoted values left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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

    @classmethod
    def of(cls, test: str, violation: ContractViolation | None, text: str, name: str = "") -> Sighting:
        if violation is None:
            return cls(test, name or f"test {test}", _first_line(text), None, None, text)
        status = violation.exchange.status if violation.exchange is not None else None
        return cls(test, name or violation.check, violation.received, status, violation, text)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


@dataclass
class RootCause:
    name: str
    shape: str
    sightings: list[Sighting] = field(default_factory=list)
    requests: int = 0  # how many answers showed it (0 when only the failing tests are known)

    @property
    def first(self) -> Sighting:
        return self.sightings[0]

    @property
    def tests(self) -> list[str]:
        return list(dict.fromkeys(sighting.test for sighting in self.sightings))


def group(sightings: Sequence[Sighting], requests: Mapping[tuple[str, str], int] | None = None) -> list[RootCause]:
    """The findings of a run, in the order first met; `requests` counts the answers that showed each
    (name, shape), from the run's ledger."""
    findings: dict[tuple[str, str], RootCause] = {}
    for sighting in sightings:
        key = (sighting.name, shape_of(sighting.received, sighting.status))
        findings.setdefault(key, RootCause(*key)).sightings.append(sighting)
    for key, finding in findings.items():
        finding.requests = (requests or {}).get(key, 0) or len(finding.sightings)
    return list(findings.values())
