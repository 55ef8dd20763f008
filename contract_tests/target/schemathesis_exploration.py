"""Schemathesis' exploration of the endpoint, every finding named and kept (it never stops at the first).

Each generated case is sent and its answer held to Schemathesis' checks, against openapi.yaml with the
registry's readings applied (judged_spec.py), and to every check of the registry; each failure becomes one
ContractViolation named as finding_names.py says, with the request's curl line. One run reports all it found,
the first example of each distinct finding (name and shape), and of a finding told by a status alone (a 500)
also the first on each parameter class no earlier example had: a 500 on searches after one on deep pages is
another cause, which the report tells apart by the kind of request (registry/request_kinds.py). The fast
profile explores from a fixed seed (the same requests on every run); the deep profile from the run's seed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import hypothesis
import schemathesis
from schemathesis.core.failures import Failure

from contract_tests.registry.documented_rules import VIEWERS_PATH
from contract_tests.registry.exchange import Exchange, Secrets
from contract_tests.registry.finding_groups import KnownFindings
from contract_tests.registry.finding_names import schemathesis_name
from contract_tests.registry.judged_spec import response_schema
from contract_tests.registry.request_kinds import Signature
from contract_tests.registry.response_checks import CHECKS
from contract_tests.registry.schemathesis_checks import exchange_of
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.schemathesis_internals import case_generated_as

# Left to the registry, which knows the readings: a clamped limit is served (negative_data_rejection), a page
# past the end may be a 404 (positive_data_acceptance); test_auth.py holds auth (ignored_auth's probes bypass
# the paced session, so a throttled probe would read as a breach).
LEFT_TO_THE_REGISTRY = ("ignored_auth", "negative_data_rejection", "positive_data_acceptance")
# The check of Schemathesis that finds each kind of its findings about how a request was generated.
GENERATION_CHECKS = {"positive": "positive_data_acceptance", "negative": "negative_data_rejection"}


def excluded_checks() -> list[Any]:
    ours = set(CHECKS)
    return [check for check in schemathesis.checks.CHECKS.get_all()
            if getattr(check, "__name__", "") in ours or getattr(check, "__name__", "") in LEFT_TO_THE_REGISTRY]


def _failures(error: BaseException) -> list[Failure]:
    if isinstance(error, Failure):
        return [error]
    return [failure for inner in getattr(error, "exceptions", ()) for failure in _failures(inner)]


def violations_of(case: Any, response: Any, spec: dict[str, Any], secrets: Secrets,
                  excluded: list[Any]) -> list[ContractViolation]:
    """Every broken promise of one answer: Schemathesis' findings, then the registry's."""
    exchange = exchange_of(case, response, secrets)
    found: list[ContractViolation] = []
    try:
        case.validate_response(response, excluded_checks=excluded)
    except (AssertionError, BaseExceptionGroup) as error:
        for failure in _failures(error):
            name = schemathesis_name(failure, spec, response_schema(spec, response.status_code))
            title, _, detail = str(failure).partition("\n\n")
            found.append(ContractViolation(name, f"{title} ({getattr(failure, 'code', 'Schemathesis')})",
                                           received=detail.split("\n\n")[0][:300] or title,
                                           expected="what openapi.yaml documents", exchange=exchange))
    for check in list(CHECKS.values()):
        try:
            check.function(exchange)
        except ContractViolation as violation:
            found.append(violation)
    # One answer breaks each promise once: where Schemathesis and the registry name the same finding (a server
    # error), the registry's telling is kept, so that every answer of that cause has the same shape.
    return list({violation.check: violation for violation in found}.values())


def generated_as(finding: str) -> str | None:
    """The generation mode a finding of Schemathesis names (`positive:400`, `negative:200`), or None."""
    kind = finding.partition(":")[0]
    return kind if kind in GENERATION_CHECKS and ":" in finding else None


def answer_violations(exchange: Exchange, judged: dict[str, Any], mode: str | None = None) -> list[ContractViolation]:
    """Every broken promise of an answer the suite received by itself (a replayed finding's request), judged as
    the exploration judges its own: the case rebuilt from the request, Schemathesis' checks, then the registry's.
    With a `mode` (positive, negative), the case is one generated so, and Schemathesis' check of that mode
    (positive_data_acceptance, negative_data_rejection) judges it too."""
    operation = schemathesis.openapi.from_dict(judged)[VIEWERS_PATH]["GET"]
    path = httpx.URL(exchange.url).path
    stream = path.split("/live-stream/", 1)[-1].split("/", 1)[0]
    parts: dict[str, Any] = {"path_parameters": {"id": stream}, "query": dict(exchange.query),
                             "headers": dict(exchange.request_headers)}
    case = (operation.Case(**parts) if mode is None else
            case_generated_as(operation, schemathesis.GenerationMode(mode), **parts))
    excluded = [check for check in excluded_checks()
                if mode is None or getattr(check, "__name__", "") != GENERATION_CHECKS[mode]]
    request = httpx.Request(exchange.method, exchange.url, headers=dict(exchange.request_headers))
    response = httpx.Response(exchange.status, headers=dict(exchange.headers), content=exchange.text.encode("utf-8"),
                              request=request)
    response.elapsed = timedelta(0)  # httpx sets it as a client reads; Schemathesis reads it
    return violations_of(case, response, judged, exchange.secrets, excluded)


def explore(operation: Any, mode: schemathesis.GenerationMode, *, examples: int, seed: int,
            send: Callable[[Any], Any], judge: Callable[[Any, Any], list[ContractViolation]],
            classes: Callable[[Exchange], Signature] = lambda exchange: (), deadline: float | None = None,
            clock: Callable[[], float] = time.monotonic) -> list[ContractViolation]:
    """Generate `examples` cases of one mode from `seed`, send each, and keep the first violation of each name
    and shape, and of a finding told by a status alone the first on each parameter class (`classes`) not met.
    Once `clock()` passes the `deadline`, the cases left are generated but not sent (a campaign's time is up)."""
    kept = Kept(classes)

    @hypothesis.settings(max_examples=examples, database=None, deadline=None,
                         phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.seed(seed)
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def each_case(case: Any) -> None:
        if deadline is not None and clock() >= deadline:
            return
        for violation in judge(case, send(case)):
            kept.offer(violation)

    each_case()
    return kept.violations


class Kept:
    """The examples an exploration reports: the first of each name and shape of what came back, and, of a
    finding told by a status alone, the first whose request has a parameter class none kept before it had."""

    def __init__(self, classes: Callable[[Exchange], Signature]) -> None:
        self.classes = classes
        self.violations: list[ContractViolation] = []
        self.known = KnownFindings()

    def offer(self, violation: ContractViolation) -> None:
        classes = self.classes(violation.exchange) if violation.exchange is not None else ()
        if self.known.first_sight(violation, classes):
            self.violations.append(violation)
