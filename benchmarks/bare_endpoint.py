"""The ceiling of this Python stack: a bare Starlette endpoint that returns a fixed page, no validation.

    python -m benchmarks.bare_endpoint --port 8090 --body page.json [--server granian|uvicorn]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.servers import SERVERS, serve_app


def bare_app(body: bytes) -> Starlette:
    async def viewers(_: Request) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/api/v1/live-stream/{id}/viewers", viewers)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", type=Path, required=True)
    parser.add_argument("--server", choices=SERVERS, default="granian")
    arguments = parser.parse_args()
    app = bare_app(arguments.body.read_bytes())
    serve_app(app, arguments.port, arguments.server)


if __name__ == "__main__":
    main()
