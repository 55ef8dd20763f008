"""Schemathesis' exploration of the endpoint as the suite runs it: generated cases of one mode, sent through the
paced session, each answer judged by Schemathesis' checks and the registry's (schemathesis_exploration.py), every
distinct finding kept and counted in the run's log. test_schema.py runs one exploration per mode; a campaign's
lanes (campaign_lanes.py) run one round after another, each from a new seed, between their rounds of sequences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import schemathesis

from contract_tests.plugin.ledger import Ledger
from contract_tests.registry.documented_rules import VIEWERS_PATH
from contract_tests.registry.exchange import Secrets
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.schemathesis_exploration import excluded_checks, explore, violations_of
from contract_tests.target.sessions import PacedSession

GENERATION_MODES = {"positive": schemathesis.GenerationMode.POSITIVE,
                    "negative": schemathesis.GenerationMode.NEGATIVE}


@dataclass(frozen=True)
class EndpointExploration:
    """What one exploration needs: the schema aimed at the target, the judged contract, the session, the
    secrets to keep out of its findings and the run's ledger."""

    schema: Any
    judged_contract: dict[str, Any]
    session: PacedSession
    secrets: Secrets
    ledger: Ledger

    def run(self, mode: str, *, examples: int, seed: int, deadline: float | None = None) -> list[ContractViolation]:
        """`examples` cases generated in `mode` (positive, negative) from `seed`, none sent once time.monotonic()
        passes `deadline`: every distinct finding, allowed or not (the caller tells them apart), none stopping
        the exploration."""
        excluded = excluded_checks()
        requests = self.ledger.requests

        def judge(case: Any, response: Any) -> list[ContractViolation]:
            found = violations_of(case, response, self.judged_contract, self.secrets, excluded)
            for violation in found:  # counted by the kind of request that showed it, as the suite's own answers are
                if violation.check not in self.ledger.allowed:
                    requests.note_violation(violation)
            return found

        return explore(self.schema[VIEWERS_PATH]["GET"], GENERATION_MODES[mode], examples=examples, seed=seed,
                       send=lambda case: case.call(session=self.session), judge=judge, classes=requests.classes,
                       deadline=deadline)
