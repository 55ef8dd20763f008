"""Shared fixtures of the project's own tests: the spec, an in-process mock, tokens, a live mock."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from contract_tests.target.server_process import stop_process, wait_until_listening
from mockserver.core.auth import mint_token
from mockserver.core.dataset import DEFAULT_USER_ID, FORBIDDEN_USER_ID
from mockserver.settings import DEFAULT_SPEC_PATH, DEVELOPMENT_SECRET, Settings
from mockserver.web.app import create_app, load_spec
from tests.process_starters import starters_by_module, starts_a_process

REPO = Path(__file__).resolve().parent.parent
TESTS_DIR = REPO / "tests"
VIEWERS = "/api/v1/live-stream/{}/viewers"


# A test that starts a process (the mock, a target, a suite run, an install, a browser), through its own code
# or a fixture's, is marked slow, so that `./dev test --quick` leaves it out (every test, slow or not, runs in
# `./dev test` and CI). The shipped suite (contract_tests/) starts the bundled mock as a process too: slow alike.
SHIPPED_SUITE_DIR = REPO / "contract_tests"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    starters = starters_by_module(sorted(TESTS_DIR.glob("*.py")))
    for item in items:
        function = getattr(getattr(item, "function", None), "__name__", "")
        if item.path.is_relative_to(SHIPPED_SUITE_DIR) or (item.path.is_relative_to(TESTS_DIR) and starts_a_process(
                item.path.stem, function, getattr(item, "fixturenames", ()), starters)):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return load_spec(DEFAULT_SPEC_PATH)


@pytest.fixture(scope="session")
def token() -> str:
    return mint_token(DEVELOPMENT_SECRET, DEFAULT_USER_ID)


@pytest.fixture(scope="session")
def forbidden_token() -> str:
    return mint_token(DEVELOPMENT_SECRET, FORBIDDEN_USER_ID)


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    """The mock in-process, checking its own responses against openapi.yaml."""
    with TestClient(create_app(Settings(validate_responses=True)), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class LiveMock:
    process: subprocess.Popen[str]
    base_url: str
    banner: str
    output: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None


def start_mock(*args: str, module: str = "mockserver", prefix: Sequence[str] = (), env: dict[str, str] | None = None,
               timeout: float = 20.0) -> LiveMock:
    """Start `mockserver` (or a module with its interface) on a free loopback port; wait for its whole banner."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *prefix, "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, **(env or {})}, cwd=REPO,
    )
    return listening_server(process, module, timeout, banner_ends="  Force an edge case")


def start_target(module: str, *args: str, timeout: float = 20.0) -> LiveMock:
    """Start one of the tests' own targets (`python -m tests.<module>`, which prints where it listens) with these
    options on a free loopback port."""
    process = subprocess.Popen([sys.executable, "-m", module, *args], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, cwd=REPO)
    return listening_server(process, f"{module} {' '.join(args)}", timeout)


def listening_server(process: subprocess.Popen[str], what: str, timeout: float,
                     banner_ends: str | None = None) -> LiveMock:
    """The started server once it says where it listens; the rest of its output read into `output` from then on."""
    base_url, banner = wait_until_listening(process, what, timeout, banner_ends)
    mock = LiveMock(process, base_url, "".join(banner))
    mock.reader = threading.Thread(target=mock.output.extend, args=(process.stdout,), daemon=True)
    mock.reader.start()
    return mock


def stop_mock(mock: LiveMock) -> str:
    """Stop the mock; what it printed after its banner."""
    stop_process(mock.process, mock.reader)
    return "".join(mock.output)


@pytest.fixture(scope="session")
def live_mock() -> Iterator[LiveMock]:
    """The mock as a real process on a free loopback port, checking its responses."""
    mock = start_mock("--validate-responses")
    yield mock
    stop_mock(mock)
