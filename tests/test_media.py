"""Avatars that load offline: the photos of the data point at the mock, which draws them with Pillow."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from PIL import Image, ImageDraw, ImageFont
from starlette.testclient import TestClient

from mockserver.core.avatars import FONT_PATH, INITIAL_LETTERS, colour, initials
from mockserver.core.dataset import EXAMPLE_STREAM_ID, LIVE_STREAM_ID
from mockserver.settings import Settings
from mockserver.web.app import create_app
from tests.conftest import VIEWERS


def photos(client: TestClient, auth: dict[str, str], stream_id: str = EXAMPLE_STREAM_ID) -> list[dict[str, object]]:
    body = client.get(VIEWERS.format(stream_id), params={"limit": 100}, headers=auth).json()
    return [viewer["profilePhoto"] for viewer in body["data"]["list"] if viewer["profilePhoto"]]


@pytest.mark.parametrize("stream_id", [EXAMPLE_STREAM_ID, LIVE_STREAM_ID])
def test_every_photo_url_loads_as_an_image_of_the_right_size(client: TestClient, auth: dict[str, str],
                                                             stream_id: str) -> None:
    found = photos(client, auth, stream_id)
    assert len(found) > 10
    for photo in found[:12]:
        urls = {"photo": photo["url"], **photo["variants"]}  # type: ignore[dict-item]
        assert set(urls) == {"photo", "40", "76"}
        for size, url in urls.items():
            assert isinstance(url, str) and url.startswith("http://testserver/media/avatars/")
            response = client.get(url)
            assert response.status_code == 200
            expected_format = "JPEG" if size == "photo" else "WEBP"
            assert response.headers["content-type"] == f"image/{expected_format.lower()}"
            image = Image.open(io.BytesIO(response.content))
            image.load()
            assert image.format == expected_format
            assert image.size == ((256, 256) if size == "photo" else (int(size), int(size)))


def test_avatars_are_cacheable_and_readable_from_any_origin(client: TestClient, auth: dict[str, str]) -> None:
    url = photos(client, auth)[0]["variants"]["40"]  # type: ignore[index]
    response = client.get(url, headers={"Origin": "https://app.example.org"})
    assert "immutable" in response.headers["cache-control"] and response.headers["etag"]
    assert response.headers["access-control-allow-origin"] == "*"
    again = client.get(url, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and int(head.headers["content-length"]) > 0


def test_the_picture_is_the_viewers_initials_on_their_colour(client: TestClient, auth: dict[str, str]) -> None:
    body = client.get(VIEWERS.format(EXAMPLE_STREAM_ID), headers=auth).json()
    viewer = next(v for v in body["data"]["list"] if v["profilePhoto"])
    letters = quote(initials(viewer["name"], viewer["surname"]), safe="")
    assert f"/{viewer['_id']}/{letters}/" in viewer["profilePhoto"]["url"]
    image = Image.open(io.BytesIO(client.get(viewer["profilePhoto"]["variants"]["76"]).content)).convert("RGB")
    corner = image.getpixel((1, 1))
    assert isinstance(corner, tuple)
    assert all(abs(a - b) <= 12 for a, b in zip(corner, colour(viewer["_id"]), strict=True))  # lossy WebP
    assert len(image.getcolors(maxcolors=100_000) or []) > 10  # letters drawn on it, not a flat square


@pytest.mark.parametrize(("name", "surname", "letters"), [
    ("Özdeş", "Aslan", "ÖA"), ("Çağla", "Şahin", "ÇŞ"), ("İlker", "Ödemiş", "İÖ"), ("ılgın", "yılmaz", "IY"),
    ("Ümit", "Ğ", "ÜĞ"), ("Łukasz", "Ørsted", "ŁØ"), ("ßabine", "", "S"), ("Ǆemal", "Ṩen", "DS"),
    ("'Ali", "(Can)", "AC"), ("李", "", "-"), ("", "", "-")])
def test_initials_keep_their_letters(name: str, surname: str, letters: str) -> None:
    assert initials(name, surname) == letters


def glyph(letter: str) -> bytes:
    font = ImageFont.truetype(str(FONT_PATH), 64)
    image = Image.new("L", (96, 96))
    ImageDraw.Draw(image).text((48, 48), letter, font=font, anchor="mm", fill=255)
    return image.tobytes()


def test_the_bundled_font_draws_every_initial_letter_distinctly() -> None:
    missing = glyph("\u0378")  # an unassigned code point: the font's "no glyph" box
    drawn = {letter: glyph(letter) for letter in sorted(INITIAL_LETTERS)}
    assert set("ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ") <= INITIAL_LETTERS  # the Turkish alphabet's capitals
    assert [letter for letter, bitmap in drawn.items() if bitmap == missing or not any(bitmap)] == []
    alike = {frozenset(letter for letter in drawn if drawn[letter] == bitmap) for bitmap in drawn.values()}
    assert {group for group in alike if len(group) > 1} == {frozenset("ÐĐ")}  # Ö is not drawn as O, nor Ş as S


def test_an_avatar_of_turkish_initials_is_drawn_with_them(client: TestClient, auth: dict[str, str]) -> None:
    body = client.get(VIEWERS.format(EXAMPLE_STREAM_ID), params={"limit": 100}, headers=auth).json()
    viewer = next(v for v in body["data"]["list"] if v["profilePhoto"] and v["name"] == "Özdeş")
    url = viewer["profilePhoto"]["url"]
    assert f"/{viewer['_id']}/%C3%96{viewer['surname'][0]}/photo.jpg" in url
    turkish = client.get(url)
    plain = client.get(url.replace("/%C3%96", "/O"))
    assert turkish.status_code == plain.status_code == 200
    assert turkish.content != plain.content


@pytest.mark.parametrize("path", ["/media/avatars/zz/AB/40.webp", "/media/avatars/6722c52cac83ff594e000000/AB/41.webp",
                                  "/media/nothing", "/media/avatars/6722c52cac83ff594e000000/abc/40.webp",
                                  "/media/avatars/6722c52cac83ff594e000000/ab/40.webp",
                                  "/media/avatars/6722c52cac83ff594e000000/%E6%9D%8E/40.webp"])
def test_a_wrong_media_path_is_a_404_envelope(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and response.json()["errors"][0] == "Resource not found"


def test_documented_media_keeps_the_documented_urls(auth: dict[str, str]) -> None:
    with TestClient(create_app(Settings(media="documented"))) as documented:
        found = photos(documented, auth)
    assert all(re.match(r"https://example\.com/uploads/images/[0-9a-f]{24}\.jpg$", str(p["url"])) for p in found)
    assert all(str(url).startswith("https://cdn.example.com/profiles/") for p in found
               for url in p["variants"].values())  # type: ignore[attr-defined]


def test_the_urls_follow_the_host_the_client_used(client: TestClient, auth: dict[str, str]) -> None:
    body = client.get(VIEWERS.format(EXAMPLE_STREAM_ID), headers={**auth, "Host": "localhost:9999"}).json()
    urls = [v["profilePhoto"]["url"] for v in body["data"]["list"] if v["profilePhoto"]]
    assert urls and all(url.startswith("http://localhost:9999/media/") for url in urls)
