"""The README's examples, run: what a newcomer pastes first must show data."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def curl_urls() -> list[str]:
    """The URLs of the README's curl commands against the mock, in order."""
    commands = re.findall(r"curl [^`]*?\"(http://127\.0\.0\.1:8080/api/[^\"]+)\"", README.replace("\\\n", " "))
    return [url for url in commands if "…" not in url]


def test_the_first_curl_example_returns_viewers(client: TestClient, auth: dict[str, str]) -> None:
    first = curl_urls()[0]
    parts = urlsplit(first)
    response = client.get(f"{parts.path}?{parts.query}", headers=auth)
    assert response.status_code == 200
    assert response.json()["data"]["list"], f"{first} shows an empty list"


def test_every_curl_example_answers(client: TestClient, auth: dict[str, str]) -> None:
    urls = curl_urls()
    assert len(urls) >= 2
    for url in urls:
        parts = urlsplit(url)
        assert client.get(f"{parts.path}?{parts.query}", headers=auth).status_code == 200, url
