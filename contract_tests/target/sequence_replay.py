"""Reproducers: the requests of a finding, in order, stored without secrets, and their replay on a target.

A reproducer names each request's caller (valid token, forbidden token, no token, or the header sent) in
place of the token, so the file can go into a ticket; its replay sends the same requests to a target with
that target's tokens and judges the answers with the same checks, single and across requests.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from contract_tests.registry.cross_answer_promises import PROMISES
from contract_tests.registry.documented_rules import load_spec
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.finding_names import is_schemathesis_name
from contract_tests.registry.judged_spec import judged_spec
from contract_tests.registry.response_checks import CHECKS, expect_status, promised_statuses, verify
from contract_tests.registry.sequences import (
    ANONYMOUS,
    FORBIDDEN,
    GARBAGE,
    SEQUENCE_FINDINGS,
    VALID,
    SequenceViolation,
    Step,
    holds_what_judges,
    judge,
    with_sources,
)
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.deployment import Target
from contract_tests.target.schemathesis_exploration import answer_violations, generated_as
from contract_tests.target.schemathesis_internals import UnsupportedRelease
from contract_tests.target.viewers_client import ContractClient

TOKEN_VARIABLES = {VALID: "CONTRACT_TOKEN", FORBIDDEN: "CONTRACT_FORBIDDEN_TOKEN"}


@dataclass(frozen=True)
class ReplayedRequest:
    method: str
    path: str  # with its query, as sent
    caller: str  # VALID, FORBIDDEN, ANONYMOUS, or the Authorization header sent (no secret of the target's)


class NotReplayable(ValueError):
    """A finding that the answers to its requests alone cannot judge: its test must be run again."""


@dataclass(frozen=True)
class Reproducer:
    finding: str  # the check or promise the requests broke
    problem: str
    requests: tuple[ReplayedRequest, ...]
    test: str = ""  # the test that met it, as the report names it ("" when not known)
    statuses: tuple[int, ...] = ()  # what a promise about the last answer's status accepts (expect_status)

    def to_json(self) -> str:
        return json.dumps({"finding": self.finding, "problem": self.problem, "test": self.test,
                           **({"statuses": list(self.statuses)} if self.statuses else {}),
                           "requests": [asdict(request) for request in self.requests]}, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Reproducer:
        raw = json.loads(text)
        return cls(str(raw["finding"]), str(raw.get("problem", "")),
                   tuple(ReplayedRequest(str(r["method"]), str(r["path"]), str(r["caller"])) for r in raw["requests"]),
                   str(raw.get("test", "")), tuple(int(status) for status in raw.get("statuses", ())))

    @classmethod
    def read(cls, path: Path) -> Reproducer:
        """A stored reproducer; ValueError naming the file when it is not one."""
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ValueError(f"the reproducer {str(path)!r} cannot be read ({error.strerror or error})") from None
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{str(path)!r} is not a reproducer of the contract suite ({error})") from None

    def curl_lines(self, base_url: str = "$CONTRACT_BASE_URL") -> list[str]:
        """The requests as curl commands, in order, each token as the variable that holds it."""
        lines = []
        for request in self.requests:
            parts = ["curl", "-sS", "-i"] + (["-X", request.method] if request.method != "GET" else [])
            if request.caller in TOKEN_VARIABLES:
                parts += ["-H", f'"Authorization: Bearer ${TOKEN_VARIABLES[request.caller]}"']
            elif request.caller != ANONYMOUS:
                parts += ["-H", shlex.quote(f"Authorization: {request.caller}")]
            url = f"{base_url}{request.path}"
            parts.append(f'"{url}"' if url.startswith("$") else shlex.quote(url))
            lines.append(" ".join(parts))
        return lines


def caller_of(exchange: Exchange, target: Target) -> str:
    """Who sent a request, as a reproducer names it."""
    header = {key.lower(): value for key, value in exchange.request_headers.items()}.get("authorization")
    if header is None:
        return ANONYMOUS
    if header == f"Bearer {target.token}":
        return VALID
    if target.forbidden_token and header == f"Bearer {target.forbidden_token}":
        return FORBIDDEN
    return header


def reproducer_of(violation: ContractViolation, target: Target, test: str = "") -> Reproducer | None:
    """The requests of a finding (all of a sequence, or the one request of a single answer)."""
    exchanges: Sequence[Exchange] = (violation.sequence if isinstance(violation, SequenceViolation)
                                     else [violation.exchange] if violation.exchange is not None else [])
    if not exchanges:
        return None
    requests = []
    for exchange in exchanges:
        parts = urlsplit(exchange.url)
        requests.append(ReplayedRequest(exchange.method, parts.path + (f"?{parts.query}" if parts.query else ""),
                                        caller_of(exchange, target)))
    return Reproducer(violation.check, violation.problem, tuple(requests), test, promised_statuses(violation))


def replay_problem(finding: str, statuses: Sequence[int] = ()) -> str | None:
    """Why a replay of this finding's requests cannot judge it, or None when it can: a registry check and what
    Schemathesis judges of an answer (`positive:`/`negative:` too, by the mode its name says the request was
    generated in) are judged again on each answer, a promise about one answer's status (`statuses`) on the
    last, a promise across requests on them all."""
    if finding in CHECKS or finding in SEQUENCE_FINDINGS or (finding in PROMISES and statuses):
        return None
    if is_schemathesis_name(finding):
        return None
    if finding in PROMISES:
        return f"{finding} is judged by its test across answers it asks for itself, not from one request's answer"
    return f"{finding} is not a check or promise this suite judges"


def replay(reproducer: Reproducer, api: ContractClient,
           finding: str | None = None) -> tuple[ContractViolation | None, list[Exchange]]:
    """Send the requests in order and judge each answer: the first broken promise (the first of `finding`'s
    when given) and the answers up to it; None and every answer when all held. NotReplayable when the finding
    cannot be judged from these requests' answers (before any is sent, or once the answers show it)."""
    problem = replay_problem(finding, reproducer.statuses) if finding is not None else None
    if problem is not None:
        raise NotReplayable(problem)
    steps: list[Step] = []
    target = api.target
    for number, request in enumerate(reproducer.requests, 1):
        headers: dict[str, str] = {}
        if request.caller == VALID:
            headers = api.auth()
        elif request.caller == FORBIDDEN:
            if not target.forbidden_token:
                raise ValueError("the reproducer sends the forbidden token: set CONTRACT_FORBIDDEN_TOKEN")
            headers = api.auth(target.forbidden_token)
        elif request.caller != ANONYMOUS:
            headers = {"Authorization": request.caller}
        # the query as it was sent, byte for byte: read into params, `search=%ff` would go out as %EF%BF%BD
        exchange = api.request(request.method, request.path, headers=headers, checked=False)
        steps.append(Step(exchange, request.caller if request.caller in (VALID, FORBIDDEN, ANONYMOUS) else
                          _caller_class(request.caller)))
        found: ContractViolation | None = None
        try:
            if finding is not None and is_schemathesis_name(finding):
                # what Schemathesis found (schema:Viewer.username, status:422, negative:200) is judged as
                # Schemathesis judged it: a positive:/negative: case as one generated in that mode
                try:
                    judged = answer_violations(exchange, judged_spec(load_spec()), generated_as(finding))
                except UnsupportedRelease as release:
                    raise NotReplayable(str(release)) from None
                found = next((v for v in judged if v.check == finding), None)
            elif finding is None or finding in CHECKS:
                verify(exchange, None if finding is None else [finding])
            elif finding in PROMISES and reproducer.statuses:
                if number == len(reproducer.requests):  # the promise was about the last answer's status
                    expect_status(finding, exchange, set(reproducer.statuses), reproducer.problem)
                continue
            if found is None and finding not in CHECKS:
                found = judge(steps, finding)
        except ContractViolation as violation:
            found = violation
        if found is not None:
            return found, [step.exchange for step in steps]
    if finding in SEQUENCE_FINDINGS and not holds_what_judges(steps, finding):
        raise NotReplayable(f"{finding} is judged across requests, and these {len(steps)} do not hold what it is "
                            "judged on (a caller it is about, a request asked twice, every page of a walk)")
    return None, [step.exchange for step in steps]


def _caller_class(header: str) -> str:
    return GARBAGE if header.strip() in {"Bearer garbage", "Bearer"} else header


def store(reproducer: Reproducer, folder: Path, name: str) -> Path:
    """Write a reproducer as `<name>.json` in the folder, and a shell script of its curl lines beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(reproducer.to_json() + "\n", encoding="utf-8")
    script = folder / f"{name}.sh"
    script.write_text("\n".join(["#!/bin/sh", f"# {reproducer.finding}: {reproducer.problem}",
                                 "# needs CONTRACT_BASE_URL and CONTRACT_TOKEN (and CONTRACT_FORBIDDEN_TOKEN if used)",
                                 *reproducer.curl_lines(), ""]), encoding="utf-8")
    return path




def minimized(reproducer: Reproducer, api: ContractClient,
              most_trials: int = 60) -> tuple[Reproducer, ContractViolation, list[Exchange]] | None:
    """The shortest sequence found by dropping one request at a time while its replay, twice over, still breaks
    the same promise, with that replay's violation and answers; None when the whole sequence no longer fails when
    replayed (the fault comes and goes) or cannot be judged from its requests."""
    try:
        found, answers = replay(reproducer, api, reproducer.finding)
    except NotReplayable:
        return None
    if found is None:
        return None
    best = (reproducer, found, answers)
    trials, changed = 0, True
    while changed and len(best[0].requests) > 1 and trials < most_trials:
        changed = False
        requests = best[0].requests
        kept_last = 1 if reproducer.statuses else 0  # a promise about the last answer's status keeps that request
        for index in range(len(requests) - kept_last):
            candidate = Reproducer(reproducer.finding, reproducer.problem, (*requests[:index], *requests[index + 1:]),
                                   reproducer.test, reproducer.statuses)
            trials += 1
            # Twice: the second replay follows the candidate's own requests, not what an earlier trial left in
            # the target's state (a setting kept from the previous request would pass any candidate).
            try:
                found, answers = replay(candidate, api, reproducer.finding)
                if found is not None:
                    found, answers = replay(candidate, api, reproducer.finding)
            except NotReplayable:  # without the dropped request, what the finding is judged on is gone
                found = None
            if found is not None:
                best, changed = (candidate, found, answers), True
                break
            if trials >= most_trials:
                break
    return best


def shortest_sequence(violation: ContractViolation, api: ContractClient,
                      source_of: Callable[[Exchange], Exchange | None]) -> ContractViolation:
    """The violation told with the shortest sequence that still shows it on the target, preceded by the
    earlier requests whose answers that sequence was served (`source_of`, from the run's request log): what
    a freshly started target needs to show the same fault. When its replay no longer fails (the target's state
    changed for good), the requests whose answers disagreed, and the finding says so."""
    reproducer = reproducer_of(violation, api.target)
    shortest = minimized(reproducer, api) if reproducer is not None else None
    if shortest is None:
        return not_replayable(violation)
    _, found, answers = shortest
    sequence = with_sources(answers, source_of)
    return SequenceViolation(found.check, found.problem, received=found.received, expected=found.expected,
                             sequence=sequence)


def not_replayable(violation: ContractViolation) -> ContractViolation:
    """A sequence's violation whose replay passes now: told by the requests whose answers disagreed (the rest
    cannot be shown to matter), with a word that replaying them passes on this target as it is now."""
    if not isinstance(violation, SequenceViolation):
        return violation
    return SequenceViolation(violation.check, f"{violation.problem}; replayed now, these requests pass: the "
                             "target's state changed for good along the way, so a freshly started one shows it only "
                             "after as many requests as the run had sent before them",
                             received=violation.received, expected=violation.expected, sequence=violation.compared)
