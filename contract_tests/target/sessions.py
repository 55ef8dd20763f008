"""The suite's two HTTP clients, both paced by one Pacer: httpx for its own tests, requests for Schemathesis."""

from __future__ import annotations

from typing import Any

import httpx
import requests

from contract_tests.registry.exchange import Exchange
from contract_tests.target.pacing import Pacer, Reply
from contract_tests.target.request_log import RequestLog


def paced_httpx(pacer: Pacer, client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """client.request(method, url, ...) through the pacer."""

    def attempt() -> Reply[httpx.Response]:
        try:
            response = client.request(method, url, **kwargs)
        except httpx.TransportError as error:
            return Reply(None, error=error)
        return Reply(response, response.status_code, response.headers.get("retry-after"))

    shown = str(client.build_request(method, url, params=kwargs.get("params")).url)
    has_body = any(kwargs.get(key) is not None for key in ("content", "data", "json", "files"))
    return pacer.send(method, shown, attempt, has_body=has_body)


class PacedSession(requests.Session):
    """A requests session for Schemathesis' calls: paced, retried as the target asks, with the suite's timeout."""

    def __init__(self, pacer: Pacer, timeout_s: float, log: RequestLog | None = None) -> None:
        super().__init__()
        self.pacer = pacer
        self.timeout_s = timeout_s
        self.log = log

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs["timeout"] = self.timeout_s
        method_name = method.decode() if isinstance(method, bytes) else method
        url_text = url.decode() if isinstance(url, bytes) else url

        def attempt() -> Reply[requests.Response]:
            try:
                response = super(PacedSession, self).request(method_name, url_text, *args, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as error:
                return Reply(None, error=error)
            status = response.status_code
            if status == 429 or status in {502, 503, 504}:
                response.content  # noqa: B018 - read it, so that a retry's connection is free
            return Reply(response, status, response.headers.get("retry-after"))

        has_body = any(kwargs.get(key) is not None for key in ("data", "json", "files"))
        response = self.pacer.send(method_name, url_text, attempt, has_body=has_body)
        if self.log is not None:
            request = response.request
            headers = {key: value.decode() if isinstance(value, bytes) else value
                       for key, value in request.headers.items()}
            self.log.record(Exchange.of(request.method or method_name, request.url or url_text, headers,
                                        response.status_code, dict(response.headers), response.content or b""))
        return response
