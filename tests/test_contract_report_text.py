"""The report's text: what it tells a person to run works where the suite is installed, and its table of broken
promises names what was found."""

from __future__ import annotations

from pathlib import Path

from contract_tests.plugin.run_summary import CheckVerdict, FindingView, RunView, terminal_lines
from contract_tests.plugin.suite_report import ContractReport, Outcome
from contract_tests.plugin.suite_report_sections import broken_promises, not_checked_lines
from contract_tests.target.deployment import not_run, promises_not_run


def test_the_replay_line_is_the_installed_command(tmp_path: Path) -> None:
    report = ContractReport(tmp_path / "report.md", profile="deep", seed=123456)
    text = report.render()
    assert "(replay: `CONTRACT_SEED=123456 CONTRACT_PROFILE=deep contract-test`" in text
    assert "pytest contract_tests" not in text  # no such path in a backend repository: only --pyargs finds it


SCHEMATHESIS_SUMMARY = """Schemathesis found 2 distinct failures

- ST901 Custom check failed: `types_is_following`

    [types_is_following] viewer 6722c52cac83ff594e000000's isFollowing is not a boolean

- ST108 Response violates schema

    "false" is not of type "boolean"
"""


def test_a_schemathesis_finding_is_named_in_the_table_of_broken_promises() -> None:
    test = "contract_tests/test_schema.py::test_generated_requests[GET /x] (Schemathesis subtest)"
    lines = broken_promises([(test, None, SCHEMATHESIS_SUMMARY)])
    assert "| Schemathesis: types_is_following, ST108 Response violates schema | 1 |" in lines
    assert "- Failing tests:" in lines and f"  - `{test}`" in lines


def test_another_failure_without_a_violation_is_named_by_its_test() -> None:
    lines = broken_promises([("contract_tests/test_auth.py::test_x", None, "ConnectError: refused")])
    assert "| test contract_tests/test_auth.py::test_x | 1 |" in lines


def test_the_terminal_count_of_broken_checks_names_the_findings_beside_them() -> None:
    finding = FindingView("schema:Viewer.username", "Response violates schema (ST108)", "null", "a string", "",
                          2, ("t",), (), "contract-test --contract-replay x.json")
    run = RunView("BROKEN", "http://127.0.0.1:1", "deep", 1, "", 1.0, {}, findings=[finding],
                  checks=[CheckVerdict("envelope_shape", "", "held", 3)])
    assert "contract: 1 checks, 0 broken; 1 other finding(s) (schema:Viewer.username)" in terminal_lines(run)


def test_a_check_not_run_says_so_and_how_to_run_it_in_the_report_and_the_terminal(tmp_path: Path) -> None:
    reason = not_run("expired_token")
    assert reason == ("not run: the expired-token check (auth_rejects_expired), as CONTRACT_EXPIRED_TOKEN is not set; "
                      "set it (or --contract-expired-token) to a token of the deployment's that has expired to run it")
    assert promises_not_run([reason, "the deployment reads every bad value some way"]) == {
        "auth_rejects_expired": reason}
    report = ContractReport(tmp_path / "report.md")
    forbidden = not_run("forbidden_token")
    report.outcomes = [Outcome("test_auth.py::test_an_expired_token_is_401", "skipped", 0.0, text=reason),
                       Outcome("test_auth.py::test_a_forbidden_user_is_403[a]", "skipped", 0.0, text=forbidden),
                       Outcome("test_auth.py::test_a_forbidden_user_is_403[b]", "skipped", 0.0, text=forbidden),
                       Outcome("test_auth.py::test_valid_token_is_accepted", "passed", 0.0)]
    text = report.render()
    assert f"## Not checked\n\n- {reason} (1 test: `test_auth.py::test_an_expired_token_is_401`)\n" in text
    assert f"- {forbidden} (2 tests: `test_auth.py::test_a_forbidden_user_is_403[a]`, " in text
    assert "| `auth_rejects_expired` | not run | 0 |" in text and "| `auth_forbidden` | not run | 0 |" in text
    assert "| `auth_accepts_valid` | not broken | 0 |" in text  # run, and not broken
    assert not_checked_lines(report.skipped()) == [f"contract {reason} (1 test)", f"contract {forbidden} (2 tests)"]
    assert terminal_lines(report.run_view())[-1].endswith(
        "; 3 not run (auth_forbidden, auth_rejects_expired, error_envelope_403)")
    assert not_checked_lines([("test_x", "no 400 to check")]) == ["contract not checked: no 400 to check (1 test)"]
