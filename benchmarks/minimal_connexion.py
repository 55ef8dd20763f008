"""The ceiling of Connexion itself: an app on the same openapi.yaml, no auth, a fixed page, no work.

    python -m benchmarks.minimal_connexion --port 8091 --body page.json [--server granian|uvicorn]

Its parameters are still checked by Connexion's own validator; it verifies no token and renders
nothing. The mock does all of that on top, so this is what Connexion alone costs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml
from connexion import AsyncApp
from connexion.resolver import Resolver
from starlette.responses import Response

from benchmarks.servers import SERVERS, serve_app

REPO = Path(__file__).resolve().parent.parent


def minimal_app(body: bytes) -> AsyncApp:
    spec = yaml.safe_load((REPO / "openapi.yaml").read_text(encoding="utf-8"))
    del spec["paths"]["/api/v1/live-stream/{id}/viewers"]["get"]["security"]

    async def viewers(**_: Any) -> Response:
        return Response(body, media_type="application/json")

    app = AsyncApp(__name__)
    app.add_api(spec, resolver=Resolver(function_resolver=lambda _: viewers))
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", type=Path, required=True)
    parser.add_argument("--server", choices=SERVERS, default="granian")
    arguments = parser.parse_args()
    serve_app(minimal_app(arguments.body.read_bytes()), arguments.port, arguments.server)


if __name__ == "__main__":
    main()
