"""Curl lines in contract reports: runnable, the token redacted unless asked."""

from __future__ import annotations

import pytest

from contract_tests.registry.exchange import Exchange, remember_secret

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl"


def exchange(authorization: str) -> Exchange:
    return Exchange.of("GET", "http://127.0.0.1:8080/api/v1/live-stream/x/viewers?page=2&search=a%20b",
                       {"Authorization": authorization, "Host": "127.0.0.1:8080"}, 200,
                       {"Content-Type": "application/json"}, b'{"isSuccess":true}')


def test_the_token_reads_as_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONTRACT_REVEAL_TOKEN", raising=False)
    remember_secret(TOKEN, "CONTRACT_TOKEN")
    curl = exchange(f"Bearer {TOKEN}").curl()
    assert TOKEN not in curl
    assert curl == ('curl -sS -i -H "Authorization: Bearer $CONTRACT_TOKEN" '
                    "'http://127.0.0.1:8080/api/v1/live-stream/x/viewers?page=2&search=a%20b'")


def test_the_token_is_shown_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTRACT_REVEAL_TOKEN", "1")
    remember_secret(TOKEN, "CONTRACT_TOKEN")
    assert TOKEN in exchange(f"Bearer {TOKEN}").curl()


def test_other_credentials_are_shown_as_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONTRACT_REVEAL_TOKEN", raising=False)
    assert "Bearer garbage" in exchange("Bearer garbage").curl()


def test_the_query_is_read_from_the_url() -> None:
    assert exchange("Bearer x").query == {"page": "2", "search": "a b"}
    assert exchange("Bearer x").body == {"isSuccess": True}
