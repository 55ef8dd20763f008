"""A parallel run's workers: the report names each test as a later run accepts it, without its xdist group."""

from __future__ import annotations

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
