"""Generated avatars: a viewer's initials on a colour drawn from their id, as WebP or JPEG, with Pillow.

With local media (the default), the photos of the data point at the mock's own origin, so a list
renders with faces and no network: `url` is a 256 px JPEG, the `40` and `76` variants are WebP.
The URL carries all a picture needs (id and initials), so any worker draws it without a lookup.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from mockserver.core.model import Viewer

if TYPE_CHECKING:
    from PIL import ImageFont

ORIGIN_PLACEHOLDER = "http://mock-origin.invalid"  # replaced by the origin a request reached the mock at
MEDIA_PREFIX = "/media/avatars/"
PHOTO_EDGE = 256
VARIANT_EDGES = (40, 76)
FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "initials.ttf"
# The capitals the bundled font draws: A-Z and the capitals of Latin-1 and Latin Extended-A, so every Turkish
# letter (Ç Ğ İ Ö Ş Ü) and most European ones keep their marks; any other letter is drawn as its base letter.
INITIAL_LETTERS = frozenset([chr(code) for code in range(0x41, 0x5B)]
                            + [chr(code) for code in range(0xC0, 0x180) if chr(code).isupper()])
_NO_INITIALS = "-"
MEDIA_PATH = re.compile(r"/media/avatars/(?P<id>[0-9a-f]{24})/(?P<initials>[^/]{1,2})/"
                        r"(?:(?P<edge>40|76)\.webp|(?P<photo>photo)\.jpg)")


def initial(part: str) -> str:
    """The capital of a name's first letter as the font draws it (ö: Ö, ı: I, ł: Ł), or "" for none."""
    first = next((ch for ch in unicodedata.normalize("NFC", part) if ch.isalpha()), "")
    capital = ("I" if first == "ı" else first.upper())[:1]  # "ß".upper() is "SS"
    if capital in INITIAL_LETTERS:
        return capital
    return next((ch for ch in unicodedata.normalize("NFKD", capital) if ch in INITIAL_LETTERS), "")


@lru_cache(maxsize=65536)  # names repeat: each pair is worked out once
def initials(name: str, surname: str) -> str:
    """Up to two capitals (Özdeş Aslan: ÖA, Çağla Şahin: ÇŞ), or "-" for none (李: -)."""
    return initial(name) + initial(surname) or _NO_INITIALS


def is_initials(text: str) -> bool:
    """Whether a media path's initials are ones `initials` can give."""
    return text == _NO_INITIALS or (0 < len(text) <= 2 and all(ch in INITIAL_LETTERS for ch in text))


def colour(viewer_id: str) -> tuple[int, int, int]:
    """A stable, readable background colour for a viewer: the hue from a hash of the id."""
    hue = int.from_bytes(hashlib.blake2b(viewer_id.lower().encode(), digest_size=2).digest(), "big") / 65536
    red, green, blue = colorsys.hls_to_rgb(hue, 0.42, 0.55)
    return round(red * 255), round(green * 255), round(blue * 255)


def local_photo_urls(viewer: Viewer) -> tuple[str, dict[str, str]]:
    """The URL and variants of the viewer's photo on the mock's own origin (placeholder)."""
    letters = quote(initials(viewer.name, viewer.surname), safe="")  # Ö travels as %C3%96
    base = f"{ORIGIN_PLACEHOLDER}{MEDIA_PREFIX}{viewer.id.lower()}/{letters}"
    return f"{base}/photo.jpg", {str(edge): f"{base}/{edge}.webp" for edge in VARIANT_EDGES}


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont  # imported on the first picture, not at start-up

    return ImageFont.truetype(str(FONT_PATH), size)


@lru_cache(maxsize=2048)
def avatar(viewer_id: str, letters: str, edge: int, image_format: str) -> bytes:
    """The avatar as image bytes: `letters` centred in white on the viewer's colour, `edge` pixels square."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (edge, edge), colour(viewer_id))
    if letters != _NO_INITIALS:
        ImageDraw.Draw(image).text((edge / 2, edge / 2), letters, font=_font(int(edge * 0.42)), anchor="mm",
                                   fill=(255, 255, 255))
    output = io.BytesIO()
    image.save(output, format=image_format, quality=85)
    return output.getvalue()
