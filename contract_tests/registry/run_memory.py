"""Answers remembered across a whole run, so that a request repeated long after is held to its first answer.

A target whose state changes after many requests (a counter, a cache that fills, a pool that wears out)
answers every short sequence consistently: only a request asked again much later, while the audience did
not move, shows it. The memory keeps the first answer of each request of the run (caller included) and
judges every later answer of it as `sequences.repeat_agrees` judges a repeat within one sequence. Churn
aside: a stillness period ends at the first answer that shows the audience moving (another
participantAudienceTotal, or another totalItems for a query seen in the period), and the memory forgets
what it held, as answers from before a move are not comparable. Pure: no HTTP, no pytest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contract_tests.registry.response_checks import page_data
from contract_tests.registry.sequences import VALID, SequenceViolation, Step, repeat_agrees

FIRST_CHECKPOINT = 32  # the run's requests at which the oldest are asked again: 32, 64, 128, ...
MOST_REMEMBERED = 20_000  # requests remembered within one stillness period (a query a key, no bodies kept twice)


@dataclass
class Remembered:
    first: Step  # the first answer of the request in this stillness period
    last_alike: Step  # the latest answer that agreed with it


@dataclass
class RunMemory:
    """The first answer of each request asked in the run, while the audience stayed still."""

    requests_sent: int = 0
    _audience: Any = None
    _totals: dict[Any, Any] = field(default_factory=dict)
    _remembered: dict[tuple[Any, ...], Remembered] = field(default_factory=dict)
    _order: list[Step] = field(default_factory=list)  # the first answers, in the order asked

    def number(self) -> int:
        """The place of the next request among the run's requests (1 is the first)."""
        self.requests_sent += 1
        return self.requests_sent

    def at_checkpoint(self, number: int) -> bool:
        """Whether the run's request of this number is a checkpoint: the 32nd, 64th, 128th, ... (the count doubled)."""
        return number >= FIRST_CHECKPOINT and number & (number - 1) == 0

    def oldest_per_search(self, most: int = 4) -> list[Step]:
        """The oldest page remembered for each search term (none and blank as one), at most `most` of them."""
        chosen: dict[str | None, Step] = {}
        for step in self._order:
            term = step.query[2]
            if step.caller != VALID or page_data(step.exchange) is None:
                continue
            chosen.setdefault(term if term and term.strip() else None, step)
            if len(chosen) >= most:
                break
        return list(chosen.values())

    def requests(self) -> list[Step]:
        """The requests remembered, in the order first asked (for a rule that asks one again)."""
        return self._order

    def judge(self, step: Step) -> SequenceViolation | None:
        """Hold the step to the first answer of its request in this stillness period (then remember it)."""
        if self._moved(step):
            self._remembered.clear()
            self._order = []
        remembered = self._remembered.get(step.key)
        if remembered is None:
            if len(self._remembered) < MOST_REMEMBERED:
                self._remembered[step.key] = Remembered(step, step)
                self._order.append(step)
            return None
        found = repeat_agrees([remembered.first, step])
        if found is None:
            remembered.last_alike = step
            return None
        asked = (f"the same request is answered differently many requests later: alike from request "
                 f"{_place(remembered.first)} to {_place(remembered.last_alike)} of the run, otherwise at "
                 f"{_place(step)} (a state that changed between those two requests)")
        return SequenceViolation(found.check, asked, received=found.received, expected=found.expected,
                                 sequence=[remembered.last_alike.exchange, step.exchange])

    def _moved(self, step: Step) -> bool:
        """Whether this answer shows the audience moved since the period began (and, if so, begin another)."""
        data = page_data(step.exchange)
        if data is None:
            return False
        audience, total = data.get("participantAudienceTotal"), repr(data["pagination"].get("totalItems"))
        search = step.query[2]
        if self._audience is None:
            self._audience = audience
        moved = bool(audience != self._audience or self._totals.get(search, total) != total)
        if moved:
            self._audience, self._totals = audience, {}
        self._totals[search] = total
        return moved


def _place(step: Step) -> str:
    return f"#{step.number}" if step.number is not None else "(unnumbered)"
