"""Bearer tokens: what is accepted, what is a 401, and who is forbidden."""

from __future__ import annotations

import jwt
import pytest

from mockserver.cli.main import main
from mockserver.core.auth import (
    AuthenticationFailed,
    PermissionDenied,
    Principal,
    TokenVerifier,
    check_secret,
    may_read_audience,
    mint_token,
    token_expiry,
)
from mockserver.settings import DEVELOPMENT_SECRET

SECRET = "s" * 40
OTHER = "o" * 64


def claims(**extra: object) -> dict[str, object]:
    return {"sub": "user-1", "exp": 4_102_444_800, **extra}  # 2100-01-01


def test_minted_token_is_accepted() -> None:
    assert TokenVerifier(SECRET).principal(f"Bearer {mint_token(SECRET, 'user-1')}") == Principal("user-1")


def test_scheme_is_case_insensitive() -> None:
    assert TokenVerifier(SECRET).principal(f"bearer {mint_token(SECRET, 'u')}").user_id == "u"


@pytest.mark.parametrize(("header", "reason"), [
    (None, "No bearer token"),
    ("", "No bearer token"),
    ("Basic dXNlcjpwYXNz", "must be 'Bearer <token>'"),
    ("Bearer", "must be 'Bearer <token>'"),
    ("Bearer garbage", "not a well-formed JWT"),
    (f"Bearer {jwt.encode(claims(), None, algorithm='none')}", "alg 'none'"),
    (f"Bearer {jwt.encode(claims(), OTHER, algorithm='HS256')}", "signature is invalid"),
    (f"Bearer {jwt.encode(claims(), OTHER, algorithm='HS512')}", "HS512 are not accepted"),
    (f"Bearer {jwt.encode(claims(exp=1), SECRET, algorithm='HS256')}", "expired"),
    (f"Bearer {jwt.encode({'sub': 'u'}, SECRET, algorithm='HS256')}", "no 'exp' claim"),
    (f"Bearer {jwt.encode({'exp': 4_102_444_800}, SECRET, algorithm='HS256')}", "no 'sub' claim"),
    (f"Bearer {jwt.encode(claims(sub=''), SECRET, algorithm='HS256')}", "not a user id"),
    ("Bearer " + "A" * 16_000, "not a well-formed JWT"),
])
def test_unusable_credentials_are_401(header: str | None, reason: str) -> None:
    with pytest.raises(AuthenticationFailed, match=reason) as failure:
        TokenVerifier(SECRET).principal(header)
    assert failure.value.www_authenticate.startswith("Bearer realm=")


def test_tampered_signature_is_401() -> None:
    token = mint_token(SECRET, "user-1")
    head, payload, signature = token.split(".")
    tampered = f"{head}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    with pytest.raises(AuthenticationFailed, match="signature"):
        TokenVerifier(SECRET).principal(f"Bearer {tampered}")


def test_trusting_unverified_tokens_accepts_foreign_signatures_only() -> None:
    verifier = TokenVerifier(SECRET, trust_unverified=True)
    assert verifier.principal(f"Bearer {jwt.encode(claims(), OTHER, algorithm='HS512')}").user_id == "user-1"
    assert verifier.principal(f"Bearer {jwt.encode(claims(), OTHER, algorithm='HS256')}").user_id == "user-1"
    for unusable in (jwt.encode(claims(), None, algorithm="none"), jwt.encode(claims(exp=1), OTHER, algorithm="HS256"),
                     "garbage"):
        with pytest.raises(AuthenticationFailed):
            verifier.principal(f"Bearer {unusable}")


def test_missing_token_challenge_has_no_error_code() -> None:
    with pytest.raises(AuthenticationFailed) as failure:
        TokenVerifier(SECRET).principal(None)
    assert failure.value.www_authenticate == 'Bearer realm="allmine"'


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        check_secret("short")


def test_blocked_user_is_forbidden() -> None:
    may_read_audience(Principal("fan"), frozenset({"troll"}))
    with pytest.raises(PermissionDenied):
        may_read_audience(Principal("troll"), frozenset({"troll"}))


def test_a_kept_token_still_expires() -> None:
    import time

    verifier = TokenVerifier(SECRET)
    token = mint_token(SECRET, "user-1", expires_in_s=2)
    assert verifier.principal(f"Bearer {token}").user_id == "user-1"  # verified, then kept
    time.sleep(2.1)
    with pytest.raises(AuthenticationFailed, match="expired"):
        verifier.principal(f"Bearer {token}")


def test_a_negative_lifetime_mints_a_token_refused_as_expired() -> None:
    token = mint_token(SECRET, "user-1", expires_in_s=-3600, now=1_700_000_000)
    assert jwt.decode(token, options={"verify_signature": False})["exp"] == 1_699_996_400
    with pytest.raises(AuthenticationFailed, match="has expired"):
        TokenVerifier(SECRET).principal(f"Bearer {token}")


@pytest.mark.parametrize(("lifetime", "message"), [
    (-1_800_000_001, "the token would expire before 1970 (at most 1800000000 seconds in the past)"),
    (10**20, "the token would expire after 9999 (at most 251602300799 seconds ahead)"),
])
def test_a_lifetime_no_date_time_holds_is_refused(lifetime: int, message: str) -> None:
    assert token_expiry(1_800_000_000, -1_800_000_000) == 0
    with pytest.raises(ValueError) as refused:
        token_expiry(1_800_000_000, lifetime)
    assert str(refused.value) == message


@pytest.mark.parametrize(("value", "told"), [("-99999999999999999999", "would expire before 1970"),
                                             ("99999999999999999999", "would expire after 9999"),
                                             ("1h", "not a whole number"), ("", "not a whole number")])
def test_the_token_command_names_a_bad_lifetime_in_one_line(value: str, told: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "--expires-in", value]) == 2
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err.startswith(f"mockserver: --expires-in has value {value!r}: ")
    assert told in printed.err and printed.err.count("\n") == 1


def test_the_token_command_mints_an_expired_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "--expires-in", "-3600"]) == 0
    token = capsys.readouterr().out.strip()
    with pytest.raises(AuthenticationFailed, match="has expired"):
        TokenVerifier(DEVELOPMENT_SECRET).principal(f"Bearer {token}")
