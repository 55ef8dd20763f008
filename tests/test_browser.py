"""A real browser on another origin calls the mock with fetch(): CORS where frontend developers live."""

from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from mockserver.core.dataset import EXAMPLE_STREAM_ID
from tests.conftest import VIEWERS, LiveMock, start_mock, stop_mock

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
INSTALL_HINT = "Chromium is not installed: on Debian or Ubuntu run `sudo apt-get install chromium` (.ci/run does)"
# On a laptop without Chromium the test is skipped; in CI (CI=true) it must run, so a missing browser fails it.
pytestmark = pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI", "").lower() != "true", reason=INSTALL_HINT)

PAGE = """<!doctype html>
<html><body><pre id="result">pending</pre>
<script>
const api = %(api)s, token = %(token)s;
async function call(headers) {
  try {
    const response = await fetch(api + "?page=2&limit=5", {headers});
    return {status: response.status, challenge: response.headers.get("WWW-Authenticate"), body: await response.json()};
  } catch (error) {
    return {failed: String(error)};
  }
}
(async () => {
  const page = await call({"Authorization": "Bearer " + token});
  const unauthorised = await call({});
  document.getElementById("result").textContent = JSON.stringify({page, unauthorised});
})();
</script></body></html>
"""


@pytest.fixture
def page_origin(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A second loopback origin that serves the test page."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    server.server_close()


def run_page(page_origin: tuple[str, Path], mock: LiveMock, token: str) -> dict[str, Any]:
    assert CHROMIUM is not None, INSTALL_HINT
    origin, folder = page_origin
    api = mock.base_url + VIEWERS.format(EXAMPLE_STREAM_ID)
    (folder / "index.html").write_text(PAGE % {"api": json.dumps(api), "token": json.dumps(token)})
    profile = folder / "profile"
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom", f"{origin}/index.html",
    ]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=90).stdout
    match = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert match, f"the page did not render a result:\n{dom[:2000]}"
    result: dict[str, Any] = json.loads(html.unescape(match.group(1)))
    return result


def test_a_page_on_another_origin_reads_viewers_and_a_401(page_origin: tuple[str, Path], live_mock: LiveMock,
                                                          token: str) -> None:
    result = run_page(page_origin, live_mock, token)
    page, unauthorised = result["page"], result["unauthorised"]
    assert page["status"] == 200, page
    assert page["body"]["data"]["pagination"]["currentPage"] == 2 and len(page["body"]["data"]["list"]) == 5
    assert unauthorised["status"] == 401, unauthorised
    assert unauthorised["body"]["errors"][0] == "Authentication required"
    assert unauthorised["challenge"].startswith("Bearer")


def test_the_browser_blocks_an_origin_the_mock_does_not_allow(page_origin: tuple[str, Path], token: str) -> None:
    mock = start_mock("--cors-origins", "https://app.example.com")
    try:
        result = run_page(page_origin, mock, token)
    finally:
        stop_mock(mock)
    assert "failed" in result["page"] and "failed" in result["unauthorised"]
