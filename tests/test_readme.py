"""The examples of the README and of the documentation site's pages, run: what a newcomer pastes first must show
data, and every curl line against the mock must answer."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
PAGES = sorted((REPO / "docs").rglob("*.md"))


def curl_urls(text: str = README) -> list[str]:
    """The URLs of a text's curl commands against the mock, in order."""
    commands = re.findall(r"curl [^`]*?\"(http://127\.0\.0\.1:8080/api/[^\"]+)\"", text.replace("\\\n", " "))
    return [url for url in commands if "…" not in url]


def every_curl_url() -> list[str]:
    """The README's curl URLs, then each documentation page's."""
    return [url for text in [README, *(page.read_text(encoding="utf-8") for page in PAGES)] for url in curl_urls(text)]


def test_the_first_curl_example_returns_viewers(client: TestClient, auth: dict[str, str]) -> None:
    first = curl_urls()[0]
    parts = urlsplit(first)
    response = client.get(f"{parts.path}?{parts.query}", headers=auth)
    assert response.status_code == 200
    assert response.json()["data"]["list"], f"{first} shows an empty list"


def test_every_curl_example_answers(client: TestClient, auth: dict[str, str]) -> None:
    urls = every_curl_url()
    assert len(urls) >= 4
    for url in urls:
        parts = urlsplit(url)
        assert client.get(f"{parts.path}?{parts.query}", headers=auth).status_code == 200, url
