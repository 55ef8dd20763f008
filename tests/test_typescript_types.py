"""TypeScript frontends generate their types from openapi.yaml as the frontend page (docs/frontend.md) shows,
without a warning, and the types describe the envelope a frontend reads. Needs npm (and its registry); skipped
with a hint without."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.built_distribution import REPO

OPENAPI_TYPESCRIPT = "openapi-typescript@7.13.0"  # the version docs/frontend.md pins
TYPESCRIPT = "typescript@7.0.2"
HINT = "npm is not installed: install Node.js 18 or newer (Debian/Ubuntu: sudo apt-get install npm)"
pytestmark = [pytest.mark.slow,  # installs and runs npm packages
              pytest.mark.skipif(shutil.which("npx") is None and os.environ.get("CI", "").lower() != "true",
                                 reason=HINT)]

USE = """import type { paths } from "./viewers";
type Page = paths["/api/v1/live-stream/{id}/viewers"]["get"]["responses"][200]["content"]["application/json"];
type Failure = paths["/api/v1/live-stream/{id}/viewers"]["get"]["responses"][400]["content"]["application/json"];
export const total = (page: Page): number => page.data.pagination.%s;
export const following = (page: Page): boolean | undefined => page.data.list[0]?.isFollowing;
export const firstError = (failure: Failure): string | undefined => failure.errors[0];
export const neverSet: Page["data"]["list"][number]["expertise"] = null;  // nullable, so frontends handle it
"""


def generate(spec: Path, output: Path) -> tuple[int, list[str]]:
    """`npx openapi-typescript SPEC -o OUTPUT`: its exit status, and every line it printed beyond its two
    progress lines (warnings, errors)."""
    result = subprocess.run(["npx", "--yes", OPENAPI_TYPESCRIPT, str(spec), "-o", str(output)], cwd=output.parent,
                            capture_output=True, text=True, timeout=300)
    lines = (result.stdout + result.stderr).splitlines()
    return result.returncode, [line for line in lines if line.strip() and not line.startswith(("✨", "🚀"))]


def type_check(folder: Path, field: str) -> subprocess.CompletedProcess[str]:
    (folder / "use.ts").write_text(USE % field, encoding="utf-8")
    return subprocess.run(["npx", "--yes", "-p", TYPESCRIPT, "tsc", "--strict", "--noEmit", "use.ts", "viewers.d.ts"],
                          cwd=folder, capture_output=True, text=True, timeout=300)


def test_the_spec_generates_typescript_types_without_a_warning(tmp_path: Path) -> None:
    status, complaints = generate(REPO / "openapi.yaml", tmp_path / "viewers.d.ts")
    assert status == 0 and complaints == [], complaints
    checked = type_check(tmp_path, "totalItems")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_types_reject_a_field_the_contract_does_not_have(tmp_path: Path) -> None:
    generate(REPO / "openapi.yaml", tmp_path / "viewers.d.ts")
    checked = type_check(tmp_path, "totalCount")
    assert checked.returncode != 0 and "totalCount" in checked.stdout


def test_a_spec_with_a_dangling_reference_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    spec = (REPO / "openapi.yaml").read_text(encoding="utf-8")
    broken.write_text(spec.replace("#/components/schemas/", "#/components/schemas/Missing", 1), encoding="utf-8")
    status, complaints = generate(broken, tmp_path / "viewers.d.ts")
    assert status != 0 and any("Can't resolve $ref" in line for line in complaints), complaints
