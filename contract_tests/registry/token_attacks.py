"""A catalogue of forged tokens, each made from the run's own valid token: every one must be refused (401).

Each attack names the promise it tests: `alg` none in any spelling, a signature cut off, changed or made
with another key, the token re-labelled or re-signed with another HMAC algorithm, claims changed under the
old signature. (An expired token cannot be made without the signing key: CONTRACT_EXPIRED_TOKEN gives one.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
_FOREIGN_KEY = b"a key the deployment does not hold, 32 bytes or more"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _decoded(part: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return value


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Header, claims and signature of a JWT (ValueError when it is none)."""
    head, payload, signature = token.split(".")
    return _decoded(head), _decoded(payload), signature


def _encode(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"


def _signed(header: dict[str, Any], claims: dict[str, Any], key: bytes) -> str:
    signing_input = _encode(header, claims)
    digest = hmac.new(key, signing_input.encode(), _HASHES[header["alg"]]).digest()
    return f"{signing_input}.{b64url(digest)}"


def with_alg_none(token: str, spelling: str = "none") -> str:
    header, claims, _ = parts(token)
    return _encode({**header, "alg": spelling}, claims) + "."


def without_signature(token: str) -> str:
    head, payload, _ = token.split(".")
    return f"{head}.{payload}."


def with_changed_signature(token: str) -> str:
    head, payload, signature = token.split(".")
    return f"{head}.{payload}.{'A' if signature[:1] != 'A' else 'B'}{signature[1:]}"


def with_changed_claims(token: str) -> str:
    """The claims changed (another subject, a later expiry) under the old signature."""
    head, _, signature = token.split(".")
    _, claims, _ = parts(token)
    changed = {**claims, "sub": "000000000000000000000000"}
    if isinstance(claims.get("exp"), int):
        changed["exp"] = claims["exp"] + 365 * 24 * 3600
    return f"{head}.{b64url(json.dumps(changed).encode())}.{signature}"


def signed_with_foreign_key(token: str, algorithm: str = "HS256") -> str:
    header, claims, _ = parts(token)
    return _signed({**header, "alg": algorithm}, claims, _FOREIGN_KEY)


def relabelled(token: str, algorithm: str) -> str:
    """The header's alg changed, the signature kept."""
    header, claims, signature = parts(token)
    return f"{_encode({**header, 'alg': algorithm}, claims)}.{signature}"


@dataclass(frozen=True)
class TokenAttack:
    name: str  # what the forged token is, for the report
    promise: str  # the finding's name when it is served
    forge: Callable[[str], str]


TOKEN_ATTACKS: tuple[TokenAttack, ...] = (
    *(TokenAttack(f"alg {spelling!r}, no signature", "auth_rejects_alg_none",
                  lambda token, s=spelling: with_alg_none(token, s))  # type: ignore[misc]
      for spelling in ("none", "None", "NONE", "nOnE")),
    TokenAttack("the signature cut off", "auth_verifies_signature", without_signature),
    TokenAttack("a changed signature", "auth_verifies_signature", with_changed_signature),
    TokenAttack("changed claims under the old signature", "auth_verifies_signature", with_changed_claims),
    TokenAttack("signed HS256 with another key", "auth_verifies_signature", signed_with_foreign_key),
    *(TokenAttack(f"signed {algorithm} with another key", "auth_rejects_other_algorithms",
                  lambda token, a=algorithm: signed_with_foreign_key(token, a))  # type: ignore[misc]
      for algorithm in ("HS384", "HS512")),
    *(TokenAttack(f"alg relabelled {algorithm}, signature kept", "auth_rejects_other_algorithms",
                  lambda token, a=algorithm: relabelled(token, a))  # type: ignore[misc]
      for algorithm in ("HS384", "HS512")),
)


def expires_at(token: str) -> int | None:
    """The token's `exp` claim (seconds since the epoch), read without verifying it; None when it has none."""
    try:
        _, claims, _ = parts(token)
    except (ValueError, TypeError):
        return None
    exp = claims.get("exp")
    return int(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None
