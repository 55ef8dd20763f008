"""The report's header: what it tells a person to run is a command that works where the suite is installed."""

from __future__ import annotations

from pathlib import Path

from contract_tests.reporting.report import ContractReport


def test_the_replay_line_is_the_installed_command(tmp_path: Path) -> None:
    report = ContractReport(tmp_path / "report.md", profile="deep", seed=123456)
    text = report.render()
    assert "(replay: `CONTRACT_SEED=123456 CONTRACT_PROFILE=deep contract-test`" in text
    assert "pytest contract_tests" not in text  # no such path in a backend repository: only --pyargs finds it
