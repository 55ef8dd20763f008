"""Campaigns: strict durations, and a lane that explores until its deadline, telling each finding once."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, settings

from contract_tests.plugin.suite_settings import parse_duration
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.violations import ContractViolation
from contract_tests.suite.campaign_lanes import Lane
from contract_tests.target.deployment import Target
from contract_tests.target.viewers_client import ContractClient
from mockserver.core.dataset import EXAMPLE_STREAM_ID
from tests.conftest import start_mock, stop_mock
from tests.test_request_sequences import _token


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("10m", 600), ("2h", 7200),
                                               ("1h30m", 5400), (" 2H ", 7200)])
def test_durations_are_read_as_written(text: str, seconds: float) -> None:
    assert parse_duration("CONTRACT_DURATION", text) == seconds


@pytest.mark.parametrize("text", ["", "2 hours", "10min", "-5m", "1.5h", "0", "0s", "30m2h", "8d", "999h"])
def test_anything_else_is_one_line_naming_the_value(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_duration("CONTRACT_DURATION", text)
    assert str(raised.value).startswith(f"CONTRACT_DURATION has value {text!r}: ")
    assert "\n" not in str(raised.value)


def test_a_lane_explores_until_its_deadline_and_tells_each_finding_once() -> None:
    mock = start_mock(module="tests.faulty_target", prefix=["cache_ignores_caller"])
    api = ContractClient(Target(mock.base_url, _token(), EXAMPLE_STREAM_ID, _token("--forbidden")))
    told: list[str] = []
    try:
        lane = Lane(api, settings(max_examples=8, stateful_step_count=8, deadline=None, database=None,
                                  suppress_health_check=list(HealthCheck)), seed=3,
                    deadline=time.monotonic() + 45, tell=told.append)
        findings = lane.run()
    finally:
        api.close()
        stop_mock(mock)
    assert [finding.check for finding in findings] == ["auth_forbidden"]
    assert lane.rounds >= 2 and time.monotonic() >= lane.deadline
    assert sum("new finding auth_forbidden" in line for line in told) == 1
    assert "rounds" in told[-1] and "1 finding(s)" in told[-1]


def test_a_lane_explores_single_requests_between_its_rounds_of_sequences_by_turns() -> None:
    """After each round of sequences a round of single requests, the generation mode by turns and a new seed
    each round; a finding met in every round is told once."""
    mock = start_mock()
    api = ContractClient(Target(mock.base_url, _token(), EXAMPLE_STREAM_ID))
    asked: list[tuple[str, int]] = []
    answer = Exchange.of("GET", f"{mock.base_url}/api/v1/live-stream/{EXAMPLE_STREAM_ID}/viewers?limit=101", {},
                         200, {}, b"{}")
    told: list[str] = []

    def single_requests(mode: str, seed: int, deadline: float) -> list[ContractViolation]:
        asked.append((mode, seed))
        assert deadline == lane.deadline
        return [ContractViolation("rejects_invalid_input", "limit=101 is served", received="HTTP 200",
                                  expected="400", exchange=answer)] if len(asked) > 1 else []

    try:
        lane = Lane(api, settings(max_examples=2, stateful_step_count=3, deadline=None, database=None,
                                  suppress_health_check=list(HealthCheck)), seed=5,
                    deadline=time.monotonic() + 20, tell=told.append, single_requests=single_requests, lane_number=2)
        findings = lane.run()
    finally:
        api.close()
        stop_mock(mock)
    assert len(asked) >= 3 and len(asked) in (lane.rounds, lane.rounds - 1)
    assert [mode for mode, _ in asked[:3]] == ["negative", "positive", "negative"]  # lane 1 starts at positive
    assert len({seed for _, seed in asked}) == len(asked)
    assert [finding.check for finding in findings] == ["rejects_invalid_input"]
    assert sum("new finding rejects_invalid_input" in line for line in told) == 1
