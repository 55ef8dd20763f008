"""Findings a developer takes into a ticket: a fault that needs two requests is told with both, and its replay
fails on a freshly started target; one root cause on many requests is one finding; the HTML report renders in
a real browser; a parallel run reports what its workers found and sent."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.registry.exchange import Exchange
from contract_tests.registry.response_checks import expect_status, fail
from contract_tests.registry.sequences import VALID
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.deployment import Target
from contract_tests.target.sequence_replay import ReplayedRequest, Reproducer, reproducer_of
from mockserver.core.dataset import EXAMPLE_STREAM_ID
from tests.conftest import REPO, LiveMock, start_mock, stop_mock
from tests.test_browser import CHROMIUM, INSTALL_HINT, chromium
from tests.test_contract_suite import SuiteRun, run_suite


def replay(path: str, base_url: str | None, token: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("CONTRACT_")}
    if base_url:
        environ |= {"CONTRACT_BASE_URL": base_url, "CONTRACT_TOKEN": token, "CONTRACT_STREAM_ID": EXAMPLE_STREAM_ID}
    return subprocess.run([sys.executable, "-m", "contract_tests.plugin.command", "--contract-replay", path],
                          capture_output=True, text=True, cwd=REPO, env=environ, timeout=300)


def findings_table(report: str) -> list[list[str]]:
    table = report.split("## Broken promises", 1)[1].split("\n\n", 2)[1]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in table.splitlines()[2:]]


def test_a_fault_of_two_requests_is_told_with_both_and_fails_again_on_a_fresh_target(tmp_path: Path) -> None:
    """A cache keyed by page alone: the preflight's limit=1, then the test's default limit, gets the first."""
    target = start_mock(module="tests.faulty_target", prefix=["cache_ignores_limit"])
    try:
        run = run_suite(target.base_url, tmp_path, "-k", "test_documented_defaults")
    finally:
        stop_mock(target)
    assert run.returncode == 1, run.output[-3000:]
    assert "Reproduce (2 request(s), in this order):" in run.report, run.report[:3000]
    reproducer = next(iter(sorted((tmp_path / "findings").glob("pagination_echo-*.json"))))
    script = reproducer.with_suffix(".sh").read_text(encoding="utf-8")
    assert [line.split("viewers", 1)[1] for line in script.splitlines() if line.startswith("curl")] == \
        ['?limit=1"', '"']
    assert run.token and run.token not in script and run.token not in reproducer.read_text(encoding="utf-8")
    assert Reproducer.read(reproducer).test == "contract_tests/test_pagination.py::test_documented_defaults"
    fresh = start_mock(module="tests.faulty_target", prefix=["cache_ignores_limit"])
    try:
        again = replay(str(reproducer), fresh.base_url, run.token)
    finally:
        stop_mock(fresh)
    assert again.returncode == 1, again.stdout + again.stderr
    assert "STILL BROKEN: [pagination_echo]" in again.stdout
    on_the_mock = replay(str(reproducer), None, run.token)  # a freshly started bundled mock keeps the contract
    assert on_the_mock.returncode == 0, on_the_mock.stdout + on_the_mock.stderr


def test_a_reproducer_that_is_not_one_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    result = replay(str(bad), None, "")
    assert result.returncode == 4 and result.stderr.count("\n") == 1 and "is not a reproducer" in result.stderr


@pytest.mark.parametrize(("finding", "query", "why"), [
    ("pagination_partition", "page=2&limit=20", "these 1 do not hold what it is judged on"),
    ("pagination_defaults", "", "judged by its test across answers it asks for itself"),
])
def test_a_finding_its_requests_cannot_judge_names_the_test_to_run_instead(
        tmp_path: Path, finding: str, query: str, why: str) -> None:
    """Not "did not show" (exit 0) whatever the target does: one line, exit 4, the test that judges it."""
    path = tmp_path / "finding.json"
    path.write_text(Reproducer(finding, "p", (ReplayedRequest("GET", f"/api/v1/live-stream/{EXAMPLE_STREAM_ID}/"
                                                              f"viewers?{query}", VALID),),
                               "contract_tests/test_pagination.py::test_walks").to_json(), encoding="utf-8")
    result = replay(str(path), None, "")
    assert result.returncode == 4 and result.stderr.count("\n") == 1, result.stdout + result.stderr
    assert f"{finding} cannot be judged by replay" in result.stderr and why in result.stderr
    assert "run its test again instead: contract-test 'contract_tests/test_pagination.py::test_walks'" in result.stderr
    assert "did not show" not in result.stdout


UNKNOWN_STREAM = "64d15f9e2e6c8f4d5a999999"


@pytest.mark.parametrize(("finding", "path", "statuses", "fault", "exit_status", "verdict"), [
    ("negative:200", f"{EXAMPLE_STREAM_ID}/viewers?limit=101", (), "accepts_limit_over_max", 1,
     "STILL BROKEN: [negative:200]"),
    ("negative:200", f"{EXAMPLE_STREAM_ID}/viewers?limit=101", (), None, 0, "negative:200 did not show"),
    ("unknown_stream", f"{UNKNOWN_STREAM}/viewers", (404,), "unknown_streams_are_empty", 1,
     "STILL BROKEN: [unknown_stream]"),
    ("unknown_stream", f"{UNKNOWN_STREAM}/viewers", (404,), None, 0, "unknown_stream did not show"),
], ids=["generation-mode-still-broken", "generation-mode-fixed", "status-promise-still-broken", "status-promise-fixed"])
def test_a_stored_finding_replays_to_a_verdict_by_the_check_that_found_it(
        tmp_path: Path, finding: str, path: str, statuses: tuple[int, ...], fault: str | None, exit_status: int,
        verdict: str) -> None:
    """negative:200 (a request openapi.yaml forbids, served) is judged by Schemathesis' negative_data_rejection as
    the generated case was; unknown_stream (a test's promise about one answer's status) by the statuses it
    accepts: broken on a target that still serves limit=101 or an unknown stream, fixed on the mock."""
    reproducer = tmp_path / "finding.json"
    reproducer.write_text(Reproducer(finding, "p", (ReplayedRequest("GET", f"/api/v1/live-stream/{path}", VALID),),
                                     "contract_tests/test_x.py::test_y", statuses).to_json(), encoding="utf-8")
    target = start_mock(module="tests.faulty_target", prefix=[fault]) if fault else None
    try:
        token = subprocess.run([sys.executable, "-m", "mockserver", "token"], capture_output=True, text=True,
                               check=True).stdout.strip()
        result = replay(str(reproducer), target.base_url if target else None, token)
    finally:
        if target is not None:
            stop_mock(target)
    assert result.returncode == exit_status and verdict in result.stdout, result.stdout + result.stderr


def test_a_status_promise_is_stored_with_the_statuses_it_accepts() -> None:
    exchange = Exchange.of("GET", f"http://127.0.0.1/api/v1/live-stream/{UNKNOWN_STREAM}/viewers", {}, 200, {}, b"{}")
    with pytest.raises(ContractViolation) as raised:
        expect_status("malformed_stream_id", exchange, {400, 404}, "refused")
    stored = reproducer_of(raised.value, Target("http://127.0.0.1", "t", EXAMPLE_STREAM_ID))
    assert stored is not None and Reproducer.from_json(stored.to_json()).statuses == (400, 404)
    with pytest.raises(ContractViolation) as other:
        fail("undeclared_method", "HEAD is answered with a body", exchange, received="9 characters",
             expected="no body")
    told = reproducer_of(other.value, Target("http://127.0.0.1", "t", EXAMPLE_STREAM_ID))
    assert told is not None and told.statuses == ()  # a promise about a body, not a status: not judged by status


@pytest.fixture(scope="module")
def crashing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveMock]:
    target = start_mock(module="tests.faulty_target", prefix=["crashes_on_big_pages"])
    yield target
    stop_mock(target)


SELECTION = ("-k", "test_valid_boundaries or test_generated_requests or test_any_page_keeps_the_arithmetic")


@pytest.fixture(scope="module")
def crashing_run(crashing: LiveMock, tmp_path_factory: pytest.TempPathFactory) -> tuple[SuiteRun, Path]:
    folder = tmp_path_factory.mktemp("serial")
    return run_suite(crashing.base_url, folder, *SELECTION), folder


def test_one_root_cause_on_many_requests_is_one_finding(crashing_run: tuple[SuiteRun, Path]) -> None:
    run, _ = crashing_run
    assert run.returncode == 1, run.output[-3000:]
    rows = findings_table(run.report)
    assert [(row[0], row[3]) for row in rows] == [("no_server_error", "page: deep (over 1000)")], run.report[:4000]
    requests, tests = int(rows[0][1]), int(rows[0][2])
    assert tests >= 2 and requests >= tests
    assert run.output.count("contract finding: ") == 1


def test_two_causes_of_one_status_are_two_findings(tmp_path: Path) -> None:
    """A 500 on deep pages and a 500 on search terms with metacharacters read alike ("HTTP 500"): the kinds
    of request that showed them tell them apart, each with its own reproducer, which replays as still broken."""
    target = start_mock(module="tests.faulty_target", prefix=["crashes_on_big_pages_and_metacharacters"])
    try:
        run = run_suite(target.base_url, tmp_path, "-k", f"{SELECTION[1]} or test_metacharacters_are_plain_characters")
        assert run.returncode == 1, run.output[-3000:]
        rows = findings_table(run.report)
        assert sorted((row[0], row[3]) for row in rows) == [
            ("no_server_error", "page: deep (over 1000)"), ("no_server_error", "search: regex or SQL metacharacters")
        ], run.report[:5000]
        assert run.output.count("contract finding: no_server_error") == 2
        reproducers = sorted((tmp_path / "findings").glob("no_server_error-*.json"))
        assert len(reproducers) == 2
        for reproducer in reproducers:
            again = replay(str(reproducer), target.base_url, run.token or "")
            assert again.returncode == 1 and "STILL BROKEN: [no_server_error]" in again.stdout, again.stdout
    finally:
        stop_mock(target)


def test_the_summary_says_what_was_tried(crashing_run: tuple[SuiteRun, Path]) -> None:
    run, _ = crashing_run
    tried = run.report.split("## What was tried", 1)[1]
    assert re.search(r"\| 500 \| [1-9]", tried) and re.search(r"\| 200 \| [1-9]", tried)
    assert "| page: deep (over 1000) |" in tried and "| `no_server_error` | broken |" in tried
    assert re.search(r"contract: [0-9]+ requests in [0-9.]+ s", run.output)


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI", "").lower() != "true", reason=INSTALL_HINT)
def test_the_html_report_renders_in_a_browser(crashing_run: tuple[SuiteRun, Path]) -> None:
    _, folder = crashing_run
    page = folder / "report.html"
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html and not re.search(r"""(src|href)=["']?https?:""", html)  # one file, nothing fetched
    dom = chromium(folder, "--dump-dom", page.as_uri()).stdout
    assert "the contract is" in dom and "BROKEN" in dom and "no_server_error" in dom
    assert "Requests by parameter class" in dom and "page: deep (over 1000)" in dom
    screenshot = REPO / "reports" / "contract-report-html.png"
    screenshot.parent.mkdir(exist_ok=True)
    chromium(folder, "--hide-scrollbars", "--window-size=1200,1400", f"--screenshot={screenshot}", page.as_uri())
    assert screenshot.stat().st_size > 20_000
    print(f"screenshot of the HTML report: {screenshot}")


def test_a_parallel_run_finds_and_counts_what_a_serial_one_does(crashing: LiveMock,
                                                                  crashing_run: tuple[SuiteRun, Path],
                                                                  tmp_path: Path) -> None:
    serial, _ = crashing_run
    parallel = run_suite(crashing.base_url, tmp_path, "-n", "2", *SELECTION)
    assert parallel.returncode == 1, parallel.output[-3000:]
    assert [row[0] for row in findings_table(parallel.report)] == ["no_server_error"]
    assert "on 2 workers" in parallel.report
    counted = re.search(r"([0-9]+) requests sent", parallel.report)
    assert counted and int(counted[1]) > 50
    assert re.search(r'<testsuite [^>]*failures="[1-9]', parallel.junit), parallel.junit[:500]
    assert serial.report.count("### no_server_error") == parallel.report.count("### no_server_error") == 1


def test_the_findings_list_read_in_part_ends_quietly() -> None:
    listing = subprocess.Popen([sys.executable, "-m", "contract_tests.plugin.command", "--list-findings"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    assert listing.stdout is not None and listing.stdout.readline().startswith(b"name")
    listing.stdout.close()  # what `contract-test --list-findings | head -1` does
    _, errors = listing.communicate(timeout=120)
    assert listing.returncode == 0 and b"Traceback" not in errors, errors.decode()


def test_the_help_is_the_suites_own_with_pytests_one_flag_away() -> None:
    def help_of(flag: str) -> str:
        return subprocess.run([sys.executable, "-m", "contract_tests.plugin.command", flag], capture_output=True,
                              text=True, cwd=REPO, timeout=120).stdout

    short = help_of("--help")
    assert short.count("\n") < 45 and "--contract-duration" in short and "--help-pytest" in short
    assert "--contract-replay" in short and "-n auto" in short and "--list-findings" in short
    assert all(line.split("[")[0].strip().count(" ") > 0 for line in short.splitlines() if "[CONTRACT_" in line), short
    assert help_of("--help-pytest").count("\n") > 200
