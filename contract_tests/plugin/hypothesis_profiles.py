"""Suite profiles: fast for pull requests, deep for nightly runs and QA, campaign to leave running (until its
duration is up); each with its Hypothesis settings,
applied to the suite's own tests alone (other tests in the session keep theirs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Hypothesis is imported when a profile is applied: set-up mistakes are told before
    from hypothesis import settings

PROFILE_VARIABLE = "CONTRACT_PROFILE"
DEFAULT_CAMPAIGN_S = 600


@dataclass(frozen=True)
class SuiteProfile:
    name: str
    schemathesis_examples: int  # per operation and generation mode
    search_examples: int  # Hypothesis examples of the search properties
    longest_search_term: int
    walk_pages: int  # the most pages one walk may take before it samples instead
    walk_limits: tuple[int, ...]  # page sizes to walk at, where the audience allows
    # The seed of a run that names none: fixed for pull requests (the same code gets the same requests and the
    # same verdict on every run), fresh for nightly exploration (printed, to replay it).
    default_seed: int | None = None
    sequence_examples: int = 10  # request sequences the state machine tries (per round of a campaign)
    sequence_steps: int = 12  # rules per sequence (a walk is one rule of several requests)
    # Pages sampled deep in a walked query, each the slice of the walk's order: the page sizes sampled at, and how
    # many pages at each (deep_page_samples: a third in, across a page boundary, the last; then more positions).
    deep_sample_limits: tuple[int, ...] = (7, 1)
    deep_sample_pages: int = 3

    def hypothesis_settings(self) -> settings:
        """The settings of the suite's own property tests under this profile."""
        from hypothesis import HealthCheck, settings

        return settings(
            max_examples=self.search_examples,
            deadline=None,
            database=None,  # no replay of earlier runs: the seed alone decides the requests
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            print_blob=True,
        )

    def sequence_settings(self) -> settings:
        """The settings of the request-sequence state machine under this profile."""
        from hypothesis import settings

        return settings(self.hypothesis_settings(), max_examples=self.sequence_examples,
                        stateful_step_count=self.sequence_steps, print_blob=False)


PROFILES = {
    "fast": SuiteProfile("fast", schemathesis_examples=60, search_examples=25, longest_search_term=10_000,
                         walk_pages=60, walk_limits=(100, 20, 7), default_seed=0),
    "deep": SuiteProfile("deep", schemathesis_examples=1500, search_examples=300, longest_search_term=60_000,
                         walk_pages=2000, walk_limits=(100, 37, 20, 7, 3, 1), sequence_examples=200,
                         sequence_steps=25, deep_sample_limits=(37, 7, 3, 1), deep_sample_pages=9),
    # Single requests at sizes between fast and deep, then request sequences round after round until the duration.
    "campaign": SuiteProfile("campaign", schemathesis_examples=300, search_examples=100, longest_search_term=60_000,
                             walk_pages=200, walk_limits=(100, 20, 7, 1), sequence_examples=40, sequence_steps=25,
                             deep_sample_limits=(37, 7, 3, 1), deep_sample_pages=6),
}


def profile_named(name: str) -> SuiteProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"{PROFILE_VARIABLE} has value {name!r}: use one of {', '.join(PROFILES)}") from None
