"""2. Envelopes: each documented status comes in the API's envelope, success and errors alike."""

from __future__ import annotations

import pytest

from contract_tests.registry.response_checks import expect_status
from contract_tests.target.deployment import not_run
from contract_tests.target.viewers_client import ContractClient

UNKNOWN_STREAM = "0123456789abcdef01234567"


def test_success_envelope(api: ContractClient) -> None:
    exchange = api.viewers()
    expect_status("success_envelope", exchange, 200, "a valid request for a live stream is answered with 200")
    api.verify(exchange, ["envelope_shape", "envelope_success", "envelope_status_code", "envelope_timestamp"])


def test_400_envelope(api: ContractClient) -> None:
    """The first bad request the deployment refuses is held to the envelope. Each may have a reading instead
    (out-of-range values clamped, an unparseable one read as the default, a malformed id not found)."""
    for stream_id, params in ((None, {"page": "0"}), (None, {"limit": "101"}), (None, {"limit": "abc"}),
                              ("not-an-id", {})):
        exchange = api.viewers(stream_id, params=params)
        if exchange.status == 400:
            api.verify(exchange, ["envelope_shape", "envelope_error", "envelope_status_code", "envelope_timestamp"])
            return
        expect_status("error_envelope_400", exchange, {200, 404}, f"{params or stream_id} is refused or read")
    pytest.skip("the deployment reads every bad value some way (clamped, the default, not found): no 400 to check")


def test_401_envelope(api: ContractClient) -> None:
    exchange = api.viewers(authorised=False)
    expect_status("error_envelope_401", exchange, 401, "a request without a token is answered with 401")
    api.verify(exchange, ["envelope_shape", "envelope_error", "envelope_status_code", "envelope_timestamp"])


def test_403_envelope(api: ContractClient) -> None:
    if not api.target.forbidden_token:
        pytest.skip(not_run("forbidden_token"))
    exchange = api.viewers(headers=api.auth(api.target.forbidden_token))
    expect_status("error_envelope_403", exchange, 403, "a user who may not read the stream is answered with 403")
    api.verify(exchange, ["envelope_shape", "envelope_error", "envelope_status_code", "envelope_timestamp"])


def test_404_envelope(api: ContractClient) -> None:
    exchange = api.viewers(UNKNOWN_STREAM)
    expect_status("error_envelope_404", exchange, 404, "an unknown stream is answered with 404")
    api.verify(exchange, ["envelope_shape", "envelope_error", "envelope_status_code", "envelope_timestamp"])
