"""The deployment under test: from CONTRACT_* variables (or equal options), or the bundled mock.

With no base URL, the suite starts the bundled mock through its command on a free loopback port and
asks the same command for a token and a stream; it never reaches into the mock's code.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from contract_tests.checks import verify
from contract_tests.exchange import Exchange, remember_secret
from contract_tests.rules import VIEWERS_PATH

VARIABLES = {
    "base_url": "CONTRACT_BASE_URL",
    "token": "CONTRACT_TOKEN",
    "stream_id": "CONTRACT_STREAM_ID",
    "forbidden_token": "CONTRACT_FORBIDDEN_TOKEN",
    "ended_stream_id": "CONTRACT_ENDED_STREAM_ID",
}


class TargetError(Exception):
    """The target is not described well enough to test; the message says what is missing."""


@dataclass(frozen=True)
class Target:
    base_url: str
    token: str
    stream_id: str
    forbidden_token: str | None = None
    ended_stream_id: str | None = None
    description: str = ""


def given_values(options: Mapping[str, str | None], environ: Mapping[str, str]) -> dict[str, str | None]:
    """Each target value from its option, else its CONTRACT_* variable."""
    return {name: options.get(name) or environ.get(variable) or None for name, variable in VARIABLES.items()}


def check_given(values: Mapping[str, str | None]) -> None:
    """A base URL needs a token and a stream: say which are missing, once."""
    if not values["base_url"]:
        return
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", values["base_url"] or ""):
        raise TargetError(f"CONTRACT_BASE_URL has value {values['base_url']!r}: not an http(s) URL")
    missing = [VARIABLES[name] for name in ("token", "stream_id") if not values[name]]
    if missing:
        raise TargetError(
            f"CONTRACT_BASE_URL is {values['base_url']}, but {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set: the suite needs a valid bearer token and a live "
            "stream with at least one viewer (or the options --contract-token / --contract-stream-id)"
        )


@dataclass
class BundledMock:
    """The project's own mock, started through its command."""

    process: subprocess.Popen[str]
    target: Target
    drain: threading.Thread

    @classmethod
    def start(cls, timeout_s: float = 30.0) -> BundledMock:
        command = [sys.executable, "-m", "mockserver"]
        environ = {key: value for key, value in os.environ.items() if not key.startswith("MOCK_")}
        process = subprocess.Popen([*command, "--port", "0", "--host", "127.0.0.1"], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, env=environ)
        base_url = cls._wait_for_url(process, timeout_s)
        # The rest of its output is not needed; drain it so that the pipe never fills up.
        drain = threading.Thread(target=_drain, args=(process.stdout,), daemon=True)
        drain.start()
        token = _run([*command, "token"], environ)
        forbidden = _run([*command, "token", "--forbidden"], environ)
        streams = json.loads(_run([*command, "streams", "--json"], environ))
        live = next(s for s in streams if s["state"] == "live" and s["viewers"] > 0)
        ended = next((s for s in streams if s["state"] == "ended"), None)
        target = Target(base_url, token, live["id"], forbidden, ended["id"] if ended else None,
                        description=f"the bundled mock at {base_url}")
        return cls(process, target, drain)

    @staticmethod
    def _wait_for_url(process: subprocess.Popen[str], timeout_s: float) -> str:
        assert process.stdout is not None
        deadline = time.monotonic() + timeout_s
        seen = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                return match.group(1)
        process.kill()
        raise TargetError("the bundled mock did not start:\n" + "".join(seen))

    def stop(self) -> None:
        stop_process(self.process, self.drain)


def stop_process(process: subprocess.Popen[str], reader: threading.Thread | None) -> None:
    """Stop a server process (killed if it does not stop within 10 s), then its output reader and pipe."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if reader is not None:
        reader.join(timeout=5)
    if process.stdout is not None:
        process.stdout.close()


def _drain(stream: Any) -> None:
    for _ in stream:
        pass


def _run(command: list[str], environ: Mapping[str, str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=dict(environ))
    if result.returncode != 0:
        raise TargetError(f"{' '.join(command[2:])} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def resolve_target(values: Mapping[str, str | None]) -> Target:
    """The deployment named by the values (already checked)."""
    base_url = (values["base_url"] or "").rstrip("/")
    return Target(base_url, values["token"] or "", values["stream_id"] or "", values["forbidden_token"],
                  values["ended_stream_id"], description=f"the deployment at {base_url}")


def preflight(target: Target) -> str | None:
    """Why the target cannot be tested as described, or None: one line instead of a wall of failures."""
    url = f"{target.base_url}{VIEWERS_PATH.format(id=target.stream_id)}"
    try:
        response = httpx.get(url, params={"limit": 1}, headers={"Authorization": f"Bearer {target.token}"},
                             timeout=30.0)
    except httpx.HTTPError as error:
        return f"cannot reach {target.base_url}: {error}"
    status = response.status_code
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    details = body.get("errors") if isinstance(body, dict) else response.text[:200]
    if status == 401:
        return f"the target refuses CONTRACT_TOKEN (HTTP 401, {details}): give a valid, unexpired bearer token"
    if status == 403:
        return f"CONTRACT_TOKEN's user may not read stream {target.stream_id} (HTTP 403, {details})"
    if status == 404:
        return f"CONTRACT_STREAM_ID {target.stream_id} is not a live stream on the target (HTTP 404, {details})"
    if status != 200:
        return f"GET {url}?limit=1 answered HTTP {status} ({details}); the suite needs a 200 to start"
    try:
        total = body["data"]["pagination"]["totalItems"]
    except (KeyError, TypeError):
        return None  # a malformed page is the contract checks' business, with full reports
    if total == 0:
        return f"stream {target.stream_id} has no viewers; CONTRACT_STREAM_ID needs a live stream with at least one"
    return None


class ViewersApi:
    """Calls the endpoint and holds every answer to the registry's checks."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self._client = httpx.Client(base_url=target.base_url, timeout=30.0)
        remember_secret(target.token, "CONTRACT_TOKEN")
        remember_secret(target.forbidden_token, "CONTRACT_FORBIDDEN_TOKEN")

    def close(self) -> None:
        self._client.close()

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.target.token}"}

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None, checked: bool = True) -> Exchange:
        response = self._client.request(method, path, params=dict(params or {}), headers=dict(headers or {}))
        exchange = Exchange.of(method, str(response.request.url), dict(response.request.headers),
                               response.status_code, dict(response.headers), response.content)
        if checked:
            verify(exchange)
        return exchange

    def viewers(self, stream_id: str | None = None, *, params: Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None, authorised: bool = True) -> Exchange:
        """GET the viewers of a stream (the target's by default) with the valid token unless told otherwise."""
        path = VIEWERS_PATH.format(id=stream_id if stream_id is not None else self.target.stream_id)
        all_headers = {**(self.auth() if authorised else {}), **(headers or {})}
        return self.request("GET", path, params=params, headers=all_headers)
