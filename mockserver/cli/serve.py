"""Running the mock: bind, announce the streams and a ready token, serve with Granian.

Granian (a Rust HTTP server for ASGI apps) serves the same app as uvicorn with more requests a second and a
shorter tail (BENCHMARKS.md has both): its own thread parses, reads and writes while Python runs the app. Its
process supervisor is used as it is, with one change: it serves the socket bound here, so that `--port 0`
prints the real port and a taken port is one clear line before anything starts. Workers are forked: each
inherits the settings (and so the live stream's clock) and the data set loaded here, and builds its own
search index.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

from connexion import AsyncApp
from granian.constants import Interfaces, RuntimeModes
from granian.log import LogLevels

from mockserver.cli.granian_internals import PreboundGranian
from mockserver.cli.stream_listing import format_stream_table
from mockserver.core.auth import mint_token
from mockserver.core.clock import wall_clock_ms
from mockserver.core.dataset import DEFAULT_USER_ID, EXAMPLE_STREAM_ID, FORBIDDEN_USER_ID, DataSet
from mockserver.core.fixtures import FixtureError, load_fixtures
from mockserver.core.live import LiveData
from mockserver.core.model import format_timestamp
from mockserver.settings import (
    CALLER_DIRECTORY_VARIABLE,
    Settings,
    SettingsError,
    clock_of,
    clock_text,
    environment_key,
    load_settings,
    setting_text,
)
from mockserver.web.app import create_app, load_dataset

logger = logging.getLogger("mockserver")

# What the forked workers inherit: the settings, the data set the banner announced and, for --watch, when
# the fixtures file was last changed as that data was read.
_inherited: tuple[Settings, DataSet, int | None] | None = None
# Seconds a worker may take to finish its requests on Ctrl-C or SIGTERM before it is killed.
_STOP_SECONDS = 1


def app_from_environment() -> AsyncApp:
    """The app from the MOCK_* variables, for any ASGI server (`uvicorn --factory` this function)."""
    return create_app(load_settings({}, os.environ))


def worker_app(target: str = "") -> AsyncApp:
    """The app of one forked worker: the parent's settings and data, indexed in the worker."""
    if _inherited is None:
        return app_from_environment()
    settings, dataset, loaded_version = _inherited
    add_request_target_atom()
    if settings.watch and settings.fixtures is not None and _version(settings.fixtures) != loaded_version:
        dataset = _reloaded(settings.fixtures, dataset)  # edited while the worker started: its watcher missed it
    dataset.build_indexes()
    return create_app(settings, dataset)


def _version(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _reloaded(path: Path, dataset: DataSet) -> DataSet:
    try:
        return load_fixtures(path)
    except FixtureError as error:
        logger.warning("mockserver: %s; still serving the data loaded before", error)
        return dataset


def banner(settings: Settings, live: LiveData, started: float) -> str:
    url = settings.base_url
    dataset = live.dataset
    token = mint_token(settings.jwt_secret, DEFAULT_USER_ID)
    source = f"fixtures {settings.fixtures}" if settings.fixtures else f"seed {dataset.seed}"
    clock = f"clock from {format_timestamp(live.clock.start_ms)}" + (
        ", the top of the hour: every mock started in it agrees" if live.clock.anchored else "")
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


# Granian's default access line leaves the query out; a request is only reproducible with it. `target` is the
# path and, when there is one, `?query` (RequestTargetAtom adds it to Granian's atoms).
ACCESS_LOG_FORMAT = '%(addr)s - "%(method)s %(target)s %(protocol)s" %(status)d %(dt_ms).1f ms'
ACCESS_LOGGER = "granian.access"


class RequestTargetAtom(logging.Filter):
    """Adds `target` to the atoms Granian logs a request with: `/path?query`, or `/path` without a query."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        if isinstance(atoms, dict) and "path" in atoms:
            query = atoms.get("query_string")
            record.args = {**atoms, "target": f"{atoms['path']}?{query}" if query else atoms["path"]}
        return True


def add_request_target_atom() -> None:
    """Once per process: the access logger gains the `target` atom (workers inherit it, or add it)."""
    access = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, RequestTargetAtom) for existing in access.filters):
        access.addFilter(RequestTargetAtom())


def serve(settings: Settings) -> int:
    """Serve until Ctrl-C or SIGTERM: the banner once the port is bound, then Granian's workers."""
    global _inherited
    started = time.perf_counter()
    fixtures_version = _version(settings.fixtures) if settings.fixtures is not None else None
    dataset = load_dataset(settings, indexed=False)  # each worker indexes its own copy
    sock = bind_socket(settings.host, settings.port)
    now = wall_clock_ms()
    settings = replace(settings, port=sock.getsockname()[1], clock_started=now)
    export_environment(settings)  # the same settings for anything the workers start
    _inherited = (settings, dataset, fixtures_version)
    server = PreboundGranian(
        "mockserver.cli.serve:worker_app", sock, interface=Interfaces.ASGINL, workers=settings.workers, factory=True,
        websockets=False,
        log_level=LogLevels.info if settings.access_log else LogLevels.warning,
        log_access=settings.access_log, log_access_format=ACCESS_LOG_FORMAT, workers_kill_timeout=_STOP_SECONDS,
        runtime_mode=RuntimeModes.st,  # one I/O thread a worker: measured to scale better over workers than mt
    )
    multiprocessing.set_start_method("fork", force=True)  # workers inherit the socket and the data
    add_request_target_atom()
    print(banner(settings, LiveData(dataset, clock_of(settings)), started), flush=True)
    server.serve(target_loader=worker_app)
    sys.stdout.flush()
    return 0


def bind_socket(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is served, so a taken port is one clear line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        reason = "is taken" if error.errno == 98 else f"cannot be used ({error.strerror})"
        raise SettingsError(f"port {port} on {host} {reason}; choose another with --port or MOCK_PORT") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def export_environment(settings: Settings) -> None:
    """Hand the resolved settings to worker processes through MOCK_* variables."""
    os.environ.pop(CALLER_DIRECTORY_VARIABLE, None)  # paths are resolved already
    for field in fields(Settings):
        value = getattr(settings, field.name)
        if value is None:
            os.environ.pop(environment_key(field.name), None)
            continue
        os.environ[environment_key(field.name)] = clock_text(value) if field.name == "clock" else setting_text(value)
