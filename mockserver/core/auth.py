"""Bearer tokens: HS256 JWTs minted and verified with the mock's development secret."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32  # RFC 7518 3.2: an HS256 key at least as long as the hash
_KEPT_TOKENS = 10_000


class AuthenticationFailed(Exception):
    """The request carries no usable credentials: 401."""

    status_code = 401

    def __init__(self, reason: str, *, token_error: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.token_error = token_error

    @property
    def www_authenticate(self) -> str:
        if not self.token_error:
            return 'Bearer realm="allmine"'
        description = self.reason.replace('"', "'")
        return f'Bearer realm="allmine", error="invalid_token", error_description="{description}"'


class PermissionDenied(Exception):
    """Valid credentials of a user who may not see this: 403."""

    status_code = 403

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Principal:
    """Who asks: the token's subject."""

    user_id: str


def check_secret(secret: str) -> str:
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise ValueError(f"the JWT secret has {len(secret.encode())} bytes: HS256 needs at least {MIN_SECRET_BYTES}")
    return secret


LATEST_EXPIRY = 253_402_300_799  # 9999-12-31T23:59:59Z: the last `exp` a date-time of any client holds


def token_expiry(issued: int, expires_in_s: int) -> int:
    """The `exp` of a token issued at `issued` that lives `expires_in_s` seconds (negative: it has expired);
    ValueError when that is before 1970 or after 9999, which no client can read as a time."""
    expires = issued + expires_in_s
    if expires < 0:
        raise ValueError(f"the token would expire before 1970 (at most {issued} seconds in the past)")
    if expires > LATEST_EXPIRY:
        raise ValueError(f"the token would expire after 9999 (at most {LATEST_EXPIRY - issued} seconds ahead)")
    return expires


def mint_token(secret: str, user_id: str, *, expires_in_s: int = 24 * 3600, now: float | None = None) -> str:
    """A signed HS256 access token for the user, valid for `expires_in_s` seconds (expired when negative)."""
    issued = int(time.time() if now is None else now)
    claims = {"sub": user_id, "iat": issued, "exp": token_expiry(issued, expires_in_s)}
    return jwt.encode(claims, check_secret(secret), algorithm=ALGORITHM)


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header."""
    if authorization is None or not authorization.strip():
        raise AuthenticationFailed("No bearer token was sent", token_error=False)
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed("The Authorization header must be 'Bearer <token>'")
    return token.strip()


class TokenVerifier:
    """Checks bearer tokens; with `trust_unverified`, accepts tokens signed by another issuer too."""

    def __init__(self, secret: str, *, trust_unverified: bool = False) -> None:
        self._secret = check_secret(secret)
        self._trust_unverified = trust_unverified
        self._verified: dict[str, tuple[Principal, float]] = {}

    def principal(self, authorization: str | None) -> Principal:
        """Who the bearer token speaks for; AuthenticationFailed says why it cannot be used.

        A token verified once is kept with its expiry, so its signature is not recomputed on every
        request; the expiry is checked on every request, and any other string is verified afresh.
        """
        token = bearer_token(authorization)
        kept = self._verified.get(token)
        if kept is not None:
            if time.time() < kept[1]:
                return kept[0]
            del self._verified[token]
        principal, expires = self._verify(token)
        if len(self._verified) >= _KEPT_TOKENS:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise AuthenticationFailed("The bearer token is not a well-formed JWT") from None
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm.lower() == "none":
            raise AuthenticationFailed("Unsigned tokens (alg 'none') are not accepted")
        if algorithm == ALGORITHM:
            try:
                return _principal_of(_claims(token, self._secret))
            except _BadSignature:
                if not self._trust_unverified:
                    raise AuthenticationFailed("The bearer token's signature is invalid") from None
        elif not self._trust_unverified:
            raise AuthenticationFailed(f"Tokens signed with {algorithm} are not accepted; this server uses {ALGORITHM}")
        return _principal_of(_claims(token, None))


class _BadSignature(Exception):
    pass


def _claims(token: str, secret: str | None) -> dict[str, object]:
    """The token's claims, its signature checked with the secret (or not at all when it is None)."""
    options: Any = {"require": ["sub", "exp"], "verify_signature": secret is not None, "verify_exp": True}
    try:
        claims: dict[str, object] = jwt.decode(token, secret or "", algorithms=[ALGORITHM], options=options)
    except jwt.InvalidSignatureError:
        raise _BadSignature from None
    except jwt.ExpiredSignatureError:
        raise AuthenticationFailed("The bearer token has expired") from None
    except jwt.MissingRequiredClaimError as error:
        raise AuthenticationFailed(f"The bearer token has no '{error.claim}' claim") from None
    except jwt.InvalidTokenError as error:
        raise AuthenticationFailed(f"The bearer token is invalid: {error}") from None
    return claims


def _principal_of(claims: dict[str, object]) -> tuple[Principal, float]:
    subject, expires = claims.get("sub"), claims.get("exp")
    if not isinstance(subject, str) or not subject:
        raise AuthenticationFailed("The bearer token's 'sub' claim is not a user id")
    if not isinstance(expires, int | float):
        raise AuthenticationFailed("The bearer token's 'exp' claim is not a time")
    return Principal(user_id=subject), float(expires)


def may_read_audience(principal: Principal, blocked_user_ids: frozenset[str]) -> None:
    """A user blocked by the streamer may not see the stream's audience."""
    if principal.user_id in blocked_user_ids:
        raise PermissionDenied("This user may not see the audience of this stream")
