"""The contract suite, unchanged, against the npm package's handlers served by its command: exit 0, as against
the Python mock, with the suite's header naming the handlers' URL as the target it tested."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.core.auth import mint_token
from mockserver.core.dataset import DEFAULT_USER_ID, ENDED_STREAM_ID, FORBIDDEN_USER_ID, LARGE_STREAM_ID
from mockserver.settings import DEVELOPMENT_SECRET
from tests.msw_support import LiveMsw, needs_npm, start_msw, stop_msw

pytestmark = needs_npm
CONTRACT_TEST = Path(sys.executable).with_name("contract-test")


@pytest.fixture(scope="module")
def served() -> Iterator[LiveMsw]:
    handlers = start_msw()
    yield handlers
    stop_msw(handlers)


def contract_test(base_url: str, folder: Path, *arguments: str, secret: str = DEVELOPMENT_SECRET,
                  stream: str = LARGE_STREAM_ID) -> subprocess.CompletedProcess[str]:
    """`contract-test` as CI runs it (docs/ci.md): the target's URL, tokens and streams in the environment."""
    environment = {
        **os.environ,
        "CONTRACT_BASE_URL": base_url,
        "CONTRACT_TOKEN": mint_token(secret, DEFAULT_USER_ID),
        "CONTRACT_FORBIDDEN_TOKEN": mint_token(secret, FORBIDDEN_USER_ID),
        "CONTRACT_STREAM_ID": stream,
        "CONTRACT_ENDED_STREAM_ID": ENDED_STREAM_ID,
    }
    return subprocess.run([str(CONTRACT_TEST), "-q", "-p", "no:cacheprovider", *arguments], cwd=folder,
                          env=environment, capture_output=True, text=True, timeout=900)


def test_the_contract_suite_passes_against_the_msw_handlers(served: LiveMsw, tmp_path: Path) -> None:
    result = contract_test(served.url, tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert f"tested the deployment at {served.url}" in result.stdout

