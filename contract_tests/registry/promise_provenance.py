"""Where each promise comes from: the documentation's own words, or a reading of what it leaves open.

The one place the suite decides what the documentation leaves open. Each `Reading` says what the suite
accepts (every way a correct backend may take it, the defaults of common stacks included) and what the
mock serves (the hardest of them, so a frontend built on the mock survives any correct backend). Each
finding the suite can report has a `Provenance`: `stated` with the documentation's words, or the reading
it holds a deployment to. The table of docs/reference/open-readings.md, "What the documentation leaves
open", is `readings_table()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reading:
    key: str
    point: str  # what the documentation leaves open
    accepted: str  # what the suite accepts
    mock: str  # what the mock serves


READINGS: tuple[Reading, ...] = (
    Reading("search-collation", "how a term is compared with a name (case, accents)",
            "any one collation of: Unicode case folding, per-letter lower case (PostgreSQL ILIKE, MongoDB `$regex` "
            "with `i`), upper case (Spring Data `IgnoreCase`), accent-insensitive (MySQL `utf8mb4_unicode_ci`, "
            "`unaccent`, ICU folding: `ş` is `s`, `ı`/`İ`/`I` are `i`), MySQL `general_ci` (`ß` is `s`); a "
            "viewer must be found only by a term that holds it under every one; a term no collation matches "
            "(`¯`) must find nobody",
            "Unicode case folding, the Turkish i's as one, accents significant"),
    Reading("search-substring", "what part of a field a term may match",
            "any substring of name, surname or username, also from the middle (`yılm` finds Yılmaz); a term "
            "across name and surname (`n D` for John Doe) may match, never must", "substrings of each field"),
    Reading("search-spaces", "spaces around a search term (`\"0 \"`)",
            "searched as sent or trimmed (any Unicode or JavaScript whitespace)", "searched as sent"),
    Reading("search-blank", "what counts as a blank term",
            "a term blank under some reading (`\"\\u3000\"`, `\"\\ufeff\"`) may be no filter", "empty or spaces"),
    Reading("unset-attributes", "a profile attribute the user never set (`expertise`, `profilePhoto`)",
            "its value, `null`, an empty `expertise`, or the field left out (Mongoose leaves unset paths out); "
            "never another type", "`null` for some viewers"),
    Reading("empty-total-pages", "`totalPages` when nothing matched",
            "0 (`ceil(0 / limit)`: Spring, kaminari) or 1 (mongoose-paginate-v2, Laravel)", "0"),
    Reading("past-the-end", "a page past the last",
            "a 200 with an empty list (`hasPrevPage` true), or a 404 or 400 error envelope", "200, empty list"),
    Reading("out-of-range", "`page` below 1, `limit` below 1 or above 100",
            "400, or the value clamped into the range or the default (Spring `Pageable`, kaminari), echoed as "
            "served; never served as asked (`limit=101` as 101 viewers)", "400"),
    Reading("number-spellings", "`page`/`limit` are documented as `number`: `2.0`, `1e1`, `1.5`, `abc`, empty",
            "400, or read as a whole number some parser gives (`Number`, `parseInt`, `(int)`, the default), "
            "echoed as served", "`2.0`, `1e1` read as numbers; `1.5`, `abc` 400; empty the default"),
    Reading("big-numbers", "a `page` past 2^53, numbers in exponent form (`1e+21`) or as `20.0`",
            "echoed exactly, or as its nearest double, in any JSON spelling of the number", "exact integers"),
    Reading("extra-fields", "fields beside the documented ones in the envelope, `data` or `pagination` "
            "(mongoose-paginate-v2's `pagingCounter`, `prevPage`, `nextPage`; a gateway's `requestId`)",
            "accepted and noted; a viewer or photo must carry only documented fields (another is personal data "
            "the documentation never shows)", "the documented fields only"),
    Reading("timestamps", "the format of `timestamp`, `joinedAt`, `createdAt`, `updatedAt`",
            "any RFC 3339 date-time (`Z` or an offset, 0 to 9 fraction digits); `joinedAt` and `createdAt` at most "
            "5 minutes after the answer's `timestamp`", "`2026-01-15T10:30:00.000Z`"),
    Reading("order", "the order of the viewers", "any order that is total and stable: the pages of one query "
            "partition it at every limit, two identical requests agree", "newest joiner first, ties by `_id`"),
    Reading("malformed-id", "an `id` that is no ObjectId (`xyz`), or one a router cannot match (`%00`)",
            "400 or 404", "400"),
    Reading("other-methods", "methods the documentation does not list",
            "any 4xx in any format (405 with `Allow`, Express's 404 page); OPTIONS 2xx or 4xx; HEAD as GET without "
            "a body, or 405; never a 5xx, never a write served as if it worked", "405 envelope with `Allow`"),
    Reading("status-codes", "statuses the documentation does not list",
            "429 and 503 with `Retry-After` are waited out; a lone 502/503/504 is retried; 413, 414 or 431 for a "
            "very long request (long-term); any other is a finding (`status:CODE`)", "the documented ones"),
    Reading("path-normalisation", "a path a client normalises (`/live-stream/../viewers`)",
            "any 4xx in any format: it is not the documented path", "404"),
    Reading("long-term", "a very long search term (a request longer than a server may take)",
            "200; or 400, 413, 414 or 431, in the envelope or, past 2,048 bytes of request, in any format (the HTTP "
            "server in front of the app refuses it: gunicorn's HTML 414, Node's bare 431)", "200"),
    Reading("search-not-utf8", "a `search` that is not UTF-8 once percent-decoded (`%ff`, `%c3` alone)",
            "400 in the error envelope, or 200 searched as read with each bad byte U+FFFD (so only viewers whose "
            "names hold U+FFFD match)", "400 naming the parameter and the bytes (`%FF is not UTF-8`)"),
    Reading("live-audience", "a live audience",
            "totals and pages may move between requests by what joins and leaves; `participantAudienceTotal` never "
            "shrinks", "joins and leaves on the live streams"),
    Reading("wire", "extra headers, gzip, `application/json; charset=utf-8`",
            "accepted; only the media type is checked", "`application/json`"),
    Reading("error-messages", "error messages", "any non-empty list of strings",
            "the documented message first, then one per bad parameter"),
)

READING_KEYS = frozenset(reading.key for reading in READINGS)


@dataclass(frozen=True)
class Provenance:
    basis: str  # "stated", or the key of the reading the promise holds a deployment to
    source: str  # the documentation's words, or what of them the reading rests on

    @property
    def stated(self) -> bool:
        return self.basis == "stated"


def stated(source: str) -> Provenance:
    return Provenance("stated", source)


def reading(key: str, source: str) -> Provenance:
    if key not in READING_KEYS:
        raise KeyError(key)
    return Provenance(key, source)


_EXAMPLE = "the documentation's example answer"
_ERRORS = "the documented error answers (400, 401, 403, 404), each in the envelope"

PROVENANCE: dict[str, Provenance] = {
    # per-answer checks
    "no_server_error": stated("the documented statuses are 200, 400, 401, 403 and 404"),
    "envelope_shape": stated(f"{_EXAMPLE} and {_ERRORS}: isSuccess, statusCode, data, errors, timestamp"),
    "envelope_status_code": stated(f"{_ERRORS}: statusCode 400 on a 400, 401 on a 401, ..."),
    "envelope_error": stated(f"{_ERRORS}: isSuccess false, data null, errors a list of messages"),
    "envelope_success": stated(f"{_EXAMPLE}: isSuccess true, errors []"),
    "envelope_timestamp": reading("timestamps", f"{_EXAMPLE}: \"timestamp\": \"2026-05-22T16:11:27.035Z\""),
    "pagination_echo": reading("number-spellings", "page and limit: `number`, default 1 and 20"),
    "pagination_arithmetic": stated(f"{_EXAMPLE}: totalItems 45, itemsPerPage 10, totalPages 5, hasPrevPage false "
                                    "on page 1"),
    "pagination_page_length": stated("\"sayfalı olarak döndürür\" (returns it page by page), limit the page size"),
    "pagination_audience_total": reading("live-audience", f"{_EXAMPLE}: participantAudienceTotal 128 beside "
                                         "totalItems 45"),
    "search_soundness": reading("search-collation", "search: \"İzleyici araması (name, surname, username)\""),
    "types_object_ids": stated(f"{_EXAMPLE}: _id \"64d15f9e2e6c8f4d5a654321\""),
    "types_timestamps": reading("timestamps", f"{_EXAMPLE}: joinedAt, createdAt, updatedAt as date-times"),
    "types_counts": stated(f"{_EXAMPLE}: followersCount 42, followingCount 17"),
    "types_is_following": stated("\"takip durumu (isFollowing)\", `true` in the example"),
    "times_plausible": reading("timestamps", "joinedAt is when the viewer joined: not after the answer"),
    "undocumented_method": reading("other-methods", "only GET is documented"),
    "no_undocumented_fields": reading("extra-fields", f"{_EXAMPLE}: a viewer's fields"),
    # promises the tests check across requests
    "accepts_valid_input": stated("page: Range 1 <= value; limit: Range 1 <= value <= 100"),
    "auth_accepts_valid": stated("Authorization: Bearer <token> (JWT-auth)"),
    "auth_forbidden": stated("403 \"Insufficient permissions\""),
    "auth_rejects_alg_none": stated("401 \"Authentication required\"; a JWT whose alg is none is no credential"),
    "auth_rejects_garbage": stated("401 \"Authentication required\""),
    "auth_required": stated("JWT-auth on the endpoint; 401 \"Authentication required\""),
    "auth_verifies_signature": stated("JWT-auth: a token whose signature does not verify is no credential"),
    "auth_rejects_other_algorithms": stated("JWT-auth: a token signed otherwise than the API signs is no credential"),
    "auth_rejects_expired": stated("JWT access token; 401 \"Authentication required\""),
    "ended_stream": stated("\"Belirli bir aktif canlı yayın\" (an active live stream); 404 \"Resource not found\""),
    "error_envelope_400": stated(_ERRORS),
    "error_envelope_401": stated(_ERRORS),
    "error_envelope_403": stated(_ERRORS),
    "error_envelope_404": stated(_ERRORS),
    "is_following_known": stated("\"Her kullanıcı için takip durumu (isFollowing)\": whether the caller follows "
                                 "each user"),
    "identical_requests_agree": reading("order", "a page of one audience: asked twice, answered alike"),
    "malformed_stream_id": reading("malformed-id", "id: \"Canlı yayın kimliği\", an ObjectId in the example"),
    "pagination_any_page": stated("page: Range 1 <= value; limit: Range 1 <= value <= 100"),
    "pagination_audience_total_stable": reading("live-audience", "participantAudienceTotal: the stream's audience"),
    "pagination_defaults": stated("page: Default 1; limit: Default 20"),
    "pagination_partition": reading("order", "\"sayfalı olarak döndürür\" (returns it page by page)"),
    "pagination_past_the_end": reading("past-the-end", "page: Range 1 <= value, no upper bound"),
    "pagination_stable_totals": reading("live-audience", "totalItems: the audience's size"),
    "pagination_stable_order": reading("order", "\"sayfalı olarak döndürür\""),
    "rejects_invalid_input": reading("out-of-range", "page: Range 1 <= value; limit: 1 <= value <= 100 (maksimum "
                                     "100); 400 \"Validation failed\""),
    "rejects_malformed_id": reading("malformed-id", "400 \"Validation failed\""),
    "search_any_term": stated("search?string: any string"),
    "search_blank": reading("search-blank", "search is optional"),
    "search_completeness": reading("search-substring", "search: \"İzleyici araması (name, surname, username)\""),
    "search_literal": reading("search-substring", "search?string"),
    "search_long_term": reading("long-term", "search?string"),
    "search_not_utf8": reading("search-not-utf8", "search?string: a string, of a query in no stated encoding"),
    "search_totals": stated("totalItems: the number of viewers the query matched"),
    "success_envelope": stated(f"{_EXAMPLE}: 200"),
    "target_answers": stated("the endpoint answers"),
    "undeclared_method": reading("other-methods", "only GET is documented"),
    "unknown_stream": stated("404 \"Resource not found\""),
    "walk_pages": stated("page: Range 1 <= value"),
}

# Schemathesis' findings, by kind: the name of each is KIND:DETAIL (`schema:Viewer.expertise`, `status:418`)
SCHEMATHESIS_KINDS: dict[str, tuple[str, Provenance]] = {
    "schema": ("the answer breaks openapi.yaml's schema at this place (COMPONENT.FIELD)",
               stated(f"{_EXAMPLE}: each field and its type")),
    "status": ("a status the documentation does not list", reading("status-codes", "200, 400, 401, 403, 404")),
    "content-type": ("an answer that is not application/json", stated("Response Body: application/json")),
    "headers": ("a response header openapi.yaml requires is missing", stated("openapi.yaml's response headers")),
    "positive": ("a request openapi.yaml allows was refused", stated("page, limit and search as documented")),
    "negative": ("a request openapi.yaml forbids was served", reading("out-of-range", "400 \"Validation failed\"")),
}


def provenance_of(name: str) -> Provenance | None:
    """The provenance of a finding's name: a check or promise, or a Schemathesis finding (KIND:DETAIL)."""
    if name in PROVENANCE:
        return PROVENANCE[name]
    kind, _, detail = name.partition(":")
    if kind in SCHEMATHESIS_KINDS and detail:
        if kind == "schema" and detail.split(".")[-1] in {"expertise", "profilePhoto"}:
            return reading("unset-attributes", f"{_EXAMPLE}: expertise, profilePhoto")
        return SCHEMATHESIS_KINDS[kind][1]
    return None


def readings_table() -> str:
    """The table of docs/reference/open-readings.md, "What the documentation leaves open", in Markdown."""
    lines = ["| point | accepted | the mock serves |", "|---|---|---|"]
    lines += [f"| {r.point} (`{r.key}`) | {r.accepted} | {r.mock} |" for r in READINGS]
    return "\n".join(lines)


def finding_catalogue(spec: dict[str, Any]) -> list[tuple[str, str, Provenance | None]]:
    """Every name a finding may carry (what CONTRACT_ALLOW accepts): the registry's checks, the promises the
    tests hold across requests, and Schemathesis' findings, each place of the schema by its own name."""
    from contract_tests.registry.cross_answer_promises import PROMISES
    from contract_tests.registry.finding_names import name_patterns, schema_locations
    from contract_tests.registry.response_checks import CHECKS

    named = {**{name: check.promise for name, check in CHECKS.items()}, **PROMISES}
    rows = [(name, named[name], provenance_of(name)) for name in sorted(named)]
    rows += [(f"schema:{place}", SCHEMATHESIS_KINDS["schema"][0], provenance_of(f"schema:{place}"))
             for place in schema_locations(spec) if "." in place]
    rows += [(pattern, text, provenance_of(pattern.replace("CODE", "422").replace("TYPE", "x").replace("NAME", "x")))
             for pattern, text in name_patterns()]
    return rows


def render_catalogue(rows: list[tuple[str, str, Provenance | None]]) -> str:
    """The catalogue as the command prints it: name, where it comes from, the promise."""
    lines = []
    for name, promise, provenance in rows:
        basis = "stated" if provenance is None or provenance.stated else f"reading {provenance.basis}"
        lines.append(f"{name:44} {basis:28} {promise}")
    return "\n".join(lines)
