"""Deployments of the viewers endpoint in the style of independent backends, correct and faulty.

    python -m tests.stack_target [--stack STACK] [--reading NAME=VALUE ...] [--fault FAULT ...]
                                 [--audience N] [--latency A-B]

Each is written from the public documentation alone, as a team on another stack would write it, and
takes that stack's default wherever the documentation is silent: FastAPI over SQL with an accent-
insensitive collation and `expertise: null`, Express with Mongoose and mongoose-paginate-v2 (fields a
user never set left out, `totalPages` 1 for nothing found, the plugin's extra paging fields, JavaScript's
numbers), Spring Data (out-of-range values clamped, unparseable ones read as the default), Rails with
kaminari, Laravel's paginator. A `--reading` overrides one behaviour of the stack; every combination of
readings is a correct deployment the contract suite must pass with nothing declared. A `--fault` breaks
one promise the way a real backend might, for the suite to catch and name. Tokens are the mock's.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import random
import re
import socket
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.core.dataset import ENDED_STREAM_ID, EXAMPLE_STREAM_ID, FORBIDDEN_USER_ID
from mockserver.settings import DEVELOPMENT_SECRET
from tests.realistic_audience import AudienceMember, LiveAudience

FIRST_NAMES_ACCENTED = ("Ayşe", "İlker", "Çağla", "Ömer", "Şule", "Ilgın", "Gökhan", "Barış", "Özge", "Ümit")
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]
DEFAULT_PAGE, DEFAULT_LIMIT, MAX_LIMIT = 1, 20, 100
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


# --- collations: how each stack compares a search term with a name --------------------------------------------

def _strip_marks(text: str) -> str:
    """Accents off, as unaccent, utf8mb4_unicode_ci and ICU folding take them: letters keep their base letter,
    and a character that would decompose to nothing or to a space (a spacing macron) stays as it is."""
    out = []
    for character in text:
        if unicodedata.combining(character):
            continue
        decomposed = "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))
        out.append(decomposed if decomposed and not decomposed.isspace() else character)
    return "".join(out)


_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae",
                                                "œ": "oe", "ß": "ss", "þ": "th"})


def fold_exact(text: str) -> str:
    """The mock's reading: Unicode case folding, the Turkish i's as one i."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return folded.replace("i\u0307", "i").replace("ı", "i")


def fold_ilike(text: str) -> str:
    """PostgreSQL ILIKE, MongoDB's $regex with the i option, JavaScript's toLowerCase: per-letter lower case."""
    return text.lower()


def fold_upper(text: str) -> str:
    """Spring Data's `containingIgnoreCase`: upper(column) LIKE upper(term)."""
    return text.upper()


def fold_accent(text: str) -> str:
    """MySQL utf8mb4_unicode_ci, PostgreSQL unaccent + ILIKE, Elasticsearch's ICU folding."""
    return _strip_marks(text.lower().translate(_LETTERS_WITHOUT_DECOMPOSITION))


def fold_general_ci(text: str) -> str:
    """MySQL utf8mb4_general_ci: accents off, and ß is one s."""
    return _strip_marks(text.lower().replace("ß", "s").translate(_LETTERS_WITHOUT_DECOMPOSITION))


def fold_accent_everything(text: str) -> str:
    """A faulty folding: NFKD with every mark and symbol dropped, so `¯` (a spacing macron) is nothing."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if unicodedata.category(c)[0] in "LN")


COLLATIONS: dict[str, Callable[[str], str]] = {
    "exact": fold_exact, "ilike": fold_ilike, "upper": fold_upper, "accent": fold_accent,
    "general_ci": fold_general_ci,
}


@dataclass(frozen=True)
class Behaviour:
    """What a backend does where the documentation is silent (each a reading the suite must accept)."""

    collation: str = "exact"
    trims: bool = False  # the search term trimmed before matching
    full_name: bool = False  # "name surname" matched as one
    unset_expertise: str = "value"  # value | null | absent | empty: expertise of a user who never set one
    photo_absent: bool = False  # a user without a photo has no profilePhoto field (else null)
    empty_total_pages: int = 0  # totalPages when nothing matched: 0 (ceil) or 1 (mongoose-paginate-v2, Laravel)
    past_end: str = "empty"  # empty | 404 | 400: a page past the last
    out_of_range: str = "reject"  # reject | clamp: page < 1, limit < 1 or > 100
    unparseable: str = "reject"  # reject | default: page=abc
    fractions: str = "reject"  # reject | whole (2.0 and 1e1 are numbers) | truncate (parseInt, (int))
    extra_paging_fields: bool = False  # pagingCounter, prevPage, nextPage beside the documented ones
    timestamp: str = "millis"  # millis | seconds | micro_offset | micro_z
    malformed_id: int = 400  # 400 (a validating pipe) or 404 (the id looked up as it came)
    other_methods: str = "405"  # 405 (envelope) | 405-plain | 404-html (Express's default)
    options: str = "204"  # 204 (CORS middleware) | 200-text (Express's default: "GET,HEAD")
    order: str = "newest"  # newest | oldest | id: any total order, stable across pages
    charset: bool = False  # application/json; charset=utf-8
    js_numbers: bool = False  # page and limit read as JavaScript's Number, echoed as JSON.stringify writes them
    retry_after_503_every: int = 0  # every Nth request a 503 with Retry-After, as an overloaded gateway
    # The HTTP server in front of the app refuses a long request in its own format: none | node (431, no body,
    # past 16 KiB of request line and headers) | gunicorn (414 in HTML, past a request line of 4,094 bytes)
    request_limit: str = "none"


STACKS: dict[str, Behaviour] = {
    "mock-like": Behaviour(),
    "fastapi-sql": Behaviour(collation="accent", unset_expertise="null", timestamp="micro_offset", malformed_id=404,
                             other_methods="405-plain", fractions="reject", charset=False, request_limit="gunicorn"),
    "express-mongoose": Behaviour(collation="ilike", unset_expertise="absent", photo_absent=True, empty_total_pages=1,
                                  extra_paging_fields=True, js_numbers=True, fractions="whole",
                                  other_methods="404-html", options="200-text", charset=True, trims=True,
                                  request_limit="node"),
    "spring": Behaviour(collation="upper", unset_expertise="null", out_of_range="clamp", unparseable="default",
                        timestamp="micro_offset", order="id"),
    "rails": Behaviour(collation="ilike", unset_expertise="null", out_of_range="clamp", unparseable="default",
                       malformed_id=404, charset=True, trims=True, full_name=True),
    "laravel": Behaviour(collation="accent", unset_expertise="empty", empty_total_pages=1, unparseable="default",
                         fractions="truncate", timestamp="micro_z", past_end="404", order="oldest"),
}

READING_CHOICES: dict[str, tuple[str, ...]] = {
    "collation": tuple(COLLATIONS), "unset_expertise": ("value", "null", "absent", "empty"),
    "empty_total_pages": ("0", "1"), "past_end": ("empty", "404", "400"), "out_of_range": ("reject", "clamp"),
    "unparseable": ("reject", "default"), "fractions": ("reject", "whole", "truncate"),
    "timestamp": ("millis", "seconds", "micro_offset", "micro_z"), "malformed_id": ("400", "404"),
    "other_methods": ("405", "405-plain", "404-html"), "options": ("204", "200-text"),
    "order": ("newest", "oldest", "id"), "request_limit": ("none", "node", "gunicorn"),
}

# fault -> the promise it breaks (what the suite must name)
FAULTS: dict[str, str] = {
    "filter_after_slice": "the search is applied to the page after it is sliced",
    "prefix_only_username": "usernames are matched only from their start",
    "future_joined_at": "joinedAt of some viewers is a day after the answer's timestamp",
    "alg_none_any_case": "a token with alg None or NONE is accepted (only 'none' is refused)",
    "empty_signature": "a token with its signature cut off is accepted",
    "other_hmac_unverified": "HS384 and HS512 tokens are accepted without checking the signature",
    "expired_accepted": "expired tokens are accepted",
    "following_flips": "isFollowing changes between two identical requests",
    "forbidden_with_search": "a forbidden user is served whenever a search term is present",
    "repeat_under_search": "under a search, each page repeats the last viewer of the page before",
    "unknown_stream_200": "an unknown stream is a 200 with an empty list",
    "ended_stream_200": "an ended stream is still served",
    "symbols_match_everyone": "a term of symbols an accent folding drops (e.g. '¯') matches everybody",
    "deep_pages_shift": "past the 2000th viewer, pages skip one viewer",
    "next_page_at_boundary": "hasNextPage is true on the last page when totalItems is a multiple of the limit",
    "limit_ignored_with_search": "under a search, the limit is ignored (always 20)",
    "nondeterministic_ties": "viewers who joined in the same second come in a random order",
    "clamp_echoes_request": "limit 101 is served as 100 viewers but echoed as itemsPerPage 101",
    "null_username": "some viewers have username null",
    "expertise_as_number": "an unset expertise is 0",
    "accent_search_unsound": "an accent-insensitive search that also matches a letter's neighbours (s finds z)",
}


def parse_behaviour(stack: str, readings: list[str]) -> Behaviour:
    behaviour = STACKS[stack]
    fields = {f.name: f for f in dataclasses.fields(Behaviour)}
    for reading in readings:
        name, _, value = reading.partition("=")
        if name not in fields:
            raise SystemExit(f"stack_target: --reading {reading!r}: unknown reading (known: {', '.join(fields)})")
        default = getattr(STACKS["mock-like"], name)
        parsed: Any = value
        if isinstance(default, bool):
            parsed = value.lower() in {"1", "true", "yes"}
        elif isinstance(default, int):
            parsed = int(value)
        behaviour = dataclasses.replace(behaviour, **{name: parsed})
    return behaviour


def _b64json(part: str) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


class AuthError(Exception):
    pass


class StackDeployment:
    """The endpoint as one backend writes it: its behaviour, and its faults."""

    def __init__(self, behaviour: Behaviour, faults: frozenset[str], audience: int, latency_ms: tuple[int, int],
                 seed: int = 0) -> None:
        self.behaviour, self.faults = behaviour, faults
        self.audience = LiveAudience(audience, seed=seed)
        self.latency_ms = latency_ms
        self.requests = 0
        self.shuffle = random.Random(seed)
        folding = fold_accent_everything if "symbols_match_everyone" in faults else COLLATIONS[behaviour.collation]
        # folded once per text, as a database keeps a folded column and folds a term once per query (a long term
        # folded again for each of 3000 viewers took longer than the suite's timeout on a loaded machine)
        self.fold: Callable[[str], str] = functools.lru_cache(maxsize=65536)(folding)

    # --- rendering -------------------------------------------------------------------------------------------

    def now_text(self) -> str:
        now = dt.datetime.now(dt.UTC)
        style = self.behaviour.timestamp
        if style == "seconds":
            return now.strftime("%Y-%m-%dT%H:%M:%SZ")
        if style == "micro_offset":
            return now.isoformat()
        if style == "micro_z":
            return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def envelope(self, status: int, data: Any = None, errors: list[str] | None = None,
                 headers: dict[str, str] | None = None) -> Response:
        body = {"isSuccess": status < 400, "statusCode": status, "data": data, "errors": errors or [],
                "timestamp": self.now_text()}
        media = "application/json; charset=utf-8" if self.behaviour.charset else "application/json"
        return Response(json.dumps(body, ensure_ascii=False).encode(), status, headers=headers, media_type=media)

    def viewer_json(self, viewer: AudienceMember, asker: str, serial: int) -> dict[str, Any]:
        rendered = viewer.to_json(asker)
        digest = hashlib.sha256(viewer.id.encode()).digest()
        if digest[1] % 3 == 0:  # a user who never set an expertise
            unset = self.behaviour.unset_expertise
            if "expertise_as_number" in self.faults:
                rendered["expertise"] = 0
            elif unset == "absent":
                del rendered["expertise"]
            elif unset != "value":
                rendered["expertise"] = None if unset == "null" else ""
        else:
            rendered["expertise"] = ("designer", "developer", "müzisyen", "öğretmen")[digest[2] % 4]
        if rendered["profilePhoto"] is None and self.behaviour.photo_absent:
            del rendered["profilePhoto"]
        if "future_joined_at" in self.faults and digest[3] % 4 == 0:
            joined = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
            rendered["joinedAt"] = joined.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if "following_flips" in self.faults:
            rendered["isFollowing"] = bool((serial + digest[4]) % 2)
        if "null_username" in self.faults and digest[5] % 5 == 0:
            rendered["username"] = None
        return rendered

    # --- requests --------------------------------------------------------------------------------------------

    async def viewers(self, request: Request) -> Response:
        self.requests += 1
        serial = self.requests
        if self.latency_ms[1]:
            await asyncio.sleep(random.uniform(*self.latency_ms) / 1000)
        every = self.behaviour.retry_after_503_every
        if every and serial % every == 0:
            return Response("Service Unavailable", 503, headers={"retry-after": "1"}, media_type="text/plain")
        refused = self.refused_as_too_long(request)
        if refused is not None:
            return refused
        if request.method in WRITE_METHODS:
            return self.other_method()
        if request.method == "OPTIONS":
            if self.behaviour.options == "200-text":
                return Response("GET,HEAD", 200, headers={"allow": "GET,HEAD"}, media_type="text/html")
            return Response(None, 204, headers={"allow": "GET, HEAD, OPTIONS", "access-control-allow-origin": "*",
                                                "access-control-allow-methods": "GET, HEAD, OPTIONS"})
        response = self.page(request, serial)
        if request.method == "HEAD":
            return Response(None, response.status_code, headers={
                k: v for k, v in response.headers.items() if k.lower() != "content-length"})
        return response

    def refused_as_too_long(self, request: Request) -> Response | None:
        """The HTTP server's own refusal of a request too long for it, before the app sees it."""
        query = request.scope.get("query_string", b"")
        line = len(request.method) + len(request.scope.get("raw_path", b"")) + len(query) + 1 + 10
        headers = sum(len(name) + len(value) + 4 for name, value in request.scope.get("headers", []))
        if self.behaviour.request_limit == "node" and line + headers > 16 * 1024:
            return Response(None, 431, headers={"connection": "close"})
        if self.behaviour.request_limit == "gunicorn" and line > 4094:
            return Response(f"<html><head><title>Request-URI Too Long</title></head><body><h1><p>Request-URI Too "
                            f"Long</p></h1>Request Line is too large ({line} &gt; 4094)</body></html>", 414,
                            media_type="text/html")
        return None

    def other_method(self) -> Response:
        if self.behaviour.other_methods == "404-html":
            return Response("<!DOCTYPE html><html><body><pre>Cannot POST</pre></body></html>", 404,
                            media_type="text/html")
        if self.behaviour.other_methods == "405-plain":
            return Response(json.dumps({"detail": "Method Not Allowed"}), 405, headers={"allow": "GET"},
                            media_type="application/json")
        return self.envelope(405, errors=["Method not allowed"], headers={"allow": "GET, HEAD"})

    def principal(self, request: Request) -> str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise AuthError("no bearer token")
        try:
            head, payload, signature = token.split(".")
            header = _b64json(head)
            claims = _b64json(payload)
        except (ValueError, TypeError):
            raise AuthError("malformed") from None
        algorithm = str(header.get("alg", ""))
        if "alg_none_any_case" in self.faults and algorithm.lower() == "none" and algorithm != "none":
            return str(claims["sub"])
        if "empty_signature" in self.faults and signature == "":
            return str(claims["sub"])
        if "other_hmac_unverified" in self.faults and algorithm in {"HS384", "HS512"}:
            return str(claims["sub"])
        options = {"require": ["exp", "sub"], "verify_exp": "expired_accepted" not in self.faults}
        try:
            verified = jwt.decode(token, DEVELOPMENT_SECRET, algorithms=["HS256"], options=options)  # type: ignore[arg-type]
        except jwt.InvalidTokenError as error:
            raise AuthError(str(error)) from None
        return str(verified["sub"])

    def number(self, request: Request, name: str, default: int, maximum: int | None) -> int | str:
        """The page or limit the backend reads, or the problem with it."""
        values = request.query_params.getlist(name)
        if len(values) > 1:
            return f"{name} must be given once"
        if not values or (values[0].strip() == "" and self.behaviour.js_numbers):
            return default
        behaviour, raw = self.behaviour, values[0]
        number: float | None = None
        if re.fullmatch(r"[0-9]+", raw):
            number = int(raw)
        elif (behaviour.js_numbers or behaviour.fractions != "reject") and _DECIMAL.fullmatch(raw.strip()):
            number = float(raw)
        if number is None:
            return default if behaviour.unparseable == "default" else f"{name} must be a whole number"
        if number != int(number) and behaviour.fractions == "truncate":
            number = float(int(number))
        if number != int(number) or abs(number) >= 2**63:
            return f"{name} must be a whole number"
        whole = int(number)
        if whole >= 1 and (maximum is None or whole <= maximum):
            return whole
        if behaviour.out_of_range == "clamp":
            return max(1, whole) if maximum is None or whole <= maximum else maximum
        return f"{name} is out of range"

    def page(self, request: Request, serial: int) -> Response:
        try:
            user = self.principal(request)
        except AuthError:
            return self.envelope(401, errors=["Authentication required"],
                                 headers={"www-authenticate": 'Bearer error="invalid_token"'})
        stream_id = request.path_params["id"]
        problems: list[str] = []
        if not re.fullmatch(r"[0-9a-fA-F]{24}", stream_id):
            if self.behaviour.malformed_id == 404:
                return self.envelope(404, errors=["Resource not found"])
            problems.append("id must be a valid ObjectId")
        page = self.number(request, "page", DEFAULT_PAGE, None)
        limit = self.number(request, "limit", DEFAULT_LIMIT, MAX_LIMIT)
        problems += [value for value in (page, limit) if isinstance(value, str)]
        if problems:
            return self.envelope(400, errors=["Validation failed", *problems])
        assert isinstance(page, int) and isinstance(limit, int)
        known = stream_id.lower() == EXAMPLE_STREAM_ID
        if stream_id.lower() == ENDED_STREAM_ID and "ended_stream_200" in self.faults:
            known = True
        if not known and "unknown_stream_200" not in self.faults:
            return self.envelope(404, errors=["Resource not found"])
        term = request.query_params.get("search") or ""
        if user == FORBIDDEN_USER_ID and not ("forbidden_with_search" in self.faults and term):
            return self.envelope(403, errors=["Insufficient permissions"])
        viewers, participants = self.audience.snapshot() if known else ([], 0)
        viewers = self.ordered(viewers)
        if self.behaviour.trims:
            term = term.strip()
        searching = bool(term.strip())
        if searching and "limit_ignored_with_search" in self.faults:
            limit = DEFAULT_LIMIT
        if "clamp_echoes_request" in self.faults and request.query_params.get("limit") == "101":
            served_limit, echoed_limit = 100, 101
        else:
            served_limit = echoed_limit = limit
        matched = [v for v in viewers if self.matches(term, v)] if searching else viewers
        start = (page - 1) * served_limit
        if "deep_pages_shift" in self.faults and start >= 2000:
            start += 1
        if searching and "filter_after_slice" in self.faults:
            listed = [v for v in viewers[start:start + served_limit] if self.matches(term, v)]
        else:
            listed = matched[start:start + served_limit]
        if searching and "repeat_under_search" in self.faults and page > 1 and listed:
            listed = [matched[start - 1], *listed[:-1]]
        total = len(matched)
        total_pages = -(-total // served_limit) if total else self.behaviour.empty_total_pages
        if page > max(total_pages, 1) and self.behaviour.past_end != "empty":
            status = int(self.behaviour.past_end)
            return self.envelope(status, errors=["Resource not found" if status == 404 else "Validation failed",
                                                 f"page {page} is past the last page ({total_pages})"])
        has_next = page < total_pages
        if "next_page_at_boundary" in self.faults and total and total % served_limit == 0 and page == total_pages:
            has_next = True
        pagination: dict[str, Any] = {"currentPage": self.echo(page), "totalPages": total_pages, "totalItems": total,
                                      "itemsPerPage": self.echo(echoed_limit), "hasNextPage": has_next,
                                      "hasPrevPage": page > 1}
        if self.behaviour.extra_paging_fields:
            pagination |= {"pagingCounter": (page - 1) * served_limit + 1, "prevPage": page - 1 if page > 1 else None,
                           "nextPage": page + 1 if has_next else None}
        data = {"list": [self.viewer_json(v, user, serial) for v in listed], "pagination": pagination,
                "participantAudienceTotal": participants}
        return self.envelope(200, data)

    def echo(self, number: int) -> int | float:
        """A number as the backend writes it back: JavaScript's Number past 2**53 is its nearest double."""
        if self.behaviour.js_numbers and abs(number) > 2**53:
            return float(number)
        return number

    def ordered(self, viewers: list[AudienceMember]) -> list[AudienceMember]:
        order = self.behaviour.order
        if order == "oldest":
            viewers = sorted(viewers, key=lambda v: (v.joined_ms, v.id))
        elif order == "id":
            viewers = sorted(viewers, key=lambda v: v.id)
        if "nondeterministic_ties" in self.faults:
            groups: dict[int, list[AudienceMember]] = {}
            for viewer in viewers:
                groups.setdefault(viewer.joined_ms, []).append(viewer)
            viewers = []
            for group in groups.values():
                self.shuffle.shuffle(group)
                viewers += group
        return viewers

    def matches(self, term: str, viewer: AudienceMember) -> bool:
        needle = self.fold(term)
        fields = [viewer.name, viewer.surname]
        if self.behaviour.full_name:
            fields.append(f"{viewer.name} {viewer.surname}")
        if "accent_search_unsound" in self.faults:
            needle = needle.replace("s", "[sz]")
            return any(re.search(needle, self.fold(text)) for text in [*fields, viewer.username])
        if "prefix_only_username" in self.faults:
            return any(needle in self.fold(text) for text in fields) or self.fold(viewer.username).startswith(needle)
        return any(needle in self.fold(text) for text in [*fields, viewer.username])


def create_app(deployment: StackDeployment) -> Starlette:
    methods = ["GET", "HEAD", "OPTIONS", *WRITE_METHODS]
    app = Starlette(routes=[Route("/api/v1/live-stream/{id}/viewers", deployment.viewers, methods=methods)])
    app.state.deployment = deployment
    return app


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.stack_target")
    parser.add_argument("--stack", choices=list(STACKS), default="mock-like")
    parser.add_argument("--reading", action="append", default=[], metavar="NAME=VALUE",
                        help="override one behaviour of the stack (see Behaviour)")
    parser.add_argument("--fault", action="append", default=[], choices=list(FAULTS))
    parser.add_argument("--audience", type=int, default=45)
    parser.add_argument("--latency", default="", help="added latency in ms, A or A-B")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = parse(argv)
    behaviour = parse_behaviour(options.stack, options.reading)
    latency = [int(part) for part in options.latency.split("-")] if options.latency else [0, 0]
    deployment = StackDeployment(behaviour, frozenset(options.fault), options.audience, (latency[0], latency[-1]))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    print(f"stack target ({options.stack}) listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(uvicorn.Config(create_app(deployment), log_level="warning", lifespan="off"))
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
