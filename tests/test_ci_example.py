"""docs/github-actions-contract.yml runs as written: its shell steps, in a fresh empty git repository, with
the suite installed by its own install step (from this repository's wheel in place of the pinned git URL),
against a local mock standing in for staging."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.built_distribution import REPO, built_distribution, clean_environment, fresh_venv
from tests.conftest import LiveMock, start_mock, stop_mock

pytestmark = pytest.mark.slow  # runs the CI example's steps, the suite among them, in a subprocess

WORKFLOW = REPO / "docs" / "github-actions-contract.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CHOICE = re.compile(r"github\.event_name == '(\w+)' && '(\w+)' \|\| '(\w+)'")


def load_workflow() -> dict[Any, Any]:
    workflow: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return workflow


def evaluate(text: str, context: Mapping[str, str], event_name: str) -> str:
    """A value with its ${{ }} expressions replaced; an expression the test does not know fails it."""
    def value(match: re.Match[str]) -> str:
        expression = match.group(1)
        choice = CHOICE.fullmatch(expression)
        if choice:
            return choice.group(2) if event_name == choice.group(1) else choice.group(3)
        assert expression in context, f"the example uses {expression!r}, unknown to this test"
        return context[expression]

    return EXPRESSION.sub(value, text)


@dataclass
class Run:
    exit_codes: dict[str, int]
    output: str
    workdir: Path
    summary: str


def run_workflow(workdir: Path, bin_dir: Path, wheel: Path, context: Mapping[str, str],
                 event_name: str = "pull_request") -> Run:
    """Each step of the job, as GitHub Actions runs it: `uses:` steps are GitHub's own and left out; after a
    failure only `if: always()` steps run."""
    workflow = load_workflow()
    summary = workdir.parent / f"{workdir.name}-summary.md"
    summary.write_text("", encoding="utf-8")
    environ = clean_environment(PATH=f"{bin_dir}:{clean_environment()['PATH']}", GITHUB_STEP_SUMMARY=str(summary),
                                CI="true", GITHUB_ACTIONS="true")
    for name, value in workflow["env"].items():
        environ[name] = evaluate(str(value), context, event_name)
    environ["CONTRACT_SUITE"] = f"allmine-viewers-mock[contract] @ {wheel.as_uri()}"
    exit_codes: dict[str, int] = {}
    output: list[str] = []
    failed = False
    for step in workflow["jobs"]["contract"]["steps"]:
        if "run" not in step or (failed and step.get("if") != "always()"):
            continue
        step_env = {name: evaluate(str(value), context, event_name) for name, value in step.get("env", {}).items()}
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=workdir,
                                env={**environ, **step_env}, capture_output=True, text=True, timeout=900)
        exit_codes[step["name"]] = result.returncode
        output.append(result.stdout + result.stderr)
        failed = failed or result.returncode != 0
    return Run(exit_codes, "".join(output), workdir, summary.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The runner's Python (as actions/setup-python leaves it: a bare interpreter) and the wheel to install."""
    wheel = built_distribution(tmp_path_factory).wheel
    return fresh_venv(tmp_path_factory.mktemp("runner") / "python"), wheel


@pytest.fixture
def backend_repo(tmp_path: Path) -> Path:
    """A fresh, empty git repository: the backend team's, with nothing of this project in it."""
    repo = tmp_path / "backend"
    repo.mkdir()
    subprocess.run(["git", "init", "--quiet", str(repo)], check=True, timeout=60)
    return repo


@pytest.fixture(scope="module")
def staging() -> Iterator[tuple[LiveMock, dict[str, str]]]:
    mock = start_mock()

    def mockserver(*args: str) -> str:
        return subprocess.run([sys.executable, "-m", "mockserver", *args], check=True, capture_output=True,
                              text=True, timeout=60).stdout.strip()

    ended = next(s for s in json.loads(mockserver("streams", "--json")) if s["state"] == "ended")
    context = {"vars.STAGING_BASE_URL": mock.base_url, "secrets.STAGING_VIEWER_TOKEN": mockserver("token"),
               "vars.STAGING_LIVE_STREAM_ID": "64d15f9e2e6c8f4d5a123456",
               "secrets.STAGING_FORBIDDEN_TOKEN": mockserver("token", "--forbidden"),
               "vars.STAGING_ENDED_STREAM_ID": ended["id"], "inputs.seed": "", "inputs.profile": "",
               "github.event.pull_request.head.repo.fork": "false"}
    yield mock, context
    stop_mock(mock)


def test_the_example_pins_the_suite_and_runs_nightly_deep() -> None:
    workflow = load_workflow()
    pinned = r"allmine-viewers-mock\[contract\] @ git\+https://\S+@[\w.]+"  # a tag or a commit
    assert re.fullmatch(pinned, workflow["env"]["CONTRACT_SUITE"])
    assert workflow[True]["schedule"], "no nightly run"  # YAML 1.1 reads the key `on` as true
    assert evaluate("${{ github.event_name == 'schedule' && 'deep' || 'fast' }}", {}, "schedule") == "deep"
    upload = next(s for s in workflow["jobs"]["contract"]["steps"] if str(s.get("uses", "")).startswith(
        "actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "reports/"


def test_the_example_checks_staging_and_writes_the_reports_it_uploads(
        runner: tuple[Path, Path], backend_repo: Path, staging: tuple[LiveMock, dict[str, str]]) -> None:
    mock, context = staging
    run = run_workflow(backend_repo, *runner, context)
    assert set(run.exit_codes.values()) == {0}, run.output[-4000:]
    assert f"contract: target the deployment at {mock.base_url}; profile fast; seed" in run.output
    assert (backend_repo / "reports" / "contract-report.md").stat().st_size > 0
    assert "<testsuite" in (backend_repo / "reports" / "contract-junit.xml").read_text(encoding="utf-8")
    assert run.summary.strip(), "the job summary shows the report"


def test_the_example_replays_a_nightly_run_by_its_seed_and_profile(
        runner: tuple[Path, Path], backend_repo: Path, staging: tuple[LiveMock, dict[str, str]]) -> None:
    mock, context = staging
    replay = {**context, "inputs.seed": "424242", "inputs.profile": "deep"}
    run = run_workflow(backend_repo, *runner, replay, event_name="workflow_dispatch")
    assert set(run.exit_codes.values()) == {0}, run.output[-4000:]
    assert f"contract: target the deployment at {mock.base_url}; profile deep; seed 424242" in run.output


def test_the_example_refuses_an_empty_base_url_with_exit_4(
        runner: tuple[Path, Path], backend_repo: Path, staging: tuple[LiveMock, dict[str, str]]) -> None:
    run = run_workflow(backend_repo, *runner, {**staging[1], "vars.STAGING_BASE_URL": ""})
    assert run.exit_codes["Run the contract suite against staging"] == 4, run.output[-4000:]
    assert "STAGING_BASE_URL is empty" in run.output
    assert run.exit_codes["Show the report"] == 0
    assert not (backend_repo / "reports").exists()  # never green against the bundled mock


def test_the_example_skips_a_pull_request_from_a_fork_with_one_line(
        runner: tuple[Path, Path], backend_repo: Path, staging: tuple[LiveMock, dict[str, str]]) -> None:
    secrets_withheld = {**staging[1], "secrets.STAGING_VIEWER_TOKEN": "", "secrets.STAGING_FORBIDDEN_TOKEN": "",
                        "github.event.pull_request.head.repo.fork": "true"}
    run = run_workflow(backend_repo, *runner, secrets_withheld)
    assert set(run.exit_codes.values()) == {0}, run.output[-4000:]
    assert "::notice::viewers contract skipped: a pull request from a fork gets no secrets" in run.output
    assert not (backend_repo / "reports").exists()
