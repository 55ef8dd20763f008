"""The recorder's HTTP client: the standard library's, kept alive per thread, patient with throttling.

A 429 or 503 is waited out as its Retry-After says (bounded), an error that stops the recording is
one line that says what to do, and nothing here needs more than the mock's own install.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

VIEWERS_PATH = "/api/v1/live-stream/{id}/viewers"
MAX_SINGLE_WAIT_S = 60.0
MAX_RETRIES = 8


class RecordError(Exception):
    """The recording cannot go on; the message says why and what to do."""


@dataclass
class Pacing:
    """Waits the whole recording shares: when the API throttles one request, every request waits."""

    budget_s: float = 300.0
    waited_s: float = 0.0
    throttled: int = 0
    _resume_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_turn(self) -> None:
        delay = self._resume_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def throttle(self, seconds: float) -> None:
        with self._lock:
            self.throttled += 1
            self.waited_s += seconds
            if self.waited_s > self.budget_s:
                raise RecordError(f"the API kept throttling (HTTP 429/503): waited {self.waited_s:.0f} s in all, "
                                  f"over the budget of {self.budget_s:.0f} s; try again later")
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)


def retry_after_seconds(value: str | None, attempt: int) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), else backing off; bounded."""
    seconds: float | None = None
    if value:
        if value.strip().isdigit():
            seconds = float(value.strip())
        else:
            try:
                seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                seconds = None
    if seconds is None:
        seconds = 2.0**attempt / 2
    return min(max(seconds, 0.1), MAX_SINGLE_WAIT_S)


class ViewersClient:
    """GET pages of a stream's viewers; one keep-alive connection per thread."""

    def __init__(self, base_url: str, token: str, *, timeout_s: float = 30.0, pacing: Pacing | None = None) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise RecordError(f"--base-url has value {base_url!r}: not an http(s) URL such as "
                              "https://staging.example.com")
        path = parts.path.rstrip("/")
        cut = path.find("/api")
        if cut >= 0 and (path[cut:] in ("/api", "/api/v1") or "/live-stream" in path):  # the app's API base URL
            root = urlunsplit(parts._replace(path=path[:cut], query="", fragment=""))
            raise RecordError(f"--base-url has value {base_url!r}: it ends in {path[cut:]!r}, but the recorder "
                              f"adds /api/v1/live-stream/... itself; give the API's root: {root}")
        if token.lower().startswith("bearer "):
            raise RecordError(f"--token has value '{token[:14]}…': give the token alone, without 'Bearer '")
        self.base_url = base_url.rstrip("/")
        self._parts = parts
        self._prefix = parts.path.rstrip("/")
        self.token = token
        self._timeout_s = timeout_s
        self.pacing = pacing or Pacing()
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            host, port = self._parts.hostname or "", self._parts.port
            if self._parts.scheme == "https":
                connection = http.client.HTTPSConnection(host, port, timeout=self._timeout_s,
                                                         context=ssl.create_default_context())
            else:
                connection = http.client.HTTPConnection(host, port, timeout=self._timeout_s)
            self._local.connection = connection
        return connection

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def page(self, stream_id: str, page: int, limit: int) -> dict[str, Any]:
        """`data` of one page; RecordError for anything but a 200 envelope (throttling is waited out)."""
        path = f"{self._prefix}{VIEWERS_PATH.format(id=stream_id)}?{urlencode({'page': page, 'limit': limit})}"
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        for attempt in range(MAX_RETRIES + 1):
            self.pacing.wait_turn()
            try:
                connection = self._connection()
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                self._drop_connection()
                if attempt == 0:  # a kept-alive connection the server closed: once more on a new one
                    continue
                raise RecordError(f"cannot reach {self.base_url}: {error}") from None
            if response.status in {429, 503} and attempt < MAX_RETRIES:
                self.pacing.throttle(retry_after_seconds(response.getheader("Retry-After"), attempt))
                continue
            return self._data(response, body, stream_id, self.base_url + path)
        raise RecordError(f"the API still throttled GET {self.base_url}{path} after {MAX_RETRIES} waits")

    def _data(self, response: http.client.HTTPResponse, body: bytes, stream_id: str, url: str) -> dict[str, Any]:
        status = response.status
        try:
            document: Any = json.loads(body)
        except ValueError:
            document = None
        if not isinstance(document, dict) or "statusCode" not in document:
            kind = response.getheader("Content-Type") or "no content type"
            raise RecordError(f"GET {url} did not answer with the API's JSON envelope (HTTP {status}, {kind}): "
                              "is --base-url the API's root, e.g. https://staging.example.com?")
        errors = "; ".join(str(e) for e in document.get("errors") or []) or "no details"
        if status == 401:
            raise RecordError(f"the API at {self.base_url} refuses the token (HTTP 401: {errors}); give a valid, "
                              "unexpired bearer token with --token")
        if status == 403:
            raise RecordError(f"the token's user may not read stream {stream_id} (HTTP 403: {errors})")
        if status == 404:
            raise RecordError(f"stream {stream_id} is not a live stream at {self.base_url} (HTTP 404: {errors})")
        if status == 400:
            raise RecordError(f"the API refuses stream id {stream_id!r} (HTTP 400: {errors})")
        data = document.get("data")
        if status != 200 or not isinstance(data, dict) or not isinstance(data.get("list"), list) \
                or not isinstance(data.get("pagination"), dict):
            raise RecordError(f"GET {url} answered HTTP {status} without a page of viewers ({errors})")
        return data


def token_subject(token: str) -> str | None:
    """The `sub` of a JWT, read without checking it (only to know whose isFollowing was recorded)."""
    import base64

    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    subject = payload.get("sub") if isinstance(payload, dict) else None
    return subject if isinstance(subject, str) and subject else None
