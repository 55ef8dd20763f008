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
from typing import TYPE_CHECKING

from mockserver.core.model import Viewer

if TYPE_CHECKING:
    from PIL import ImageFont

ORIGIN_PLACEHOLDER = "http://mock-origin.invalid"  # replaced by the origin a request reached the mock at
MEDIA_PREFIX = "/media/avatars/"
PHOTO_EDGE = 256
VARIANT_EDGES = (40, 76)
_NO_INITIALS = "-"
MEDIA_PATH = re.compile(r"/media/avatars/(?P<id>[0-9a-f]{24})/(?P<initials>[A-Z]{1,2}|-)/"
                        r"(?:(?P<edge>40|76)\.webp|(?P<photo>photo)\.jpg)")


@lru_cache(maxsize=65536)  # names repeat: each pair is worked out once
def initials(name: str, surname: str) -> str:
    """Up to two capital ASCII letters (Çağla Şahin: CS), or "-" for none; what the bundled font can draw."""
    letters = ""
    for part in (name, surname):
        folded = unicodedata.normalize("NFKD", part.replace("ı", "i").replace("İ", "I"))
        first = next((ch for ch in folded if ch.isascii() and ch.isalpha()), "")
        letters += first.upper()
    return letters or _NO_INITIALS


def colour(viewer_id: str) -> tuple[int, int, int]:
    """A stable, readable background colour for a viewer: the hue from a hash of the id."""
    hue = int.from_bytes(hashlib.blake2b(viewer_id.lower().encode(), digest_size=2).digest(), "big") / 65536
    red, green, blue = colorsys.hls_to_rgb(hue, 0.42, 0.55)
    return round(red * 255), round(green * 255), round(blue * 255)


def local_photo_urls(viewer: Viewer) -> tuple[str, dict[str, str]]:
    """The URL and variants of the viewer's photo on the mock's own origin (placeholder)."""
    base = f"{ORIGIN_PLACEHOLDER}{MEDIA_PREFIX}{viewer.id.lower()}/{initials(viewer.name, viewer.surname)}"
    return f"{base}/photo.jpg", {str(edge): f"{base}/{edge}.webp" for edge in VARIANT_EDGES}


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont  # imported on the first picture, not at start-up

    return ImageFont.load_default(size=size)


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
