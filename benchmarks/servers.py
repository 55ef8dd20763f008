"""Serving a benchmark app with either server, so that each row can name the server under it.

    serve_app(app, port, "granian")   # as `mockserver` serves: Granian, one worker, no lifespan, no logs
    serve_app(app, port, "uvicorn")   # uvicorn on uvloop and httptools, as before Granian
"""

from __future__ import annotations

import multiprocessing
from typing import Any, Literal

Server = Literal["granian", "uvicorn"]
SERVERS: tuple[Server, ...] = ("granian", "uvicorn")


def serve_app(app: Any, port: int, server: Server) -> None:
    """Serve an ASGI app on 127.0.0.1 until SIGTERM."""
    if server == "uvicorn":
        import uvicorn

        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off")
        return
    from granian.constants import Interfaces, RuntimeModes
    from granian.log import LogLevels
    from granian.server.mp import MPServer

    multiprocessing.set_start_method("fork", force=True)  # the worker inherits the app built here
    granian = MPServer("benchmark:app", address="127.0.0.1", port=port, interface=Interfaces.ASGINL, workers=1,
                       websockets=False, log_level=LogLevels.warning, runtime_mode=RuntimeModes.st)
    granian.serve(target_loader=lambda _target: app)
