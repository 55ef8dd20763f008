"""CORS at the proxy: the mock's defaults for the origins it allows, the upstream's own headers otherwise.

A browser page on http://localhost:3000 can call the proxy as it calls the mock. When the upstream
already allows the page's origin, its CORS headers pass through untouched; for an origin the proxy
does not allow (--cors-origins), the upstream's headers, if any, are all the browser gets.
"""

from __future__ import annotations

from starlette.responses import Response

from contract_proxy.proxy_settings import ProxySettings

RawHeaders = list[tuple[bytes, bytes]]
ALLOWED_METHODS = b"DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
EXPOSED_HEADERS = b"WWW-Authenticate, Allow, Retry-After, X-Contract-Violations"
MAX_AGE = b"600"


def _allowed_origin(settings: ProxySettings, origin: str) -> bytes:
    return b"*" if "*" in settings.cors_origins else origin.encode("latin-1")


def cors_headers(settings: ProxySettings, origin: str | None, headers: RawHeaders) -> RawHeaders:
    """The answer's headers with the CORS headers the page's origin needs."""
    if origin is None or not settings.origin_allowed(origin):
        return headers
    upstream_allows = next((value for name, value in headers if name == b"access-control-allow-origin"), None)
    if upstream_allows in (origin.encode("latin-1"), b"*"):
        return headers
    kept = [(name, value) for name, value in headers if not name.startswith(b"access-control-")]
    allowed = _allowed_origin(settings, origin)
    kept += [(b"access-control-allow-origin", allowed), (b"access-control-expose-headers", EXPOSED_HEADERS)]
    if allowed != b"*":
        vary = [value for name, value in kept if name == b"vary"]
        kept = [(name, value) for name, value in kept if name != b"vary"]
        kept.append((b"vary", b", ".join([*vary, b"Origin"])))
    return kept


def preflight_answer(settings: ProxySettings, origin: str, requested_headers: str | None) -> Response:
    """The proxy's own answer to a preflight from an origin it allows: every method, the headers asked for."""
    response = Response(status_code=204)
    headers = [(b"access-control-allow-origin", _allowed_origin(settings, origin)),
               (b"access-control-allow-methods", ALLOWED_METHODS), (b"access-control-max-age", MAX_AGE),
               (b"vary", b"Origin")]
    if requested_headers:
        headers.append((b"access-control-allow-headers", requested_headers.encode("latin-1")))
    response.raw_headers = headers
    return response
