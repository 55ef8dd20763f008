"""`contract-proxy`: a reverse proxy that holds the real traffic of the viewers endpoint to the contract.

    contract-proxy --upstream https://staging.example.com [--port 8081] [--strict] [--report FILE]

Every request goes to the upstream unchanged and every answer comes back unchanged, but for
hop-by-hop headers (Starlette and uvicorn serve; httpcore, httpx's transport, forwards; nothing here
parses HTTP). Each answer of GET /api/v1/live-stream/{id}/viewers is also held to the registry's checks
and to the checks across answers (contract_proxy.cross_answer_watch); other paths pass through, streamed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import sys
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import httpcore
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from contract_proxy.cors import cors_headers, preflight_answer
from contract_proxy.cross_answer_watch import Finding, Watcher, viewers_stream
from contract_proxy.proxy_log import ProxyLog
from contract_proxy.proxy_settings import ProxySettings
from contract_proxy.wire import RawHeaders, decodable_accept_encoding, decoded, end_to_end, envelope_response
from contract_tests.registry.exchange import Exchange, Secrets, bearer_token

CLIENT_SHARDS = 16
UPSTREAM_ERRORS = (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol, httpcore.ProxyError,
                   OSError)
TOKEN_VARIABLE = "TOKEN"  # curl lines say "Authorization: Bearer $TOKEN"


@dataclass(frozen=True)
class _Answered:
    """An answer of the viewers endpoint as it came, to be checked."""

    method: str
    path: str
    query: str
    url: str
    request_headers: RawHeaders
    upstream: httpcore.Response
    raw: bytes
    sent: float
    received: float


class ContractProxy:
    """The ASGI endpoint: forward, hold viewer answers to the contract, answer back."""

    def __init__(self, settings: ProxySettings, log: ProxyLog, allowed: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.log = log
        self.allowed = dict(allowed or {})  # CONTRACT_ALLOW: reported as allowed deviations, never a 502
        self.watcher = Watcher(window=settings.window, window_seconds=settings.window_seconds)
        # httpx's own transport without its client layer (cookies, redirects, URL models: a forwarder wants none
        # of them, and they cost about 0.4 ms a request), in pools side by side, taken in turn: one pool's
        # bookkeeping grows with the square of its connections, and at 50 connections it cost more than
        # everything else the proxy does (measured: 190 against 800 requests/s).
        self.clients = [httpcore.AsyncConnectionPool(max_connections=64, max_keepalive_connections=16,
                                                     keepalive_expiry=4.0) for _ in range(CLIENT_SHARDS)]
        self._turns = itertools.cycle(self.clients)
        upstream = httpcore.URL(settings.upstream)
        default_port = {b"http": 80, b"https": 443}[upstream.scheme]
        self._host = upstream.host if upstream.port in (None, default_port) else b"%b:%d" % (upstream.host,
                                                                                           upstream.port or 0)
        seconds = settings.timeout
        self._extensions = {"timeout": {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self.handle(request)
        except Exception as error:  # a bug of the proxy's own still answers in the envelope, never a trace
            print(f"contract-proxy: failed on {request.method} {request.url.path}: {type(error).__name__}: {error}",
                  file=sys.stderr, flush=True)
            response = self._gateway_error(f"the proxy failed ({type(error).__name__}); see its output",
                                           request.headers.get("origin"))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        """The answer to one request: the upstream's, or the proxy's own envelope."""
        origin = request.headers.get("origin")
        if (request.method == "OPTIONS" and origin and "access-control-request-method" in request.headers
                and self.settings.origin_allowed(origin)):
            return preflight_answer(self.settings, origin, request.headers.get("access-control-request-headers"))
        stream = viewers_stream(request.url.path) if request.method == "GET" else None
        headers = end_to_end(request.headers.raw, drop=[b"host"])
        if stream is not None:
            headers = self._readable(headers)
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        query = request.scope.get("query_string", b"")
        url = self.settings.upstream + raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
        body = await request.body()
        if body and not any(name == b"content-length" for name, _ in headers):
            headers.append((b"content-length", str(len(body)).encode()))  # it came chunked
        sent = time.monotonic()
        try:
            upstream = await next(self._turns).handle_async_request(httpcore.Request(
                request.method, url, headers=[(b"host", self._host), *headers], content=body or None,
                extensions=self._extensions))
        except httpcore.TimeoutException:
            return self._gateway_error(f"the upstream {self.settings.upstream} did not answer within "
                                       f"{self.settings.timeout:g} s", origin)
        except UPSTREAM_ERRORS as error:
            return self._gateway_error(f"the upstream {self.settings.upstream} cannot be reached "
                                       f"({type(error).__name__}: {error or 'no detail'})", origin)
        answer_headers = cors_headers(self.settings, origin, end_to_end(upstream.headers))
        if stream is None:
            return self._streamed(upstream.aiter_stream(), upstream, answer_headers, [])
        return await self._checked(upstream, answer_headers, request, url, headers, sent, origin)

    @staticmethod
    def _readable(headers: RawHeaders) -> RawHeaders:
        """Viewer requests ask only for codings the proxy can read, so that every answer can be checked."""
        kept: RawHeaders = []
        for name, value in headers:
            if name == b"accept-encoding":
                narrowed = decodable_accept_encoding(value.decode("latin-1"))
                if narrowed is not None:
                    kept.append((name, narrowed.encode("latin-1")))
            else:
                kept.append((name, value))
        return kept

    @staticmethod
    def _streamed(rest: AsyncIterator[bytes], upstream: httpcore.Response, headers: RawHeaders,
                  first: list[bytes]) -> Response:
        """The answer streamed through: what was read of it already, then the rest as it comes."""

        async def body() -> AsyncIterator[bytes]:
            for chunk in first:
                yield chunk
            try:
                async for chunk in rest:
                    yield chunk
            except (httpcore.TimeoutException, *UPSTREAM_ERRORS):
                return  # the upstream broke off: so does the answer (its length tells the client)
            finally:
                await upstream.aclose()

        response = StreamingResponse(body(), status_code=upstream.status)
        response.raw_headers = headers
        return response

    async def _checked(self, upstream: httpcore.Response, headers: RawHeaders, request: Request, url: str,
                       request_headers: RawHeaders, sent: float, origin: str | None) -> Response:
        chunks: list[bytes] = []
        size = 0
        raw_chunks = upstream.aiter_stream()
        try:
            async for chunk in raw_chunks:
                chunks.append(chunk)
                size += len(chunk)
                if size > self.settings.max_checked_bytes:
                    self.log.skipped(f"an answer larger than {self.settings.max_checked_bytes} bytes is streamed "
                                     "through (--max-checked-bytes)")
                    return self._streamed(raw_chunks, upstream, headers, chunks)
        except (httpcore.TimeoutException, *UPSTREAM_ERRORS) as error:
            await upstream.aclose()
            return self._gateway_error(f"the upstream {self.settings.upstream} broke off its answer "
                                       f"({type(error).__name__}: {error or 'no detail'})", origin)
        await upstream.aclose()
        raw = b"".join(chunks)
        received = time.monotonic()
        response = Response(raw, status_code=upstream.status)
        response.raw_headers = headers
        answer = _Answered(request.method, request.url.path, request.url.query, url, request_headers, upstream, raw,
                           sent, received)
        if self.settings.strict:
            findings = self._check(answer)
            return self._broken(findings, origin) if findings else response
        response.background = BackgroundTask(self._check_later, answer)  # after the answer is sent
        return response

    async def _check_later(self, answer: _Answered) -> None:
        self._check(answer)  # on the event loop, after the answer went out: no thread hand-off

    def _check(self, answer: _Answered) -> list[Finding]:
        exchange = self._exchange(answer.method, answer.url, answer.request_headers, answer.upstream, answer.raw)
        if exchange is None:
            return []
        label = f"`{answer.method} {answer.path}{'?' + answer.query if answer.query else ''}` " \
                f"HTTP {answer.upstream.status} at {dt.datetime.now(dt.UTC):%H:%M:%S} UTC"
        found = self.watcher.check(exchange, viewers_stream(answer.path) or "", sent=answer.sent,
                                   received=answer.received)
        findings = [finding for finding in found if finding.check not in self.allowed]
        for finding in found:
            if finding.check in self.allowed:
                self.log.allowed_deviation(finding, self.allowed[finding.check])
        self.log.answer(findings, label, exchange)
        return findings

    def _exchange(self, method: str, url: str, request_headers: RawHeaders, upstream: httpcore.Response,
                  raw: bytes) -> Exchange | None:
        answer_headers: dict[str, str] = {}
        for name, value in upstream.headers:
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            answer_headers[key] = f"{answer_headers[key]}, {text}" if key in answer_headers else text
        content = decoded(raw, answer_headers.get("content-encoding"))
        if content is None:
            self.log.skipped(f"answers with Content-Encoding {answer_headers.get('content-encoding')!r} cannot "
                             "be read")
            return None
        sent_headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in request_headers}
        secrets = Secrets().remembering(bearer_token(sent_headers), TOKEN_VARIABLE)
        return Exchange.of(method, url, sent_headers, upstream.status, answer_headers, content, secrets)

    def _broken(self, findings: list[Finding], origin: str | None) -> Response:
        errors = ["Bad Gateway", "contract-proxy: the upstream's answer breaks the contract"]
        errors += [f"{f.check}: {f.promise} ({f.violation.problem}; received: {f.violation.received})"
                   for f in findings]
        names = ", ".join(dict.fromkeys(f.check for f in findings))
        extra = cors_headers(self.settings, origin, [(b"x-contract-violations", names.encode())])
        return envelope_response(502, errors, extra)

    def _gateway_error(self, detail: str, origin: str | None) -> Response:
        return envelope_response(502, ["Bad Gateway", f"contract-proxy: {detail}"], cors_headers(self.settings,
                                                                                                 origin, []))


def create_proxy_app(settings: ProxySettings, log: ProxyLog, allowed: Mapping[str, str] | None = None) -> Starlette:
    """The proxy as an ASGI app; its reports are rewritten while it runs and once more when it stops."""
    proxy = ContractProxy(settings, log, allowed)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async def keep_reports() -> None:
            while True:
                await asyncio.sleep(0.5)
                if log.dirty:
                    log.write()

        log.write()
        keeper = asyncio.create_task(keep_reports())
        try:
            yield
        finally:
            keeper.cancel()
            log.write()
            for client in proxy.clients:
                await client.aclose()

    return Starlette(routes=[Route("/{path:path}", proxy, methods=None)], lifespan=lifespan)
