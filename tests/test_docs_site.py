"""The documentation site builds with `mkdocs build --strict` (a broken link, anchor or snippet, or a page left
out of the navigation, fails it), and the README stays a landing page that links into it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

README = REPO / "README.md"
README_LIMIT_BYTES = 10 * 1024


def build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=project, capture_output=True, text=True, timeout=300, env=environ)


def test_the_site_builds_strict_with_every_page(tmp_path: Path) -> None:
    result = build(REPO, tmp_path / "site")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr[-3000:]
    for page in (REPO / "docs").rglob("*.md"):
        relative = page.relative_to(REPO / "docs").with_suffix("")
        built = tmp_path / "site" / ("index.html" if relative.name == "index" else relative / "index.html")
        assert built.is_file(), f"{page} was not built"
    fixtures_page = (tmp_path / "site" / "reference" / "fixtures" / "index.html").read_text(encoding="utf-8")
    assert "default-dataset.json" in fixtures_page  # fixtures/README.md, included as it is


@pytest.mark.slow  # a second build of the whole site
def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO / "docs", project / "docs")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    (project / "fixtures").mkdir()
    shutil.copy(REPO / "fixtures" / "README.md", project / "fixtures" / "README.md")
    page = project / "docs" / "qa.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [the gone page](no-such-page.md).\n", encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "no-such-page.md" in result.stdout + result.stderr


def test_the_readme_is_a_landing_page() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= README_LIMIT_BYTES, "README.md is over 10 KB: move the detail to docs/"
    assert "./dev mock" in text and "./dev test" in text and 'pip install "allmine-viewers-mock[contract]' in text
    for audience in ("Frontend developers", "CI", "QA", "Contributors"):
        assert re.search(rf"^## {audience}\b", text, re.MULTILINE), f"the README has no example for {audience}"


def test_the_readme_links_only_to_files_that_exist() -> None:
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    local = [link for link in links if "://" not in link]
    assert len(local) >= 8
    missing = [link for link in local if not (REPO / link).is_file()]
    assert not missing, missing
