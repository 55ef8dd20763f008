"""The npm package's own tests (Vitest: the README's setupServer example, the component test of a viewers
list, the handlers' units), its type check, and the setupWorker example in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from tests.msw_support import MSW, installed, needs_npm, npm

pytestmark = needs_npm
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_vitest_examples_and_units_pass() -> None:
    result = npm("test", cwd=installed(), timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "failed" not in result.stdout.lower()


def test_the_package_and_its_examples_type_check() -> None:
    result = npm("run", "--silent", "typecheck", cwd=installed(), timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI", "").lower() != "true",
                    reason="Chromium is not installed: on Debian or Ubuntu run `sudo apt-get install chromium`")
def test_the_setup_worker_example_answers_in_headless_chromium() -> None:
    assert CHROMIUM is not None, "Chromium is not installed (CI needs it: .ci/run installs it)"
    result = subprocess.run(["node", "test/browser-check.mjs", CHROMIUM], cwd=installed(), capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    page = json.loads(result.stdout.strip().splitlines()[-1])
    assert page["controlled"] is True and page["errors"] == []  # the service worker answered, nothing failed
    assert page["status"] == "45 viewers" and len(page["names"]) == 5
    assert page["names"][0].startswith("Zülgarni Çorlu")
    assert page["photoWidth"] == 40  # the data URL photo decoded, with no network


def test_the_readme_shows_the_examples_that_run() -> None:
    """msw/README.md's examples are the files Vitest and the browser check run, verbatim."""
    readme = (MSW / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```ts\n(.*?)```", readme, flags=re.DOTALL)
    for example in ("node.test.ts", "browser/main.ts", "viewers-list.test.ts"):
        assert (MSW / "examples" / example).read_text(encoding="utf-8") in blocks, example
