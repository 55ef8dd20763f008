"""Small deployments that keep the contract but behave like real ones, and their faulty twins.

    python -m tests.realistic_target [--framework] [--churn N] [--rate-limit N] [--flaky-every N]
                                     [--latency A-B] [--fault FAULT] [--audience N]

A correct implementation of the viewers endpoint, written apart from the mock, with what real
deployments add: OPTIONS and HEAD answered by the framework, gzip and extra headers, trimmed search
terms (--framework); an audience that joins and leaves while it is read (--churn); a gateway's rate
limit with 429 and Retry-After (--rate-limit); one-off 502s (--flaky-every); latency (--latency).
A --fault breaks one promise on purpose. Tokens are the mock's (`mockserver token`).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import re
import socket
import sys
import threading
import time
from typing import Any

import jwt
import uvicorn
from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.core.dataset import EXAMPLE_STREAM_ID, FORBIDDEN_USER_ID
from mockserver.core.search import fold
from mockserver.settings import DEVELOPMENT_SECRET
from tests.realistic_audience import AudienceChurn, AudienceMember, LiveAudience

FAULTS = ("repeat_last_viewer", "write_succeeds", "options_500", "persistent_5xx")
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]
_WHOLE = re.compile(r"[0-9]+")
_WHOLE_SPELLED = re.compile(r"[0-9]+(\.0+)?")


def envelope(status: int, data: Any = None, errors: list[str] | None = None) -> dict[str, Any]:
    return {"isSuccess": status < 400, "statusCode": status, "data": data, "errors": errors or [],
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}


class Deployment:
    """The endpoint and what the options add to it."""

    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.audience = LiveAudience(options.audience)
        self.requests = 0
        self.lock = threading.Lock()
        self.bucket: list[float] = []
        latency = [int(part) for part in options.latency.split("-")] if options.latency else [0, 0]
        self.latency_ms = (latency[0], latency[-1])

    def answer(self, request: Request, status: int, data: Any = None, errors: list[str] | None = None,
               headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(envelope(status, data, errors), ensure_ascii=False).encode()
        extra = dict(headers or {})
        if self.options.framework:
            extra |= {"x-request-id": hashlib.sha1(body).hexdigest()[:16], "etag": f'W/"{len(body):x}"',
                      "cache-control": "no-store", "strict-transport-security": "max-age=63072000",
                      "x-ratelimit-limit": "1000", "vary": "Origin"}
        media = "application/json; charset=utf-8" if self.options.framework else "application/json"
        return Response(body, status, headers=extra, media_type=media)

    async def viewers(self, request: Request) -> Response:
        with self.lock:
            self.requests += 1
            serial = self.requests
        if self.latency_ms[1]:
            await asyncio.sleep(random.uniform(*self.latency_ms) / 1000)
        gateway = self.gateway(request, serial)
        if gateway is not None:
            return gateway
        if request.method in WRITE_METHODS:
            if self.options.fault == "write_succeeds":
                return self.answer(request, 200, {"updated": True})
            return self.answer(request, 405, errors=["Method not allowed"], headers={"allow": "GET, HEAD, OPTIONS"})
        if request.method == "OPTIONS":
            if self.options.fault == "options_500":
                return Response("Internal Server Error", 500)
            cors = {"allow": "GET, HEAD, OPTIONS", "access-control-allow-origin": "*",
                    "access-control-allow-methods": "GET, HEAD, OPTIONS",
                    "access-control-allow-headers": "Authorization, Content-Type"}
            return Response(None, 204, headers=cors) if self.options.framework else self.answer(request, 405, errors=[
                "Method not allowed"], headers={"allow": "GET"})
        return self.page(request)

    def gateway(self, request: Request, serial: int) -> Response | None:
        """What a gateway in front answers on its own: throttles and one-off bad gateways."""
        if self.options.rate_limit:
            now = time.monotonic()
            with self.lock:
                self.bucket = [t for t in self.bucket if now - t < 1.0]
                if len(self.bucket) >= self.options.rate_limit:
                    wait = max(1, round(1.0 - (now - self.bucket[0])))
                    return Response("Too Many Requests", 429, headers={"retry-after": str(wait)})
                self.bucket.append(now)
        if self.options.flaky_every and serial % self.options.flaky_every == 0:
            return Response("<html><body><h1>502 Bad Gateway</h1></body></html>", 502, media_type="text/html")
        if self.options.fault == "persistent_5xx" and request.query_params.get("limit") == "7":
            return Response("<html><body><h1>502 Bad Gateway</h1></body></html>", 502, media_type="text/html")
        return None

    def page(self, request: Request) -> Response:
        authorization = request.headers.get("authorization", "")
        try:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token:
                raise jwt.InvalidTokenError("no bearer token")
            claims = jwt.decode(token, DEVELOPMENT_SECRET, algorithms=["HS256"], options={"require": ["exp", "sub"]})
        except jwt.InvalidTokenError:
            return self.answer(request, 401, errors=["Authentication required"],
                               headers={"www-authenticate": 'Bearer error="invalid_token"'})
        stream_id = request.path_params["id"]
        problems = [] if re.fullmatch(r"[0-9a-fA-F]{24}", stream_id) else ["id must be an ObjectId"]
        numbers = {}
        for name, default, maximum in (("page", 1, None), ("limit", 20, 100)):
            values = request.query_params.getlist(name)
            spelled = _WHOLE_SPELLED if self.options.framework else _WHOLE
            if len(values) > 1 or (values and not spelled.fullmatch(values[0])):
                problems.append(f"{name} must be a whole number")
                continue
            number = int(float(values[0])) if values else default
            if number < 1 or (maximum and number > maximum):
                problems.append(f"{name} is out of range")
            numbers[name] = number
        if problems:
            return self.answer(request, 400, errors=["Validation failed", *problems])
        if stream_id.lower() != EXAMPLE_STREAM_ID:
            return self.answer(request, 404, errors=["Resource not found"])
        if claims["sub"] == FORBIDDEN_USER_ID:
            return self.answer(request, 403, errors=["Insufficient permissions"])
        viewers, participants = self.audience.snapshot()
        term = request.query_params.get("search") or ""
        if self.options.framework:
            term = term.strip()
        if term.strip():
            needle = fold(term)
            viewers = [v for v in viewers if any(needle in fold(text) for text in (v.name, v.surname, v.username))]
        page, limit = numbers["page"], numbers["limit"]
        listed = self.listed(viewers, page, limit)
        total_pages = -(-len(viewers) // limit)
        pagination = {"currentPage": page, "totalPages": total_pages, "totalItems": len(viewers),
                      "itemsPerPage": limit, "hasNextPage": page < total_pages, "hasPrevPage": page > 1}
        data = {"list": [v.to_json(str(claims["sub"])) for v in listed], "pagination": pagination,
                "participantAudienceTotal": participants}
        return self.answer(request, 200, data)

    def listed(self, viewers: list[AudienceMember], page: int, limit: int) -> list[AudienceMember]:
        start = (page - 1) * limit
        listed = viewers[start:start + limit]
        if self.options.fault == "repeat_last_viewer" and page > 1 and listed:
            listed = [viewers[start - 1], *listed[:-1]]
        return listed


def create_app(options: argparse.Namespace) -> Starlette:
    deployment = Deployment(options)
    methods = ["GET", "OPTIONS", *WRITE_METHODS]
    app = Starlette(routes=[Route("/api/v1/live-stream/{id}/viewers", deployment.viewers, methods=methods)])
    app.state.deployment = deployment
    if options.framework:
        app.add_middleware(GZipMiddleware, minimum_size=200)
    return app


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.realistic_target")
    parser.add_argument("--framework", action="store_true", help="OPTIONS 204, gzip, extra headers, trimmed terms")
    parser.add_argument("--churn", type=float, default=0.0, help="joins and leaves a second")
    parser.add_argument("--rate-limit", type=int, default=0, help="requests a second before 429")
    parser.add_argument("--flaky-every", type=int, default=0, help="every Nth request is a one-off 502")
    parser.add_argument("--latency", default="", help="added latency in ms, A or A-B")
    parser.add_argument("--audience", type=int, default=45)
    parser.add_argument("--fault", choices=FAULTS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = parse(argv)
    app = create_app(options)
    churn = AudienceChurn(app.state.deployment.audience, options.churn)
    churn.start()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    print(f"realistic target listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    try:
        server.run(sockets=[sock])
    finally:
        churn.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
