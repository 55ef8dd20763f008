"""Running the mock: bind, announce the streams and a ready token, serve with uvicorn."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace

import uvicorn
from connexion import AsyncApp

from mockserver.cli.main import bind_socket, export_environment, format_stream_table
from mockserver.core.auth import mint_token
from mockserver.core.dataset import DEFAULT_USER_ID, EXAMPLE_STREAM_ID, FORBIDDEN_USER_ID, DataSet
from mockserver.settings import Settings, load_settings
from mockserver.web.app import create_app, load_dataset


def app_from_environment() -> AsyncApp:
    """The app of one worker process, from the MOCK_* variables its parent exported."""
    return create_app(load_settings({}, os.environ))


def banner(settings: Settings, dataset: DataSet, started: float) -> str:
    url = settings.base_url
    token = mint_token(settings.jwt_secret, DEFAULT_USER_ID)
    forbidden = mint_token(settings.jwt_secret, FORBIDDEN_USER_ID)
    source = f"fixtures {settings.fixtures}" if settings.fixtures else f"seed {dataset.seed}"
    example = f"{url}/api/v1/live-stream/{EXAMPLE_STREAM_ID}/viewers"
    return "\n".join([
        f"Allmine viewers mock listening on {url} ({source}; {settings.workers} worker(s); "
        f"ready in {time.perf_counter() - started:.2f} s)",
        f"  Swagger UI {url}/ui/   spec {url}/openapi.json",
        "",
        *("  " + line for line in format_stream_table(dataset).splitlines()),
        "",
        f"  Token (24 h):           {token}",
        f"  Forbidden token (403):  {forbidden}",
        f'  Try: curl -H "Authorization: Bearer $(mockserver token)" "{example}?page=1&limit=10"',
        "  Force an edge case with a header: Prefer: code=401 | 403 | 404 | 500 | 503, or Prefer: delay=1500",
    ])


def serve(settings: Settings) -> int:
    started = time.perf_counter()
    dataset = load_dataset(settings)
    sock = bind_socket(settings.host, settings.port)
    settings = replace(settings, port=sock.getsockname()[1])
    log_level = "info" if settings.access_log else "warning"
    if settings.workers > 1:
        export_environment(settings)
        config = uvicorn.Config("mockserver.cli.serve:app_from_environment", factory=True, workers=settings.workers,
                                log_level=log_level, access_log=settings.access_log)
        print(banner(settings, dataset, started), flush=True)
        uvicorn.supervisors.Multiprocess(config, sockets=[sock]).run()
        return 0
    app = create_app(settings, dataset)
    config = uvicorn.Config(app, log_level=log_level, access_log=settings.access_log, lifespan="off")
    server = uvicorn.Server(config)
    print(banner(settings, dataset, started), flush=True)
    server.run(sockets=[sock])
    sys.stdout.flush()
    return 0
