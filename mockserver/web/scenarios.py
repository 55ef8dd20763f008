"""Forcing edge cases with the `Prefer` header (RFC 7240): `code=404`, `delay=1500`, `at=600`.

As RFC 7240 says: preferences are comma-separated and case-insensitive, several `Prefer` headers
read as one list, the first of a repeated preference wins, and preferences the mock does not know
(`return=minimal`, Prism's `example=` and `dynamic=`) are ignored. A known preference with a value
it cannot honour is a 400 naming it, never a silent fallback. `Preference-Applied` names the ones
applied. `delay` replaces `--latency` for that answer. All of it holds on every path of the API,
405s and unknown paths included; `at` answers as of that second of the mock's clock.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.core.params import shown
from mockserver.settings import MAX_DELAY_MS, LatencyRange

FORCEABLE_CODES = (200, 400, 401, 403, 404, 500, 503)
MAX_AT_SECONDS = 86_400  # a day of the clock; the leaves of every second before are worked out once
API_PREFIX = "/api/"
SCOPE_KEY = "mockserver"  # scope["extensions"][SCOPE_KEY]["at"]: the second a request asked for


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
    at_second: int | None = None
    applied: tuple[str, ...] = field(default=())

    def raise_forced_error(self) -> None:
        if self.code is not None and self.code != 200:
            raise ScenarioForced(self.code)


def _preferences(header_values: Iterable[str]) -> Iterable[tuple[str, str, str]]:
    """(name, value, parameters) of each preference, in order."""
    for header in header_values:
        for preference in header.split(","):
            head, _, parameters = preference.partition(";")
            name, _, value = head.partition("=")
            name = name.strip().lower()
            if name:
                yield name, value.strip().strip('"'), parameters.strip()


def parse_prefer(header_values: Iterable[str]) -> Scenario:
    """The scenario that `Prefer` headers ask for; ScenarioRejected names what cannot be honoured."""
    values: dict[str, int] = {}
    applied: list[str] = []
    for name, value, parameters in _preferences(header_values):
        if name not in _PARSERS or name in values:
            continue  # unknown, or repeated: the first one wins
        if parameters:
            raise ScenarioRejected(f"Prefer: {name}={shown(value)} takes no parameters (got {shown(parameters)}); "
                                   f"separate preferences with commas: code=503, delay=100")
        values[name] = _PARSERS[name](value)
        applied.append(f"{name}={values[name]}")
    return Scenario(code=values.get("code"), delay_ms=values.get("delay"), at_second=values.get("at"),
                    applied=tuple(applied))


def _parse_code(value: str) -> int:
    if value.isascii() and value.isdigit() and int(value) in FORCEABLE_CODES:
        return int(value)
    codes = ", ".join(str(code) for code in FORCEABLE_CODES)
    raise ScenarioRejected(f"Prefer: code={shown(value)} cannot be forced; use one of {codes}")


def _parse_delay(value: str) -> int:
    if value.isascii() and value.isdigit() and int(value) <= MAX_DELAY_MS:
        return int(value)
    raise ScenarioRejected(f"Prefer: delay={shown(value)} is not a delay from 0 to {MAX_DELAY_MS} milliseconds")


def _parse_at(value: str) -> int:
    if value.isascii() and value.isdigit() and int(value) <= MAX_AT_SECONDS:
        return int(value)
    raise ScenarioRejected(f"Prefer: at={shown(value)} is not a second of the mock's clock from 0 (its second 0) "
                           f"to {MAX_AT_SECONDS}")


_PARSERS = {"code": _parse_code, "delay": _parse_delay, "at": _parse_at}


class ScenarioMiddleware:
    """`Prefer` and the global latency on every path of the API, before routing (so 405s are late too)."""

    def __init__(self, app: ASGIApp, latency: LatencyRange) -> None:
        self._app = app
        self._latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self._app(scope, receive, send)
            return
        # A fresh extensions dict: Granian hands every request the same one, so what is written into it would
        # reach the next request (a rejected `Prefer` answered with the previous request's Preference-Applied).
        extensions = scope["extensions"] = {**scope.get("extensions", {}), SCOPE_KEY: {"at": None, "applied": ""}}
        prefer = [value.decode("latin-1") for key, value in scope["headers"] if key == b"prefer"]
        scenario = parse_prefer(prefer) if prefer else Scenario()
        delay_ms = scenario.delay_ms
        if delay_ms is None and not self._latency.is_zero:
            delay_ms = random.randint(self._latency.low_ms, self._latency.high_ms)
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        applied = ", ".join(scenario.applied)
        extensions[SCOPE_KEY] = {"at": scenario.at_second, "applied": applied}
        if applied:
            send = _with_preference_applied(send, applied)
        scenario.raise_forced_error()
        await self._app(scope, receive, send)


def _with_preference_applied(send: Send, applied: str) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []),
                                              (b"preference-applied", applied.encode("latin-1"))]}
        await send(message)

    return sending


def requested_second(scope: Scope) -> int | None:
    """The second of the clock a request asked for with `Prefer: at=`, if any."""
    asked: int | None = scope.get("extensions", {}).get(SCOPE_KEY, {}).get("at")
    return asked


def preferences_applied(scope: Scope) -> str:
    """The `Preference-Applied` value of a request ("" when none), for answers made by the error path."""
    applied: str = scope.get("extensions", {}).get(SCOPE_KEY, {}).get("applied", "")
    return applied
