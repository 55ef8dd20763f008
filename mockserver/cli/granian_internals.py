"""The private names of Granian this mock relies on, each reached here and nowhere else.

Granian binds its own socket when its process server starts; the mock binds first (so that `--port 0` can print
the real port, and a taken port is one clear line before anything starts) and hands that socket over. Granian has
no public way to take a bound socket: `PreboundGranian` replaces its `_init_shared_socket`, setting the attributes
that method sets, and builds the `granian._granian.SocketHolder` it would have built. `tests/test_granian_internals.py`
fails, naming the Granian release, when one of them changes (pyproject.toml's range stops below the next minor
release for that reason).
"""

from __future__ import annotations

import socket
from typing import Any

from granian._granian import SocketHolder
from granian.server.mp import MPServer

# What Granian's own `_init_shared_socket` sets, and its workers read.
SHARED_SOCKET_ATTRIBUTES = ("_ssp", "_shd", "_sfd", "_sso")


class PreboundGranian(MPServer):
    """Granian's process server on a socket bound (and reported) before it starts."""

    def __init__(self, target: str, sock: socket.socket, **options: Any) -> None:
        host, port = sock.getsockname()[:2]
        super().__init__(target, address=host, port=port, **options)
        self._prebound = sock

    def _init_shared_socket(self) -> None:
        self._prebound.set_inheritable(True)
        # As Granian shares a socket where it cannot bind one per worker; its stub lacks the arguments.
        self._ssp = None
        self._shd = SocketHolder(self._prebound.fileno(), False, self.backlog)  # type: ignore[call-arg,assignment]
        self._sfd = self._prebound.fileno()  # type: ignore[assignment]
        self._sso = self._prebound
