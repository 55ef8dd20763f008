"""The CONTRACT_* values checked before any request: set-up mistakes are one line naming the value."""

from __future__ import annotations

import jwt
import pytest

from contract_tests.target.deployment import TargetError, check_given, expiry_problem, resolve_target

GIVEN = {"base_url": "https://staging.example.com", "token": "a.b.c", "stream_id": "64d15f9e2e6c8f4d5a123456",
         "forbidden_token": None, "ended_stream_id": None}


def test_values_that_describe_a_target_pass() -> None:
    check_given(GIVEN)
    check_given({**GIVEN, "forbidden_token": "d.e.f"})


def test_the_viewer_token_given_as_the_forbidden_one_is_a_set_up_mistake() -> None:
    with pytest.raises(TargetError, match="CONTRACT_FORBIDDEN_TOKEN is the same token as CONTRACT_TOKEN"):
        check_given({**GIVEN, "forbidden_token": "a.b.c"})


@pytest.mark.parametrize(("name", "variable"), [("token", "CONTRACT_TOKEN"),
                                                ("forbidden_token", "CONTRACT_FORBIDDEN_TOKEN")])
@pytest.mark.parametrize(("value", "message"), [
    ("tok.en.XYZ\n", "holds a space, line break or control character"),
    ("Bearer tok.en.XYZ", "starts with 'Bearer ': give the token alone"),
])
def test_a_token_no_header_can_carry_is_named_without_its_value(name: str, variable: str, value: str,
                                                                message: str) -> None:
    with pytest.raises(TargetError) as caught:
        check_given({**GIVEN, name: value})
    assert str(caught.value).startswith(f"{variable} ") and message in str(caught.value)
    assert "XYZ" not in str(caught.value)


@pytest.mark.parametrize(("exp", "told"), [(-10**20, "expired at exp -100000000000000000000 (no date-time)"),
                                           (-10**9, "expired at 1938-04-24T22:13:20Z")])
def test_a_token_that_expired_before_any_date_is_told_in_one_line(exp: int, told: str) -> None:
    token = jwt.encode({"sub": "u", "exp": exp}, "k" * 32, algorithm="HS256")
    problem = expiry_problem("CONTRACT_TOKEN", token, now=1_800_000_000)
    assert problem is not None and problem.startswith(f"CONTRACT_TOKEN {told} (") and "\n" not in problem


def test_the_caller_s_follows_are_lists_of_ids_and_a_user_is_followed_or_not() -> None:
    followed = "64d15f9e2e6c8f4d5a000002, 64d15f9e2e6c8f4d5a000003"
    target = resolve_target({**GIVEN, "followed_ids": followed, "unfollowed_ids": "64d15f9e2e6c8f4d5a000004"})
    assert target.followed_ids == ("64d15f9e2e6c8f4d5a000002", "64d15f9e2e6c8f4d5a000003")
    assert target.unfollowed_ids == ("64d15f9e2e6c8f4d5a000004",)
    assert resolve_target(GIVEN).followed_ids == () == resolve_target(GIVEN).unfollowed_ids
    for raw, told in (("64d1,,64d2", "''"), ("64d1,64 d2", "'64 d2'"), ("64d1;64d2", "'64d1;64d2'")):
        with pytest.raises(TargetError) as raised:
            check_given({**GIVEN, "followed_ids": raw})
        assert str(raised.value).startswith(f"CONTRACT_FOLLOWED_IDS holds {told}: ") and "\n" not in str(raised.value)
    with pytest.raises(TargetError, match="CONTRACT_FOLLOWED_IDS and CONTRACT_UNFOLLOWED_IDS both hold 'u2'"):
        check_given({**GIVEN, "followed_ids": "u1,u2", "unfollowed_ids": "u2"})
