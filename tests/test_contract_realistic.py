"""The contract suite against deployments that keep the contract but behave like real ones (no false
alarms), their faulty twins (no false greens), and each set-up mistake (exit 4 and its one line)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.core.dataset import EXAMPLE_STREAM_ID
from tests.conftest import LiveMock, start_mock, start_target, stop_mock
from tests.test_contract_suite import SuiteRun, run_suite

pytestmark = pytest.mark.slow  # runs the contract suite in a subprocess against realistic deployments


@pytest.fixture
def realistic(request: pytest.FixtureRequest) -> Iterator[LiveMock]:
    target = start_target("tests.realistic_target", *request.param.split())
    yield target
    stop_mock(target)


def counts_agree(run: SuiteRun) -> None:
    """The report, the JUnit file and pytest's own summary count the same tests."""
    summary = run.output.strip().splitlines()[-1]
    counted = {word: int(number) for number, word in re.findall(r"(\d+) (passed|failed|skipped|subtests passed)\b",
                                                                summary)}
    report = re.search(r"Results: (\d+) passed, (\d+) failed, (\d+) skipped, (\d+) errors, (\d+) subtests passed",
                       run.report)
    assert report, run.report[:600]
    passed, failed, skipped, errors, subtests = map(int, report.groups())
    assert (counted.get("passed", 0), counted.get("failed", 0), counted.get("skipped", 0),
            counted.get("subtests passed", 0)) == (passed, failed, skipped, subtests), (summary, report.group(0))
    suite = re.search(r'<testsuite [^>]*errors="(\d+)" failures="(\d+)" skipped="(\d+)" tests="(\d+)"', run.junit)
    assert suite, run.junit[:300]
    # JUnit lists a passing subtest as a test case of its own
    assert tuple(map(int, suite.groups())) == (errors, failed, skipped, passed + failed + skipped + errors + subtests)


# name -> (the target's options, what its report must also say)
REALISTIC = {
    # OPTIONS 204 and HEAD by the framework, gzip, extra headers, trimmed terms, numbers spelled "2.0"
    # and reads `search=%ff` as U+FFFD, as Starlette does: a 200 the mock does not give, noted, never failed
    "framework": ("--framework", r"Results: \d+ passed, 0 failed[\s\S]*^## Where the deployment and the mock part "
                                 r"ways[^#]*`search-not-utf8`"),
    "churn": ("--churn 5", r"Results: \d+ passed, 0 failed"),  # joins and leaves five times a second
    "rate limit": ("--rate-limit 60", r"the target throttled [1-9]\d* time"),  # 429 + Retry-After past 60/s
    "one-off 502s": ("--flaky-every 23", r"## Flaky answers[^#]*HTTP 502, then HTTP 200 on the retry"),
    # the 60-90 ms of a remote staging is measured in benchmarks/contract_suite.py
    "latency": ("--latency 5-10", r"Results: \d+ passed, 0 failed"),
    "all at once, 3000 viewers": ("--framework --churn 3 --flaky-every 31 --latency 1-5 --audience 3000",
                                  r"flaked [1-9]\d* time"),
}


@pytest.mark.parametrize("realistic", [options for options, _ in REALISTIC.values()], ids=list(REALISTIC),
                         indirect=True)
def test_the_suite_passes_against_a_realistic_deployment(realistic: LiveMock, tmp_path: Path,
                                                         request: pytest.FixtureRequest) -> None:
    run = run_suite(realistic.base_url, tmp_path)
    assert run.returncode == 0, run.report[:4000] or run.output[-3000:]
    assert run.report.startswith("# Contract report: the contract is KEPT")
    assert f"Target: the deployment at {realistic.base_url}" in run.report
    expected = dict(REALISTIC.values())[request.node.callspec.params["realistic"]]
    assert re.search(expected, run.report, re.MULTILINE), run.report[:3000]
    counts_agree(run)


# faulty twin -> the promise the report must name
FAULTY_TWINS = {
    "--churn 5 --fault repeat_last_viewer": "pagination_partition",
    "--fault write_succeeds": "undocumented_method",
    "--framework --fault options_500": "no_server_error",
    "--fault persistent_5xx": "no_server_error",
}


@pytest.mark.parametrize("realistic", list(FAULTY_TWINS), ids=lambda a: a.split("--fault ")[-1], indirect=True)
def test_a_faulty_twin_fails_naming_the_promise(realistic: LiveMock, tmp_path: Path,
                                                request: pytest.FixtureRequest) -> None:
    promise = FAULTY_TWINS[request.node.callspec.params["realistic"]]
    run = run_suite(realistic.base_url, tmp_path)
    assert run.returncode == 1, run.output[-3000:]
    assert re.search(rf"^\| {promise} \| [1-9]", run.report, re.MULTILINE), run.report[:4000]
    counts_agree(run)


def assert_untestable(run: SuiteRun, line: str) -> None:
    """Exit 4, the line printed last, and a report and JUnit file that say why."""
    assert run.returncode == 4, run.output[-3000:]
    assert line in run.last_line, run.output[-2000:]
    assert "Traceback" not in run.output
    assert run.report.startswith("# Contract report: the target could NOT BE TESTED"), run.report[:300]
    assert line in run.report
    assert 'errors="1"' in run.junit and "the target could not be tested" in run.junit


def test_an_empty_base_url_is_a_set_up_error(tmp_path: Path) -> None:
    run = run_suite(None, tmp_path, CONTRACT_BASE_URL="")
    assert_untestable(run, "CONTRACT_BASE_URL is set but empty")


def test_a_base_url_with_the_api_path_is_a_set_up_error(live_mock: LiveMock, tmp_path: Path) -> None:
    run = run_suite(live_mock.base_url + "/api/v1", tmp_path)
    assert_untestable(run, f"it ends in '/api/v1', but the suite adds /api/v1/live-stream/... itself; give the "
                           f"deployment's root: {live_mock.base_url}")


def test_a_base_url_with_another_path_is_blamed_not_the_stream(live_mock: LiveMock, tmp_path: Path) -> None:
    run = run_suite(live_mock.base_url + "/gateway", tmp_path)
    assert_untestable(run, f"CONTRACT_BASE_URL {live_mock.base_url}/gateway looks wrong")


def test_https_to_a_plain_http_port_is_a_set_up_error(live_mock: LiveMock, tmp_path: Path) -> None:
    https = live_mock.base_url.replace("http://", "https://")
    run = run_suite(https, tmp_path)
    assert_untestable(run, f"CONTRACT_BASE_URL is {https}, but that port speaks plain HTTP, not HTTPS")


def test_a_forbidden_token_refused_as_invalid_is_a_set_up_error(live_mock: LiveMock, tmp_path: Path) -> None:
    run = run_suite(live_mock.base_url, tmp_path, CONTRACT_FORBIDDEN_TOKEN="not-a-token")
    assert_untestable(run, "the target refuses CONTRACT_FORBIDDEN_TOKEN as invalid (HTTP 401")


def test_the_live_stream_given_as_the_ended_one_is_a_set_up_error(live_mock: LiveMock, tmp_path: Path) -> None:
    run = run_suite(live_mock.base_url, tmp_path, CONTRACT_ENDED_STREAM_ID=EXAMPLE_STREAM_ID)
    assert_untestable(run, "CONTRACT_ENDED_STREAM_ID is CONTRACT_STREAM_ID: give a stream that has ended")


def test_a_target_serving_ended_streams_breaks_the_promise(tmp_path: Path) -> None:
    """An ended stream answered 200 is the deployment's broken promise (exit 1), not the user's mistake."""
    mock = start_mock(module="tests.faulty_target", prefix=["ended_streams_are_live"])
    try:
        run = run_suite(mock.base_url, tmp_path, "contract_tests/test_existence.py")
    finally:
        stop_mock(mock)
    assert run.returncode == 1, run.output[-3000:]
    assert re.search(r"^\| ended_stream \| [1-9]", run.report, re.MULTILINE), run.report[:3000]


def test_an_unknown_allowed_check_is_a_set_up_error(tmp_path: Path) -> None:
    run = run_suite(None, tmp_path, CONTRACT_ALLOW="envelope_shape,no_such_check")
    assert_untestable(run, "CONTRACT_ALLOW names 'no_such_check', which is not a check of the suite "
                           "(`contract-test --list-findings`")


@pytest.mark.parametrize("realistic", ["--latency 1500"], indirect=True)
def test_a_target_slower_than_the_timeout_is_a_set_up_error(realistic: LiveMock, tmp_path: Path) -> None:
    run = run_suite(realistic.base_url, tmp_path, CONTRACT_TIMEOUT="0.3")
    assert_untestable(run, f"{realistic.base_url} did not answer within CONTRACT_TIMEOUT=0.3 s, twice")


@pytest.mark.parametrize("realistic", ["--rate-limit 4"], indirect=True)
def test_throttling_past_the_time_budget_is_a_set_up_error(realistic: LiveMock, tmp_path: Path) -> None:
    run = run_suite(realistic.base_url, tmp_path, CONTRACT_TIME_BUDGET="3")
    assert_untestable(run, "CONTRACT_TIME_BUDGET=3 s")
    assert re.search(r"the target throttled [1-9]\d* time", run.last_line)
