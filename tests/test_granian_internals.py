"""Each private name of Granian the mock relies on still takes effect in the installed release.

A failure here names the release: `mockserver/cli/granian_internals.py` needs updating for it, or pyproject.toml's
range must stop below it. Nothing else in the repository touches Granian's privates.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time
from importlib.metadata import version

from granian.server.mp import MPServer

from mockserver.cli.granian_internals import SHARED_SOCKET_ATTRIBUTES, PreboundGranian

RELEASE = f"granian {version('granian')}"


def test_the_process_server_still_has_the_method_replaced_and_the_attributes_it_sets() -> None:
    assert callable(getattr(MPServer, "_init_shared_socket", None)), f"{RELEASE}: MPServer._init_shared_socket is gone"
    server = MPServer("probe:app", address="127.0.0.1", port=0)
    MPServer._init_shared_socket(server)  # type: ignore[no-untyped-call]  # Granian's own, on a loopback port
    missing = [name for name in SHARED_SOCKET_ATTRIBUTES if not hasattr(server, name)]
    assert not missing, f"{RELEASE}: the server no longer keeps its shared socket in {missing}"


def test_the_socket_holder_takes_a_bound_socket() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        server = PreboundGranian("probe:app", sock)
        server._init_shared_socket()
        assert server._shd is not None and server._shd.get_fd() == sock.fileno(), \
            f"{RELEASE}: granian._granian.SocketHolder(fd, uds, backlog) no longer holds the socket given"
        assert server._sso is sock and server._ssp is None


SERVE_ON_A_PREBOUND_SOCKET = textwrap.dedent("""
    import socket, sys
    from mockserver.cli.granian_internals import PreboundGranian
    from granian.constants import Interfaces

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"served on the prebound socket"})

    def loader(target):
        return app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    print(sock.getsockname()[1], flush=True)
    PreboundGranian("probe:app", sock, interface=Interfaces.ASGINL, workers=1, workers_kill_timeout=1).serve(
        target_loader=loader)
""")


def test_a_prebound_socket_is_the_one_the_workers_serve_on() -> None:
    import httpx

    process = subprocess.Popen([sys.executable, "-c", SERVE_ON_A_PREBOUND_SOCKET], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        answer = None
        for _ in range(100):
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        assert answer is not None and answer.text == "served on the prebound socket", \
            f"{RELEASE}: the workers did not serve on the socket bound before start\n" + \
            (process.stdout.read() if process.poll() is not None else "")
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
