"""Telling a live audience from a bug: properties that span several answers, checked against churn.

The endpoint serves a live stream: viewers join (newest first) and leave while the suite reads it, so a
join between two page requests shifts the later pages by one and participantAudienceTotal grows. Each
cross-answer property here is tried as an Attempt that says what looked wrong and how often the audience
moved meanwhile; settle() re-tries within a bounded budget and decides: verified, broken (what it saw is
more than the churn can explain, twice), or not verifiable (the audience kept moving). Reusable outside
pytest: each function takes answers, not fixtures.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from contract_tests.registry.exchange import Exchange
from contract_tests.registry.response_checks import page_data
from contract_tests.registry.violations import ContractViolation

DEFAULT_ATTEMPTS = 3


class NotVerifiableNotes(Protocol):
    """Where a run keeps the properties it could not verify (the report's warnings)."""

    def note_not_verifiable(self, line: str) -> None: ...


def audience_state(exchange: Exchange) -> tuple[int, int] | None:
    """(totalItems, participantAudienceTotal) of a 200 page, when both are whole numbers."""
    data = page_data(exchange)
    if data is None:
        return None
    total, audience = data["pagination"].get("totalItems"), data.get("participantAudienceTotal")
    if isinstance(total, int) and isinstance(audience, int):
        return total, audience
    return None


def joins_and_leaves(exchanges: Sequence[Exchange]) -> tuple[int, int]:
    """Lower bounds of the joins and leaves between answers of one query, in the order requested: a join
    raises participantAudienceTotal (a newcomer) or totalItems (someone back); a leave lowers totalItems."""
    states = [state for state in map(audience_state, exchanges) if state is not None]
    joins = leaves = 0
    for (total_before, audience_before), (total_after, audience_after) in itertools.pairwise(states):
        joined = max(0, audience_after - audience_before, total_after - total_before)
        joins += joined
        leaves += joined - (total_after - total_before)
    return joins, leaves


def changes_across(exchanges: Sequence[Exchange]) -> int:
    """How often, at least, the audience moved between these answers of one query (joins plus leaves)."""
    return sum(joins_and_leaves(exchanges))


def audience_shrinks(exchanges: Sequence[Exchange]) -> tuple[Exchange, Exchange] | None:
    """Two answers in order where participantAudienceTotal (everyone who has taken part) went down."""
    seen: list[tuple[Exchange, int]] = []
    for exchange in exchanges:
        state = audience_state(exchange)
        if state is None:
            continue
        for earlier, audience in seen:
            if state[1] < audience:
                return earlier, exchange
        seen.append((exchange, state[1]))
    return None


@dataclass(frozen=True)
class Attempt:
    """One try of a cross-answer property."""

    violation: ContractViolation | None  # what looked broken; None when the property held
    changes: int  # how often the audience moved during the try
    explained: bool = False  # whether that much movement can explain what looked broken


@dataclass(frozen=True)
class Verdict:
    verified: bool
    changes: int
    attempts: int
    note: str = ""


def settle(what: str, attempt: Callable[[], Attempt], attempts: int = DEFAULT_ATTEMPTS, *,
           notes: NotVerifiableNotes | None = None) -> Verdict:
    """Try a property up to `attempts` times: verified on the first clean try; raises the first violation
    once two tries show more than the churn explains (or the only try does); else not verifiable, noted in
    `notes` (the run's ledger) as a warning for the report."""
    unexplained: list[ContractViolation] = []
    changes = 0
    for number in range(1, attempts + 1):
        result = attempt()
        changes += result.changes
        if result.violation is None:
            return Verdict(True, changes, number)
        if not result.explained:
            unexplained.append(result.violation)
            if len(unexplained) >= min(2, attempts):
                raise unexplained[0]
    note = (f"{what}: not verifiable: the audience changed {changes} times during the walk "
            f"({attempts} tries)")
    if notes is not None:
        notes.note_not_verifiable(note)
    return Verdict(False, changes, attempts, note)


@dataclass(frozen=True)
class PartitionFindings:
    """How far the walked pages are from a partition of the audience."""

    repeats: int  # viewers met more than once, counted once per extra meeting
    repeated: list[Any]
    listed: int  # viewers met, each once
    total_items: int  # the last page's totalItems
    joins: int
    leaves: int

    @property
    def changes(self) -> int:
        return self.joins + self.leaves

    def explained_by_churn(self, complete: bool) -> bool:
        """A join shifts the later pages forward (one repeat at most), a leave backward (one viewer missed).
        Each move also changes the size by up to two: a newcomer on a page already read is never met and
        pushes one viewer past the last page the walk asked for; a leaver already met is no longer counted.
        More repeats than joins, or a size further off than that, is a bug."""
        gap = abs(self.listed - self.total_items) if complete else 0
        return self.changes > 0 and self.repeats <= self.joins and gap <= 2 * self.changes


def partition_findings(pages: Sequence[Exchange]) -> PartitionFindings:
    """Repeats and size of the viewers on these pages (in the order requested)."""
    ids = [viewer.get("_id") for page in pages for viewer in (page_data(page) or {}).get("list", [])
           if isinstance(viewer, dict)]
    counts = Counter(ids)
    repeated = [viewer_id for viewer_id, count in counts.items() if count > 1]
    last_state = next((state for state in map(audience_state, reversed(pages)) if state is not None), (0, 0))
    return PartitionFindings(sum(count - 1 for count in counts.values()), repeated, len(counts), last_state[0],
                             *joins_and_leaves(pages))
