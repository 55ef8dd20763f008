"""What the proxy does to headers and bodies on the way through, and its own envelope answers."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import zlib
from collections.abc import Sequence

from starlette.responses import Response

RawHeaders = list[tuple[bytes, bytes]]
HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te", b"trailer",
              b"trailers", b"transfer-encoding", b"upgrade", b"proxy-connection"}
DECODABLE = {"gzip", "x-gzip", "deflate", "identity"}


def hop_by_hop(headers: RawHeaders) -> set[bytes]:
    """The hop-by-hop header names: the standard ones and those the Connection header names."""
    named = {part.strip().lower() for name, value in headers if name.lower() == b"connection"
             for part in value.split(b",")}
    return HOP_BY_HOP | named


def end_to_end(headers: RawHeaders, *, drop: Sequence[bytes] = ()) -> RawHeaders:
    """The headers that go on to the other side, names in lower case."""
    skipped = hop_by_hop(headers) | set(drop)
    return [(name.lower(), value) for name, value in headers if name.lower() not in skipped]


def decodable_accept_encoding(value: str) -> str | None:
    """Accept-Encoding without the codings the proxy cannot read (br, zstd): None when nothing is left."""
    kept = [part.strip() for part in value.split(",")
            if part.split(";")[0].strip().lower() in DECODABLE and part.strip()]
    return ", ".join(kept) or None


def decoded(body: bytes, content_encoding: str | None) -> bytes | None:
    """The body without its content coding; None when the proxy cannot decode it."""
    coding = (content_encoding or "identity").strip().lower()
    if coding == "identity":
        return body
    try:
        if coding in {"gzip", "x-gzip"}:
            return zlib.decompress(body, 16 + zlib.MAX_WBITS)
        if coding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)
    except zlib.error:
        return None
    return None


def now_timestamp() -> str:
    now = dt.datetime.now(dt.UTC)
    return f"{now:%Y-%m-%dT%H:%M:%S}.{now.microsecond // 1000:03d}Z"


def envelope_response(status: int, errors: list[str], extra: RawHeaders) -> Response:
    """An answer of the proxy's own, in the API's error envelope."""
    body = json.dumps({"isSuccess": False, "statusCode": status, "data": None, "errors": errors,
                       "timestamp": now_timestamp()}, ensure_ascii=False, separators=(",", ":")).encode()
    response = Response(body, status_code=status, media_type="application/json")
    response.raw_headers = [*response.raw_headers, (b"date", email.utils.formatdate(usegmt=True).encode()),
                            *extra]
    return response
