"""Known deviations end to end: an allowed check's violations are report lines, not failures, and the
rest stays red; an allowance that no longer fails is reported; skip reasons reach the report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.target.deployment import not_run
from tests.conftest import LiveMock, start_mock, stop_mock
from tests.test_contract_suite import run_suite

pytestmark = pytest.mark.slow  # runs the contract suite in a subprocess


@pytest.fixture(scope="module")
def wrong_status_codes() -> Iterator[LiveMock]:
    """A target whose error envelopes all say statusCode 400: it breaks envelope_status_code only."""
    mock = start_mock(module="tests.faulty_target", prefix=["wrong_status_in_errors"])
    yield mock
    stop_mock(mock)


def test_an_allowed_deviation_is_a_report_line_not_a_failure(wrong_status_codes: LiveMock, tmp_path: Path) -> None:
    allow = tmp_path / "contract-allow.txt"
    allow.write_text("# deviations we know of\nenvelope_status_code: the gateway rewrites it (TICKET-7)\n")
    run = run_suite(wrong_status_codes.base_url, tmp_path, "contract_tests/test_envelopes.py",
                    "contract_tests/test_auth.py", CONTRACT_ALLOW=str(allow))
    assert run.returncode == 0, run.report[:3000]
    assert "## Allowed deviations (CONTRACT_ALLOW)" in run.report
    assert "### envelope_status_code: allowed deviation, seen" in run.report
    assert "the gateway rewrites it (TICKET-7)" in run.report


def test_other_promises_stay_red_beside_an_allowance(wrong_status_codes: LiveMock, tmp_path: Path) -> None:
    run = run_suite(wrong_status_codes.base_url, tmp_path, "contract_tests/test_envelopes.py",
                    CONTRACT_ALLOW="envelope_timestamp")
    assert run.returncode == 1
    assert "| envelope_status_code |" in run.report
    assert "envelope_timestamp is allowed (allowed by CONTRACT_ALLOW) but no longer fails" in run.report


def test_a_skipped_check_says_why_in_the_report(live_mock: LiveMock, tmp_path: Path) -> None:
    run = run_suite(live_mock.base_url, tmp_path, "contract_tests/test_auth.py", CONTRACT_FORBIDDEN_TOKEN="",
                    CONTRACT_EXPIRED_TOKEN="")
    assert run.returncode == 0, run.output[-2000:]
    assert "## Not checked" in run.report
    for variable, reason, tests in (("CONTRACT_FORBIDDEN_TOKEN", not_run("forbidden_token"), 7),
                                    ("CONTRACT_EXPIRED_TOKEN", not_run("expired_token"), 1)):
        assert f"- {reason} ({tests} test" in run.report, run.report[:3000]
        assert f"contract {reason} ({tests} test" in run.output, run.output[-3000:]
        assert f"as {variable} is not set; set it" in reason
    assert "| `auth_rejects_expired` | not run | 0 |" in run.report
    assert "test_a_forbidden_user_is_403_whatever_the_query[no query]`" in run.report
