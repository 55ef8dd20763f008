"""The package's command, `allmine-viewers-msw`: help, version, a free port with its URL printed, and every bad
option refused in one line that names it."""

from __future__ import annotations

import json
import socket
import subprocess
import urllib.request

import pytest

from tests.msw_support import MSW, installed, needs_npm, start_msw, stop_msw

pytestmark = needs_npm


def command(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["node", str(installed() / "dist" / "cli" / "bin.js"), *arguments], capture_output=True,
                          text=True, timeout=60)


def test_help_and_version() -> None:
    helped = command("--help")
    assert helped.returncode == 0 and "--port PORT" in helped.stdout and "0 for any free one" in helped.stdout
    version = json.loads((MSW / "package.json").read_text(encoding="utf-8"))["version"]
    assert command("--version").stdout == f"allmine-viewers-msw {version}\n"


@pytest.mark.parametrize(("arguments", "message"), [
    (["--port", "x"], '--port has value "x": not a port (0 to 65535)'),
    (["--port", "70000"], '--port has value "70000": not a port (0 to 65535)'),
    (["--port"], "--port needs a value (see --help)"),
    (["--host", "0.0.0.0"], '--host has value "0.0.0.0": only a loopback address (127.0.0.1, ::1, localhost)'),
    (["--photos", "jpeg"], '--photos has value "jpeg": not a photo mode (origin or data-url)'),
    (["--clock", "yesterday"], '--clock has value "yesterday": not an instant such as 2026-11-28T12:00:00Z'),
    (["--jwt-secret", "short"], "--jwt-secret: the JWT secret has 5 bytes: HS256 needs at least 32"),
    (["--verbose"], 'unknown option "--verbose" (see --help)'),
])
def test_a_bad_option_is_one_line_naming_it(arguments: list[str], message: str) -> None:
    result = command(*arguments)
    assert result.returncode == 2
    assert result.stderr == f"allmine-viewers-msw: {message}\n" and result.stdout == ""


def test_port_zero_serves_on_a_free_port_and_prints_its_url() -> None:
    served = start_msw()
    try:
        with urllib.request.urlopen(f"{served.url}/api/v1/live-stream/64d15f9e2e6c8f4d5a123456/viewers") as answer:
            pytest.fail(f"answered {answer.status} without a token")
    except urllib.error.HTTPError as error:
        assert error.code == 401 and json.loads(error.read())["errors"][0] == "Authentication required"
    finally:
        output = stop_msw(served)
    assert served.process.returncode == 0 and "Error" not in output


def test_a_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = command("--port", str(port))
    assert result.returncode == 1
    assert result.stderr == f"allmine-viewers-msw: cannot listen on 127.0.0.1:{port}: is in use\n"
