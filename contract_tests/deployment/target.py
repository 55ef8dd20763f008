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
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from contract_tests.deployment.pacing import Pacer
from contract_tests.deployment.sessions import paced_httpx
from contract_tests.registry.checks import verify
from contract_tests.registry.exchange import Exchange, remember_secret
from contract_tests.registry.rules import VIEWERS_PATH
from contract_tests.registry.violations import ContractViolation

VARIABLES = {
    "base_url": "CONTRACT_BASE_URL",
    "token": "CONTRACT_TOKEN",
    "stream_id": "CONTRACT_STREAM_ID",
    "forbidden_token": "CONTRACT_FORBIDDEN_TOKEN",
    "ended_stream_id": "CONTRACT_ENDED_STREAM_ID",
}


DEFAULT_TIMEOUT_S = 30.0
CONCURRENT_REQUESTS = 6  # at most this many requests in flight, where their order does not matter
Result = TypeVar("Result")


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


def _check_token(variable: str, token: str | None) -> None:
    """A token as a header can carry it, named without its value (it is a secret)."""
    if not token:
        return
    if token.lower().startswith("bearer "):
        raise TargetError(f"{variable} starts with 'Bearer ': give the token alone; the suite adds 'Bearer '")
    if any(character.isspace() or not character.isprintable() for character in token):
        raise TargetError(f"{variable} holds a space, line break or control character (a secret pasted with its "
                          "newline?): give the token alone, on one line")


def check_given(values: Mapping[str, str | None]) -> None:
    """A base URL needs a token and a stream: say which are missing, once; a forbidden token is another one."""
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
    for name in ("token", "forbidden_token"):
        _check_token(VARIABLES[name], values.get(name))
    if values.get("forbidden_token") and values["forbidden_token"] == values["token"]:
        raise TargetError("CONTRACT_FORBIDDEN_TOKEN is the same token as CONTRACT_TOKEN: give the token of a user "
                          "the stream blocks, or leave it unset to skip the 403 checks")


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


class ViewersApi:
    """Calls the endpoint, paced as the target asks, and holds every answer to the registry's checks."""

    def __init__(self, target: Target, pacer: Pacer | None = None, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.target = target
        self.pacer = pacer or Pacer()
        self.timeout_s = timeout_s
        self._client = httpx.Client(base_url=target.base_url, timeout=timeout_s)
        self._pool = ThreadPoolExecutor(max_workers=CONCURRENT_REQUESTS, thread_name_prefix="contract")
        remember_secret(target.token, "CONTRACT_TOKEN")
        remember_secret(target.forbidden_token, "CONTRACT_FORBIDDEN_TOKEN")

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._client.close()

    def gather(self, calls: Sequence[Callable[[], Result]]) -> list[Result]:
        """Independent calls at once (the pacer still caps the rate), their results in order: for requests whose
        order does not matter. The first call to fail raises, as it would one after the other."""
        futures = [self._pool.submit(call) for call in calls]
        return [future.result() for future in futures]

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.target.token}"}

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None, checked: bool = True) -> Exchange:
        try:
            response = paced_httpx(self.pacer, self._client, method, path, params=dict(params or {}),
                                   headers=dict(headers or {}))
        except httpx.TransportError as error:
            raise ContractViolation("target_answers", f"{method} {path} got no answer, twice", received=repr(error),
                                    expected="an answer within the timeout (CONTRACT_TIMEOUT)") from None
        exchange = Exchange.of(method, str(response.request.url), dict(response.request.headers),
                               response.status_code, dict(response.headers), response.content)
        if checked:
            verify(exchange)
        return exchange

    def viewers(self, stream_id: str | None = None, *, params: Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None, authorised: bool = True, checked: bool = True) -> Exchange:
        """GET the viewers of a stream (the target's by default) with the valid token unless told otherwise."""
        path = VIEWERS_PATH.format(id=stream_id if stream_id is not None else self.target.stream_id)
        all_headers = {**(self.auth() if authorised else {}), **(headers or {})}
        return self.request("GET", path, params=params, headers=all_headers, checked=checked)
