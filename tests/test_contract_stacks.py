"""The contract suite as a judge: deployments in the style of independent backends that keep the contract,
each taking its stack's reading wherever the documentation is silent, pass with nothing declared (and the
report says where they part ways with the mock); a faulty twin of each class of breakage fails, naming the
promise; a declared deviation of each kind is listed, not failed; and the fast profile's verdict is the code's."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.core.auth import mint_token
from mockserver.core.dataset import DEFAULT_USER_ID
from mockserver.settings import DEVELOPMENT_SECRET
from tests.conftest import LiveMock, start_target, stop_mock
from tests.test_contract_suite import SuiteRun, run_suite


@pytest.fixture
def stack(request: pytest.FixtureRequest) -> Iterator[LiveMock]:
    target = start_target("tests.stack_target", *request.param.split())
    yield target
    stop_mock(target)


def findings(run: SuiteRun) -> list[str]:
    """The names of the findings the report lists as broken promises (its table of them, not the others')."""
    section = run.report.split("## Broken promises", 1)[-1].split("\n## ", 1)[0] if "## Broken promises" in run.report \
        else ""
    return sorted(set(re.findall(r"^\| `?([\w:./-]+)`? \| [1-9]", section, re.MULTILINE)))


# a correct deployment -> a reading its report must note as a difference from the mock
CORRECT = {
    "fastapi-sql": ("--stack fastapi-sql", "search-collation"),
    "express-mongoose": ("--stack express-mongoose", "unset-attributes"),
    "spring": ("--stack spring", "out-of-range"),
    "rails": ("--stack rails", "search-collation"),
    "laravel": ("--stack laravel", "past-the-end"),
    "general_ci, past the end 400": ("--reading collation=general_ci --reading past_end=400 --reading "
                                     "timestamp=seconds --reading unset_expertise=null", "past-the-end"),
    "accent, 3000 viewers": ("--stack fastapi-sql --audience 3000", "search-collation"),
}


@pytest.mark.parametrize("stack", [options for options, _ in CORRECT.values()], ids=list(CORRECT), indirect=True)
def test_a_correct_independent_backend_passes_with_nothing_declared(stack: LiveMock, tmp_path: Path,
                                                                    request: pytest.FixtureRequest) -> None:
    run = run_suite(stack.base_url, tmp_path)
    assert run.returncode == 0, run.report[:5000] or run.output[-3000:]
    assert run.report.startswith("# Contract report: the contract is KEPT")
    note = dict(CORRECT.values())[request.node.callspec.params["stack"]]
    assert re.search(rf"^## Where the deployment and the mock part ways[^#]*`{note}`", run.report,
                     re.MULTILINE), run.report[:5000]


# a faulty twin -> the finding its report must name, and the tests that hold that promise (the whole suite
# runs on every correct twin above; a faulty one runs the family of its promise, to keep the run short)
FAULTY = {
    "--fault filter_after_slice": ("pagination_page_length", "contract_tests/test_search.py"),
    "--fault prefix_only_username": ("search_completeness", "contract_tests/test_search.py"),
    "--fault future_joined_at": ("times_plausible", "contract_tests/test_types.py"),
    "--fault alg_none_any_case": ("auth_rejects_alg_none", "contract_tests/test_auth.py"),
    "--fault empty_signature": ("auth_verifies_signature", "contract_tests/test_auth.py"),
    "--fault other_hmac_unverified": ("auth_rejects_other_algorithms", "contract_tests/test_auth.py"),
    "--fault following_flips": ("identical_requests_agree", "contract_tests/test_pagination.py"),
    "--fault forbidden_with_search": ("auth_forbidden", "contract_tests/test_auth.py"),
    "--fault repeat_under_search": ("search_totals", "contract_tests/test_search.py"),
    "--fault unknown_stream_200": ("unknown_stream", "contract_tests/test_existence.py"),
    "--fault ended_stream_200": ("ended_stream", "contract_tests/test_existence.py"),
    "--stack fastapi-sql --fault symbols_match_everyone": ("search_soundness", "contract_tests/test_search.py"),
    "--stack fastapi-sql --fault accent_search_unsound": ("search_soundness", "contract_tests/test_search.py"),
    "--audience 3000 --fault deep_pages_shift": ("pagination_partition|pagination_page_length",
                                                 "contract_tests/test_pagination.py"),
    "--fault next_page_at_boundary": ("pagination_arithmetic", "contract_tests/test_pagination.py"),
    "--fault limit_ignored_with_search": ("pagination_echo", "contract_tests/test_search.py"),
    "--fault nondeterministic_ties": ("identical_requests_agree", "contract_tests/test_pagination.py"),
    # echoing a limit it did not serve breaks the echo as much as the page's length
    "--stack spring --audience 300 --fault clamp_echoes_request": ("pagination_page_length|pagination_echo",
                                                                   "contract_tests/test_schema.py"),
    "--fault null_username": ("schema:Viewer.username", "contract_tests/test_schema.py"),
    "--stack fastapi-sql --fault expertise_as_number": ("schema:Viewer.expertise", "contract_tests/test_schema.py"),
}


@pytest.mark.parametrize("stack", list(FAULTY), ids=lambda a: a.split("--fault ")[-1], indirect=True)
def test_a_faulty_twin_fails_naming_its_promise(stack: LiveMock, tmp_path: Path,
                                               request: pytest.FixtureRequest) -> None:
    names, tests = FAULTY[request.node.callspec.params["stack"]]
    run = run_suite(stack.base_url, tmp_path, tests)
    assert run.returncode == 1, run.output[-3000:]
    assert set(names.split("|")) & set(findings(run)), (findings(run), run.report[:5000])


@pytest.mark.parametrize("stack", ["--fault expired_accepted"], indirect=True)
def test_an_expired_token_that_is_served_is_a_broken_promise(stack: LiveMock, tmp_path: Path) -> None:
    expired = mint_token(DEVELOPMENT_SECRET, DEFAULT_USER_ID, expires_in_s=60, now=time.time() - 3600)
    run = run_suite(stack.base_url, tmp_path, "contract_tests/test_auth.py", CONTRACT_EXPIRED_TOKEN=expired)
    assert run.returncode == 1, run.output[-3000:]
    assert findings(run) == ["auth_rejects_expired"], run.report[:4000]


@pytest.mark.parametrize("stack", ["--stack fastapi-sql --fault next_page_at_boundary --fault null_username"],
                         indirect=True)
def test_a_declared_deviation_of_each_kind_is_listed_and_an_undeclared_one_fails(stack: LiveMock,
                                                                                  tmp_path: Path) -> None:
    declared = run_suite(stack.base_url, tmp_path / "both", "contract_tests/test_schema.py",
                         "contract_tests/test_pagination.py",
                         CONTRACT_ALLOW="pagination_arithmetic,schema:Viewer.username")
    assert declared.returncode == 0, declared.report[:5000]
    deviations = declared.report.split("## Allowed deviations", 1)[-1]
    assert "pagination_arithmetic" in deviations and "schema:Viewer.username" in deviations, declared.report[:5000]
    assert "CONTRACT_ALLOW=pagination_arithmetic,schema:Viewer.username" in declared.junit
    one = run_suite(stack.base_url, tmp_path / "one", "contract_tests/test_schema.py",
                    "contract_tests/test_pagination.py", CONTRACT_ALLOW="schema:Viewer.username")
    assert one.returncode == 1, one.report[:3000]
    assert findings(one) == ["pagination_arithmetic"], one.report[:5000]


@pytest.mark.parametrize("stack", ["--fault next_page_at_boundary --fault null_username", "--stack laravel"],
                         ids=["faulty", "correct"], indirect=True)
def test_the_fast_profile_gives_the_same_findings_twice(stack: LiveMock, tmp_path: Path) -> None:
    runs = [run_suite(stack.base_url, tmp_path / str(number), "contract_tests/test_schema.py",
                      "contract_tests/test_pagination.py", seed=None) for number in (1, 2)]
    assert runs[0].returncode == runs[1].returncode
    listed = [re.findall(r"^(?:### |- Received: ).*$", run.report, re.MULTILINE) for run in runs]
    assert listed[0] == listed[1], listed
