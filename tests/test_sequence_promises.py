"""The promises across requests, on answers made up here: each fails what it should, churn aside."""

from __future__ import annotations

import json
from typing import Any

from contract_tests.registry.exchange import Exchange
from contract_tests.registry.run_memory import RunMemory
from contract_tests.registry.sequences import (
    FORBIDDEN,
    Step,
    copied_from,
    history_independent,
    judge,
    quiet,
    repeat_agrees,
    walk_partitions,
    with_earlier_requests,
)

PATH = "http://127.0.0.1:1/api/v1/live-stream/64d15f9e2e6c8f4d5a123456/viewers"
AUDIENCE = [f"{number:024x}" for number in range(1, 11)]


def page(page: int, limit: int, ids: list[str] | None = None, *, total: int = 10, audience: int = 12,
         search: str | None = None, status: int = 200) -> Step:
    listed = AUDIENCE[(page - 1) * limit: page * limit] if ids is None else ids
    query = f"page={page}&limit={limit}" + (f"&search={search}" if search is not None else "")
    data: Any = {"list": [{"_id": viewer_id} for viewer_id in listed],
                 "pagination": {"currentPage": page, "itemsPerPage": limit, "totalItems": total,
                                "totalPages": -(-total // limit), "hasNextPage": page * limit < total,
                                "hasPrevPage": page > 1},
                 "participantAudienceTotal": audience}
    body = {"isSuccess": status == 200, "statusCode": status, "data": data if status == 200 else None,
            "errors": [] if status == 200 else ["refused"], "timestamp": "2026-01-15T10:30:00.000Z"}
    return Step(Exchange.of("GET", f"{PATH}?{query}", {"authorization": "Bearer t"}, status,
                            {"content-type": "application/json"}, json.dumps(body).encode()))


def test_a_repeated_request_must_agree_while_nothing_moved() -> None:
    assert repeat_agrees([page(1, 3), page(2, 3), page(1, 3)]) is None
    shifted = page(1, 3, AUDIENCE[1:4])
    violation = repeat_agrees([page(1, 3), page(2, 3), shifted])
    assert violation is not None and violation.check == "sequence_repeatable"
    assert len(violation.sequence) == 3


def test_a_newcomer_in_between_excuses_a_repeat_that_differs() -> None:
    shifted = page(1, 3, ["0" * 24, *AUDIENCE[:2]], total=11, audience=13)
    assert not quiet([page(1, 3), shifted])
    assert repeat_agrees([page(1, 3), shifted]) is None
    assert history_independent([page(1, 3), page(2, 2, AUDIENCE[3:5], total=11, audience=13)]) is None


def test_a_leave_that_only_a_search_counts_is_churn_too() -> None:
    before, after = page(1, 3, search="a"), page(2, 2, AUDIENCE[1:3], total=9, search="a")
    assert not quiet([before, after]) and history_independent([before, after]) is None


def test_a_page_must_put_each_viewer_where_other_limits_do() -> None:
    assert history_independent([page(1, 10), page(2, 5)]) is None
    offset_by_the_previous_limit = page(2, 5, AUDIENCE[0:5])  # offset computed with another limit
    violation = history_independent([page(1, 10), offset_by_the_previous_limit])
    assert violation is not None and violation.check == "sequence_history_independent"
    assert "place 1" in violation.received


def test_a_walk_in_any_order_must_partition() -> None:
    assert walk_partitions([page(3, 4), page(1, 4), page(2, 4)]) is None
    repeated = page(2, 4, AUDIENCE[3:7])
    violation = walk_partitions([page(3, 4), page(1, 4), repeated])
    assert violation is not None and violation.check == "pagination_partition"
    assert "1 repeated" in violation.received


def test_a_forbidden_caller_is_refused_whatever_came_before() -> None:
    served = page(1, 3)
    forbidden = Step(served.exchange, FORBIDDEN)
    violation = judge([page(1, 3), forbidden])
    assert violation is not None and violation.check == "auth_forbidden"


def test_a_reproducer_starts_with_the_request_whose_answer_was_served_again() -> None:
    first = page(1, 1, AUDIENCE[:1]).exchange
    unrelated = page(2, 3).exchange
    served_again = page(1, 20, AUDIENCE[:1]).exchange  # a cache keyed by page alone
    body = json.loads(served_again.text)
    body["data"]["pagination"] = json.loads(first.text)["data"]["pagination"]
    copy = Exchange.of("GET", f"{PATH}?page=1&limit=20", {"authorization": "Bearer t"}, 200,
                       {"content-type": "application/json"}, json.dumps(body).encode())
    assert copied_from(copy, [unrelated, first]) is first
    assert with_earlier_requests([copy], [first, unrelated]) == [first, copy]
    same_request = page(1, 1, AUDIENCE[:1]).exchange
    assert copied_from(same_request, [first]) is None  # the same request answered the same: no copy


def numbered(step: Step, number: int) -> Step:
    return Step(step.exchange, step.caller, number)


def test_a_request_asked_again_many_requests_later_must_agree_while_nothing_moved() -> None:
    memory = RunMemory()
    assert memory.judge(numbered(page(1, 3), 1)) is None
    assert memory.judge(numbered(page(2, 3), 2)) is None
    assert memory.judge(numbered(page(1, 3), 40)) is None
    violation = memory.judge(numbered(page(1, 3, AUDIENCE[1:4]), 41))  # the first viewer skipped from now on
    assert violation is not None and violation.check == "sequence_repeatable"
    assert "from request #1 to #40 of the run, otherwise at #41" in violation.problem
    assert [exchange.query for exchange in violation.sequence] == [{"page": "1", "limit": "3"}] * 2


def test_a_move_in_between_excuses_a_request_answered_otherwise_later() -> None:
    memory = RunMemory()
    assert memory.judge(numbered(page(1, 3), 1)) is None
    assert memory.judge(numbered(page(2, 3, total=11, audience=13), 2)) is None  # a newcomer: forget
    assert memory.judge(numbered(page(1, 3, ["0" * 24, *AUDIENCE[:2]], total=11, audience=13), 3)) is None


def test_an_empty_page_is_a_copy_only_when_it_names_another_request() -> None:
    asked = page(2, 7, [], total=0).exchange
    other_empty = page(2, 10, [], total=0).exchange  # what page=2&limit=10 gets alone: not a copy
    assert copied_from(other_empty, [asked]) is None
    served_again = json.loads(asked.text)
    copy = Exchange.of("GET", f"{PATH}?page=2&limit=10", {"authorization": "Bearer t"}, 200,
                       {"content-type": "application/json"}, json.dumps(served_again).encode())
    assert copied_from(copy, [other_empty, asked]) is asked


def test_the_oldest_pages_are_asked_again_each_time_the_run_s_requests_double() -> None:
    memory = RunMemory()
    assert [number for number in range(1, 300) if memory.at_checkpoint(number)] == [32, 64, 128, 256]
    for number, step in enumerate([page(1, 3), page(2, 3), page(1, 3, search="a"), page(1, 5)], start=1):
        memory.judge(numbered(step, number))
    assert [step.query for step in memory.oldest_per_search()] == [("1", "3", None), ("1", "3", "a")]
