"""The suite's own JUnit file: pytest's JUnit writer, fed the reports of the suite's tests alone.

pytest's `--junitxml` writes every test of a session; beside other tests, the suite's file must hold its
own. pytest has no public API for a second writer, so this one module reaches into `_pytest.junitxml`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _pytest.junitxml import LogXML, xml_key


class SuiteJunit:
    """A plugin that writes the suite's tests (their node ids in `nodeids`) into a JUnit file of their own."""

    def __init__(self, config: pytest.Config, path: Path, nodeids: set[str]) -> None:
        self.nodeids = nodeids
        self.path = path
        self.xml = LogXML(str(path), config.option.junitprefix, config.getini("junit_suite_name"),
                          config.getini("junit_logging"), config.getini("junit_duration_report"),
                          config.getini("junit_family"), config.getini("junit_log_passing_tests"))

    def add_global_property(self, name: str, value: str) -> None:
        self.xml.add_global_property(name, value)

    def pytest_sessionstart(self) -> None:
        self.xml.pytest_sessionstart()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.nodeid in self.nodeids:
            self.xml.pytest_runtest_logreport(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed and report.nodeid in self.nodeids:
            self.xml.pytest_collectreport(report)  # type: ignore[arg-type]

    def pytest_sessionfinish(self) -> None:
        self.xml.pytest_sessionfinish()

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
        # Written here, not by LogXML.pytest_terminal_summary, whose arguments changed in pytest 9.0.
        if config.get_verbosity() >= 0:
            terminalreporter.write_sep("-", f"generated xml file: {self.path}")


def session_junit(config: pytest.Config) -> Any:
    """pytest's own JUnit writer of the session (--junitxml), or None."""
    return config.stash.get(xml_key, None)
