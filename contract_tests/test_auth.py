"""5. Auth: only a valid, verified token reads the audience, whatever else the request asks."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from contract_tests.registry.response_checks import expect_status
from contract_tests.registry.token_attacks import TOKEN_ATTACKS, TokenAttack
from contract_tests.target.deployment import not_run
from contract_tests.target.viewers_client import ContractClient

# every dimension of a request a deployment might let decide whether it checks who asks
QUERIES: list[dict[str, Any]] = [{}, {"search": "a"}, {"search": "zzzz-nobody"}, {"page": 2, "limit": 7},
                                 {"search": "e", "page": 2, "limit": 3}, {"limit": 100}, {"page": 10**6}]


def query_id(query: dict[str, Any]) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items()) or "no query"


def test_no_token_is_401(api: ContractClient) -> None:
    answers = api.gather([partial(api.viewers, params=query, authorised=False) for query in QUERIES])
    for query, exchange in zip(QUERIES, answers, strict=True):
        expect_status("auth_required", exchange, 401, f"a request without a token is refused ({query_id(query)})")


@pytest.mark.parametrize("header", ["Bearer garbage", "Bearer", "Basic dXNlcjpwYXNz", "Bearer a.b.c", "Bearer ."])
def test_garbage_credentials_are_401(api: ContractClient, header: str) -> None:
    exchange = api.viewers(headers={"Authorization": header}, authorised=False)
    expect_status("auth_rejects_garbage", exchange, 401, f"the credentials {header!r} are refused")


@pytest.mark.parametrize("attack", TOKEN_ATTACKS, ids=lambda attack: attack.name)
def test_a_forged_token_is_401(api: ContractClient, attack: TokenAttack) -> None:
    forged = attack.forge(api.target.token)
    answers = api.gather([partial(api.viewers, params=query, headers=api.auth(forged)) for query in QUERIES[:3]])
    for query, exchange in zip(QUERIES, answers, strict=False):
        expect_status(attack.promise, exchange, 401,
                      f"the valid token with {attack.name} is refused ({query_id(query)})")


def test_an_expired_token_is_401(api: ContractClient) -> None:
    if not api.target.expired_token:
        pytest.skip(not_run("expired_token"))
    exchange = api.viewers(headers=api.auth(api.target.expired_token))
    expect_status("auth_rejects_expired", exchange, 401, "an expired token is refused")


@pytest.mark.parametrize("query", QUERIES, ids=query_id)
def test_a_forbidden_user_is_403_whatever_the_query(api: ContractClient, query: dict[str, Any]) -> None:
    if not api.target.forbidden_token:
        pytest.skip(not_run("forbidden_token"))
    exchange = api.viewers(params=query, headers=api.auth(api.target.forbidden_token))
    expect_status("auth_forbidden", exchange, 403,
                  f"a user who may not read the stream is refused with 403 ({query_id(query)})")


def test_valid_token_is_accepted(api: ContractClient) -> None:
    expect_status("auth_accepts_valid", api.viewers(), 200, "the valid token reads the stream")
