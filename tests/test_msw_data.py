"""The npm package ships what the Python mock generates: its data module and its types are current, and a
stale copy is told apart (the check fails, naming the command that regenerates it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.msw_support import MSW, installed, needs_npm

GENERATOR = MSW / "scripts" / "generate_data.py"
SHIPPED = MSW / "src" / "data" / "dataset.ts"
TYPES = MSW / "src" / "types" / "openapi.ts"


def check(output: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(GENERATOR), "--check", "-o", str(output)], capture_output=True,
                          text=True, timeout=300)


def test_the_shipped_data_is_what_the_mock_generates() -> None:
    result = check(SHIPPED)
    assert result.returncode == 0, result.stderr


def test_a_stale_copy_of_the_data_fails_the_check(tmp_path: Path) -> None:
    stale = tmp_path / "dataset.ts"
    stale.write_text(SHIPPED.read_text(encoding="utf-8").replace('\\"Documented example\\"', '\\"Renamed\\"', 1),
                     encoding="utf-8")
    result = check(stale)
    assert result.returncode == 1
    assert "is not current: run python msw/scripts/generate_data.py" in result.stderr


@needs_npm
def test_the_shipped_types_are_what_openapi_typescript_makes_of_the_spec(tmp_path: Path) -> None:
    folder = installed()
    generated = tmp_path / "openapi.ts"
    command = [str(folder / "node_modules" / ".bin" / "openapi-typescript"), str(MSW.parent / "openapi.yaml")]
    result = subprocess.run([*command, "-o", str(generated)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert generated.read_text(encoding="utf-8") == TYPES.read_text(encoding="utf-8"), (
        "msw/src/types/openapi.ts is not current: run npm run types in msw/")
