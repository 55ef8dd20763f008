"""Set-up mistakes, found before the suite starts: each is one line (exit 4), never a contract breach."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from contract_tests.registry.documented_rules import VIEWERS_PATH
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.deployment import Target, expiry_problem
from contract_tests.target.viewers_client import ContractClient


def base_url_problem(base_url: str) -> str | None:
    """A base URL that cannot be the deployment's root (it holds the API's own path), before any request."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/")
    cut = path.find("/api")
    if cut >= 0 and (path[cut:] in ("/api", "/api/v1") or "/live-stream" in path):
        root = urlunsplit(parts._replace(path=path[:cut], query="", fragment=""))
        return (f"CONTRACT_BASE_URL has value {base_url!r}: it ends in {path[cut:]!r}, but the suite adds "
                f"/api/v1/live-stream/... itself; give the deployment's root: {root}")
    return None


def _details(exchange: Exchange) -> Any:
    body = exchange.body
    return body.get("errors") if isinstance(body, dict) and "errors" in body else exchange.text[:200]


def _unreachable(target: Target, error: ContractViolation, timeout_s: float) -> str:
    text = error.received
    if text.startswith("timed out"):
        return (f"{target.base_url} did not answer within CONTRACT_TIMEOUT={timeout_s:g} s, twice "
                f"({text.removeprefix('timed out: ')}): raise the timeout, or check the URL")
    if text.startswith("the TLS handshake failed"):
        plain = "http://" + target.base_url.removeprefix("https://")
        try:
            httpx.get(plain, timeout=5.0)
        except httpx.HTTPError:
            return f"cannot reach {target.base_url}: {text}"
        return (f"CONTRACT_BASE_URL is {target.base_url}, but that port speaks plain HTTP, not HTTPS: "
                f"use {plain}")
    return f"cannot reach {target.base_url}: {text}"


def preflight(target: Target, api: ContractClient) -> str | None:
    """Why the target cannot be tested as described, or None: one line instead of a wall of failures."""
    problem = base_url_problem(target.base_url) or expiry_problem("CONTRACT_TOKEN", target.token)
    if problem:
        return problem
    url = f"{target.base_url}{VIEWERS_PATH.format(id=target.stream_id)}"
    try:
        first = api.viewers(params={"limit": 1}, checked=False)
    except ContractViolation as error:
        return _unreachable(target, error, api.timeout_s)
    status, details = first.status, _details(first)
    if status == 401:
        return f"the target refuses CONTRACT_TOKEN (HTTP 401, {details}): give a valid, unexpired bearer token"
    if status == 403:
        return f"CONTRACT_TOKEN's user may not read stream {target.stream_id} (HTTP 403, {details})"
    if status == 404 and urlsplit(target.base_url).path.strip("/"):
        return (f"CONTRACT_BASE_URL {target.base_url} looks wrong: GET {url} is not found (HTTP 404, {details}); "
                "give the deployment's root, the part before /api/v1")
    if status == 404:
        return f"CONTRACT_STREAM_ID {target.stream_id} is not a live stream on the target (HTTP 404, {details})"
    if status != 200:
        return f"GET {url}?limit=1 answered HTTP {status} ({details}); the suite needs a 200 to start"
    try:
        total = first.body["data"]["pagination"]["totalItems"]
    except (KeyError, TypeError):
        total = None  # a malformed page is the contract checks' business, with full reports
    if total == 0:
        return f"stream {target.stream_id} has no viewers; CONTRACT_STREAM_ID needs a live stream with at least one"
    return _optional_values_problem(target, api)


def _optional_values_problem(target: Target, api: ContractClient) -> str | None:
    if target.forbidden_token:
        forbidden = api.viewers(headers=api.auth(target.forbidden_token), checked=False)
        if forbidden.status == 401:
            return (f"the target refuses CONTRACT_FORBIDDEN_TOKEN as invalid (HTTP 401, {_details(forbidden)}): it "
                    "must be a valid token of a user who may not read the stream (answered with 403)")
    return None
