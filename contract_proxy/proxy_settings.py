"""The settings of `contract-proxy`: command-line options over CONTRACT_PROXY_* variables.

Every bad value is one line naming the key it came from and the value received, e.g.
"CONTRACT_PROXY_PORT has value 'x': not a port (0 to 65535)".
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ENV_PREFIX = "CONTRACT_PROXY_"
# The mock's default: any http(s) origin on localhost or 127.0.0.1, at any port.
LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?"


class ProxySettingsError(ValueError):
    """An option or variable whose value cannot be used; the message names the key and the value."""


@dataclass(frozen=True)
class ProxySettings:
    upstream: str
    host: str = "127.0.0.1"
    port: int = 8081
    report: Path | None = None
    junit: Path | None = None
    strict: bool = False
    cors_origins: tuple[str, ...] = ()
    timeout: float = 30.0
    window: int = 1000  # answers kept for the checks that need several
    window_seconds: float = 600.0
    max_checked_bytes: int = 8 * 1024 * 1024  # larger answers are streamed through unchecked

    def origin_allowed(self, origin: str) -> bool:
        """Whether the proxy answers CORS for this origin (the mock's rule: listed, *, or local by default)."""
        if not self.cors_origins:
            return re.fullmatch(LOCAL_ORIGINS, origin) is not None
        return "*" in self.cors_origins or origin.rstrip("/") in self.cors_origins


def _upstream(text: str) -> str:
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", text.strip()):
        raise ValueError("not an http(s) URL such as https://staging.example.com")
    upstream = text.strip().rstrip("/")
    parts = urlsplit(upstream)
    cut = parts.path.find("/api")
    if cut >= 0 and (parts.path[cut:] in ("/api", "/api/v1") or "/live-stream" in parts.path):  # the app's base URL
        raise ValueError(f"it ends in {parts.path[cut:]!r}, but the proxy forwards your app's whole path "
                         f"(/api/v1/live-stream/...); give the deployment's root: "
                         f"{urlunsplit(parts._replace(path=parts.path[:cut]))}")
    return upstream


def _port(text: str) -> int:
    if not re.fullmatch(r"\s*[0-9]+\s*", text) or not 0 <= int(text) <= 65535:
        raise ValueError("not a port (0 to 65535)")
    return int(text)


def _host(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9.:\-\[\]]+", text):
        raise ValueError("not a host name or address")
    return text.strip("[]")


def _path(text: str) -> Path:
    if not text.strip():
        raise ValueError("an empty path")
    return Path(text)


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("not a yes/no value (true, false, 1, 0, yes, no, on, off)")


def _origins(text: str) -> tuple[str, ...]:
    origins = tuple(part.strip().rstrip("/") for part in text.split(",") if part.strip())
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ValueError(f"{origin!r} is not an origin (scheme://host[:port], or *)")
    return origins


def _positive(kind: Callable[[str], float]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text.strip())
        except ValueError:
            raise ValueError(f"not a {'whole ' if kind is int else ''}number") from None
        if value <= 0:
            raise ValueError("must be above 0")
        return value

    return parse


_PARSERS: dict[str, Callable[[str], Any]] = {
    "upstream": _upstream,
    "host": _host,
    "port": _port,
    "report": _path,
    "junit": _path,
    "strict": _bool,
    "cors_origins": _origins,
    "timeout": _positive(float),
    "window": _positive(int),
    "window_seconds": _positive(float),
    "max_checked_bytes": _positive(int),
}

_HELP: dict[str, tuple[str, str]] = {
    "upstream": ("URL", "the deployment to forward to, e.g. https://staging.example.com"),
    "host": ("HOST", "address to listen on (default 127.0.0.1)"),
    "port": ("PORT", "port to listen on, 0 for any free one (default 8081)"),
    "report": ("FILE", "keep a Markdown report of the broken promises, rewritten as answers come"),
    "junit": ("FILE", "keep a JUnit XML report too, one test case per promise"),
    "cors_origins": ("ORIGINS", "comma-separated origins the proxy answers CORS for, or *; default any http(s) "
                                "origin on localhost/127.0.0.1 at any port, as the mock"),
    "timeout": ("SECONDS", "how long to wait for the upstream's answer (default 30)"),
    "window": ("N", "answers remembered for the checks across answers (default 1000)"),
    "window_seconds": ("SECONDS", "... and for at most this long (default 600)"),
    "max_checked_bytes": ("BYTES", "larger answers are streamed through unchecked (default 8388608)"),
}


def environment_key(name: str) -> str:
    return ENV_PREFIX + name.upper()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contract-proxy",
        description="Forward every request to a deployment of the Allmine API and hold each answer of "
                    "GET /api/v1/live-stream/{id}/viewers to the contract suite's checks.",
        epilog=f"Every option has an equal {ENV_PREFIX}* variable (e.g. {environment_key('upstream')}); options "
               "win. Exit status: 0 when no promise was broken, 1 when some were, 2 for bad options.",
    )
    for name, (metavar, help_text) in _HELP.items():
        parser.add_argument("--" + name.replace("_", "-"), dest=name, metavar=metavar, default=None,
                            help=f"{help_text} (env {environment_key(name)})")
    parser.add_argument("--strict", dest="strict", action="store_const", const="true", default=None,
                        help="replace an answer that breaks the contract by a 502 envelope naming the check "
                             f"and the promise (env {environment_key('strict')})")
    return parser


def load_settings(options: Mapping[str, str | None], environ: Mapping[str, str]) -> ProxySettings:
    """Settings from options (which win) and CONTRACT_PROXY_* variables; the upstream is required."""
    values: dict[str, Any] = {}
    for field in fields(ProxySettings):
        raw, key = options.get(field.name), f"--{field.name.replace('_', '-')}"
        if raw is None:
            raw, key = environ.get(environment_key(field.name)), environment_key(field.name)
        if raw is None:
            continue
        try:
            values[field.name] = _PARSERS[field.name](raw)
        except ValueError as error:
            raise ProxySettingsError(f"{key} has value {raw!r}: {error}") from None
    if "upstream" not in values:
        raise ProxySettingsError(f"no upstream: give --upstream URL or {environment_key('upstream')}, "
                                 "e.g. --upstream https://staging.example.com")
    return ProxySettings(**values)


def parse_arguments(argv: Sequence[str] | None, environ: Mapping[str, str]) -> ProxySettings:
    arguments = build_parser().parse_args(argv)
    return load_settings(vars(arguments), environ)
