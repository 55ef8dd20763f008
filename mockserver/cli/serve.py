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
from mockserver.core.clock import wall_clock_ms
from mockserver.core.dataset import DEFAULT_USER_ID, EXAMPLE_STREAM_ID, FORBIDDEN_USER_ID, DataSet
from mockserver.core.live import LiveData
from mockserver.core.model import format_timestamp
from mockserver.settings import Settings, clock_of, load_settings
from mockserver.web.app import create_app, load_dataset


def app_from_environment() -> AsyncApp:
    """The app of one worker process, from the MOCK_* variables its parent exported."""
    return create_app(load_settings({}, os.environ))


def banner(settings: Settings, live: LiveData, started: float) -> str:
    url = settings.base_url
    dataset = live.dataset
    token = mint_token(settings.jwt_secret, DEFAULT_USER_ID)
    source = f"fixtures {settings.fixtures}" if settings.fixtures else f"seed {dataset.seed}"
    clock = f"clock from {format_timestamp(live.clock.start_ms)}"
    lines = [
        f"Allmine viewers mock listening on {url} ({source}; {clock}; {settings.workers} worker(s); "
        f"ready in {time.perf_counter() - started:.2f} s)",
        f"  Swagger UI {url}/ui/   spec {url}/openapi.json",
        "",
        *("  " + line for line in format_stream_table(live).splitlines()),
        "",
        f"  Token (24 h):           {token}",
    ]
    if any(FORBIDDEN_USER_ID in stream.blocked_user_ids for stream in dataset.streams.values()):
        lines.append(f"  Forbidden token (403):  {mint_token(settings.jwt_secret, FORBIDDEN_USER_ID)}")
    example = example_stream(dataset)
    if example is not None:
        lines.append(f'  Try: curl -H "Authorization: Bearer {token}" '
                     f'"{url}/api/v1/live-stream/{example}/viewers?page=1&limit=10"')
    lines.append("  Force an edge case with a header: Prefer: code=401 | 403 | 404 | 500 | 503, delay=1500, or at=600 "
                 "(that second of the clock)")
    return "\n".join(lines)


def example_stream(dataset: DataSet) -> str | None:
    """The stream the banner's example reads: the documented one, else the first live one the token may read."""
    readable = [stream for stream in dataset.streams.values()
                if stream.is_live and DEFAULT_USER_ID not in stream.blocked_user_ids]
    for stream in readable:
        if stream.id == EXAMPLE_STREAM_ID:
            return stream.id
    with_viewers = [stream for stream in readable if len(stream.audience) or stream.churn is not None]
    chosen = with_viewers or readable
    return chosen[0].id if chosen else None


def serve(settings: Settings) -> int:
    started = time.perf_counter()
    dataset = load_dataset(settings)
    sock = bind_socket(settings.host, settings.port)
    now = wall_clock_ms()
    settings = replace(settings, port=sock.getsockname()[1], clock_started=now,
                       clock=settings.clock if settings.clock is not None else now)
    live = LiveData(dataset, clock_of(settings))
    log_level = "info" if settings.access_log else "warning"
    if settings.workers > 1:
        export_environment(settings)
        config = uvicorn.Config("mockserver.cli.serve:app_from_environment", factory=True, workers=settings.workers,
                                log_level=log_level, access_log=settings.access_log)
        print(banner(settings, live, started), flush=True)
        uvicorn.supervisors.Multiprocess(config, sockets=[sock]).run()
        return 0
    app = create_app(settings, dataset)
    config = uvicorn.Config(app, log_level=log_level, access_log=settings.access_log, lifespan="off")
    server = uvicorn.Server(config)
    print(banner(settings, live, started), flush=True)
    server.run(sockets=[sock])
    sys.stdout.flush()
    return 0
