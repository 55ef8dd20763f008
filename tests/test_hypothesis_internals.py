"""Hypothesis' private settings attribute, as the suite uses it, still takes effect in the installed release.

`contract_tests/plugin/hypothesis_internals.py` is the one module that reaches it. A failure here names the release:
that module needs updating for it, or pyproject.toml's range must stop below it.
"""

from __future__ import annotations

from importlib.metadata import version

from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tests.plugin.hypothesis_internals import put_settings

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
