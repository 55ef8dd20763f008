"""Waiting for a server child process to say where it listens: its URL once it does, a clear error with what it
printed when it ends first, and the same (the process killed) when it stays silent past the time given."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from contract_tests.target.deployment import TargetError
from contract_tests.target.server_process import stop_process, wait_until_listening


def python(program: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def test_the_url_and_the_lines_before_it() -> None:
    process = python("import time\nprint('starting', flush=True)\n"
                     "print('demo listening on http://127.0.0.1:1234, forwarding', flush=True)\ntime.sleep(30)")
    try:
        url, lines = wait_until_listening(process, "the demo", timeout_s=20)
    finally:
        stop_process(process, None)
    assert url == "http://127.0.0.1:1234"
    assert lines == ["starting\n", "demo listening on http://127.0.0.1:1234, forwarding\n"]


def test_a_banner_is_read_to_its_last_line() -> None:
    process = python("import time\nprint('listening on http://127.0.0.1:1', flush=True)\nprint('  more', flush=True)\n"
                     "print('  Last line', flush=True)\nprint('later', flush=True)\ntime.sleep(30)")
    try:
        _, lines = wait_until_listening(process, "the demo", timeout_s=20, banner_ends="  Last")
    finally:
        stop_process(process, None)
    assert lines[-1] == "  Last line\n" and len(lines) == 3


def test_a_server_that_ends_first_is_named_with_what_it_printed() -> None:
    process = python("import sys\nprint('port 1 is taken')\nsys.exit(2)")
    with pytest.raises(TargetError, match=r"^the demo did not start:\nport 1 is taken\n$"):
        wait_until_listening(process, "the demo", timeout_s=20)
    assert process.returncode is not None


def test_a_silent_server_is_killed_when_the_time_runs_out() -> None:
    process = python("import time\ntime.sleep(60)")
    with pytest.raises(TargetError, match="the demo did not start"):
        wait_until_listening(process, "the demo", timeout_s=1)
    assert process.returncode == -signal.SIGKILL
