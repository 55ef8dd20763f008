"""Why a request got no answer, in plain words: what a person setting up a run can act on, not an exception's repr."""

from __future__ import annotations

import socket
import ssl

import httpx

_REFUSED = ("connection refused", "errno 111", "errno 61")
_NO_NAME = ("name or service not known", "nodename nor servname", "temporary failure in name resolution",
            "no address associated", "getaddrinfo failed", "errno -2", "errno -3", "errno -5", "errno 11001")


def _causes(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def transport_words(error: httpx.TransportError, url: httpx.URL | str) -> str:
    """What went wrong on the way to `url` (the host and port asked), in words: refused, no such host, timed out,
    TLS, connection closed; else the error's own message."""
    where = httpx.URL(str(url))
    port = where.port or (443 if where.scheme == "https" else 80)
    address = f"{where.host}:{port}"
    chain = _causes(error)
    text = " ".join(str(item) for item in chain).lower()
    if isinstance(error, httpx.TimeoutException):
        kind = {httpx.ConnectTimeout: "no connection", httpx.ReadTimeout: "no answer",
                httpx.WriteTimeout: "the request could not be sent", httpx.PoolTimeout: "no free connection"}
        return f"timed out: {kind.get(type(error), 'no answer')} within the timeout"
    if any(isinstance(item, ConnectionRefusedError) for item in chain) or any(word in text for word in _REFUSED):
        return f"connection refused (nothing listens on {address}?)"
    if any(isinstance(item, socket.gaierror) for item in chain) or any(word in text for word in _NO_NAME):
        return f"the host name {where.host} is not known (DNS found no address for it)"
    if any(isinstance(item, ssl.SSLError) for item in chain) or "ssl" in text or "record layer" in text:
        return "the TLS handshake failed" + (f" ({str(error).strip()})" if str(error).strip() else "")
    if any(isinstance(item, ConnectionResetError) for item in chain) or "reset by peer" in text:
        return f"the connection to {address} was reset before an answer came"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"{address} closed the connection without a complete HTTP answer ({error})"
    return str(error).strip() or f"the connection to {address} failed ({type(error).__name__})"
