"""A request line in raw UTF-8 (`curl "…?search=ayşe"` as pasted) is forwarded, not refused.

uvicorn's HTTP parsers (h11, httptools) refuse bytes beyond ASCII in a request target with their own
plain-text 400, before the proxy sees the request; the mock (Granian) and most servers take them. This
adapter percent-encodes those bytes in the request line only, before h11 parses it, so the proxy sees the
same request a browser's `fetch` sends (`search=ay%C5%9Fe`) and forwards it. It subclasses uvicorn's
`H11Protocol` (not a public API): tests/test_proxy.py fails loudly if a release changes what it relies on.
"""

from __future__ import annotations

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


def percent_encode_beyond_ascii(data: bytes) -> bytes:
    """Every byte 0x80-0xFF as %XX; the rest as it is."""
    if data.isascii():
        return data
    return b"".join(b"%%%02X" % byte if byte >= 0x80 else bytes((byte,)) for byte in data)


class RawTargetH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, taking a request target in raw UTF-8 as its percent-encoded form."""

    def data_received(self, data: bytes) -> None:
        connection: h11.Connection = self.conn
        pending, _ = connection.trailing_data
        if connection.their_state is h11.IDLE and b"\n" not in pending:  # still in the request line
            line, newline, rest = data.partition(b"\n")
            data = percent_encode_beyond_ascii(line) + newline + rest
        super().data_received(data)
