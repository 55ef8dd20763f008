"""Churn-aware judging of cross-answer properties: movement explains a little, never a pattern."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contract_tests.plugin.ledger import Ledger
from contract_tests.registry.churn_tolerance import (
    Attempt,
    audience_shrinks,
    changes_across,
    partition_findings,
    settle,
)
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.page_walks import Walk, judge_walk

URL = "http://127.0.0.1:1/api/v1/live-stream/64d15f9e2e6c8f4d5a123456/viewers"


def page(ids: list[str], total: int, audience: int, number: int = 1, limit: int = 3) -> Any:
    from contract_tests.registry.exchange import Exchange

    pages = -(-total // limit)
    body = {"isSuccess": True, "statusCode": 200, "errors": [], "timestamp": "2026-01-01T00:00:00Z",
            "data": {"list": [{"_id": i} for i in ids], "participantAudienceTotal": audience,
                     "pagination": {"currentPage": number, "totalPages": pages, "totalItems": total,
                                    "itemsPerPage": limit, "hasNextPage": number < pages, "hasPrevPage": number > 1}}}
    return Exchange.of("GET", f"{URL}?page={number}&limit={limit}", {}, 200, {"content-type": "application/json"},
                       json.dumps(body).encode())


def test_a_still_audience_partitions_cleanly() -> None:
    walk = Walk([page(["a", "b", "c"], 5, 9), page(["d", "e"], 5, 9, 2)], complete=True)
    assert judge_walk(walk, "pagination_partition", "x").violation is None


def test_one_join_between_pages_explains_one_repeat() -> None:
    # "z" joined (newest first) after page 1: "c" slides to page 2 and is met twice
    walk = Walk([page(["a", "b", "c"], 5, 9), page(["c", "d", "e"], 6, 10, 2)], complete=True)
    attempt = judge_walk(walk, "pagination_partition", "x")
    assert attempt.violation is not None and attempt.changes == 1 and attempt.explained


def test_a_repeat_on_every_page_is_more_than_the_churn_explains() -> None:
    pages = [page(["a", "b", "c"], 12, 20)] + [
        page([prev, f"{n}1", f"{n}2"], 12, 20 + (n == 4), n) for n, prev in ((2, "c"), (3, "21"), (4, "31"))]
    attempt = judge_walk(Walk(pages, complete=True), "pagination_partition", "x")
    assert attempt.violation is not None and attempt.violation.check == "pagination_partition"
    assert not attempt.explained  # 3 repeats, 1 join


def test_repeats_without_any_movement_are_unexplained() -> None:
    findings = partition_findings([page(["a", "b", "c"], 5, 9), page(["c", "d"], 5, 9, 2)])
    assert findings.repeats == 1 and findings.changes == 0 and not findings.explained_by_churn(True)


def test_a_shrinking_audience_total_is_found() -> None:
    answers = [page(["a"], 5, 9), page(["b"], 5, 9, 2), page(["c"], 5, 8, 3)]
    assert audience_shrinks(answers) == (answers[0], answers[2])
    assert changes_across(answers) == 0  # a shrinking total is a bug of its own, not movement


def violation() -> ContractViolation:
    return ContractViolation("pagination_partition", "repeats", received="r", expected="e")


def tries(*attempts: Attempt) -> Any:
    queue = list(attempts)
    return lambda: queue.pop(0)


def test_settle_passes_on_the_first_clean_try() -> None:
    verdict = settle("p", tries(Attempt(violation(), 2, True), Attempt(None, 0)))
    assert verdict.verified and verdict.attempts == 2


def test_settle_fails_when_two_tries_show_more_than_churn() -> None:
    with pytest.raises(ContractViolation):
        settle("p", tries(Attempt(violation(), 0), Attempt(violation(), 2, True), Attempt(violation(), 0)))


def test_settle_warns_when_the_audience_keeps_moving() -> None:
    ledger = Ledger()
    verdict = settle("pagination_partition at limit 7",
                     tries(*[Attempt(violation(), 3, True)] * 3), notes=ledger)
    assert not verdict.verified
    assert ("pagination_partition at limit 7: not verifiable: the audience changed 9 times during the walk "
            "(3 tries)") in ledger.not_verifiable
