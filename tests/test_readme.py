"""The examples of the README and of the documentation site's pages, run: what a newcomer pastes first must show
data, and every curl line against the mock must answer."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from starlette.testclient import TestClient

from mockserver.core.dataset import EXAMPLE_STREAM_ID
from mockserver.core.search import fold
from tests.conftest import REPO, VIEWERS

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


DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("**/*.md"))]
# `search=TERM`, the stream its URL names if any, and the name it says the term finds (`search=X` finds "Y").
SEARCH_EXAMPLE = re.compile(r"(?:/live-stream/(?P<stream>[0-9a-f]{24})/viewers\?[^\"`\s]*?)?"
                            r"search=(?P<term>[^&\"'`\s)]+)`?(?: finds \"(?P<finds>[^\"]+)\")?")


def search_examples() -> list[tuple[str, str, str, str | None]]:
    """(document, stream, term, the name it finds if the text says) for every `search=` in the docs."""
    found = []
    for document in DOCUMENTS:
        for match in SEARCH_EXAMPLE.finditer(document.read_text(encoding="utf-8")):
            found.append((str(Path(document).relative_to(REPO)), match["stream"] or EXAMPLE_STREAM_ID,
                          unquote(match["term"]), match["finds"]))
    return found


def test_every_documented_search_finds_viewers_in_the_default_data(client: TestClient, auth: dict[str, str]) -> None:
    examples = search_examples()
    assert len(examples) >= 4, examples
    for document, stream, term, finds in examples:
        response = client.get(VIEWERS.format(stream), params={"search": term, "limit": "100"}, headers=auth)
        assert response.status_code == 200, (document, term, response.text)
        viewers = response.json()["data"]["list"]
        assert viewers, f"{document}: search={term} finds nobody in stream {stream} of the default data"
        if finds is not None:
            shown = [fold(v[key]) for v in viewers for key in ("name", "surname", "username")]
            assert fold(finds) in shown, f"{document}: search={term} does not find {finds!r}"
