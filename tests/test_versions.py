"""`--version` on every command prints the installed package's version, the one pyproject.toml declares."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from tests.conftest import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
VERSION = PROJECT["version"]
# Each command as pyproject.toml declares it, "package.module:function", as an import of its main.
ENTRY_POINTS = {command: "from {} import {} as main".format(*target.split(":"))
                for command, target in PROJECT["scripts"].items()}


@pytest.mark.parametrize("command", list(ENTRY_POINTS))
def test_version_prints_the_package_version(command: str) -> None:
    program = f"import sys; sys.argv[0] = {command!r}; {ENTRY_POINTS[command]}; sys.exit(main(['--version']))"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{command} {VERSION}\n"
    assert result.stderr == ""
