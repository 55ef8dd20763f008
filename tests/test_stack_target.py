"""The independent-backend targets do what their readings and faults say (so the suite's verdicts on them mean
something): each reading changes the answer the way its stack would, each fault breaks its promise."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.core.dataset import ENDED_STREAM_ID, EXAMPLE_STREAM_ID
from tests.stack_target import FAULTS, STACKS, StackDeployment, create_app, fold_accent, fold_ilike, parse_behaviour

VIEWERS = f"/api/v1/live-stream/{EXAMPLE_STREAM_ID}/viewers"


def client(stack: str = "mock-like", *readings: str, faults: tuple[str, ...] = (), audience: int = 45) -> TestClient:
    deployment = StackDeployment(parse_behaviour(stack, list(readings)), frozenset(faults), audience, (0, 0))
    return TestClient(create_app(deployment))


def get(test_client: TestClient, token: str, path: str = VIEWERS, **params: Any) -> Any:
    return test_client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})


def test_every_fault_names_the_promise_it_breaks() -> None:
    assert all(promise for promise in FAULTS.values()) and len(STACKS) >= 6


def test_collations_fold_as_their_databases_do() -> None:
    assert fold_accent("Ayşe") == "ayse" and fold_accent("İlker") == "ilker" and fold_accent("Ilgın") == "ilgin"
    assert fold_accent("¯") == "¯"  # a spacing symbol is not folded to nothing
    assert fold_ilike("YILMAZ") == "yilmaz" != fold_ilike("Yılmaz")


@pytest.mark.parametrize(("reading", "expected"), [("null", None), ("empty", ""), ("absent", "missing")])
def test_an_unset_expertise_is_served_as_the_stack_serves_it(token: str, reading: str, expected: Any) -> None:
    listed = get(client("mock-like", f"unset_expertise={reading}"), token, limit=100).json()["data"]["list"]
    assert expected in [viewer.get("expertise", "missing") for viewer in listed]


def test_an_empty_search_has_the_stacks_total_pages(token: str) -> None:
    for pages in ("0", "1"):
        body = get(client("mock-like", f"empty_total_pages={pages}"), token, search="zzzz-nobody").json()
        assert body["data"]["pagination"]["totalPages"] == int(pages) and body["data"]["list"] == []


def test_out_of_range_values_are_clamped_or_refused(token: str) -> None:
    assert get(client("spring"), token, limit=500).json()["data"]["pagination"]["itemsPerPage"] == 100
    assert get(client("spring"), token, page="abc").json()["data"]["pagination"]["currentPage"] == 1
    assert get(client("fastapi-sql"), token, limit=500).status_code == 400


def test_a_page_past_the_end_is_the_stacks_answer(token: str) -> None:
    assert get(client("laravel"), token, page=99).status_code == 404
    assert get(client("mock-like"), token, page=99).json()["data"]["list"] == []


def test_an_accent_insensitive_search_finds_unaccented_names(token: str) -> None:
    body = get(client("fastapi-sql"), token, search="s", limit=100).json()
    accented = get(client("fastapi-sql"), token, search="ş", limit=100).json()
    assert accented["data"]["pagination"]["totalItems"] == body["data"]["pagination"]["totalItems"] > 0


def test_the_faults_break_what_they_say(token: str, forbidden_token: str) -> None:
    assert get(client(faults=("ended_stream_200",)), token, path=VIEWERS.replace(EXAMPLE_STREAM_ID,
                                                                                 ENDED_STREAM_ID)).status_code == 200
    assert get(client(faults=("forbidden_with_search",)), forbidden_token, search="a").status_code == 200
    assert get(client(), forbidden_token, search="a").status_code == 403
    everyone = get(client("fastapi-sql", faults=("symbols_match_everyone",)), token, search="¯").json()
    assert everyone["data"]["pagination"]["totalItems"] == 45
    flips = client(faults=("following_flips",))
    first, second = (get(flips, token).json()["data"]["list"] for _ in range(2))
    assert [v["isFollowing"] for v in first] != [v["isFollowing"] for v in second]
