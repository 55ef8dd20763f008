"""Request sequences: the state machine keeps quiet on correct targets (churning ones too), finds each fault
that only a sequence shows, with the shortest sequence, and that sequence fails again on a fresh target."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import cast

import pytest
from hypothesis import HealthCheck, settings

from contract_tests.registry.exchange import Exchange
from contract_tests.registry.finding_groups import KnownFindings
from contract_tests.registry.sequences import SequenceViolation
from contract_tests.registry.violations import ContractViolation
from contract_tests.suite.request_machine import run_sequences
from contract_tests.target.deployment import Target
from contract_tests.target.sequence_replay import NotReplayable, ReplayedRequest, Reproducer, replay, reproducer_of
from contract_tests.target.viewers_client import ContractClient
from mockserver.core.dataset import EXAMPLE_STREAM_ID
from tests.conftest import LiveMock, start_mock, start_target, stop_mock

CHURNING_STREAM_ID = "64d15f9e2e6c8f4d5a400000"


def exploring(examples: int, steps: int = 12) -> settings:
    return settings(max_examples=examples, stateful_step_count=steps, deadline=None, database=None,
                    derandomize=True, suppress_health_check=list(HealthCheck), print_blob=False)


def _token(*flags: str) -> str:
    return subprocess.run([sys.executable, "-m", "mockserver", "token", *flags], capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.fixture(scope="module")
def tokens() -> tuple[str, str]:
    return _token(), _token("--forbidden")


def client(mock: LiveMock, tokens: tuple[str, str], stream_id: str = EXAMPLE_STREAM_ID) -> ContractClient:
    return ContractClient(Target(mock.base_url, tokens[0], stream_id, tokens[1]))


@pytest.fixture
def fault_target(request: pytest.FixtureRequest) -> Iterator[LiveMock]:
    mock = start_mock(module="tests.faulty_target", prefix=[request.param], env={"FAULT_COUNTER_LIMIT": "40"})
    yield mock
    stop_mock(mock)


@pytest.mark.parametrize("stream_id", [EXAMPLE_STREAM_ID, CHURNING_STREAM_ID], ids=["static", "churning"])
def test_sequences_keep_quiet_on_the_mock(live_mock: LiveMock, tokens: tuple[str, str], stream_id: str) -> None:
    api = client(live_mock, tokens, stream_id)
    try:
        run_sequences(api, exploring(25))
    finally:
        api.close()


# fault -> the findings that may name it (the first of them the machine meets); a cache keyed without the
# limit or the search is keyed without the caller too, so a blocked user may be the first to be served from it
FOUND_AS = {
    "cache_ignores_limit": {"pagination_echo", "pagination_page_length", "sequence_history_independent",
                            "auth_forbidden"},
    "cache_ignores_search": {"search_soundness", "pagination_echo", "sequence_history_independent", "auth_forbidden"},
    "cache_ignores_caller": {"auth_forbidden"},
    "offset_follows_previous_limit": {"sequence_history_independent", "sequence_repeatable",
                                      "pagination_page_length"},
    "cursor_drifts_after_search": {"sequence_repeatable", "sequence_history_independent", "pagination_page_length"},
    "counter_breaks_after_many_requests": {"sequence_repeatable", "sequence_history_independent",
                                           "pagination_page_length"},
}


@pytest.mark.parametrize("fault_target", list(FOUND_AS), indirect=True)
def test_sequences_find_each_fault_of_state(fault_target: LiveMock, tokens: tuple[str, str],
                                            request: pytest.FixtureRequest) -> None:
    fault = request.node.callspec.params["fault_target"]
    api = client(fault_target, tokens)
    try:
        with pytest.raises(ContractViolation) as raised:
            run_sequences(api, exploring(60))
    finally:
        api.close()
    violation = raised.value
    assert violation.check in FOUND_AS[fault], str(violation)
    assert isinstance(violation, SequenceViolation)
    assert 1 <= len(violation.sequence) <= 3, str(violation)
    assert tokens[0] not in str(violation)


def _sent_in_order(sequence: tuple[Exchange, ...]) -> list[str]:
    return [exchange.url.split("?", 1)[-1] for exchange in sequence]


@pytest.mark.parametrize("fault_target", ["offset_follows_previous_limit", "cache_ignores_limit"], indirect=True)
def test_a_two_request_fault_is_reproduced_by_two_requests_on_a_fresh_target(
        fault_target: LiveMock, tokens: tuple[str, str], request: pytest.FixtureRequest) -> None:
    api = client(fault_target, tokens)
    try:
        with pytest.raises(SequenceViolation) as raised:
            run_sequences(api, exploring(60))
    finally:
        api.close()
    violation = raised.value
    # a cache's copy needs the request it copies; a setting kept from the previous request needs that request
    # (and, told as a repeat that differs, the repeated one)
    shortest = {"cache_ignores_limit": {2}, "offset_follows_previous_limit": {2, 3}}
    assert len(violation.sequence) in shortest[request.node.callspec.params["fault_target"]], str(violation)
    reproducer = reproducer_of(violation, api.target)
    assert reproducer is not None
    stored = Reproducer.from_json(reproducer.to_json())
    fault = request.node.callspec.params["fault_target"]
    found, answers = replay_on_a_fresh_target(fault, stored, tokens)
    alone, _ = replay_on_a_fresh_target(fault, Reproducer(stored.finding, stored.problem, stored.requests[-1:]),
                                        tokens)
    assert found is not None and found.check == violation.check, _sent_in_order(violation.sequence)
    assert len(answers) == len(violation.sequence)
    assert alone is None  # the last request alone passes: the first one is needed


def replay_on_a_fresh_target(fault: str, reproducer: Reproducer,
                             tokens: tuple[str, str]) -> tuple[ContractViolation | None, list[Exchange]]:
    fresh = start_mock(module="tests.faulty_target", prefix=[fault])
    fresh_api = client(fresh, tokens)
    try:
        return replay(reproducer, fresh_api)
    finally:
        fresh_api.close()
        stop_mock(fresh)


def test_a_reproducer_passes_on_a_correct_target(live_mock: LiveMock, tokens: tuple[str, str]) -> None:
    reproducer = Reproducer.from_json(
        '{"finding": "sequence_history_independent", "problem": "", "requests": ['
        f'{{"method": "GET", "path": "/api/v1/live-stream/{EXAMPLE_STREAM_ID}/viewers?page=1&limit=10", '
        '"caller": "valid token"}, '
        f'{{"method": "GET", "path": "/api/v1/live-stream/{EXAMPLE_STREAM_ID}/viewers?page=2&limit=5", '
        '"caller": "valid token"}]}')
    api = client(live_mock, tokens)
    try:
        found, answers = replay(reproducer, api)
    finally:
        api.close()
    assert found is None and [answer.status for answer in answers] == [200, 200]
    assert reproducer.curl_lines()[0].startswith('curl -sS -i -H "Authorization: Bearer $CONTRACT_TOKEN"')


@pytest.mark.parametrize(("faults", "still_broken"), [(["--fault", "null_username"], True), ([], False)],
                         ids=["broken", "fixed"])
def test_a_schema_finding_replays_as_schemathesis_judged_it(faults: list[str], still_broken: bool,
                                                            tokens: tuple[str, str]) -> None:
    """A finding of Schemathesis' (schema:Viewer.username) is judged again on replay, not taken for fixed."""
    reproducer = Reproducer.from_json(
        '{"finding": "schema:Viewer.username", "problem": "Response violates schema (ST108)", "requests": ['
        f'{{"method": "GET", "path": "/api/v1/live-stream/{EXAMPLE_STREAM_ID}/viewers?limit=100", '
        '"caller": "valid token"}]}')
    target = start_target("tests.stack_target", "--stack", "fastapi-sql", *faults)
    api = client(target, tokens)
    try:
        found, answers = replay(reproducer, api, reproducer.finding)
    finally:
        api.close()
        stop_mock(target)
    assert [answer.status for answer in answers] == [200]
    assert (found is not None and found.check == "schema:Viewer.username") is still_broken, found


def _pages(finding: str, *queries: str) -> Reproducer:
    path = f"/api/v1/live-stream/{EXAMPLE_STREAM_ID}/viewers"
    return Reproducer(finding, "", tuple(ReplayedRequest("GET", f"{path}?{query}", "valid token") for query in queries),
                      "contract_tests/t.py::t")


@pytest.mark.parametrize(("fault", "still_broken"), [("overlapping_pages", True), (None, False)],
                         ids=["broken", "fixed"])
def test_a_walk_of_every_page_replays_as_a_partition_judged_again(fault: str | None, still_broken: bool,
                                                                  tokens: tuple[str, str]) -> None:
    """The 45 viewers of the example stream at limit 20: pages 1 to 3 hold what pagination_partition judges."""
    target = start_mock(module="tests.faulty_target", prefix=[fault]) if fault else start_mock()
    api = client(target, tokens)
    try:
        found, answers = replay(_pages("pagination_partition", "page=1&limit=20", "page=2&limit=20",
                                       "page=3&limit=20"), api, "pagination_partition")
    finally:
        api.close()
        stop_mock(target)
    assert [answer.status for answer in answers] == [200, 200, 200]
    assert (found is not None and found.check == "pagination_partition") is still_broken, found


@pytest.mark.parametrize(("finding", "queries"), [
    ("pagination_partition", ("page=2&limit=20",)),  # one page of a walk its test judged: not a walk
    ("sequence_repeatable", ("page=1&limit=5", "page=2&limit=5")),  # nothing asked twice
    ("auth_forbidden", ("page=1&limit=5",)),  # no forbidden caller among them
    ("search_completeness", ("search=ab",)),  # its test judges answers it asks for itself
    ("no_such_promise", ("page=1",)),
])
def test_a_finding_its_requests_cannot_judge_is_not_replayed_as_fixed(
        live_mock: LiveMock, tokens: tuple[str, str], finding: str, queries: tuple[str, ...]) -> None:
    api = client(live_mock, tokens)
    try:
        with pytest.raises(NotReplayable, match=finding.split(":")[0]):
            replay(_pages(finding, *queries), api, finding)
    finally:
        api.close()


def test_a_seed_decides_the_sequences(live_mock: LiveMock, tokens: tuple[str, str]) -> None:
    """The adapter over Hypothesis' state machine test (request_machine.seeded) still seeds it."""
    api = client(live_mock, tokens)
    runs = []
    try:
        for seed in (5, 5, 6):
            sent: list[Exchange] = []
            run_sequences(api, settings(exploring(4, 5), derandomize=False), sent, seed=seed)
            runs.append([exchange.url for exchange in sent])
    finally:
        api.close()
    assert runs[0] == runs[1] and runs[0] != runs[2] and len(runs[0]) > 4


@pytest.mark.parametrize("fault_target", ["cache_ignores_caller"], indirect=True)
def test_known_findings_do_not_stop_the_sequences(fault_target: LiveMock, tokens: tuple[str, str]) -> None:
    api = client(fault_target, tokens)
    try:
        with pytest.raises(ContractViolation) as raised:
            run_sequences(api, exploring(60))
        known = KnownFindings()
        assert known.first_sight(raised.value) and not known.first_sight(raised.value)
        run_sequences(api, exploring(10), known=known)  # the same cause again: counted, not raised
    finally:
        api.close()


def test_a_replayed_query_is_sent_byte_for_byte(live_mock: LiveMock, tokens: tuple[str, str]) -> None:
    """search=%ff goes out as %ff (the mock refuses it, naming the bytes), not re-encoded as U+FFFD's %EF%BF%BD."""
    api = client(live_mock, tokens)
    try:
        found, answers = replay(_pages("search_not_utf8", "search=%ff&limit=100"), api)
    finally:
        api.close()
    assert found is None and answers[0].url.endswith("?search=%ff&limit=100"), answers[0].url
    assert answers[0].status == 400 and "%FF is not UTF-8" in answers[0].text


class _ServerErrorsPastTheDeadline:
    """A client stand-in answering 500 to every request, the first answer arriving only after the campaign's
    deadline: Hypothesis' replay of the failing example then sends nothing at all."""

    def __init__(self, deadline: float) -> None:
        self.target = Target("http://127.0.0.1:9", "a.b.c", EXAMPLE_STREAM_ID)
        self.log = None
        self.deadline = deadline

    def viewers(self, params: dict[str, object], headers: dict[str, str], authorised: bool,
                checked: bool) -> Exchange:
        query = "&".join(f"{name}={value}" for name, value in params.items())
        return self.request("GET", f"/api/v1/live-stream/{EXAMPLE_STREAM_ID}/viewers?{query}", headers, checked)

    def request(self, method: str, path: str, headers: dict[str, str], checked: bool) -> Exchange:
        time.sleep(max(0.0, self.deadline - time.monotonic()) + 0.01)
        return Exchange.of(method, f"{self.target.base_url}{path}", headers, 500, {"content-type": "application/json"},
                           b'{"isSuccess":false,"statusCode":500,"data":null,"errors":["boom"]}')

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.target.token}"}


def test_a_replay_that_sends_less_is_the_finding_not_inconsistent_data_generation() -> None:
    """The rules' availability never depends on what was sent: a replay cut short by the deadline draws the
    same rules as the run it replays (a precondition on the steps sent made Hypothesis stop the campaign's lane
    with "Inconsistent data generation")."""
    deadline = time.monotonic() + 0.3
    stand_in = _ServerErrorsPastTheDeadline(deadline)
    with pytest.raises(SequenceViolation) as raised:
        run_sequences(cast(ContractClient, stand_in), exploring(5), deadline=deadline)
    assert raised.value.check == "no_server_error", str(raised.value)
