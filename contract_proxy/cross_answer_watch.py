"""What the proxy holds each answer to: the registry's checks, and promises that need several answers.

The checks across answers look at what the proxy saw lately (a sliding window of answers) and are
churn-aware as the suite is: a live audience moves while someone pages through it, so a viewer met
on two pages, or a total that changed, is a violation only when the movement between the two
answers (joins raise participantAudienceTotal; joins and leaves move totalItems) cannot explain it.
"""

from __future__ import annotations

import re
import sys
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from contract_tests.registry.documented_rules import VIEWERS_PATH
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.response_checks import CHECKS, fail, page_numbers
from contract_tests.registry.violations import ContractViolation

VIEWERS_ROUTE = re.compile("^" + re.escape(VIEWERS_PATH).replace(re.escape("{id}"), "([^/]+)") + "/?$")
CROSS_ANSWER_PROMISES = {
    "pagination_partition": "The pages of one query hold every viewer once: a viewer met on two pages is a bug "
                            "unless joins and leaves between the two answers explain it.",
    "pagination_audience_total_stable": "participantAudienceTotal, everyone who took part in the stream, is the "
                                        "same for every page and search, and never falls.",
    "pagination_stable_totals": "Pages of one query agree on totalItems unless the audience moved between them.",
}


@dataclass(frozen=True)
class Finding:
    """One broken promise in one answer."""

    check: str
    promise: str
    violation: ContractViolation


@dataclass(eq=False)
class _Answer:
    stream: str
    search: str
    limit: int
    page: int
    ids: tuple[str, ...]
    total_items: int
    audience_total: Any
    sent: float
    received: float
    exchange: Exchange | None  # the answer being checked; dropped once it is remembered (a window of parsed
    # bodies would hold hundreds of thousands of objects for the garbage collector to walk)


def viewers_stream(path: str) -> str | None:
    """The stream id when the path is the viewers endpoint's, else None."""
    match = VIEWERS_ROUTE.match(path)
    return match.group(1).lower() if match else None


@dataclass
class Watcher:
    """Holds answers to every check of the registry, and the latest ones to the checks across answers."""

    window: int = 1000
    window_seconds: float = 600.0
    _answers: deque[_Answer] = field(default_factory=deque)
    _by_stream: dict[str, deque[_Answer]] = field(default_factory=dict)
    # For each query (stream, search, limit): each viewer's answers, by page, oldest first.
    _holders: dict[tuple[str, str, int], dict[str, dict[int, deque[_Answer]]]] = field(default_factory=dict)
    _broken_checks: set[str] = field(default_factory=set)

    def check(self, exchange: Exchange, stream: str, *, sent: float, received: float) -> list[Finding]:
        """Every broken promise of this answer, alone and with the answers seen before it."""
        findings = list(self._single(exchange))
        answer = self._answer_of(exchange, stream, sent, received)
        if answer is not None:
            self._forget(older_than=received - self.window_seconds)
            findings += self._across(answer)
            answer.exchange = None
            self._remember(answer)
        return findings

    def _single(self, exchange: Exchange) -> list[Finding]:
        findings = []
        for check in list(CHECKS.values()):
            try:
                check.function(exchange)
            except ContractViolation as violation:
                findings.append(Finding(violation.check, check.promise, violation))
            except Exception as error:  # a check that cannot read this answer must not stop the traffic
                if check.name not in self._broken_checks:
                    self._broken_checks.add(check.name)
                    print(f"contract-proxy: check {check.name} could not run ({type(error).__name__}: {error}); "
                          "answers it cannot read are passed on unchecked by it", file=sys.stderr, flush=True)
        return findings

    @staticmethod
    def _answer_of(exchange: Exchange, stream: str, sent: float, received: float) -> _Answer | None:
        numbers = page_numbers(exchange)
        if numbers is None or numbers.current < 1:
            return None
        ids = tuple(v["_id"] for v in numbers.data["list"] if isinstance(v, dict) and isinstance(v.get("_id"), str))
        search = exchange.query.get("search") or ""
        return _Answer(stream, search, numbers.per_page, numbers.current, ids, numbers.total,
                       numbers.data.get("participantAudienceTotal"), sent, received, exchange)

    def _across(self, answer: _Answer) -> list[Finding]:
        findings = []
        for check in (self._partition, self._audience_total, self._stable_totals):
            try:
                check(answer)
            except ContractViolation as violation:
                findings.append(Finding(violation.check, CROSS_ANSWER_PROMISES[violation.check], violation))
        return findings

    def _partition(self, answer: _Answer) -> None:
        holders = self._holders.get((answer.stream, answer.search, answer.limit), {})
        shared: dict[int, tuple[_Answer, list[str]]] = {}
        for viewer_id in answer.ids:
            for page, answers in holders.get(viewer_id, {}).items():
                if page != answer.page:  # the latest answer of that page is the one to compare with
                    shared.setdefault(id(answers[-1]), (answers[-1], []))[1].append(viewer_id)
        for other, repeated in shared.values():
            explained = _movement(other, answer)
            if len(repeated) > explained:
                search = f", search {answer.search!r}" if answer.search else ""
                fail("pagination_partition", f"pages {other.page} and {answer.page} of one query "
                     f"(limit {answer.limit}{search}) share viewers", _exchange(answer),
                     received=f"{len(repeated)} viewer(s) on both pages, e.g. {repeated[:3]}; the audience moved "
                              f"by at most {explained} between the two answers",
                     expected="every viewer on one page only")

    def _previous(self, answer: _Answer, *, same_search: bool) -> _Answer | None:
        """The latest answer of the same stream (and search) that came back before this one was asked for."""
        for other in reversed(self._by_stream.get(answer.stream, ())):
            if other.received <= answer.sent and (not same_search or other.search == answer.search):
                return other
        return None

    def _audience_total(self, answer: _Answer) -> None:
        before = self._previous(answer, same_search=False)
        if before is None or not _whole(before.audience_total) or not _whole(answer.audience_total):
            return
        if answer.audience_total < before.audience_total:
            fail("pagination_audience_total_stable", "participantAudienceTotal fell from one answer to the next",
                 _exchange(answer), received=f"{before.audience_total} (page {before.page}, {_query(before)}), then "
                 f"{answer.audience_total} (page {answer.page}, {_query(answer)})",
                 expected=f"{before.audience_total} or more: the whole audience only grows")

    def _stable_totals(self, answer: _Answer) -> None:
        before = self._previous(answer, same_search=True)
        if before is None or before.audience_total != answer.audience_total:
            return  # someone joined between the two answers: totalItems may have moved either way
        if answer.total_items > before.total_items:
            fail("pagination_stable_totals", "totalItems grew while nobody joined the stream", _exchange(answer),
                 received=f"totalItems {before.total_items} on page {before.page}, then {answer.total_items} on "
                 f"page {answer.page} ({_query(answer)}), participantAudienceTotal {answer.audience_total} on both",
                 expected=f"at most {before.total_items}: without a join, only leaves move totalItems")

    def _remember(self, answer: _Answer) -> None:
        self._answers.append(answer)
        self._by_stream.setdefault(answer.stream, deque()).append(answer)
        holders = self._holders.setdefault((answer.stream, answer.search, answer.limit), {})
        for viewer_id in answer.ids:
            holders.setdefault(viewer_id, {}).setdefault(answer.page, deque()).append(answer)
        while len(self._answers) > self.window:
            self._drop(self._answers.popleft())

    def _forget(self, older_than: float) -> None:
        while self._answers and self._answers[0].received < older_than:
            self._drop(self._answers.popleft())

    def _drop(self, answer: _Answer) -> None:
        """Forget the oldest answer: it is the first of every list it is in."""
        stream_answers = self._by_stream[answer.stream]
        stream_answers.popleft()
        if not stream_answers:
            del self._by_stream[answer.stream]
        key = (answer.stream, answer.search, answer.limit)
        holders = self._holders.get(key)
        if holders is None:  # an earlier answer of this query held nobody either: already forgotten
            return
        for viewer_id in answer.ids:
            pages = holders.get(viewer_id)
            if pages is None or answer.page not in pages:
                continue  # the same viewer twice on one page: already forgotten
            pages[answer.page].popleft()
            if not pages[answer.page]:
                del pages[answer.page]
            if not pages:
                del holders[viewer_id]
        if not holders:
            del self._holders[key]


def _exchange(answer: _Answer) -> Exchange:
    assert answer.exchange is not None, "only the answer being checked is reported"
    return answer.exchange


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _query(answer: _Answer) -> str:
    return f"limit {answer.limit}" + (f", search {answer.search!r}" if answer.search else "")


def _movement(first: _Answer, second: _Answer) -> int:
    """How many viewers joins and leaves between two answers can have moved across a page boundary."""
    if not (_whole(first.audience_total) and _whole(second.audience_total)):
        return len(second.ids)  # nothing to tell movement by: no claim
    joins: int = abs(second.audience_total - first.audience_total)
    total_change = abs(second.total_items - first.total_items)
    leaves = joins + total_change  # totalItems = joins - leaves: at most this many left
    return joins + leaves
