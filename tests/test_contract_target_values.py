"""The CONTRACT_* values checked before any request: set-up mistakes are one line naming the value."""

from __future__ import annotations

import pytest

from contract_tests.deployment.target import TargetError, check_given

GIVEN = {"base_url": "https://staging.example.com", "token": "a.b.c", "stream_id": "64d15f9e2e6c8f4d5a123456",
         "forbidden_token": None, "ended_stream_id": None}


def test_values_that_describe_a_target_pass() -> None:
    check_given(GIVEN)
    check_given({**GIVEN, "forbidden_token": "d.e.f"})


def test_the_viewer_token_given_as_the_forbidden_one_is_a_set_up_mistake() -> None:
    with pytest.raises(TargetError, match="CONTRACT_FORBIDDEN_TOKEN is the same token as CONTRACT_TOKEN"):
        check_given({**GIVEN, "forbidden_token": "a.b.c"})
