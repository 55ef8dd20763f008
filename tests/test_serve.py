"""Serving with Granian (stopping cleanly on Ctrl-C and SIGTERM, with one or more workers; the access log), and
the same app under uvicorn, the fallback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import REPO, VIEWERS, start_mock, stop_mock

pytestmark = pytest.mark.slow  # starts and stops the mock's server processes

EXAMPLE = VIEWERS.format("64d15f9e2e6c8f4d5a123456")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    assert f'"GET {EXAMPLE}?page=2 HTTP/1.1" 200 ' in logged[0], logged
    assert f'"GET {EXAMPLE} HTTP/1.1" 401 ' in logged[1], logged  # no query, no stray "?"


def test_granian_serves_an_avatar_whose_initials_are_percent_encoded() -> None:
    mock = start_mock()
    try:
        response = httpx.get(mock.base_url + "/media/avatars/6722c52cac83ff594e000000/%C3%96%C5%9E/photo.jpg")
    finally:
        stop_mock(mock)
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"


def test_without_the_access_log_requests_print_nothing(auth: dict[str, str]) -> None:
    mock = start_mock()
    try:
        httpx.get(mock.base_url + EXAMPLE, headers=auth)
        time.sleep(0.3)
    finally:
        output = stop_mock(mock)
    assert output.strip() == "", output



def test_uvicorn_serves_the_same_app_from_the_environment(auth: dict[str, str]) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "mockserver.cli.serve:app_from_environment", "--port",
         str(port), "--log-level", "warning"],
        env={**os.environ, "MOCK_PORT": str(port)}, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}{EXAMPLE}", headers=auth)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and process.poll() is None, "uvicorn did not serve the app"
                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert response.status_code == 200 and response.headers["server"] == "uvicorn"
    assert len(response.json()["data"]["list"]) == 20
