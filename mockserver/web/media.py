"""The mock's own paths beside the API: generated avatars under /media/, and / pointing at Swagger UI."""

from __future__ import annotations

import hashlib
import logging
import re

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.core.avatars import MEDIA_PATH, PHOTO_EDGE, avatar, is_initials

logger = logging.getLogger("mockserver")
_HOST = re.compile(r"(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
_CACHE_CONTROL = "public, max-age=31536000, immutable"  # a URL always names the same picture


def request_origin(scope: Scope, fallback: str) -> str:
    """The origin the client reached the mock at (its Host header), else the configured one."""
    host = Headers(scope=scope).get("host", "")
    if not _HOST.fullmatch(host):
        return fallback
    return f"{scope.get('scheme', 'http')}://{host}"


class MediaMiddleware:
    """Answers GET /media/avatars/… with a generated avatar and GET / with a redirect to /ui/."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/":
            await RedirectResponse("/ui/", status_code=307)(scope, receive, send)
            return
        if not path.startswith("/media/"):
            await self._app(scope, receive, send)
            return
        if scope["method"] not in {"GET", "HEAD"}:
            raise HTTPException(405, headers={"Allow": "GET, HEAD"})
        match = MEDIA_PATH.fullmatch(path)
        if match is None or not is_initials(match["initials"]):
            raise HTTPException(404, f"No picture at {path}: avatars are /media/avatars/ID/INITIALS/40.webp, "
                                     "76.webp or photo.jpg")
        if match["photo"]:
            body, media_type = avatar(match["id"], match["initials"], PHOTO_EDGE, "JPEG"), "image/jpeg"
        else:
            body, media_type = avatar(match["id"], match["initials"], int(match["edge"]), "WEBP"), "image/webp"
        etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
        headers = {"Cache-Control": _CACHE_CONTROL, "ETag": etag, "Access-Control-Allow-Origin": "*"}
        if Headers(scope=scope).get("if-none-match") == etag:
            await Response(status_code=304, headers=headers)(scope, receive, send)
            return
        await Response(body if scope["method"] == "GET" else b"", media_type=media_type,
                       headers={**headers, "Content-Length": str(len(body))})(scope, receive, send)


class LoggingCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, saying once per origin when it refuses one, and how to allow it."""

    _told: set[str]

    def is_allowed_origin(self, origin: str) -> bool:
        allowed = bool(super().is_allowed_origin(origin))
        told = self.__dict__.setdefault("_told", set())
        if not allowed and origin not in told and len(told) < 100:
            told.add(origin)
            logger.warning("mockserver: refused a browser request from origin %s (CORS); allow it with "
                           "--cors-origins %s (or MOCK_CORS_ORIGINS)", origin, origin)
        return allowed
