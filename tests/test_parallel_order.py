"""A parallel run's workers: the report names each test as a later run accepts it, without its xdist group."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest

from contract_tests.plugin.command import installed_path
from contract_tests.plugin.suite_items import SUITE_DIR, reported_name
from mockserver.core.dataset import EXAMPLE_STREAM_ID
from tests.conftest import LiveMock


@pytest.mark.parametrize(("nodeid", "name"), [
    ("contract_tests/test_schema.py::test_generated_requests_get_conforming_answers[positive]@contract-schemathesis",
     "contract_tests/test_schema.py::test_generated_requests_get_conforming_answers[positive]"),
    ("contract_tests/test_sequences.py::test_request_sequences_keep_the_contract@contract-sequences",
     "contract_tests/test_sequences.py::test_request_sequences_keep_the_contract"),
    ("contract_tests/test_search.py::test_x[user@example]", "contract_tests/test_search.py::test_x[user@example]"),
    ("contract_tests/test_auth.py::test_no_token_is_401", "contract_tests/test_auth.py::test_no_token_is_401"),
])
def test_a_worker_s_node_id_is_reported_without_its_group(nodeid: str, name: str) -> None:
    assert reported_name(nodeid) == name


def test_a_grouped_name_runs_its_test_again() -> None:
    grouped = "contract_tests/test_sequences.py::test_request_sequences_keep_the_contract@contract-sequences"
    assert installed_path(grouped) == str(SUITE_DIR.parent / "contract_tests/test_sequences.py"
                                          "::test_request_sequences_keep_the_contract")


class _SuiteItem:
    """What ExplorationsFirst reads of a collected test: its module, its function and its markers."""

    def __init__(self, module: object, name: str) -> None:
        self.module, self.name, self.obj = module, name, getattr(module, name)
        self.markers = list(getattr(self.obj, "pytestmark", []))

    def get_closest_marker(self, name: str) -> pytest.Mark | None:
        return next((mark for mark in self.markers if mark.name == name), None)

    def add_marker(self, marker: pytest.MarkDecorator) -> None:
        self.markers.append(marker.mark)


def test_a_worker_runs_the_explorations_then_the_property_tests_then_the_single_requests() -> None:
    from contract_tests import test_auth, test_pagination, test_search, test_sequences
    from contract_tests.plugin.parallel_order import ExplorationsFirst

    collected = [_SuiteItem(test_auth, "test_no_token_is_401"),
                 _SuiteItem(test_pagination, "test_any_page_keeps_the_arithmetic"),
                 _SuiteItem(test_search, "test_blank_search_is_no_filter"),
                 _SuiteItem(test_search, "test_any_term_is_answered_soundly"),
                 _SuiteItem(test_sequences, "test_request_sequences_keep_the_contract")]
    items: list[Any] = list(collected)
    ExplorationsFirst().pytest_collection_modifyitems(items)
    assert [item.name for item in items] == [
        "test_request_sequences_keep_the_contract", "test_any_page_keeps_the_arithmetic",
        "test_any_term_is_answered_soundly", "test_no_token_is_401", "test_blank_search_is_no_filter"]
    grouped = items[0].get_closest_marker("xdist_group")
    assert grouped is not None and grouped.args == ("contract-sequences",)


def test_only_a_worker_of_a_contract_test_run_ends_without_the_interpreter_s_teardown(tmp_path: Path) -> None:
    from contract_tests.plugin.parallel_order import ends_quickly

    class _Config:
        def __init__(self, inipath: Path | None, worker: bool) -> None:
            self.inipath = inipath
            if worker:
                self.workerinput = {"workerid": "gw0"}

    suite_ini = SUITE_DIR / "suite.ini"
    assert ends_quickly(cast(pytest.Config, _Config(suite_ini, worker=True)))
    assert not ends_quickly(cast(pytest.Config, _Config(suite_ini, worker=False)))  # the controller, a serial run
    assert not ends_quickly(cast(pytest.Config, _Config(tmp_path / "pyproject.toml", worker=True)))  # a repo's own
    assert not ends_quickly(cast(pytest.Config, _Config(None, worker=True)))


def test_a_parallel_contract_test_run_keeps_what_its_workers_found_and_sent(live_mock: LiveMock,
                                                                           tmp_path: Path) -> None:
    """The workers of `contract-test -n 2` end without waiting for their interpreter's teardown: the controller
    still has every test's result and every worker's requests, and reports no worker down."""
    token, forbidden = (subprocess.run([sys.executable, "-m", "mockserver", "token", *flags], capture_output=True,
                                       text=True, check=True).stdout.strip() for flags in ([], ["--forbidden"]))
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("CONTRACT_", "PYTEST_"))}
    environ |= {"CONTRACT_BASE_URL": live_mock.base_url, "CONTRACT_TOKEN": token,
                "CONTRACT_STREAM_ID": EXAMPLE_STREAM_ID, "CONTRACT_FORBIDDEN_TOKEN": forbidden,
                "CONTRACT_REPORT": str(tmp_path / "report.md")}
    result = subprocess.run([sys.executable, "-m", "contract_tests.plugin.command", "-n", "2", "-k",
                             "envelope or test_no_token_is_401 or test_documented_defaults"],
                            capture_output=True, text=True, timeout=600, env=environ, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert re.search(r"\b7 passed in\b", output), output[-2000:]
    assert not re.search(r"crashed|Not properly terminated|node down|replacing", output, re.IGNORECASE), output
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    sent = re.search(r"([0-9]+) requests sent", report)
    assert sent and int(sent[1]) >= 7 + 2 * 2, report[:1500]  # each test's requests and each worker's preflight
