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

from mockserver.core.churn import MAX_RATE_PER_MINUTE
from mockserver.core.clock import MAX_DURATION_S, MockClock, format_duration, parse_duration
from mockserver.core.dataset import SEEDS
from mockserver.core.model import Churn, format_timestamp, parse_timestamp


def shipped_spec_path() -> Path:
    """openapi.yaml as installed inside the package, or at the top of the checkout (editable installs)."""
    package = Path(__file__).resolve().parent
    shipped = package / "openapi.yaml"
    return shipped if shipped.is_file() else package.parent / "openapi.yaml"


DEFAULT_SPEC_PATH = shipped_spec_path()
DEVELOPMENT_SECRET = "allmine-mock-development-secret-do-not-use-in-production"
LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?"
MAX_DELAY_MS = 60_000
MEDIA_MODES = ("local", "documented")
CALLER_DIRECTORY_VARIABLE = "MOCK_CALLER_DIR"  # where the user ran the command, when a script changed it

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
    clock: int | None = None  # the instant (ms since the epoch) second 0 stands for; None: the top of the hour
    clock_started: int | None = None  # when (wall clock, ms) the mock started: shared by every worker
    churn: Churn | None = None  # joins/leaves per minute of the built-in live streams; None: the default
    live_for: int | None = None  # seconds the built-in live stream lasts; None: for ever
    media: str = "local"
    watch: bool = False

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


def parse_seed(text: str) -> int:
    value = parse_integer(text)
    if value not in SEEDS:
        raise ValueError(f"not a seed (a whole number from {SEEDS.start} to {SEEDS.stop - 1})")
    return value


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


_LATEST_CLOCK = "9000-01-01T00:00:00Z"  # a running clock must stay clear of the year 10000
_LATEST_CLOCK_MS = parse_timestamp(_LATEST_CLOCK)


def parse_instant(text: str) -> int:
    try:
        instant = parse_timestamp(text.strip())
    except ValueError:
        raise ValueError("not an instant with a time zone, such as 2026-11-28T12:00:00Z") from None
    if instant >= _LATEST_CLOCK_MS:
        raise ValueError(f"later than {_LATEST_CLOCK}: the clock runs on, and timestamps end with the year 9999")
    return instant


def parse_churn(text: str) -> Churn:
    """`30/24`: viewers joining / leaving per minute."""
    match = re.fullmatch(r"\s*([0-9]+)\s*/\s*([0-9]+)\s*", text)
    if not match:
        raise ValueError("not joins/leaves per minute, such as 30/24 (0/0 freezes the audience)")
    joins, leaves = int(match.group(1)), int(match.group(2))
    if max(joins, leaves) > MAX_RATE_PER_MINUTE:
        raise ValueError(f"more than {MAX_RATE_PER_MINUTE} a minute")
    return Churn(joins, leaves)


def parse_live_for(text: str) -> int:
    seconds = parse_duration(text)
    if seconds < 1:
        raise ValueError("a stream lasts at least 1s")
    if seconds > MAX_DURATION_S:
        raise ValueError(f"longer than a year ({MAX_DURATION_S // 3600}h)")
    return seconds


def parse_media(text: str) -> str:
    if text.strip() not in MEDIA_MODES:
        raise ValueError("not a media mode: local (the mock serves the photos) or documented (example.com URLs)")
    return text.strip()


_PARSERS: dict[str, Callable[[str], Any]] = {
    "host": parse_host,
    "port": parse_port,
    "seed": parse_seed,
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
    "clock": parse_instant,
    "clock_started": parse_integer,
    "churn": parse_churn,
    "live_for": parse_live_for,
    "media": parse_media,
    "watch": parse_bool,
}


def setting_text(value: Any) -> str:
    """A setting's value as its option would be given, for handing settings to worker processes."""
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, LatencyRange):
        return f"{value.low_ms}-{value.high_ms}"
    return str(value)


def clock_of(settings: Settings) -> MockClock:
    """The mock's clock: shared by every worker once the settings say when it started."""
    if settings.clock_started is None:
        return MockClock.starting_now(settings.clock)
    return MockClock.starting(settings.clock_started, settings.clock)


def clock_text(instant_ms: int) -> str:
    """An instant as `--clock` takes it."""
    return format_timestamp(instant_ms)


def live_for_text(seconds: int) -> str:
    return format_duration(seconds)


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
    caller_directory = environ.get(CALLER_DIRECTORY_VARIABLE)
    if "fixtures" in values and caller_directory and not values["fixtures"].is_absolute():
        values["fixtures"] = Path(caller_directory) / values["fixtures"]
    settings = Settings(**values)
    if settings.fixtures is not None and settings.audience is not None:
        raise SettingsError("--audience sizes the built-in large stream; it cannot be combined with --fixtures")
    if settings.watch and settings.fixtures is None:
        raise SettingsError("--watch reloads a --fixtures file when it changes; give one with --fixtures")
    return settings


def ignored_options(options: Mapping[str, str | None], environ: Mapping[str, str]) -> list[str]:
    """One line for each option given that has no effect with the others (they are not errors)."""
    def given(name: str) -> str | None:
        if options.get(name) is not None:
            return option_name(name)
        return environment_key(name) if environ.get(environment_key(name)) is not None else None

    if given("fixtures") is None:
        return []
    reasons = {
        "seed": "the fixtures file gives its own seed",
        "churn": "the fixtures file gives each stream its rates (its churn field)",
        "live_for": "the fixtures file gives each stream its end (its liveFor field)",
    }
    return [f"{source} is ignored with {given('fixtures')}: {reason}"
            for name, reason in reasons.items() if (source := given(name)) is not None]
