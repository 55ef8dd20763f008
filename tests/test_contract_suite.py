"""The contract suite itself: it passes on the mock, and each deliberately faulty target makes it fail,
naming the broken property, with a report a person can act on."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from contract_tests.target.deployment import expiry_problem, expiry_warning
from mockserver.core.auth import mint_token
from mockserver.core.dataset import DEFAULT_USER_ID, ENDED_STREAM_ID, EXAMPLE_STREAM_ID
from mockserver.settings import DEVELOPMENT_SECRET
from tests.conftest import REPO, LiveMock, start_mock, stop_mock

pytestmark = pytest.mark.slow  # runs the contract suite in a subprocess against faulty and correct targets


@dataclass
class SuiteRun:
    returncode: int
    output: str
    report: str
    junit: str
    token: str | None
    stderr: str = ""

    @property
    def last_line(self) -> str:
        """The last line the run printed (set-up errors go to stderr, after pytest's own output)."""
        lines = (self.stderr or self.output).strip().splitlines()
        return lines[-1] if lines else ""


def run_suite(base_url: str | None, tmp_path: Path, *args: str, seed: int | None = 7, **variables: str) -> SuiteRun:
    """`pytest contract_tests` in a subprocess, aimed at base_url (the bundled mock when None)."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("CONTRACT_", "PYTEST_"))}
    token = None
    if base_url:
        token = subprocess.run([sys.executable, "-m", "mockserver", "token"], capture_output=True, text=True,
                               check=True).stdout.strip()
        forbidden = subprocess.run([sys.executable, "-m", "mockserver", "token", "--forbidden"], capture_output=True,
                                   text=True, check=True).stdout.strip()
        expired = subprocess.run([sys.executable, "-m", "mockserver", "token", "--expires-in", "-3600"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        streams = json.loads(subprocess.run([sys.executable, "-m", "mockserver", "streams", "--json", "--follows-of"],
                                            capture_output=True, text=True, check=True).stdout)
        follows = next(stream["follows"] for stream in streams if stream["id"] == EXAMPLE_STREAM_ID)
        environ |= {"CONTRACT_BASE_URL": base_url, "CONTRACT_TOKEN": token, "CONTRACT_STREAM_ID": EXAMPLE_STREAM_ID,
                    "CONTRACT_FORBIDDEN_TOKEN": forbidden, "CONTRACT_ENDED_STREAM_ID": ENDED_STREAM_ID,
                    "CONTRACT_EXPIRED_TOKEN": expired, "CONTRACT_FOLLOWED_IDS": ",".join(follows["followed"]),
                    "CONTRACT_UNFOLLOWED_IDS": ",".join(follows["notFollowed"])}
    report, junit = tmp_path / "report.md", tmp_path / "junit.xml"
    environ |= {"CONTRACT_REPORT": str(report), **({} if seed is None else {"CONTRACT_SEED": str(seed)}), **variables}
    paths = [] if any(arg.startswith("contract_tests") for arg in args) else ["contract_tests"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *args],
        capture_output=True, text=True, cwd=REPO, env=environ, timeout=900,
    )
    output = result.stdout + result.stderr
    return SuiteRun(result.returncode, output, text_or_empty(report), text_or_empty(junit), token, result.stderr)


def text_or_empty(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.fixture
def faulty_target(request: pytest.FixtureRequest) -> Iterator[LiveMock]:
    mock = start_mock(module="tests.faulty_target", prefix=[request.param])
    yield mock
    stop_mock(mock)


# fault -> what the report must name (a check of the registry, or Schemathesis' own finding)
CAUGHT_BY = {
    "leaks_email": "no_undocumented_fields: the answer carries",
    "crashes_on_big_pages": "no_server_error",
    "accepts_limit_over_max": "rejects_invalid_input",
    "wrong_status_in_errors": "envelope_status_code",
    "problem_json_errors": "envelope_shape",
    "floor_total_pages": "pagination_arithmetic",
    "overlapping_pages": "pagination_partition",
    "audience_total_follows_search": "pagination_audience_total_stable",
    "search_ignores_surnames": "search_completeness",
    "search_is_case_sensitive": "search_completeness",
    "search_returns_everyone": "search_soundness",
    "accepts_alg_none": "auth_rejects_alg_none",
    "never_checks_signatures": "auth_verifies_signature",
    "unknown_streams_are_empty": "unknown_stream",
    "malformed_ids_crash": "rejects_malformed_id",
    "is_following_as_text": "types_is_following",
    "impossible_join_times": "types_timestamps",
    "negative_counts": "types_counts",
    "follows_the_wrong_way": "is_following_known",
}


@pytest.mark.parametrize("faulty_target", list(CAUGHT_BY), indirect=True)
def test_each_faulty_target_breaks_the_suite(faulty_target: LiveMock, tmp_path: Path,
                                             request: pytest.FixtureRequest) -> None:
    fault = request.node.callspec.params["faulty_target"]
    run = run_suite(faulty_target.base_url, tmp_path)
    assert run.returncode == 1, run.output[-3000:]
    assert run.report.startswith("# Contract report: the contract is BROKEN"), run.report[:500]
    assert CAUGHT_BY[fault] in run.report, run.report[:6000]
    assert ("curl " in run.report and "Reproduce" in run.report) or "```sh" in run.report
    assert re.search(r'<testsuite [^>]*failures="[1-9]', run.junit)
    assert run.token and run.token not in run.report  # the token is redacted unless asked


def test_the_suite_passes_against_the_mock_given_by_variables(live_mock: LiveMock, tmp_path: Path) -> None:
    run = run_suite(live_mock.base_url, tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    assert run.report.startswith("# Contract report: the contract is KEPT")
    assert "0 failed, 0 skipped" in run.report
    assert 'failures="0"' in run.junit


def test_on_the_bundled_mock_the_checks_of_every_optional_value_run_and_pass(tmp_path: Path) -> None:
    """The bundled mock gives the suite its expired and forbidden tokens and its ended stream (through its own
    command): nothing is skipped, the expired token is sent and refused, and no token shows anywhere."""
    run = run_suite(None, tmp_path, "contract_tests/test_auth.py", "contract_tests/test_existence.py")
    assert run.returncode == 0, run.output[-3000:]
    assert "the bundled mock at http://127.0.0.1:" in run.report and "0 failed, 0 skipped" in run.report
    assert "| `contract_tests/test_auth.py::test_an_expired_token_is_401` | passed |" in run.report
    assert "not run" not in run.report and "not run" not in run.output
    assert "| token: expired | 1 |" in run.report, run.report[:3000]  # sent once (and refused with 401)
    assert "skipped" not in run.junit.replace('skipped="0"', "")
    for text in (run.output, run.report, run.junit):
        assert "eyJhbGci" not in text  # the start of every token the mock mints: each is cut out


def test_a_base_url_without_token_or_stream_is_one_clear_error(tmp_path: Path) -> None:
    run = run_suite(None, tmp_path, CONTRACT_BASE_URL="https://staging.example.com")
    assert run.returncode == 4
    assert ("CONTRACT_BASE_URL is https://staging.example.com, but CONTRACT_TOKEN and CONTRACT_STREAM_ID are not set"
            in run.output)
    assert "Traceback" not in run.output and run.output.count("\n") < 5


@pytest.mark.parametrize(("variables", "message"), [
    ({"CONTRACT_TOKEN": "not-a-token"}, "the target refuses CONTRACT_TOKEN (HTTP 401"),
    ({"CONTRACT_STREAM_ID": "000000000000000000000000"}, "CONTRACT_STREAM_ID 000000000000000000000000 is not a live"),
    ({"CONTRACT_STREAM_ID": "64d15f9e2e6c8f4d5a200000"}, "stream 64d15f9e2e6c8f4d5a200000 has no viewers"),
])
def test_an_untestable_target_is_one_clear_error(live_mock: LiveMock, tmp_path: Path, variables: dict[str, str],
                                                 message: str) -> None:
    run = run_suite(live_mock.base_url, tmp_path, seed=7, **variables)
    assert run.returncode == 4, run.output[-2000:]
    assert message in run.output and "Traceback" not in run.output


def test_an_unreachable_target_is_one_clear_error(tmp_path: Path) -> None:
    run = run_suite(None, tmp_path, CONTRACT_BASE_URL="http://127.0.0.1:9", CONTRACT_TOKEN="t",
                    CONTRACT_STREAM_ID=EXAMPLE_STREAM_ID)
    assert run.returncode == 4 and "cannot reach http://127.0.0.1:9: connection refused (nothing listens on " \
        "127.0.0.1:9?)" in run.output and "Errno" not in run.output


def test_an_unknown_profile_is_one_clear_error(tmp_path: Path) -> None:
    run = run_suite(None, tmp_path, CONTRACT_PROFILE="thorough")
    assert run.returncode == 4 and "CONTRACT_PROFILE has value 'thorough'" in run.output


@pytest.mark.parametrize(("content", "message"), [
    (None, "CONTRACT_SPEC has value '{path}': cannot be read (No such file or directory)"),
    ("paths: [\n", "CONTRACT_SPEC has value '{path}': not YAML"),
    ("openapi: 3.0.3\npaths: {}\n", "CONTRACT_SPEC has value '{path}': not an OpenAPI document with GET"),
])
def test_an_unusable_contract_spec_is_one_clear_error(tmp_path: Path, content: str | None, message: str) -> None:
    spec = tmp_path / "openapi.yaml"
    if content is not None:
        spec.write_text(content, encoding="utf-8")
    run = run_suite(None, tmp_path, CONTRACT_SPEC=str(spec))
    assert run.returncode == 4, run.output[-2000:]
    assert message.format(path=spec) in run.output and "Traceback" not in run.output
    assert message.format(path=spec) in run.report


def test_an_unknown_reveal_token_value_is_one_clear_error(tmp_path: Path) -> None:
    run = run_suite(None, tmp_path, CONTRACT_REVEAL_TOKEN="on")
    assert run.returncode == 4, run.output[-2000:]
    assert "CONTRACT_REVEAL_TOKEN has value 'on'" in run.output and "Traceback" not in run.output


def test_the_junit_file_names_the_seed_and_the_replay_command(tmp_path: Path) -> None:
    run = run_suite(None, tmp_path, "-k", "test_no_token_is_401", seed=31337)
    assert run.returncode == 0, run.output[-2000:]
    assert '<property name="contract_seed" value="31337"' in run.junit
    replay = "CONTRACT_SEED=31337 CONTRACT_PROFILE=fast contract-test -k test_no_token_is_401"
    assert f'<property name="contract_replay" value="{replay}"' in run.junit


def requests_seen(mock_output: str) -> list[str]:
    return sorted(re.findall(r'"(GET [^"]+) HTTP/1.1"', mock_output))


def test_the_seed_replays_the_same_requests(tmp_path: Path) -> None:
    runs = []
    for seed in (11, 11, 12):
        mock = start_mock("--access-log")
        try:
            run = run_suite(mock.base_url, tmp_path, "contract_tests/test_schema.py", "contract_tests/test_search.py",
                            seed=seed)
        finally:
            output = stop_mock(mock)
        assert run.returncode == 0, run.output[-2000:]
        assert f"seed: {seed}" in run.report and f"CONTRACT_SEED={seed}" in run.output
        runs.append(requests_seen(output))
    assert len(runs[0]) > 100
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_a_token_that_expires_before_the_time_budget_is_warned_of_and_one_that_expired_mid_run_is_told() -> None:
    now = 1_800_000_000.0
    short = mint_token(DEVELOPMENT_SECRET, DEFAULT_USER_ID, expires_in_s=900, now=now)
    warning = expiry_warning("CONTRACT_TOKEN", short, 3600.0, now=now)
    assert warning is not None and "CONTRACT_TOKEN expires at 2027-01-15T08:15:00Z, in 900 s" in warning
    assert short[-8:] not in warning
    assert expiry_warning("CONTRACT_TOKEN", short, 600.0, now=now) is None  # it outlasts the budget
    assert expiry_warning("CONTRACT_TOKEN", "opaque-token", 3600.0, now=now) is None  # no exp to read
    assert expiry_problem("CONTRACT_TOKEN", short, now=now + 901) == (
        "CONTRACT_TOKEN expired at 2027-01-15T08:15:00Z (1 s ago): give a fresh token")


def test_the_run_warns_of_a_token_that_will_not_last(live_mock: LiveMock, tmp_path: Path) -> None:
    short = mint_token(DEVELOPMENT_SECRET, DEFAULT_USER_ID, expires_in_s=600)
    run = run_suite(live_mock.base_url, tmp_path, "-k", "test_no_token", CONTRACT_TOKEN=short)
    assert run.returncode == 0, run.output[-2000:]
    assert re.search(r"^warning: CONTRACT_TOKEN expires at \S+, in \d+ s, before the time budget of 3600 s is up",
                     run.output, re.MULTILINE), run.output[:2000]
    assert short not in run.output and short[-8:] not in run.output
