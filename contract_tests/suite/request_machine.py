"""Request sequences: a Hypothesis rule-based state machine whose steps are requests to the viewers endpoint.

Each step asks for a page (any page, limit and search, as any caller), repeats an earlier request of the
sequence or of the run, asks one query at two limits, or walks every page of a query in some order. After each
step the registry's checks judge the answer, `registry.sequences` judges it against the answers before it,
and `registry.run_memory` against the first answer of the same request in the whole run (many requests
later), churn aside. Hypothesis shrinks a failure to the shortest
sequence that still fails; the violation it raises names every request of that sequence, in order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from hypothesis import Phase
from hypothesis import seed as hypothesis_seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyFailure
from hypothesis.stateful import RuleBasedStateMachine, rule

from contract_tests.plugin.hypothesis_internals import state_machine_test
from contract_tests.registry.documented_rules import paging_rules
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.finding_groups import KnownFindings, finding_key
from contract_tests.registry.response_checks import page_data, verify
from contract_tests.registry.run_memory import RunMemory
from contract_tests.registry.sequences import (
    ANONYMOUS,
    FORBIDDEN,
    GARBAGE,
    VALID,
    SequenceViolation,
    Step,
    copied_from,
    in_sequence,
    judge,
)
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.sequence_replay import shortest_sequence
from contract_tests.target.viewers_client import ContractClient

SEARCH_TERMS = (None, "a", "e", "an", "ay", "Ş", "İ", "", "zzzz")  # broad, narrow, Turkish, blank, none found
MOST_PAGES_WALKED = 12  # a walk of more pages is left to the pagination tests
LIMITS = (1, 2, 3, 5, 7, 10, 20)


def pages() -> st.SearchStrategy[int | None]:
    """Mostly the first pages, where the viewers are; sometimes past the end or the default."""
    return st.one_of(st.integers(1, 6), st.none(), st.integers(7, 60))


def search_terms() -> st.SearchStrategy[str | None]:
    """No search (the list as most callers read it: a branch of its own, not one term among many), terms that
    find many, few or none, Turkish letters, blanks, and any text at all."""
    return st.one_of(st.none(), st.sampled_from(SEARCH_TERMS),
                     st.text(alphabet="aeiouçğışöüİIAEn ", min_size=1, max_size=4), st.text(max_size=8))


def limits() -> st.SearchStrategy[int | None]:
    maximum = paging_rules().max_limit
    return st.one_of(st.sampled_from(LIMITS), st.none(), st.integers(1, maximum))


class ViewerRequestSequences(RuleBasedStateMachine):
    """The endpoint as a state machine: the contract holds after every request, whatever came before."""

    api: ClassVar[ContractClient]
    callers: ClassVar[tuple[str, ...]] = (VALID, ANONYMOUS, GARBAGE)
    sent: ClassVar[list[Exchange]]  # every request of every sequence, for the reproducer's earlier requests
    known: ClassVar[KnownFindings]  # findings already reported (by root cause): counted, not raised again
    seen_again: ClassVar[dict[tuple[str, str], int]]
    memory: ClassVar[RunMemory]  # the first answer of each request of the run, and how many requests were sent
    deadline: ClassVar[float | None] = None  # time.monotonic() past which the steps send nothing (a campaign's end)

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[Step] = []
        self.found: SequenceViolation | None = None
        self.checking = False  # asking the oldest requests again (a checkpoint): no checkpoint inside it

    def send(self, page: int | None, limit: int | None, search: str | None, caller: str = VALID) -> Step | None:
        """One request and its judgement. The first violation is kept, and raised at teardown: a stateful target
        may fail a sequence at another step each time it is replayed, but what Hypothesis draws must not depend
        on the answers; once something failed, the steps left send nothing."""
        if self.found is not None or (self.deadline is not None and time.monotonic() >= self.deadline):
            return None
        params: dict[str, Any] = {name: value for name, value in (("page", page), ("limit", limit),
                                                                   ("search", search)) if value is not None}
        headers = {}
        if caller == FORBIDDEN and self.api.target.forbidden_token:
            headers = self.api.auth(self.api.target.forbidden_token)
        elif caller == GARBAGE:
            headers = {"Authorization": "Bearer garbage"}
        exchange = self.api.viewers(params=params, headers=headers, authorised=caller in (VALID, FORBIDDEN),
                                    checked=False)
        own = self.memory.number()
        step = Step(exchange, caller, own if self.api.log is None else self.api.log.sent)  # the log counts the run
        self.steps.append(step)
        self.sent.append(exchange)
        found: SequenceViolation | None
        try:
            verify(exchange)
            found = judge(self.steps)
        except ContractViolation as violation:
            found = in_sequence(violation, [s.exchange for s in self.steps])
        remembered = self.memory.judge(step)  # always: the memory keeps the answer, whatever else was found
        found = found or remembered
        if found is not None:
            key = finding_key(found)
            if self.known.is_known(found, self.api.log.classes(exchange) if self.api.log is not None else ()):
                self.seen_again[key] = self.seen_again.get(key, 0) + 1
            else:
                self.found = found
        if self.memory.at_checkpoint(own) and not self.checking:
            self.check_the_oldest()
        return step

    def check_the_oldest(self) -> None:
        """At each checkpoint of the run (its request count doubled), ask again the oldest requests the memory holds,
        one per search term: whatever changed after many requests shows against answers from before it."""
        self.checking = True
        try:
            for earlier in self.memory.oldest_per_search():
                page, limit, search = earlier.query
                self.send(_number(page), _number(limit), search, earlier.caller)
        finally:
            self.checking = False

    def teardown(self) -> None:
        if self.found is not None:
            raise self.found

    @rule(which=st.integers(0, 2**16))
    def repeat(self, which: int) -> None:
        """Ask an earlier request of this sequence again (drawn as a number, so the draw does not depend on how
        many requests the answers led to). No precondition on the steps: Hypothesis' replay of a failing example
        may send fewer of them (the target failed it sooner, or a campaign's deadline passed), and a rule that
        is there in one run and not in its replay makes the draws differ ("Inconsistent data generation")."""
        if not self.steps:
            return
        earlier = self.steps[which % len(self.steps)]
        page, limit, search = earlier.query
        self.send(_number(page), _number(limit), search, earlier.caller)

    @rule(which=st.integers(0, 2**16))
    def recall(self, which: int) -> None:
        """Ask again a request asked earlier in the run, many requests ago maybe: a state that changes after many
        requests shows only to a request whose first answer came before the change. (No precondition on the
        run's memory: what Hypothesis draws must not depend on earlier examples, which its replay does not see.)"""
        remembered = self.memory.requests()
        if not remembered:
            return
        earlier = remembered[which % len(remembered)]
        page, limit, search = earlier.query
        self.send(_number(page), _number(limit), search, earlier.caller)

    @rule(page=st.integers(1, 3), limit=st.sampled_from(LIMITS), search=st.sampled_from(SEARCH_TERMS),
          order=st.permutations(range(4)))
    def each_caller(self, page: int, limit: int, search: str | None, order: list[int]) -> None:
        """One query asked by every caller in turn, in an order Hypothesis picks (drawn as places, so the draw
        does not depend on how many callers the target has): what one caller is served never depends on who
        asked it before (a cache that ignores the caller serves a blocked user a page)."""
        for place in order:
            if place < len(self.callers):
                self.send(page, limit, search, self.callers[place])

    @rule(search=st.sampled_from(SEARCH_TERMS), first_limit=st.sampled_from(LIMITS),
          second_limit=st.sampled_from(LIMITS), second_page=st.integers(2, 6))
    def relimit(self, search: str | None, first_limit: int, second_limit: int, second_page: int) -> None:
        """One query at one limit, then at another: the second page starts inside the first one, so the two agree
        on who is at the places they share unless an answer depends on the limit asked before it."""
        first_place = (second_page - 1) * second_limit
        if self.send(first_place // first_limit + 1, first_limit, search) is not None:
            self.send(second_page, second_limit, search)

    @rule(limit=st.sampled_from(LIMITS), search=st.sampled_from(SEARCH_TERMS),
          order=st.permutations(range(2, MOST_PAGES_WALKED + 1)))
    def walk(self, limit: int, search: str | None, order: list[int]) -> None:
        """Every page of a query at one limit, in an order Hypothesis picks (drawn before any answer, so that
        what is drawn never depends on the target)."""
        first = self.send(1, limit, search)
        if first is None:
            return
        total_pages = ((page_data(first.exchange) or {}).get("pagination") or {}).get("totalPages")
        if not isinstance(total_pages, int) or not 1 < total_pages <= MOST_PAGES_WALKED:
            return
        order = [page for page in order if page <= total_pages]
        for page in order:
            self.send(page, limit, search)  # judged by registry.sequences.walk_partitions at the last page


def _number(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def machine_for(api: ContractClient, sent: list[Exchange] | None = None, known: KnownFindings | None = None,
                deadline: float | None = None, memory: RunMemory | None = None) -> type[ViewerRequestSequences]:
    """The state machine bound to one client; a forbidden caller among the callers when the target has its token."""
    callers = ViewerRequestSequences.callers + ((FORBIDDEN,) if api.target.forbidden_token else ())

    class BoundSequences(ViewerRequestSequences):
        @rule(page=pages(), limit=limits(), search=search_terms(), caller=st.sampled_from(callers))
        def ask(self, page: int | None, limit: int | None, search: str | None, caller: str) -> None:
            self.send(page, limit, search, caller)

    BoundSequences.api = api
    BoundSequences.sent = sent if sent is not None else []
    BoundSequences.callers = callers
    BoundSequences.known = KnownFindings() if known is None else known
    BoundSequences.seen_again = {}
    BoundSequences.deadline = deadline
    BoundSequences.memory = memory if memory is not None else RunMemory()
    return BoundSequences


def seeded(test: Callable[[], None], seed: int | None) -> Callable[[], None]:
    """The state machine's test with its own seed (a campaign's rounds each explore anew). The one use of
    hypothesis.seed on the test that state_machine_test builds; tests/test_request_sequences.py checks
    that a seed still decides the requests."""
    return test if seed is None else hypothesis_seed(seed)(test)


def run_sequences(api: ContractClient, settings: hypothesis_settings, sent: list[Exchange] | None = None, *,
                  seed: int | None = None, known: KnownFindings | None = None,
                  deadline: float | None = None, memory: RunMemory | None = None) -> None:
    """Explore request sequences against the target. A failure raises the shortest sequence that still fails
    when replayed, preceded by the earlier requests whose answers it was served (from the client's request
    log, else from `sent`, the requests of the sequences so far).
    Findings `known` (by root cause, finding_groups.KnownFindings) are not raised again; past `deadline`
    (time.monotonic()), no step sends.
    `memory` carries the run's first answers over several calls (a campaign's rounds); one per call otherwise.

    Hypothesis' own shrinking is left out: it replays each candidate on a target whose state the earlier
    candidates changed (a warm cache makes one request fail alone), and it cannot drop single requests from
    a walk. The requests are shortened instead by replaying them (target.sequence_replay.minimized)."""
    log = sent if sent is not None else []
    without_shrinking = hypothesis_settings(settings, phases=[phase for phase in settings.phases
                                                              if phase is not Phase.shrink])
    try:
        machine = machine_for(api, log, known, deadline, memory)
        seeded(state_machine_test(machine, without_shrinking), seed)()
    except (SequenceViolation, FlakyFailure) as error:
        # A target whose state changed for good fails an example once and passes Hypothesis' replay of it:
        # Hypothesis calls that flaky; here it is the finding itself.
        violation = error if isinstance(error, SequenceViolation) else _first_violation(error)
        if violation is None:
            raise
        earlier = list(log)
        source_of = api.log.source_of if api.log is not None else (lambda exchange: copied_from(exchange, earlier))
        raise shortest_sequence(violation, api, source_of) from None


def _first_violation(group: BaseExceptionGroup[Any]) -> SequenceViolation | None:
    """The first violation a group of exceptions holds (at any depth), or None."""
    for inner in group.exceptions:
        if isinstance(inner, SequenceViolation):
            return inner
        if isinstance(inner, BaseExceptionGroup) and (found := _first_violation(inner)) is not None:
            return found
    return None
