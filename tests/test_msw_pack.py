"""`npm pack` of the package installs into an empty Vite + Vitest project (from the npm cache where it can), and
the README's setupServer example passes there, importing the package by its name as any project does."""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

from tests.msw_support import MSW, installed, needs_npm, npm

pytestmark = needs_npm


def locked_version(name: str) -> str:
    lock = json.loads((MSW / "package-lock.json").read_text(encoding="utf-8"))
    return str(lock["packages"][f"node_modules/{name}"]["version"])


def test_the_packed_package_works_in_an_empty_vite_project(tmp_path: Path) -> None:
    installed()  # built: the pack needs no second build (its prepack script)
    packed = npm("pack", "--silent", "--ignore-scripts", "--pack-destination", str(tmp_path), timeout=600)
    assert packed.returncode == 0, packed.stdout + packed.stderr
    tarball = tmp_path / packed.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert "package/dist/index.js" in names and "package/dist/cli/bin.js" in names and "package/README.md" in names
    assert not [name for name in names if name.startswith(("package/src/", "package/node_modules/", "package/test"))]

    project = tmp_path / "app"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"name": "app", "private": True, "type": "module",
                                                      "scripts": {"test": "vitest run"}}), encoding="utf-8")
    (project / "vite.config.js").write_text("export default {};\n", encoding="utf-8")
    dependencies = [str(tarball), *(f"{name}@{locked_version(name)}" for name in ("msw", "vite", "vitest"))]
    added = npm("install", "--save-dev", "--prefer-offline", "--no-audit", "--no-fund", *dependencies, cwd=project,
                timeout=900)
    assert added.returncode == 0, added.stdout + added.stderr
    shutil.copy(MSW / "examples" / "node.test.ts", project / "viewers.test.ts")
    tested = npm("test", cwd=project, timeout=600)
    assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-2000:]
    assert "2 passed" in tested.stdout
    bin_help = npm("exec", "--no", "--", "allmine-viewers-msw", "--version", cwd=project, timeout=120)
    assert bin_help.stdout.startswith("allmine-viewers-msw "), bin_help.stdout + bin_help.stderr
