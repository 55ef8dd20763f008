"""Schemathesis, positive and negative, every check, finds nothing wrong with the running mock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mockserver.core.dataset import EXAMPLE_STREAM_ID
from tests.conftest import REPO, LiveMock

pytestmark = pytest.mark.slow  # runs Schemathesis' CLI against a live mock


def schemathesis_run(live_mock: LiveMock, tmp_path: Path, token: str, *extra: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "schemathesis.toml"
    config.write_text(f'[parameters]\n"path.id" = "{EXAMPLE_STREAM_ID}"\n\n[warnings]\nfail-on = true\n')
    command = [
        str(Path(sys.executable).with_name("st")), "--config-file", str(config), "run", str(REPO / "openapi.yaml"),
        "--url", live_mock.base_url, "--header", f"Authorization: Bearer {token}", "--checks", "all",
        "--mode", "all", "--generation-database", "none", "--no-color", *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)


def test_schemathesis_finds_nothing_wrong(live_mock: LiveMock, tmp_path: Path, token: str) -> None:
    result = schemathesis_run(live_mock, tmp_path, token, "--max-examples", "150", "--seed", "20261127")
    assert result.returncode == 0, result.stdout[-4000:]
    assert "No issues found" in result.stdout
    assert "generated" in result.stdout


def test_schemathesis_without_credentials_fails(live_mock: LiveMock, tmp_path: Path) -> None:
    """The same run with a useless token must fail: proof that the run above can fail at all."""
    result = schemathesis_run(live_mock, tmp_path, "not-a-token", "--max-examples", "20", "--seed", "1")
    assert result.returncode != 0
