"""Serving with Granian: stopping cleanly on Ctrl-C and SIGTERM, with one or more workers; the access log."""

from __future__ import annotations

import signal
import subprocess
import time

import httpx
import pytest

from tests.conftest import VIEWERS, start_mock, stop_mock

EXAMPLE = VIEWERS.format("64d15f9e2e6c8f4d5a123456")


def stop_with(process: subprocess.Popen[str], signal_number: int) -> tuple[int, float]:
    """Send a signal; the exit status and the seconds the process took to exit."""
    started = time.monotonic()
    process.send_signal(signal_number)
    try:
        status = process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("the mock did not stop within 10 s") from None
    return status, time.monotonic() - started


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_stop_signal_ends_the_mock_cleanly(signal_number: int, workers: str, auth: dict[str, str]) -> None:
    mock = start_mock("--workers", workers)
    assert httpx.get(mock.base_url + EXAMPLE, headers=auth).status_code == 200
    status, seconds = stop_with(mock.process, signal_number)
    output = stop_mock(mock)
    assert status == 0 and seconds < 2, (status, seconds, output)
    assert "Traceback" not in output and "Error" not in output, output


def test_the_access_log_has_a_line_per_request(auth: dict[str, str]) -> None:
    mock = start_mock("--access-log")
    try:
        httpx.get(mock.base_url + EXAMPLE, params={"page": "2"}, headers=auth)
        httpx.get(mock.base_url + EXAMPLE)
        time.sleep(0.3)
    finally:
        output = stop_mock(mock)
    logged = [line for line in output.splitlines() if EXAMPLE in line]
    assert len(logged) == 2, output
    assert '"GET ' in logged[0] and " 200 " in logged[0], logged
    assert " 401 " in logged[1], logged


def test_without_the_access_log_requests_print_nothing(auth: dict[str, str]) -> None:
    mock = start_mock()
    try:
        httpx.get(mock.base_url + EXAMPLE, headers=auth)
        time.sleep(0.3)
    finally:
        output = stop_mock(mock)
    assert output.strip() == "", output

