"""This repository as its users get it: the wheel and sdist, built once per test session, and fresh venvs.

The venvs live in pytest's temporary directory, outside the repository; pip's cache is shared with every
other install, so only the first run downloads anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import LiveMock, listening_server

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements.lock"
# Left out of the commands the tests run, so that a run inside this repository's venv or CI job cannot leak in.
_FOREIGN = ("VIRTUAL_ENV", "PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS", "CONTRACT_", "MOCK_")


@dataclass(frozen=True)
class Distribution:
    wheel: Path
    sdist: Path


def built_distribution(tmp_path_factory: pytest.TempPathFactory) -> Distribution:
    """The wheel (built from the sdist, as `python -m build` does) and the sdist; built once per session."""
    outdir = tmp_path_factory.getbasetemp() / "dist"
    if not outdir.is_dir():
        building = tmp_path_factory.mktemp("dist-building")
        result = subprocess.run([sys.executable, "-m", "build", "--outdir", str(building), str(REPO)],
                                capture_output=True, text=True, timeout=600, env=clean_environment())
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "BuildBackendWarning" not in result.stdout + result.stderr, result.stdout[-3000:] + result.stderr[-3000:]
        building.rename(outdir)
    (wheel,) = outdir.glob("*.whl")
    (sdist,) = outdir.glob("*.tar.gz")
    return Distribution(wheel, sdist)


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without anything that ties a command to this repository's venv or run."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith(_FOREIGN)}
    bin_dir = str(Path(sys.executable).parent)
    environ["PATH"] = os.pathsep.join(p for p in environ.get("PATH", "").split(os.pathsep) if p != bin_dir)
    return {**environ, **extra}


def fresh_venv(path: Path) -> Path:
    """A new venv at path (no packages but pip); its bin directory."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120, env=clean_environment())
    return path / "bin"


def pip_install(bin_dir: Path, *requirements: str) -> float:
    """Install into the venv, pinned by requirements.lock; the seconds it took."""
    started = time.monotonic()
    result = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                             "-c", str(LOCK), *requirements], capture_output=True, text=True, timeout=900,
                            env=clean_environment())
    assert result.returncode == 0, result.stderr[-3000:]
    return time.monotonic() - started


def start_installed_mock(bin_dir: Path, cwd: Path, *args: str, timeout: float = 30.0) -> LiveMock:
    """The venv's `mockserver` command on a free loopback port, started in cwd; waits for its URL."""
    process = subprocess.Popen([str(bin_dir / "mockserver"), "--port", "0", "--host", "127.0.0.1", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd,
                               env=clean_environment())
    return listening_server(process, "the installed mockserver", timeout)
