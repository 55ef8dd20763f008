"""The report's text: what it tells a person to run works where the suite is installed, and its table of broken
promises names what was found."""

from __future__ import annotations

from pathlib import Path

from contract_tests.plugin.run_summary import CheckVerdict, FindingView, RunView, terminal_lines
from contract_tests.plugin.suite_report import ContractReport
from contract_tests.plugin.suite_report_sections import broken_promises


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
