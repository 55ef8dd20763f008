"""5. Auth: only a valid, verified token reads the audience."""

from __future__ import annotations

import base64
import json

import pytest

from contract_tests.registry.response_checks import expect_status
from contract_tests.target.viewers_client import ContractClient


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tampered(token: str) -> str:
    """The token with its signature changed: header and claims intact."""
    head, payload, signature = token.split(".")
    flipped = "A" if signature[0] != "A" else "B"
    return f"{head}.{payload}.{flipped}{signature[1:]}"


def unsigned(token: str) -> str:
    """The token's claims re-encoded with alg none and no signature."""
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64url(json.dumps(claims).encode())}."


def forged_claims(token: str) -> str:
    """The token's signature kept, its subject changed."""
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "000000000000000000000000"
    return f"{head}.{b64url(json.dumps(claims).encode())}.{signature}"


def test_no_token_is_401(api: ContractClient) -> None:
    expect_status("auth_required", api.viewers(authorised=False), 401, "a request without a token is refused")


@pytest.mark.parametrize("header", ["Bearer garbage", "Bearer", "Basic dXNlcjpwYXNz", "Bearer a.b.c"])
def test_garbage_credentials_are_401(api: ContractClient, header: str) -> None:
    exchange = api.viewers(headers={"Authorization": header}, authorised=False)
    expect_status("auth_rejects_garbage", exchange, 401, f"the credentials {header!r} are refused")


def test_tampered_signature_is_401(api: ContractClient) -> None:
    exchange = api.viewers(headers=api.auth(tampered(api.target.token)))
    expect_status("auth_verifies_signature", exchange, 401, "the valid token with a changed signature is refused")


def test_changed_claims_are_401(api: ContractClient) -> None:
    exchange = api.viewers(headers=api.auth(forged_claims(api.target.token)))
    expect_status("auth_verifies_signature", exchange, 401, "the valid token with changed claims is refused")


def test_alg_none_is_401(api: ContractClient) -> None:
    exchange = api.viewers(headers=api.auth(unsigned(api.target.token)))
    expect_status("auth_rejects_alg_none", exchange, 401, "the valid token re-encoded with alg none is refused")


def test_forbidden_user_is_403(api: ContractClient) -> None:
    if not api.target.forbidden_token:
        pytest.skip("no CONTRACT_FORBIDDEN_TOKEN: the 403 is not checked")
    exchange = api.viewers(headers=api.auth(api.target.forbidden_token))
    expect_status("auth_forbidden", exchange, 403, "a user who may not read the stream is refused with 403")


def test_valid_token_is_accepted(api: ContractClient) -> None:
    expect_status("auth_accepts_valid", api.viewers(), 200, "the valid token reads the stream")
