"""The registry of contract checks: one small named function per promise of a single response.

Each check takes an Exchange (a request and its response) and raises ContractViolation naming the
promise it found broken. They run on every response the suite sees, and on Schemathesis' generated
cases (as its checks; from its CLI too: `SCHEMATHESIS_HOOKS=contract_tests.registry.checks st run ...`).
Add your own with @contract_check. Importing `contract_tests.registry` registers every check of the suite.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from contract_tests.registry.documented_rules import VIEWERS_PATH, load_spec, paging_rules, read_from_spec
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.number_readings import NumberReading, echoes, read_number
from contract_tests.registry.open_readings import may_be_no_filter, search_readings, whole_number
from contract_tests.registry.search_collations import COLLATIONS, matches_under, sound_under
from contract_tests.registry.violations import ContractViolation

CheckFunction = Callable[[Exchange], None]
ENVELOPE_KEYS = {"isSuccess", "statusCode", "data", "errors", "timestamp"}
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")


class Allowances(Protocol):
    """The run's known deviations (CONTRACT_ALLOW): whether a violation is one, which the run then keeps."""

    def is_allowed(self, violation: ContractViolation) -> bool: ...


class NoAllowances:
    """Every violation fails: no deviation is known."""

    def is_allowed(self, violation: ContractViolation) -> bool:
        return False


@read_from_spec
def documented_methods() -> frozenset[str]:
    """The methods openapi.yaml documents for the viewers path, lower case."""
    return frozenset(key.lower() for key in load_spec()["paths"][VIEWERS_PATH] if key.lower() != "parameters")


@dataclass(frozen=True)
class ContractCheck:
    name: str
    promise: str
    function: CheckFunction


CHECKS: dict[str, ContractCheck] = {}


def contract_check(promise: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under its function's name (Schemathesis is given every registered check)."""

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS[function.__name__] = ContractCheck(function.__name__, promise, function)
        return function

    return register


def verify(exchange: Exchange, names: Iterable[str] | None = None, allowances: Allowances | None = None) -> None:
    """Run the named checks (all when None) on one exchange; the first broken promise raises, unless it is
    an allowed deviation (CONTRACT_ALLOW), which the allowances keep for the report."""
    known = allowances or NoAllowances()
    for name in list(names) if names is not None else list(CHECKS):
        try:
            CHECKS[name].function(exchange)
        except ContractViolation as violation:
            if not known.is_allowed(violation):
                raise


def fail(check: str, problem: str, exchange: Exchange, *, received: Any, expected: Any) -> None:
    raise ContractViolation(check, problem, received=str(received), expected=str(expected), exchange=exchange)


def envelope(exchange: Exchange) -> dict[str, Any] | None:
    """The envelope when the body is a JSON object, else None."""
    if exchange.is_json and isinstance(exchange.body, dict):
        body: dict[str, Any] = exchange.body
        return body
    return None


_DOCUMENTED_PATH = re.compile(re.escape(VIEWERS_PATH).replace(re.escape("{id}"), "[^/]+") + "/?$")


# Bytes of a request (its target and headers) past which an HTTP server in front of the app may refuse it
# before the app sees it, in the server's own format: IIS takes a query of 2,048, gunicorn a request line of
# 4,094, nginx and Tomcat 8 KiB, Node 16 KiB of headers (431 with no body). The documentation sets no length.
SERVER_REQUEST_LIMIT = 2048
REFUSED_AS_TOO_LONG = frozenset({400, 413, 414, 431})


def refused_as_too_long(exchange: Exchange) -> bool:
    """Whether the answer is a refusal of a request longer than a server in front of the app may take (reading
    long-term): a 400, 413, 414 or 431 in any format, which the app's envelope does not bind."""
    if exchange.status not in REFUSED_AS_TOO_LONG:
        return False
    parts = urlsplit(exchange.url)
    size = len(parts.path) + (len(parts.query) + 1 if parts.query else 0)
    size += sum(len(name) + len(value) + 4 for name, value in exchange.request_headers.items())
    return size > SERVER_REQUEST_LIMIT


def is_documented(exchange: Exchange) -> bool:
    """Whether the contract documents the request and binds the answer: its method on the viewers path, not
    refused as too long before the app saw it. Other methods, and paths a client's URL normalisation sent
    elsewhere ("/live-stream/../viewers"), are not held to the envelope."""
    path = urlsplit(exchange.url).path
    return (exchange.method.lower() in documented_methods() and bool(_DOCUMENTED_PATH.search(path))
            and not refused_as_too_long(exchange))


def page_data(exchange: Exchange) -> dict[str, Any] | None:
    """`data` of a well-formed 200 envelope, else None (other checks report malformed ones)."""
    body = envelope(exchange)
    if exchange.status != 200 or body is None or not is_documented(exchange) or not isinstance(body.get("data"), dict):
        return None
    data: dict[str, Any] = body["data"]
    if not isinstance(data.get("pagination"), dict) or not isinstance(data.get("list"), list):
        return None
    return data


def requested_integer(exchange: Exchange, name: str, default: int) -> int | None:
    """The page or limit the request asked for (the default when absent or empty); None when not a whole
    number. Spellings such as "2.0" or "1e3" count as the number they denote (see open_readings.py)."""
    raw = exchange.query.get(name)
    return whole_number(raw, default)


@contract_check("No request, however bad, gets a 5xx.")
def no_server_error(exchange: Exchange) -> None:
    if exchange.status >= 500:
        fail("no_server_error", "the deployment answered with a server error", exchange,
             received=f"HTTP {exchange.status}", expected="a 2xx or 4xx answer")


@contract_check("Every answer to a documented method is a JSON envelope of isSuccess, statusCode, data, errors, "
                "timestamp.")
def envelope_shape(exchange: Exchange) -> None:
    if not is_documented(exchange):
        return
    content_type = (exchange.header("content-type") or "").split(";")[0].strip()
    if content_type != "application/json":
        fail("envelope_shape", "the answer is not application/json", exchange, received=content_type or "none",
             expected="application/json")
    body = envelope(exchange)
    if body is None:
        fail("envelope_shape", "the body is not a JSON object", exchange, received=exchange.text[:120],
             expected="the API envelope")
        return
    if not set(body) >= ENVELOPE_KEYS:
        fail("envelope_shape", "the envelope lacks fields of the contract's", exchange,
             received=sorted(body), expected=f"{sorted(ENVELOPE_KEYS)} (more fields are a reading: extra-fields)")


@contract_check("statusCode in the body equals the HTTP status.")
def envelope_status_code(exchange: Exchange) -> None:
    body = envelope(exchange) if is_documented(exchange) else None
    if body is not None and body.get("statusCode") != exchange.status:
        fail("envelope_status_code", "statusCode disagrees with the HTTP status", exchange,
             received=f"statusCode {body.get('statusCode')!r} on HTTP {exchange.status}", expected=exchange.status)


@contract_check("An error envelope has isSuccess false, data null and a non-empty list of messages.")
def envelope_error(exchange: Exchange) -> None:
    body = envelope(exchange) if is_documented(exchange) else None
    if body is None or exchange.status < 400:
        return
    errors = body.get("errors")
    if body.get("isSuccess") is not False:
        fail("envelope_error", "isSuccess is not false on an error", exchange, received=body.get("isSuccess"),
             expected=False)
    if "data" in body and body["data"] is not None:
        fail("envelope_error", "data is not null on an error", exchange, received=body["data"], expected=None)
    if not isinstance(errors, list) or not errors or not all(isinstance(e, str) and e.strip() for e in errors):
        fail("envelope_error", "errors is not a non-empty list of messages", exchange, received=errors,
             expected='["<what went wrong>", ...]')


@contract_check("A success envelope has isSuccess true and an empty errors list.")
def envelope_success(exchange: Exchange) -> None:
    body = envelope(exchange) if is_documented(exchange) else None
    if body is None or not 200 <= exchange.status < 300:
        return
    if body.get("isSuccess") is not True or body.get("errors") != []:
        fail("envelope_success", "a success is not marked as one", exchange,
             received=f"isSuccess={body.get('isSuccess')!r}, errors={body.get('errors')!r}",
             expected="isSuccess=True, errors=[]")


def parse_rfc3339(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        return None
    try:
        return dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return None


@contract_check("The envelope's timestamp is an RFC 3339 date-time.")
def envelope_timestamp(exchange: Exchange) -> None:
    body = envelope(exchange) if is_documented(exchange) else None
    if body is not None and parse_rfc3339(body.get("timestamp")) is None:
        fail("envelope_timestamp", "timestamp is not an RFC 3339 date-time", exchange, received=body.get("timestamp"),
             expected="e.g. 2026-01-15T10:30:00.000Z")


def requested_numbers(exchange: Exchange) -> tuple[NumberReading, NumberReading]:
    """What the request's page and limit may be read as (number_readings.py)."""
    rules = paging_rules()
    return (read_number(exchange.query.get("page"), default=rules.default_page),
            read_number(exchange.query.get("limit"), default=rules.default_limit, maximum=rules.max_limit))


@contract_check("currentPage and itemsPerPage are the page and limit asked for (or their defaults), or what a "
                "reading of an out-of-range or otherwise spelled value gives.")
def pagination_echo(exchange: Exchange) -> None:
    data = page_data(exchange)
    if data is None:
        return
    page, limit = requested_numbers(exchange)
    pagination = data["pagination"]
    if not echoes(pagination.get("itemsPerPage"), limit) or not echoes(pagination.get("currentPage"), page):
        fail("pagination_echo", "the page description does not echo the request", exchange,
             received=f"currentPage={pagination.get('currentPage')!r}, itemsPerPage={pagination.get('itemsPerPage')!r}",
             expected=f"currentPage in {sorted(page.values)}, itemsPerPage in {sorted(limit.values)}")


@contract_check("A page or limit out of range, fractional or not a number is refused with 400, or served as a "
                "reading gives it (clamped, truncated, the default), never as asked.")
def rejects_invalid_input(exchange: Exchange) -> None:
    data = page_data(exchange)
    if data is None:
        return
    for name, reading, key in zip(("page", "limit"), requested_numbers(exchange), ("currentPage", "itemsPerPage"),
                                  strict=True):
        if reading.refusable and not echoes(data["pagination"].get(key), reading):
            fail("rejects_invalid_input", f"{name}={exchange.query.get(name)!r} is served as asked", exchange,
                 received=f"HTTP {exchange.status} with {key}={data['pagination'].get(key)!r}",
                 expected=f"HTTP 400, or {key} one of {sorted(reading.values)}")


@dataclass(frozen=True)
class PageNumbers:
    data: dict[str, Any]
    total: int
    per_page: int
    current: int


def page_numbers(exchange: Exchange) -> PageNumbers | None:
    """totalItems, itemsPerPage and currentPage of a 200 page, when all are whole numbers (else the schema
    checks report them)."""
    data = page_data(exchange)
    if data is None:
        return None
    p = data["pagination"]
    numbers = [whole(p.get(key)) for key in ("totalItems", "itemsPerPage", "currentPage")]
    if any(number is None for number in numbers) or not numbers[1]:
        return None
    total, per_page, current = (int(number) for number in numbers if number is not None)
    return PageNumbers(data, total, per_page, current)


def whole(value: Any) -> int | None:
    """A whole number as JSON may spell it (42, 42.0, 4.2e1: a backend whose numbers are doubles), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value == int(value)):
        return None
    return int(value)


@contract_check("totalPages = ceil(totalItems / itemsPerPage); hasNextPage and hasPrevPage follow currentPage.")
def pagination_arithmetic(exchange: Exchange) -> None:
    numbers = page_numbers(exchange)
    if numbers is None:
        return
    p, total, per_page, current = numbers.data["pagination"], numbers.total, numbers.per_page, numbers.current
    expected_pages = math.ceil(total / per_page)
    if total == 0 and whole(p.get("totalPages")) == 1:
        expected_pages = 1  # nothing matched, one (empty) page: mongoose-paginate-v2, Laravel (empty-total-pages)
    expected = {"totalPages": expected_pages, "hasNextPage": current < expected_pages, "hasPrevPage": current > 1}
    received = {key: whole(p.get(key)) if key == "totalPages" else p.get(key) for key in expected}
    wrong = [key for key in expected if received[key] != expected[key]]
    if wrong:  # only the wrong fields, so that one cause on other pages has one shape
        fail("pagination_arithmetic", "the page arithmetic is wrong", exchange,
             received=f"{ {key: received[key] for key in wrong} } for totalItems={total}, itemsPerPage={per_page}, "
                      f"currentPage={current}",
             expected={key: expected[key] for key in wrong})


@contract_check("A page holds exactly min(itemsPerPage, what is left) viewers: full, last, or empty past the end.")
def pagination_page_length(exchange: Exchange) -> None:
    numbers = page_numbers(exchange)
    if numbers is None:
        return
    total, per_page, current, listed = numbers.total, numbers.per_page, numbers.current, len(numbers.data["list"])
    expected = max(0, min(per_page, total - (current - 1) * per_page))
    if listed != expected:
        fail("pagination_page_length", "the page holds the wrong number of viewers", exchange,
             received=f"{listed} viewers on page {current} of {total} at {per_page} a page",
             expected=f"{expected} viewers")


@contract_check("participantAudienceTotal is never below totalItems.")
def pagination_audience_total(exchange: Exchange) -> None:
    data = page_data(exchange)
    if data is None:
        return
    audience, total = data.get("participantAudienceTotal"), data["pagination"].get("totalItems")
    if isinstance(audience, int) and isinstance(total, int) and audience < total:
        fail("pagination_audience_total", "participantAudienceTotal is below totalItems", exchange,
             received=f"participantAudienceTotal={audience}, totalItems={total}", expected=f">= {total}")


@contract_check("Every viewer a search returns holds the term in its name, surname or username, under one collation "
                "a backend may use (case- and accent-insensitive ones included).")
def search_soundness(exchange: Exchange) -> None:
    data = page_data(exchange)
    term = exchange.query.get("search")
    if data is None or term is None or may_be_no_filter(term):
        return
    viewers = [v for v in data["list"] if isinstance(v, dict)]
    if sound_under(search_readings(term), viewers) is not None:
        return
    best = max(COLLATIONS, key=lambda name: sum(matches_under(name, term, v) for v in viewers))
    strays = [v for v in viewers if not matches_under(best, term, v)]
    shown = ", ".join(f"{v.get('name')} {v.get('surname')} (@{v.get('username')})" for v in strays[:3])
    fail("search_soundness", f"the search for {term!r} returned viewers that do not match it", exchange,
         received=(f"none of the {len(viewers)} matches it under any collation (the term filtered nothing): {shown}"
                   if len(strays) == len(viewers) else
                   f"{len(strays)} of {len(viewers)} match it under no collation with the rest: {shown}"),
         expected=f"only viewers whose name, surname or username holds {term!r} under one collation (case- and "
                  "accent-insensitive ones included)")


def expect_status(check: str, exchange: Exchange, expected: int | set[int], promise: str) -> None:
    """A promise about the status of one request, named for the report."""
    allowed = {expected} if isinstance(expected, int) else expected
    if exchange.status not in allowed:
        fail(check, promise, exchange, received=f"HTTP {exchange.status}",
             expected=" or ".join(f"HTTP {status}" for status in sorted(allowed)))


_STATUS_PROMISE = re.compile(r"HTTP [1-5][0-9]{2}( or HTTP [1-5][0-9]{2})*")


def promised_statuses(violation: ContractViolation) -> tuple[int, ...]:
    """The statuses a promise about one answer's status accepts (as expect_status tells them), else ()."""
    if not (_STATUS_PROMISE.fullmatch(violation.expected) and re.fullmatch(r"HTTP [0-9]{3}", violation.received)):
        return ()
    return tuple(int(status) for status in re.findall(r"[0-9]{3}", violation.expected))

