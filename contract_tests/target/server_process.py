"""A server run as a child process: waiting for the line where it says it listens, and stopping it.

Every server of this repository (the mock, contract-proxy, a test's target) prints `listening on http://...` once
its port is bound: the one sign of readiness, read the same way by the suite (for its bundled mock) and the tests.
"""

from __future__ import annotations

import re
import subprocess
import threading

from contract_tests.target.deployment import TargetError

LISTENING = re.compile(r"listening on (http://[^\s,]+)")


def wait_until_listening(process: subprocess.Popen[str], what: str, timeout_s: float = 30.0,
                         banner_ends: str | None = None) -> tuple[str, list[str]]:
    """The URL a server announced and the lines it printed until then (to the line starting with `banner_ends`,
    when given). If its output ends first, or `timeout_s` passes (the process is killed then, so that a silent
    server cannot hold the read), the process is stopped and TargetError raised naming `what`, with what it
    printed."""
    assert process.stdout is not None
    timer = threading.Timer(timeout_s, process.kill)
    timer.start()
    lines: list[str] = []
    url: str | None = None
    try:
        for line in iter(process.stdout.readline, ""):
            lines.append(line)
            match = LISTENING.search(line) if url is None else None
            if match:
                url = match.group(1)
            if url is not None and (banner_ends is None or line.startswith(banner_ends)):
                return url, lines
    finally:
        timer.cancel()
    process.kill()
    process.wait()
    process.stdout.close()
    raise TargetError(f"{what} did not start:\n" + "".join(lines))


def stop_process(process: subprocess.Popen[str], reader: threading.Thread | None) -> None:
    """Stop a server process (killed if it does not stop within 10 s), then its output reader and pipe."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if reader is not None:
        reader.join(timeout=5)
    if process.stdout is not None:
        process.stdout.close()
