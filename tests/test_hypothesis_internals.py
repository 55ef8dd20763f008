"""Hypothesis' private settings attribute and its undocumented stateful.get_state_machine_test, as the suite uses
them, still work in the installed release.

`contract_tests/plugin/hypothesis_internals.py` is the one module that reaches them. A failure here names the release:
that module needs updating for it, or pyproject.toml's range must stop below it.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version
from typing import ClassVar

from hypothesis import Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, get_state_machine_test, rule

from contract_tests.plugin.hypothesis_internals import put_settings, state_machine_test

RELEASE = f"hypothesis {version('hypothesis')}"


def test_settings_put_on_a_test_twice_replace_the_first() -> None:
    seen: list[int] = []

    @given(st.integers())
    def probe(number: int) -> None:
        seen.append(number)

    put_settings(probe, settings(max_examples=3, database=None, derandomize=True))
    probe()
    first = len(seen)
    put_settings(probe, settings(max_examples=7, database=None, derandomize=True))
    seen.clear()
    probe()
    assert first == 3, f"{RELEASE}: settings(...)(test) no longer sets a test's settings"
    assert len(seen) == 7, f"{RELEASE}: _hypothesis_internal_use_settings no longer replaces a test's settings"


class Counter(RuleBasedStateMachine):
    """Records what its one rule drew, run by run."""

    draws: ClassVar[list[int]] = []

    @rule(number=st.integers(0, 10**9))
    def draw(self, number: int) -> None:
        Counter.draws.append(number)


def test_a_state_machine_runs_as_a_seeded_test_of_no_arguments() -> None:
    parameters = inspect.signature(get_state_machine_test).parameters
    assert "settings" in parameters and parameters["settings"].kind is inspect.Parameter.KEYWORD_ONLY, (
        f"{RELEASE}: stateful.get_state_machine_test no longer takes settings=: state_machine_test needs updating")
    chosen = settings(max_examples=4, stateful_step_count=3, database=None, phases=[Phase.generate])
    runs = []
    for _ in range(2):
        Counter.draws.clear()
        test = state_machine_test(Counter, chosen)
        assert not [p for p in inspect.signature(test).parameters.values() if p.default is inspect.Parameter.empty], (
            f"{RELEASE}: stateful.get_state_machine_test no longer builds a test of no arguments")
        seed(12345)(test)()
        runs.append(list(Counter.draws))
    assert runs[0] and len(runs[0]) <= 4 * 3, f"{RELEASE}: the state machine's test ignores its settings: {runs[0]}"
    assert runs[0] == runs[1], f"{RELEASE}: hypothesis.seed no longer decides a state machine's test"
