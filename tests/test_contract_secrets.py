"""No secret anywhere: a failing run, at every --tb, shows no 8-character fragment of any token it was given,
in its output, its report or its JUnit file (pytest's long tracebacks print the arguments of each frame)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LiveMock, start_mock, stop_mock
from tests.test_contract_suite import run_suite


@pytest.fixture(scope="module")
def failing_target() -> Iterator[LiveMock]:
    mock = start_mock(module="tests.faulty_target", prefix=["accepts_alg_none"])
    yield mock
    stop_mock(mock)


def fragments(secret: str) -> set[str]:
    return {secret[start:start + 8] for start in range(len(secret) - 7)}


@pytest.mark.parametrize("tb", ["auto", "long", "short", "line", "native", "no"])
def test_a_failing_run_shows_no_fragment_of_a_token(failing_target: LiveMock, tmp_path: Path, tb: str) -> None:
    run = run_suite(failing_target.base_url, tmp_path, "-k", "auth or envelope", f"--tb={tb}", "-l")
    assert run.returncode == 1, run.output[-3000:]
    assert run.token
    for where, text in (("output", run.output), ("report", run.report), ("junit", run.junit)):
        leaked = sorted(fragment for fragment in fragments(run.token) if fragment in text)
        assert not leaked, (where, leaked[:5])
