"""6. Existence: unknown and ended streams are 404; malformed ids 400, never a 5xx."""

from __future__ import annotations

from functools import partial

import pytest

from contract_tests.registry.response_checks import expect_status
from contract_tests.target.deployment import not_run
from contract_tests.target.viewers_client import ContractClient


def unknown_ids(known: str) -> list[str]:
    neighbour = known[:-1] + ("0" if known[-1] != "0" else "1")
    candidates = ["0123456789abcdef01234567", "ffffffffffffffffffffffff", neighbour]
    return [candidate for candidate in candidates if candidate.lower() != known.lower()]


def test_unknown_streams_are_404(api: ContractClient) -> None:
    stream_ids = unknown_ids(api.target.stream_id)
    for stream_id, exchange in zip(stream_ids, api.gather([partial(api.viewers, i) for i in stream_ids]), strict=True):
        expect_status("unknown_stream", exchange, 404, f"the unknown stream {stream_id} is not found")


def test_ended_stream_is_404(api: ContractClient) -> None:
    if not api.target.ended_stream_id:
        pytest.skip(not_run("ended_stream_id"))
    expect_status("ended_stream", api.viewers(api.target.ended_stream_id), 404, "a stream that has ended is not found")


@pytest.mark.parametrize("stream_id", ["xyz", "0" * 23, "0" * 25, "g" * 24, "%00", "..", "null", "%2e%2e"])
def test_malformed_ids_are_400_never_5xx(api: ContractClient, stream_id: str) -> None:
    expect_status("malformed_stream_id", api.viewers(stream_id), {400, 404},
                  f"the malformed id {stream_id!r} is refused with 400 (404 where the router cannot match it)")
