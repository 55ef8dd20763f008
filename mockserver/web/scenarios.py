"""Forcing edge cases with the `Prefer` header, in Prism's conventions: `code=404`, `delay=1500`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mockserver.core.params import shown
from mockserver.settings import MAX_DELAY_MS

FORCEABLE_CODES = (200, 400, 401, 403, 404, 500, 503)
# RFC 7240 preferences a client library may send on its own; they ask nothing of a mock.
_REGISTERED_PREFERENCES = {"return", "respond-async", "wait", "handling"}


class ScenarioRejected(Exception):
    """A `Prefer` header this mock cannot honour: 400, naming the preference."""

    status_code = 400

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class ScenarioForced(Exception):
    """The error envelope a `Prefer: code=…` asked for."""

    def __init__(self, status_code: int) -> None:
        super().__init__(f"Forced by the Prefer header (code={status_code})")
        self.status_code = status_code


@dataclass(frozen=True)
class Scenario:
    code: int | None = None
    delay_ms: int | None = None

    def raise_forced_error(self) -> None:
        if self.code is not None and self.code != 200:
            raise ScenarioForced(self.code)


def parse_prefer(header_values: Iterable[str]) -> Scenario:
    """The scenario that `Prefer` headers ask for; ScenarioRejected names what cannot be honoured."""
    code: int | None = None
    delay_ms: int | None = None
    for header in header_values:
        for preference in header.replace(";", ",").split(","):
            key, _, value = preference.strip().partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if not key or key in _REGISTERED_PREFERENCES:
                continue
            if key == "code":
                code = _parse_code(value)
            elif key == "delay":
                delay_ms = _parse_delay(value)
            else:
                raise ScenarioRejected(
                    f"Prefer: {shown(key)} is not a preference this mock knows; it knows code= and delay="
                )
    return Scenario(code=code, delay_ms=delay_ms)


def _parse_code(value: str) -> int:
    if value.isascii() and value.isdigit() and int(value) in FORCEABLE_CODES:
        return int(value)
    codes = ", ".join(str(code) for code in FORCEABLE_CODES)
    raise ScenarioRejected(f"Prefer: code={shown(value)} cannot be forced; use one of {codes}")


def _parse_delay(value: str) -> int:
    if value.isascii() and value.isdigit() and int(value) <= MAX_DELAY_MS:
        return int(value)
    raise ScenarioRejected(f"Prefer: delay={shown(value)} is not a delay from 0 to {MAX_DELAY_MS} milliseconds")
