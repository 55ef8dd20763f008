"""The two mocks are one: the same requests to the Python mock and to the npm package's handlers (served by
its command) get the same status, the same headers that matter and the same body, byte for byte, but for
`timestamp` and the origin of the photo URLs.

Both run on one clock: the mock's, whose start its banner prints to the millisecond, given to the handlers
as `--clock` (the instant second 0 stands for) and `--clock-started` (when it began), so the live streams'
audiences agree at every second; a request on a live stream that straddles a second is sent again."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pytest

from mockserver.core.auth import mint_token
from mockserver.core.dataset import (
    DEFAULT_USER_ID,
    EMPTY_STREAM_ID,
    ENDED_STREAM_ID,
    EXAMPLE_STREAM_ID,
    FORBIDDEN_USER_ID,
    LARGE_STREAM_ID,
    LIVE_STREAM_ID,
)
from mockserver.core.model import parse_timestamp
from mockserver.settings import DEVELOPMENT_SECRET
from tests.conftest import LiveMock, start_mock, stop_mock
from tests.msw_support import LiveMsw, installed, needs_npm, start_msw, stop_msw

pytestmark = needs_npm

CHURNING = {LARGE_STREAM_ID, LIVE_STREAM_ID}
COMPARED_HEADERS = ("content-type", "www-authenticate", "preference-applied", "allow", "retry-after", "location",
                    "access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers",
                    "access-control-expose-headers", "access-control-max-age")
_TIMESTAMP = re.compile(rb'"timestamp":"[^"]*"')
TERMS = [
    "ayşe", "AYŞE", "Ayşe", "ayse", "İlker", "ilker", "ILKER", "ılker", "IHSAN", "ihsan", "İhsan", "ıhsan", "YILMAZ",
    "yılmaz", "Yilmaz", "ğ", "Ğ", "ş", "Ş", "ç", "Ç", "ö", "Ö", "ü", "Ü", "ı", "I", "İ", "i̇", "Çağla", "çağ", "ÖZ",
    "öz", "Şahin", "ŞAHİN", "Güneş", "GÜNEŞ", "Müller", "MÜLLER", "José", "JOSÉ", "é", "É", "e\u0301", "ß", "SS",
    "straße", "STRASSE", "ﬁ", "Ω", "ω", "ς", "Σ", "a", "an", "son", "er", "ER", "ar", "li", "z", "q", "xyz", "1", "12",
    "_", ".", "a.b", "(", "*", "%", "+", "\\", "'", '"', " ", "", "  ", "\t", "\u00a0", "\u3000", "\x1f", "\x1e",
    "\u200b", "🙂", "a" * 41, "ş" * 50, " ay ", "ay\u0307", "ğü", "ardıç", "İLKER", "ilKer", "istanbul", "İSTANBUL",
]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def send(base: str, method: str, target: str, headers: dict[str, str]) -> Answer:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value.encode("latin-1"))
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        kept = tuple((name, response.getheader(name) or "") for name in COMPARED_HEADERS)
        return Answer(response.status, kept, body)
    finally:
        connection.close()


def normalised(exchange: Answer, origin: str) -> Answer:
    body = _TIMESTAMP.sub(b'"timestamp":"-"', exchange.body).replace(origin.encode(), b"ORIGIN")
    # Starlette lists the allowed methods from a set: in any order.
    headers = tuple((name, ", ".join(sorted(value.split(", "))) if name == "allow" else value.replace(origin, "ORIGIN"))
                    for name, value in exchange.headers)
    return Answer(exchange.status, headers, body)


def _segment(document: object) -> str:
    raw = document if isinstance(document, bytes) else json.dumps(document, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def crafted(header: object, claims: object, secret: str = DEVELOPMENT_SECRET) -> str:
    """A JWT with any header and claims, HS256-signed with the secret."""
    signing_input = f"{_segment(header)}.{_segment(claims)}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def tokens_minted_by_the_package(users: list[str]) -> list[str]:
    """Tokens from the package's own helper (mintToken), one per user."""
    script = ("import { mintToken } from './dist/index.js';"
              f"for (const user of {json.dumps(users)}) console.log(await mintToken(process.argv[1], user));")
    result = subprocess.run(["node", "--input-type=module", "-e", script, DEVELOPMENT_SECRET], cwd=installed(),
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.split()


def authorizations() -> dict[str, str]:
    """Authorization headers of several users, good and bad, by name."""
    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT"}
    good = {name: f"Bearer {mint_token(DEVELOPMENT_SECRET, user)}" for name, user in
            [("default", DEFAULT_USER_ID), ("forbidden", FORBIDDEN_USER_ID), ("other", "64d15f9e2e6c8f4d5a0000aa"),
             ("unicode", "kullanıcı-İ"), ("plain", "someone")]}
    printed = subprocess.run([sys.executable, "-m", "mockserver", "token"], capture_output=True, text=True, timeout=60,
                             check=True).stdout.strip()
    good["mockserver-token"] = f"Bearer {printed}"
    minted = tokens_minted_by_the_package([DEFAULT_USER_ID, FORBIDDEN_USER_ID, "64d15f9e2e6c8f4d5a0000bb"])
    good.update({f"package-{i}": f"Bearer {token}" for i, token in enumerate(minted)})
    valid = mint_token(DEVELOPMENT_SECRET, DEFAULT_USER_ID)
    bad = {
        "none": "", "blank": "   ", "basic": "Basic dXNlcjpwYXNz", "scheme-only": "Bearer", "lower": f"bearer {valid}",
        "spaced": f"  Bearer   {valid}  ", "garbage": "Bearer garbage", "two-parts": "Bearer a.b",
        "three": "Bearer a.b.c",
        "junk-padding": "Bearer !!!!.e30.e30", "padded": f"Bearer {valid}=",
        "expired": f"Bearer {mint_token(DEVELOPMENT_SECRET, DEFAULT_USER_ID, expires_in_s=-60)}",
        "other-secret": f"Bearer {mint_token('x' * 40, DEFAULT_USER_ID)}",
        "alg-none": f"Bearer {_segment({'alg': 'none'})}.{_segment({'sub': 'a', 'exp': now + 99})}.",
        "alg-NONE": f"Bearer {crafted({'alg': 'NONE'}, {'sub': 'a', 'exp': now + 99})}",
        "rs256": f"Bearer {crafted({'alg': 'RS256'}, {'sub': 'a', 'exp': now + 99})}",
        "hs512": f"Bearer {crafted({'alg': 'HS512'}, {'sub': 'a', 'exp': now + 99})}",
        "no-alg": f"Bearer {crafted({'typ': 'JWT'}, {'sub': 'a', 'exp': now + 99})}",
        "no-sub": f"Bearer {crafted(header, {'exp': now + 99})}",
        "null-sub": f"Bearer {crafted(header, {'sub': None, 'exp': now + 99})}",
        "no-exp": f"Bearer {crafted(header, {'sub': 'a'})}",
        "int-sub": f"Bearer {crafted(header, {'sub': 7, 'exp': now + 99})}",
        "empty-sub": f"Bearer {crafted(header, {'sub': '', 'exp': now + 99})}",
        "text-exp": f"Bearer {crafted(header, {'sub': 'a', 'exp': 'soon'})}",
        "digit-exp": f"Bearer {crafted(header, {'sub': 'a', 'exp': str(now + 99)})}",
        "float-exp": f"Bearer {crafted(header, {'sub': 'a', 'exp': now + 99.5})}",
        "future-iat": f"Bearer {crafted(header, {'sub': 'a', 'exp': now + 9999, 'iat': now + 999})}",
        "text-iat": f"Bearer {crafted(header, {'sub': 'a', 'exp': now + 99, 'iat': 'x'})}",
        "future-nbf": f"Bearer {crafted(header, {'sub': 'a', 'exp': now + 9999, 'nbf': now + 999})}",
        "audience": f"Bearer {crafted(header, {'sub': 'a', 'exp': now + 99, 'aud': 'web'})}",
        "empty-audience": f"Bearer {crafted(header, {'sub': 'a', 'exp': now + 99, 'aud': ''})}",
        "int-jti": f"Bearer {crafted(header, {'sub': 'a', 'exp': now + 99, 'jti': 5})}",
        "int-kid": f"Bearer {crafted({'alg': 'HS256', 'kid': 1}, {'sub': 'a', 'exp': now + 99})}",
        "crit": f"Bearer {crafted({'alg': 'HS256', 'crit': ['exp']}, {'sub': 'a', 'exp': now + 99})}",
        "array-claims": f"Bearer {crafted(header, [1, 2])}",
        "array-header": f"Bearer {crafted([1], {'sub': 'a', 'exp': now + 99})}",
        "not-json": f"Bearer {crafted(header, b'not json')}",
        "trailing-comma": "Bearer " + crafted(header, b'{"sub": "a",}'),
        "single-quotes": "Bearer " + crafted(header, b"{'sub': 'a'}"),
        "unterminated": "Bearer " + crafted(header, b'{"sub": "a'),
        "extra-data": f"Bearer {crafted(header, b'{} []')}",
        "wrong-signature": f"Bearer {valid[:-4]}AAAA",
    }
    return {**good, **{f"bad-{name}": value for name, value in bad.items()}}


def viewers(stream: str, query: str = "") -> str:
    return f"/api/v1/live-stream/{stream}/viewers" + (f"?{query}" if query else "")


def requests(auth: dict[str, str]) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(method, target, headers) of every compared request: well over 500 of them."""
    default = {"Authorization": auth["default"]}
    live_streams = [EXAMPLE_STREAM_ID, LARGE_STREAM_ID, EMPTY_STREAM_ID, LIVE_STREAM_ID]
    for stream in live_streams:  # pages and limits
        for page, limit in [(1, 20), (2, 20), (3, 7), (1, 1), (45, 1), (46, 1), (1, 100), (2, 100), (25, 100),
                            (26, 100), (10**30, 5), (3, 45), (1, 44)]:
            yield "GET", viewers(stream, f"page={page}&limit={limit}"), default
        yield "GET", viewers(stream), default
        yield "GET", viewers(stream.upper(), "limit=3"), default
        for at in (0, 1, 59, 600, 3600, 86_400):
            yield "GET", viewers(stream, "page=2&limit=10"), {**default, "Prefer": f"at={at}"}
    for stream in (EXAMPLE_STREAM_ID, LARGE_STREAM_ID, LIVE_STREAM_ID):  # searches
        for term in TERMS:
            yield "GET", viewers(stream, f"search={quote(term)}&limit=100"), default
        for term in TERMS[:30]:
            yield "GET", viewers(stream, f"search={quote(term)}&limit=3&page=2"), {**default, "Prefer": "at=120"}
    for query in ["search=ay%C5%9Fe+y", "search=a+b", "search=%zz", "search=%C3", "search=%FF%FE", "search",
                  "search=&page=1", "search=a&search=b", "page=0", "page=-1", "page=abc", "page=1.5", "page=%201",
                  "page=+2", "page=", "page=1&page=2", "limit=0", "limit=101", "limit=100", "limit=-5", "limit=1e2",
                  "limit=x&page=y", "page=99999999999999999999999999", "limit=000020", "page=%EF%BC%91",
                  "unknown=1", "&&page=2&&", "page=2&limit=5&extra", "search=" + "x" * 300,
                  # not UTF-8 once percent-decoded: a 400 naming the bytes, not a search for U+FFFD
                  "search=%ff", "search=%c3", "search=ab%ffcd", "search=%E2%82", "search=%c3%28", "search=%ed%a0%80",
                  "search=%f0%9f%99", "search=%c0%af", "search=%f4%90%80%80", "page=%ff", "search=%ff&page=0",
                  "search=%ff&search=a", "search=a&search=%ff", "%ff=1", "search=" + "%ff" * 30]:
        yield "GET", viewers(EXAMPLE_STREAM_ID, query), default
    for stream in ["64d15f9e2e6c8f4d5a999999", ENDED_STREAM_ID, "xyz", "64d15f9e2e6c8f4d5a12345",
                   "64D15F9E2E6C8F4D5A123456", "64d15f9e2e6c8f4d5a1234567", "g4d15f9e2e6c8f4d5a123456", "%20",
                   "ay%C5%9Fe"]:
        yield "GET", viewers(stream, "page=0"), default
        yield "GET", viewers(stream), default
        yield "GET", viewers(stream), {"Authorization": auth["forbidden"]}
    for name, value in auth.items():  # tokens of several users, good and bad
        headers = {"Authorization": value} if value else {}
        yield "GET", viewers(EXAMPLE_STREAM_ID, "limit=10&page=2"), headers
        yield "GET", viewers(LIVE_STREAM_ID, "limit=5"), {**headers, "Prefer": "at=30"}
        if name.startswith("bad-"):
            yield "GET", viewers("xyz", "page=0"), headers
    for prefer in ["code=200", "code=400", "code=401", "code=403", "code=404", "code=500", "code=503", "code=418",
                   "code=abc", "code=", "CODE=404", 'code="404"', "code=404;x=1", "code=404, code=500", "delay=0",
                   "delay=5", "delay=60001", "delay=x", "at=0", "at=86401", "at=-1", "at=x", "return=minimal",
                   "return=minimal, code=503", "code=503, delay=1", "  code = 401  ", "code=\u00b9",
                   "wait=10, code=403", "at=10, code=200", "code=200;"]:
        yield "GET", viewers(EXAMPLE_STREAM_ID, "limit=2"), {**default, "Prefer": prefer}
        yield "GET", viewers("xyz"), {"Prefer": prefer}
    for origin in ("http://localhost:5173", "http://127.0.0.1:6006", "https://example.com"):  # CORS
        yield "GET", viewers(EXAMPLE_STREAM_ID, "limit=1"), {**default, "Origin": origin}
        yield "GET", viewers(EXAMPLE_STREAM_ID), {"Origin": origin}
        yield "OPTIONS", viewers(EXAMPLE_STREAM_ID), {"Origin": origin, "Access-Control-Request-Method": "GET",
                                                      "Access-Control-Request-Headers": "authorization, prefer"}
    for method in ("POST", "PUT", "DELETE", "PATCH", "HEAD", "TRACE", "OPTIONS"):
        yield method, viewers(EXAMPLE_STREAM_ID), default
    for target in ["/api/v1/live-stream", f"/api/v1/live-stream/{EXAMPLE_STREAM_ID}", "/api/v1/other", "/api/",
                   f"/api/v1/live-stream/{EXAMPLE_STREAM_ID}/viewers/",
                   f"/api/v2/live-stream/{EXAMPLE_STREAM_ID}/viewers"]:
        yield "GET", target, default
        yield "GET", target, {**default, "Prefer": "code=503"}


@pytest.fixture(scope="module")
def two_mocks() -> Iterator[tuple[LiveMock, LiveMsw, int]]:
    python = start_mock()
    clock = re.search(r"clock from ([0-9T:.Z-]+)", python.banner)
    assert clock is not None, python.banner
    started = str(parse_timestamp(clock.group(1)))
    try:
        served = start_msw("--clock", clock.group(1), "--clock-started", started, "--photos", "origin")
    except BaseException:
        stop_mock(python)
        raise
    yield python, served, int(started)
    stop_msw(served)
    stop_mock(python)


def clock_second(started_ms: int) -> int:
    return (time.time_ns() // 1_000_000 - started_ms) // 1000


def test_the_python_mock_and_the_msw_handlers_answer_alike(two_mocks: tuple[LiveMock, LiveMsw, int]) -> None:
    python, served, started_ms = two_mocks
    compared, differences = 0, []
    for method, target, headers in requests(authorizations()):
        for _attempt in range(5):
            before = clock_second(started_ms)
            ours = normalised(send(python.base_url, method, target, headers), python.base_url)
            theirs = normalised(send(served.url, method, target, headers), served.url)
            # A churning stream asked without `at` reads the running clock: compared only within one second of it.
            if before == clock_second(started_ms) or "Prefer" in headers or not any(s in target for s in CHURNING):
                break
        compared += 1
        if ours != theirs:
            differences.append(f"{method} {target} {headers}:\n  python: {ours}\n  msw:    {theirs}")
    assert compared >= 500
    assert not differences, f"{len(differences)} of {compared} differ:\n" + "\n".join(differences[:10])

