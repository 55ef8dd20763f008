"""Suite profiles: fast for pull requests, deep for nightly runs and QA; each with its Hypothesis settings,
applied to the suite's own tests alone (other tests in the session keep theirs)."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, settings

PROFILE_VARIABLE = "CONTRACT_PROFILE"


@dataclass(frozen=True)
class SuiteProfile:
    name: str
    schemathesis_examples: int  # per operation and generation mode
    search_examples: int  # Hypothesis examples of the search properties
    longest_search_term: int
    walk_pages: int  # the most pages one walk may take before it samples instead
    walk_limits: tuple[int, ...]  # page sizes to walk at, where the audience allows

    def hypothesis_settings(self) -> settings:
        """The settings of the suite's own property tests under this profile."""
        return settings(
            max_examples=self.search_examples,
            deadline=None,
            database=None,  # no replay of earlier runs: the seed alone decides the requests
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            print_blob=True,
        )


PROFILES = {
    "fast": SuiteProfile("fast", schemathesis_examples=60, search_examples=25, longest_search_term=10_000,
                         walk_pages=60, walk_limits=(100, 20, 7)),
    "deep": SuiteProfile("deep", schemathesis_examples=1500, search_examples=300, longest_search_term=60_000,
                         walk_pages=2000, walk_limits=(100, 37, 20, 7, 3, 1)),
}


def profile_named(name: str) -> SuiteProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"{PROFILE_VARIABLE} has value {name!r}: use one of {', '.join(PROFILES)}") from None
