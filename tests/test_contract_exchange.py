"""Curl lines in contract reports: runnable, the token redacted unless asked."""

from __future__ import annotations

from contract_tests.registry.exchange import Exchange, Secrets

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl"


def exchange(authorization: str, secrets: Secrets | None = None) -> Exchange:
    return Exchange.of("GET", "http://127.0.0.1:8080/api/v1/live-stream/x/viewers?page=2&search=a%20b",
                       {"Authorization": authorization, "Host": "127.0.0.1:8080"}, 200,
                       {"Content-Type": "application/json"}, b'{"isSuccess":true}', secrets)


def test_the_token_reads_as_its_variable() -> None:
    curl = exchange(f"Bearer {TOKEN}", Secrets().remembering(TOKEN, "CONTRACT_TOKEN")).curl()
    assert TOKEN not in curl
    assert curl == ('curl -sS -i -H "Authorization: Bearer $CONTRACT_TOKEN" '
                    "'http://127.0.0.1:8080/api/v1/live-stream/x/viewers?page=2&search=a%20b'")


def test_the_token_is_shown_when_asked() -> None:
    assert TOKEN in exchange(f"Bearer {TOKEN}", Secrets(reveal=True).remembering(TOKEN, "CONTRACT_TOKEN")).curl()


def test_other_credentials_are_shown_as_sent() -> None:
    assert "Bearer garbage" in exchange("Bearer garbage", Secrets().remembering(TOKEN, "CONTRACT_TOKEN")).curl()


def test_the_secrets_are_the_exchanges_own() -> None:
    """One exchange's secrets never redact another's: a run holds its tokens, not the process."""
    exchange(f"Bearer {TOKEN}", Secrets().remembering(TOKEN, "CONTRACT_TOKEN")).curl()
    assert TOKEN in exchange(f"Bearer {TOKEN}").curl()
    assert TOKEN not in repr(exchange(f"Bearer {TOKEN}", Secrets().remembering(TOKEN, "CONTRACT_TOKEN")).secrets)


def test_the_query_is_read_from_the_url() -> None:
    assert exchange("Bearer x").query == {"page": "2", "search": "a b"}
    assert exchange("Bearer x").body == {"isSuccess": True}
