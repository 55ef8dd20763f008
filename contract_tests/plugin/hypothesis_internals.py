"""The private names of Hypothesis the suite relies on, each reached here and nowhere else.

The suite puts its profile's settings on each of its own property tests (never on Hypothesis' global profile,
which other tests share). `settings(...)(test)` refuses a test that already carries settings, as a suite test does
when a second session runs in the same process (pytester, an IDE re-run): there only Hypothesis' private
`_hypothesis_internal_use_settings` replaces them.

The request sequences run a state machine as a test of no arguments that Hypothesis' decorators (a seed)
accept: `hypothesis.stateful.get_state_machine_test`, public in name but undocumented (since 6.138.15 it
builds such a test). `tests/test_hypothesis_internals.py` fails, naming the release, when either changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, get_state_machine_test

_APPLIED = "_hypothesis_internal_settings_applied"
_IN_USE = "_hypothesis_internal_use_settings"


def put_settings(test: Callable[..., Any], chosen: settings) -> None:
    """Make `chosen` the settings of a @given test, replacing any it carries."""
    if getattr(test, _APPLIED, False):
        setattr(test, _IN_USE, chosen)
    else:
        chosen(test)


def state_machine_test(machine: type[RuleBasedStateMachine], chosen: settings) -> Callable[[], None]:
    """The machine's run as a test of no arguments, with `chosen` settings; hypothesis.seed applies to it."""
    test: Callable[[], None] = get_state_machine_test(machine, settings=chosen)
    return test
