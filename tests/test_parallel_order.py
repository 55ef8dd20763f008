"""A parallel run's workers: the report names each test as a later run accepts it, without its xdist group."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.plugin.command import installed_path
from contract_tests.plugin.suite_items import SUITE_DIR, reported_name


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
