"""The `contract-test` command line: the installed suite, or the parts of it named, under the suite's settings."""

from __future__ import annotations

import pytest

from contract_tests.command import SUITE_DIR, names_the_suite, pytest_arguments


@pytest.mark.parametrize("argument", ["contract_tests", "contract_tests.test_auth", "contract_tests/test_auth.py",
                                      "contract_tests.test_search::test_any_term_is_answered_soundly"])
def test_arguments_that_name_the_suite(argument: str) -> None:
    assert names_the_suite(argument)


@pytest.mark.parametrize("argument", ["tests", "contract_testsuite", "my_contract_tests", "-k"])
def test_arguments_that_do_not(argument: str) -> None:
    assert not names_the_suite(argument)


def test_the_whole_suite_runs_under_its_own_settings_with_every_argument_passed_on() -> None:
    arguments = pytest_arguments(["-k", "search", "--contract-profile", "deep"])
    assert arguments[:2] == ["-c", str(SUITE_DIR / "suite.ini")]
    assert arguments[-5:] == ["contract_tests", "-k", "search", "--contract-profile", "deep"]
    assert "--pyargs" in arguments


def test_a_named_part_of_the_suite_runs_alone() -> None:
    arguments = pytest_arguments(["contract_tests.test_auth", "-x"])
    assert arguments.count("contract_tests") == 0 and arguments[-2:] == ["contract_tests.test_auth", "-x"]
