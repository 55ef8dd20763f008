"""Promises across a sequence of requests, judged from the answers alone, churn aside.

A backend with state (a cache keyed by too little, a cursor another request moves, a setting carried over
from the previous request) answers each request well-formed, but not the same as it would have answered
on its own. These functions take the steps of a sequence, in the order sent, and say which promise the
newest step broke, naming every request needed to see it. Reusable outside pytest: no HTTP, no fixtures.

What churn the suite can see: participantAudienceTotal only grows and moves with each newcomer, and a
query's totalItems moves with each join or leave it counts. Two answers are compared only when no answer sent
between them (them included) shows such a move.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from contract_tests.registry.documented_rules import is_blank, paging_rules
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.open_readings import whole_number
from contract_tests.registry.response_checks import page_data
from contract_tests.registry.violations import ContractViolation

# Callers a sequence may send as: their names are what the report shows, never their tokens.
VALID, FORBIDDEN, ANONYMOUS, GARBAGE = "valid token", "forbidden token", "no token", "garbage token"
EXPECTED_STATUS = {FORBIDDEN: 403, ANONYMOUS: 401, GARBAGE: 401}
CALLER_PROMISE = {FORBIDDEN: "auth_forbidden", ANONYMOUS: "auth_required", GARBAGE: "auth_rejects_garbage"}

SEQUENCE_PROMISES = {
    "sequence_repeatable": "The same request asked again is answered the same, unless the audience moved.",
    "sequence_history_independent": "A page's viewers do not depend on what was asked before (churn aside).",
}


@dataclass(frozen=True)
class Step:
    """One request of a sequence: what was asked, as whom, and the answer."""

    exchange: Exchange
    caller: str = VALID
    number: int | None = None  # its place among the requests of the run (1 is the first), where known

    @property
    def query(self) -> tuple[str | None, str | None, str | None]:
        """(page, limit, search) as sent; None for what was left out."""
        asked = self.exchange.query
        return asked.get("page"), asked.get("limit"), asked.get("search")

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.exchange.method, self.exchange.url.split("?")[0], self.query, self.caller)


class SequenceViolation(ContractViolation):
    """A broken promise that only a sequence of requests shows: every request of it, in order."""

    def __init__(self, check: str, problem: str, *, received: str, expected: str,
                 sequence: Sequence[Exchange], compared: Sequence[Exchange] = ()) -> None:
        self.sequence = tuple(sequence)
        self.compared = tuple(compared) or self.sequence  # the requests whose answers disagree, in order
        super().__init__(check, problem, received=received, expected=expected,
                         exchange=self.sequence[-1] if self.sequence else None)

    def render(self) -> str:
        lines = [f"[{self.check}] {self.problem}", f"  Received: {self.received}", f"  Expected: {self.expected}"]
        if self.exchange is not None:
            lines.append(f"  Response: {self.exchange.summary(300)}")
        lines.append(f"  Reproduce ({len(self.sequence)} request(s), in this order):")
        lines += [f"    {exchange.curl()}" for exchange in self.sequence]
        return "\n".join(lines)


def in_sequence(violation: ContractViolation, sequence: Sequence[Exchange]) -> SequenceViolation:
    """A single-answer violation met inside a sequence, told with the requests that led to it."""
    if isinstance(violation, SequenceViolation):
        return violation
    return SequenceViolation(violation.check, violation.problem, received=violation.received,
                             expected=violation.expected, sequence=sequence, compared=list(sequence)[-1:])


def quiet(steps: Sequence[Step]) -> bool:
    """Whether no answer among these shows the audience moving: one participantAudienceTotal, and one
    totalItems for each query (a leave may change a search's total alone)."""
    audiences: set[Any] = set()
    totals: dict[Any, set[Any]] = {}
    for step in steps:
        data = page_data(step.exchange)
        if data is None:
            continue
        audiences.add(data.get("participantAudienceTotal"))
        totals.setdefault(step.query[2], set()).add(repr(data["pagination"].get("totalItems")))
    return len(audiences) <= 1 and all(len(seen) <= 1 for seen in totals.values())


def _ids(exchange: Exchange) -> list[Any]:
    data = page_data(exchange) or {}
    return [viewer.get("_id") if isinstance(viewer, dict) else viewer for viewer in data.get("list", [])]


def _shown(ids: Sequence[Any], limit: int = 4) -> str:
    return "[" + ", ".join(map(str, ids[:limit])) + (", ..." if len(ids) > limit else "") + f"] ({len(ids)})"


def caller_refused(steps: Sequence[Step]) -> SequenceViolation | None:
    """A caller without the right to read is refused whatever was asked before (a cache must key by caller)."""
    newest = steps[-1]
    expected = EXPECTED_STATUS.get(newest.caller)
    if expected is None or newest.exchange.status == expected:
        return None
    return SequenceViolation(CALLER_PROMISE[newest.caller], f"a request with a {newest.caller} is not refused",
                             received=f"HTTP {newest.exchange.status}", expected=f"HTTP {expected}",
                             sequence=[step.exchange for step in steps])


def repeat_agrees(steps: Sequence[Step]) -> SequenceViolation | None:
    """The newest step, asked before by the same caller, is answered as it was then, if nothing moved."""
    newest = steps[-1]
    for earlier_index in range(len(steps) - 2, -1, -1):
        earlier = steps[earlier_index]
        if earlier.key != newest.key:
            continue
        if not quiet(steps[earlier_index:]):
            return None
        before, now = earlier.exchange, newest.exchange
        if before.status != now.status:
            received = f"HTTP {before.status}, then HTTP {now.status}"
        elif _ids(before) != _ids(now):
            received = f"viewers {_shown(_ids(before))}, then {_shown(_ids(now))}"
        elif (page_data(before) or {}).get("pagination") != (page_data(now) or {}).get("pagination"):
            received = (f"pagination {(page_data(before) or {}).get('pagination')}, then "
                        f"{(page_data(now) or {}).get('pagination')}")
        else:
            return None
        return SequenceViolation("sequence_repeatable", "the same request, asked again, is answered differently",
                                 received=received + " (the audience did not move in between)",
                                 expected="the same answer", sequence=[step.exchange for step in steps],
                                 compared=[before, now])
    return None


def positions(step: Step) -> dict[int, Any] | None:
    """Viewer ids by their place in the query's results (0 is the first), from a valid caller's 200 page."""
    data = page_data(step.exchange)
    if data is None or step.caller != VALID:
        return None
    pagination = data["pagination"]
    page, limit = pagination.get("currentPage"), pagination.get("itemsPerPage")
    if not isinstance(page, int) or not isinstance(limit, int) or page < 1 or limit < 1:
        return None
    return {(page - 1) * limit + offset: viewer_id for offset, viewer_id in enumerate(_ids(step.exchange))}


def history_independent(steps: Sequence[Step]) -> SequenceViolation | None:
    """The newest page puts each viewer where every earlier page of the same query put it (nothing moved)."""
    newest = steps[-1]
    now = positions(newest)
    if not now:
        return None
    place_of = {viewer_id: place for place, viewer_id in now.items()}
    for earlier_index in range(len(steps) - 2, -1, -1):
        earlier = steps[earlier_index]
        if not quiet(steps[earlier_index:]):
            return None
        before = positions(earlier)
        if before is None or earlier.query[2] != newest.query[2] or earlier.key == newest.key:
            continue
        for place, viewer_id in sorted(before.items()):
            if (place in now and now[place] != viewer_id) or place_of.get(viewer_id, place) != place:
                return SequenceViolation(
                    "sequence_history_independent", "a page's viewers depend on what was asked before it",
                    received=f"viewer {viewer_id} at place {place + 1} of the results in "
                             f"{_asked(earlier)}, but {_asked(newest)} has {now.get(place, 'nobody')} there"
                             + (f" and {viewer_id} at place {place_of[viewer_id] + 1}" if viewer_id in place_of
                                else ""),
                    expected="every page of one query to agree on who is at which place",
                    sequence=[step.exchange for step in steps], compared=[earlier.exchange, newest.exchange])
    return None


def _asked(step: Step) -> str:
    page, limit, search = step.query
    parts = [f"page={page}" if page is not None else "no page", f"limit={limit}" if limit is not None else "no limit"]
    if search is not None:
        parts.append(f"search={search!r}")
    return "the answer to " + ", ".join(parts)


def walk_partitions(steps: Sequence[Step]) -> SequenceViolation | None:
    """Once the steps hold every page of one query at one limit, read in any order while nothing moved, those
    pages list each of its totalItems viewers once."""
    newest = steps[-1]
    data = page_data(newest.exchange)
    if data is None or newest.caller != VALID:
        return None
    limit, search = data["pagination"].get("itemsPerPage"), newest.query[2]
    total_pages = data["pagination"].get("totalPages")
    if not isinstance(total_pages, int) or total_pages < 2:
        return None
    pages: dict[Any, Step] = {}
    for earlier_index in range(len(steps) - 1, -1, -1):
        step = steps[earlier_index]
        if not quiet(steps[earlier_index:]):
            return None
        earlier = page_data(step.exchange)
        if earlier is None or step.caller != VALID or step.query[2] != search or \
                earlier["pagination"].get("itemsPerPage") != limit:
            continue
        pages.setdefault(earlier["pagination"].get("currentPage"), step)
        if set(range(1, total_pages + 1)) <= set(pages):
            break
    else:
        return None
    walked = [pages[page] for page in range(1, total_pages + 1)]
    ids = [viewer_id for step in walked for viewer_id in _ids(step.exchange)]
    total = data["pagination"].get("totalItems")
    if len(ids) == len(set(ids)) == total:
        return None
    order = [step.query[0] for step in steps if step in walked]
    return SequenceViolation(
        "pagination_partition", "walking the pages of a query does not yield every viewer once",
        received=f"{len(ids) - len(set(ids))} repeated, {len(set(ids))} distinct viewers for totalItems = {total} "
                 f"(pages {', '.join(map(str, order))} at limit {limit}, in the order asked; the audience did not "
                 "move)", expected="every viewer exactly once", sequence=[step.exchange for step in steps])


SEQUENCE_CHECKS = (caller_refused, repeat_agrees, history_independent, walk_partitions)
# What those checks can find: any other name is not judged from a sequence's answers.
SEQUENCE_FINDINGS = frozenset({*CALLER_PROMISE.values(), *SEQUENCE_PROMISES, "pagination_partition"})


def holds_what_judges(steps: Sequence[Step], finding: str) -> bool:
    """Whether the steps hold what the check of `finding` (one of SEQUENCE_FINDINGS) judges: a request of the
    caller it is about, a request asked twice, two pages of one query, every page of one query at one limit.
    Where they do not, an answer that kept the promise says nothing about it."""
    if finding in CALLER_PROMISE.values():
        return any(CALLER_PROMISE.get(step.caller) == finding for step in steps)
    if finding == "sequence_repeatable":
        keys = [step.key for step in steps]
        return len(set(keys)) < len(keys)
    if finding == "sequence_history_independent":
        paged = [step for step in steps if positions(step)]
        return any(a.query[2] == b.query[2] and a.key != b.key for i, a in enumerate(paged) for b in paged[i + 1:])
    if finding == "pagination_partition":
        return any(_walked(steps, step) for step in steps)
    return False


def _walked(steps: Sequence[Step], newest: Step) -> bool:
    """Whether the steps hold every page of the newest step's query at its limit (its totalPages, two or more)."""
    data = page_data(newest.exchange)
    if data is None or newest.caller != VALID:
        return False
    limit, total_pages = data["pagination"].get("itemsPerPage"), data["pagination"].get("totalPages")
    if not isinstance(total_pages, int) or total_pages < 2:
        return False
    pages = {(page_data(step.exchange) or {}).get("pagination", {}).get("currentPage") for step in steps
             if step.caller == VALID and step.query[2] == newest.query[2] and page_data(step.exchange) is not None
             and (page_data(step.exchange) or {})["pagination"].get("itemsPerPage") == limit}
    return set(range(1, total_pages + 1)) <= pages


def judge(steps: Sequence[Step], finding: str | None = None) -> SequenceViolation | None:
    """The first promise across requests that the newest step breaks (only `finding` when given), or None."""
    for check in SEQUENCE_CHECKS:
        violation = check(steps)
        if violation is not None and (finding is None or violation.check == finding):
            return violation
    return None


def served_data(exchange: Exchange) -> str | None:
    """The answer's data as text, to tell one answer served for another request; None for no page."""
    data = page_data(exchange)
    return None if data is None else repr(data)


def echoes_its_request(exchange: Exchange) -> bool:
    """Whether a page's description names the page and limit its request asked for (defaults filled in)."""
    pagination = (page_data(exchange) or {}).get("pagination") or {}
    _, page, limit, _, _ = normalized_request(exchange)
    return (pagination.get("currentPage"), pagination.get("itemsPerPage")) == (page, limit)


def may_be_a_source(exchange: Exchange) -> bool:
    """Whether an answer can be the one a cache served again: a page with viewers, or an empty page that names
    its own request (empty pages of many requests look alike; only the one that was asked for is a source)."""
    data = page_data(exchange)
    return data is not None and (bool(data.get("list")) or echoes_its_request(exchange))


def may_be_a_copy(exchange: Exchange) -> bool:
    """Whether an answer can be another request's served again: a page with viewers, or an empty page that names
    another request than its own (an empty page that names its own is what that request alone gets)."""
    data = page_data(exchange)
    return data is not None and (bool(data.get("list")) or not echoes_its_request(exchange))


def copied_from(exchange: Exchange, earlier: Sequence[Exchange]) -> Exchange | None:
    """The first earlier request, asked otherwise (another query or token), whose answer this one repeats
    word for word: what a cache keyed by too little serves. A fresh target needs it to show the fault."""
    if not may_be_a_copy(exchange):
        return None
    served = served_data(exchange)
    asked = normalized_request(exchange)
    for candidate in earlier:
        if normalized_request(candidate) != asked and served_data(candidate) == served and may_be_a_source(candidate):
            return candidate
    return None


def normalized_request(exchange: Exchange) -> tuple[Any, ...]:
    """What a request asks for, defaults filled in: the same for `?limit=10`, `?page=1&limit=10&search=`."""
    rules = paging_rules()
    return (exchange.url.split("?")[0], whole_number(exchange.query.get("page"), rules.default_page),
            whole_number(exchange.query.get("limit"), rules.default_limit),
            None if is_blank(exchange.query.get("search")) else exchange.query.get("search"),
            exchange.request_headers.get("authorization") or exchange.request_headers.get("Authorization"))


def with_earlier_requests(sequence: Sequence[Exchange], earlier: Sequence[Exchange]) -> list[Exchange]:
    """The sequence preceded by the earlier requests whose answers it was served (see copied_from), in the
    order they were sent: the requests a freshly started target needs to show the same fault."""
    order = {id(exchange): number for number, exchange in enumerate(earlier)}
    sources = with_sources(sequence, lambda exchange: copied_from(exchange, earlier))[: -len(sequence) or None]
    return sorted(sources, key=lambda exchange: order.get(id(exchange), -1)) + list(sequence)


def with_sources(sequence: Sequence[Exchange],
                 source_of: Callable[[Exchange], Exchange | None]) -> list[Exchange]:
    """The sequence preceded by the source (an earlier request whose answer it repeats) of each of its
    requests that has one, each source once, in the order of the requests they precede."""
    sources: list[Exchange] = []
    for exchange in sequence:
        source = source_of(exchange)
        if source is not None and all(source is not seen for seen in [*sources, *sequence]):
            sources.append(source)
    return [*sources, *sequence]
