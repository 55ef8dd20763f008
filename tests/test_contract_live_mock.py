"""The mock's own live stream is a correct deployment whose audience moves: the whole suite passes against it,
at the default churn and at a brisk one, and says in its report how often the audience moved."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.core.dataset import LIVE_STREAM_ID
from tests.conftest import start_mock, stop_mock
from tests.test_contract_suite import run_suite

pytestmark = pytest.mark.slow  # runs the contract suite in a subprocess against a churning mock


@pytest.mark.parametrize("churn", ["30/24", "600/600"], ids=["default-churn", "ten-moves-a-second"])
def test_the_whole_suite_passes_against_the_mocks_live_stream(churn: str, tmp_path: Path) -> None:
    mock = start_mock("--churn", churn)
    try:
        run = run_suite(mock.base_url, tmp_path, CONTRACT_STREAM_ID=LIVE_STREAM_ID)
    finally:
        stop_mock(mock)
    assert run.returncode == 0, run.output[-4000:]
    assert f"the deployment at {mock.base_url}" in run.report
    assert "passed" in run.output and "failed" not in run.output.splitlines()[-1]
