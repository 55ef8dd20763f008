"""The `contract-proxy` command: settings, the listening socket, uvicorn, and the last word at exit."""

from __future__ import annotations

import gc
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import uvicorn

from contract_proxy.cross_answer_watch import CROSS_ANSWER_PROMISES
from contract_proxy.proxy_app import create_proxy_app
from contract_proxy.proxy_log import ProxyLog
from contract_proxy.proxy_settings import ProxySettings, ProxySettingsError, parse_arguments
from contract_proxy.raw_request_targets import RawTargetH11Protocol
from contract_tests.registry.allowances import parse_allowances
from contract_tests.registry.documented_rules import check_spec, load_spec, use_spec
from contract_tests.registry.finding_names import is_known_name
from contract_tests.registry.response_checks import CHECKS


def bind(settings: ProxySettings) -> socket.socket:
    """The listening socket, bound before anything is served, so that a taken port is one clear line."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as error:
        sock.close()
        reason = "is taken" if error.errno == 98 else f"cannot be used ({error.strerror})"
        raise ProxySettingsError(f"port {settings.port} on {settings.host} {reason}; choose another with --port "
                                 "or CONTRACT_PROXY_PORT") from None
    sock.listen(2048)
    return sock


def banner(settings: ProxySettings, port: int) -> str:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    reports = ", ".join(f"{kind} {path}" for kind, path in (("report", settings.report), ("JUnit", settings.junit))
                        if path is not None) or "no report file (--report, --junit)"
    return "\n".join([
        f"contract-proxy listening on http://{host}:{port}, forwarding to {settings.upstream}",
        f"  Viewer answers held to {len(CHECKS)} checks each and {len(CROSS_ANSWER_PROMISES)} across answers; "
        f"strict: {'on (a broken answer becomes a 502)' if settings.strict else 'off'}; {reports}",
        "  Broken promises are printed below, one line each. Stop with Ctrl-C.",
    ])


def declared_deviations(environ: Mapping[str, str]) -> dict[str, str]:
    """The suite's own declarations, read the same way: CONTRACT_SPEC (another version of the contract) and
    CONTRACT_ALLOW (known deviations, which the proxy reports as such and never turns into a 502)."""
    spec = environ.get("CONTRACT_SPEC") or ""
    use_spec(Path(spec) if spec else None)
    if spec:
        check_spec(spec)
    return parse_allowances(environ.get("CONTRACT_ALLOW") or "", set(CHECKS) | set(CROSS_ANSWER_PROMISES),
                            lambda name: is_known_name(name, (), load_spec()))


def serve(argv: Sequence[str] | None = None) -> int:
    """Serve until stopped; 0 when every answer kept the contract, 1 when some broke it, 2 for bad options."""
    try:
        settings = parse_arguments(argv, os.environ)
        allowed = declared_deviations(os.environ)
        sock = bind(settings)
    except (ProxySettingsError, ValueError) as error:
        print(f"contract-proxy: {error}", file=sys.stderr)
        return 2
    log = ProxyLog(settings.upstream, report=settings.report, junit=settings.junit)
    app = create_proxy_app(settings, log, allowed)
    config = uvicorn.Config(app, http=RawTargetH11Protocol,  # a raw UTF-8 query is forwarded, not refused
                            log_level="warning", access_log=False, server_header=False, date_header=False,
                            lifespan="on", timeout_graceful_shutdown=5)
    # What start-up built (the registry, Schemathesis and Hypothesis with it) lives as long as the process:
    # kept out of the garbage collector's full passes, which otherwise walk it all, a long pause each time.
    gc.collect()
    gc.freeze()
    server = uvicorn.Server(config)

    def stop(_signal: int, _frame: object) -> None:
        # Ctrl-C or SIGTERM before uvicorn listens for them (it starts without serving), or raised again by
        # uvicorn after its graceful shutdown. Only a flag: an exception raised here could land in a callback
        # of the event loop, which would swallow it and leave the proxy running.
        server.should_exit = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        print(banner(settings, sock.getsockname()[1]), flush=True)
        server.run(sockets=[sock])
    finally:
        log.write()
    broken = ", ".join(f"{check} ({count})" for check, count in log.counts.most_common())
    print(f"contract-proxy: {log.checked} answer(s) checked; "
          + (f"promises broken: {broken}" if broken else "no promise broken"), file=sys.stderr, flush=True)
    return 1 if log.broken else 0


def main(argv: Sequence[str] | None = None) -> int:
    """The `contract-proxy` command."""
    if "--version" in (sys.argv[1:] if argv is None else argv):
        from importlib.metadata import version

        print(f"contract-proxy {version('allmine-viewers-mock')}")
        return 0
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main())
