"""One Settings object, built from command-line options over `MOCK_*` environment variables.

Every bad value is reported with the key it came from and the value received, e.g.
"MOCK_PORT has value 'x': not a port".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar


def shipped_spec_path() -> Path:
    """openapi.yaml as installed inside the package, or at the top of the checkout (editable installs)."""
    package = Path(__file__).resolve().parent
    shipped = package / "openapi.yaml"
    return shipped if shipped.is_file() else package.parent / "openapi.yaml"


DEFAULT_SPEC_PATH = shipped_spec_path()
DEVELOPMENT_SECRET = "allmine-mock-development-secret-do-not-use-in-production"
LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?"
MAX_DELAY_MS = 60_000

T = TypeVar("T")


class SettingsError(ValueError):
    """A setting whose value cannot be used; the message names the key and the value."""


@dataclass(frozen=True)
class LatencyRange:
    """Added response time in milliseconds: fixed when low == high, else drawn uniformly (jitter)."""

    low_ms: int = 0
    high_ms: int = 0

    @property
    def is_zero(self) -> bool:
        return self.high_ms == 0


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    seed: int = 0
    fixtures: Path | None = None
    audience: int | None = None
    jwt_secret: str = DEVELOPMENT_SECRET
    trust_unverified_tokens: bool = False
    cors_origins: tuple[str, ...] = ()
    latency: LatencyRange = LatencyRange()
    validate_responses: bool = False
    access_log: bool = False
    workers: int = 1
    spec_path: Path = DEFAULT_SPEC_PATH

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def parse_port(text: str) -> int:
    port = parse_integer(text)
    if not 0 <= port <= 65535:
        raise ValueError("not a port (0 to 65535)")
    return port


def parse_integer(text: str) -> int:
    if not re.fullmatch(r"\s*[+-]?[0-9]+\s*", text):
        raise ValueError("not a whole number")
    return int(text)


def parse_count(text: str) -> int:
    value = parse_integer(text)
    if value < 0:
        raise ValueError("not a count (0 or more)")
    return value


MAX_AUDIENCE = 10_000_000  # viewer ids stay unique up to 2**24; memory and start-up stay in bounds


def parse_audience(text: str) -> int:
    value = parse_count(text)
    if value > MAX_AUDIENCE:
        raise ValueError(f"more than {MAX_AUDIENCE:,} viewers")
    return value


def parse_workers(text: str) -> int:
    value = parse_integer(text)
    if not 1 <= value <= 64:
        raise ValueError("not a worker count (1 to 64)")
    return value


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("not a yes/no value (true, false, 1, 0, yes, no, on, off)")


def parse_latency(text: str) -> LatencyRange:
    """`200` for a fixed 200 ms, `100-400` for jitter between 100 and 400 ms."""
    match = re.fullmatch(r"\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?(?:ms)?\s*", text)
    if not match:
        raise ValueError("not a latency in milliseconds (e.g. 200, or 100-400 for jitter)")
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    if low > high:
        raise ValueError(f"the range runs backwards ({low} > {high})")
    if high > MAX_DELAY_MS:
        raise ValueError(f"more than {MAX_DELAY_MS} ms")
    return LatencyRange(low, high)


def parse_origins(text: str) -> tuple[str, ...]:
    origins = tuple(part.strip().rstrip("/") for part in text.split(",") if part.strip())
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ValueError(f"{origin!r} is not an origin (scheme://host[:port], or *)")
    return origins


def parse_secret(text: str) -> str:
    if len(text.encode()) < 32:
        raise ValueError(f"{len(text.encode())} bytes: an HS256 secret needs at least 32")
    return text


def parse_path(text: str) -> Path:
    if not text.strip():
        raise ValueError("an empty path")
    return Path(text)


def parse_host(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9.:\-\[\]]+", text):
        raise ValueError("not a host name or address")
    return text.strip("[]")


_PARSERS: dict[str, Callable[[str], Any]] = {
    "host": parse_host,
    "port": parse_port,
    "seed": parse_integer,
    "fixtures": parse_path,
    "audience": parse_audience,
    "jwt_secret": parse_secret,
    "trust_unverified_tokens": parse_bool,
    "cors_origins": parse_origins,
    "latency": parse_latency,
    "validate_responses": parse_bool,
    "access_log": parse_bool,
    "workers": parse_workers,
    "spec_path": parse_path,
}


def environment_key(name: str) -> str:
    return f"MOCK_{name.upper()}"


def option_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def load_settings(options: Mapping[str, str | None], environ: Mapping[str, str]) -> Settings:
    """Settings from command-line options (strings, None when not given) over MOCK_* variables."""
    values: dict[str, Any] = {}
    for setting in fields(Settings):
        name = setting.name
        given = options.get(name)
        source = option_name(name)
        if given is None:
            given, source = environ.get(environment_key(name)), environment_key(name)
        if given is None:
            continue
        try:
            values[name] = _PARSERS[name](given)
        except ValueError as error:
            raise SettingsError(f"{source} has value {given!r}: {error}") from None
    settings = Settings(**values)
    if settings.fixtures is not None and settings.audience is not None:
        raise SettingsError("--audience sizes the built-in large stream; it cannot be combined with --fixtures")
    return settings
