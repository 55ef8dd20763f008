"""The `contract-test` command line: the installed suite, or the parts of it named, under the suite's settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from contract_tests.plugin.command import pytest_arguments
from contract_tests.plugin.suite_items import SUITE_DIR, names_the_suite
from mockserver.core.dataset import EXAMPLE_STREAM_ID
from tests.conftest import LiveMock


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


def test_a_test_named_as_the_report_names_it_is_a_path_into_the_installed_suite() -> None:
    arguments = pytest_arguments(["contract_tests/test_auth.py::test_no_token_is_401", "-x"])
    assert arguments[-2:] == [f"{SUITE_DIR / 'test_auth.py'}::test_no_token_is_401", "-x"]
    assert "contract_tests" not in arguments


@pytest.mark.slow  # runs the suite in a subprocess
def test_a_test_named_as_the_report_names_it_runs_from_another_directory(tmp_path: Path) -> None:
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("CONTRACT_", "PYTEST_"))}
    result = subprocess.run([sys.executable, "-m", "contract_tests.plugin.command", "-p", "no:cacheprovider",
                             "contract_tests/test_auth.py::test_no_token_is_401"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300, env=environ)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def test_the_checks_before_pytest_load_none_of_the_tools_pytest_must_load_itself() -> None:
    """A plugin module imported before pytest starts cannot have its asserts rewritten, and pytest warns: the early
    checks must not pull in an HTTP client (httpx before 0.28 imports anyio, a pytest plugin) or a test tool."""
    program = ("import sys\nfrom contract_tests.plugin.early_checks import early_problem\n"
               "early_problem([], {})\n"
               "tools = ('anyio', 'httpx', 'httpcore', 'requests', 'hypothesis', 'schemathesis', 'pytest', '_pytest',"
               " 'xdist')\n"
               "print(sorted(name for name in sys.modules if name.split('.')[0] in tools))\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120,
                            env={key: value for key, value in os.environ.items() if not key.startswith("CONTRACT_")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


# What the target's first answer tells is told before pytest, Schemathesis and Hypothesis are imported.
EARLY_PROBE = """
import os, sys
from contract_tests.plugin.command import main
status = main([])
heavy = sorted(name for name in ("pytest", "_pytest", "schemathesis", "hypothesis") if name in sys.modules)
print("status", status, "loaded", ",".join(heavy) or "none")
"""


@pytest.mark.parametrize(("variables", "line"), [
    ({"CONTRACT_BASE_URL": "http://127.0.0.1:9"},
     "contract suite: cannot reach http://127.0.0.1:9: connection refused (nothing listens on 127.0.0.1:9?)"),
    ({"CONTRACT_TOKEN": "not-a-token"}, "contract suite: the target refuses CONTRACT_TOKEN (HTTP 401"),
    ({"CONTRACT_STREAM_ID": "000000000000000000000000"},
     "contract suite: CONTRACT_STREAM_ID 000000000000000000000000 is not a live stream on the target (HTTP 404"),
], ids=["unreachable", "refused token", "unknown stream"])
def test_a_mistake_the_first_answer_shows_is_told_before_the_test_tools_load(
        live_mock: LiveMock, tmp_path: Path, variables: dict[str, str], line: str) -> None:
    token = subprocess.run([sys.executable, "-m", "mockserver", "token"], capture_output=True, text=True,
                           check=True).stdout.strip()
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("CONTRACT_", "PYTEST_"))}
    environ |= {"CONTRACT_BASE_URL": live_mock.base_url, "CONTRACT_TOKEN": token,
                "CONTRACT_STREAM_ID": EXAMPLE_STREAM_ID, "CONTRACT_REPORT": str(tmp_path / "report.md"), **variables}
    result = subprocess.run([sys.executable, "-c", EARLY_PROBE], capture_output=True, text=True, timeout=120,
                            env=environ, cwd=tmp_path)
    assert result.stdout.strip() == "status 4 loaded none", result.stdout + result.stderr
    assert result.stderr.startswith(line) and result.stderr.count("\n") == 1, result.stderr
    assert token not in result.stderr
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# Contract report: the target could NOT BE TESTED") and line.split(": ", 1)[1] in report


def test_the_command_ends_with_main_s_status_and_every_line_it_printed(tmp_path: Path) -> None:
    """`contract-test` does not wait for the interpreter's teardown at its end, and loses nothing by it: the
    whole of a long listing reaches a pipe, and a run that cannot start ends with 4 and its one line."""
    from contract_tests.registry import response_checks  # noqa: F401  (registers the checks)
    from contract_tests.registry.documented_rules import load_spec
    from contract_tests.registry.promise_provenance import finding_catalogue, render_catalogue

    buffered = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}  # a pipe's buffer
    listing = subprocess.run([sys.executable, "-m", "contract_tests.plugin.command", "--list-findings"],
                             capture_output=True, text=True, timeout=120, env=buffered)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.splitlines()[1:] == render_catalogue(finding_catalogue(load_spec())).splitlines()
    version = subprocess.run([sys.executable, "-m", "contract_tests.plugin.command", "--version"],
                             capture_output=True, text=True, timeout=120, env=buffered)
    assert (version.returncode, version.stdout.split(" ")[0]) == (0, "contract-test"), version.stderr
    environ = {key: value for key, value in buffered.items() if not key.startswith(("CONTRACT_", "PYTEST_"))}
    environ |= {"CONTRACT_BASE_URL": "http://127.0.0.1:9", "CONTRACT_TOKEN": "a.b.c", "CONTRACT_STREAM_ID": "x" * 24,
                "CONTRACT_REPORT": str(tmp_path / "report.md")}
    refused = subprocess.run([sys.executable, "-m", "contract_tests.plugin.command"], capture_output=True, text=True,
                             timeout=120, env=environ, cwd=tmp_path)
    assert refused.returncode == 4, refused.stderr
    assert refused.stderr.startswith("contract suite: cannot reach http://127.0.0.1:9"), refused.stderr
    assert (tmp_path / "report.md").exists()
