"""The package as users install it: built wheel and sdist, installed into a fresh venv outside the repository,
run from an empty directory (the mock alone first, then the contract suite of the [contract] extra)."""

from __future__ import annotations

import email
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from contract_tests.plugin.command import MISSING_EXTRA
from tests.built_distribution import (
    LOCK,
    REPO,
    Distribution,
    built_distribution,
    clean_environment,
    fresh_venv,
    pip_install,
    start_installed_mock,
)
from tests.conftest import LiveMock, stop_mock

pytestmark = pytest.mark.slow  # builds the wheel and sdist and installs them into fresh venvs

SPEC_BYTES = (REPO / "openapi.yaml").read_bytes()
SEED_HEADER = re.compile(r"^contract: target .+; profile fast; seed \d+ \(replay: CONTRACT_SEED=\d+", re.MULTILINE)
DEV_TOOLS = {"mypy", "ruff", "matplotlib", "types-pyyaml", "openapi-spec-validator", "build"}


@pytest.fixture(scope="module")
def distribution(tmp_path_factory: pytest.TempPathFactory) -> Distribution:
    return built_distribution(tmp_path_factory)


def wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(archive.read(name))


def requirements_by_extra(wheel: Path) -> dict[str, set[str]]:
    """Requirement names per extra ('' for the base install), lower-cased."""
    extras: dict[str, set[str]] = {}
    for requirement in wheel_metadata(wheel).get_all("Requires-Dist") or []:
        name = re.match(r"[A-Za-z0-9._-]+", requirement)
        extra = re.search(r"extra == ['\"]([^'\"]+)['\"]", requirement)
        assert name
        extras.setdefault(extra.group(1) if extra else "", set()).add(name.group(0).lower())
    return extras


def test_the_wheel_ships_the_spec_byte_identical_in_each_package(distribution: Distribution) -> None:
    with zipfile.ZipFile(distribution.wheel) as archive:
        assert archive.read("mockserver/openapi.yaml") == SPEC_BYTES
        assert archive.read("contract_tests/openapi.yaml") == SPEC_BYTES
        assert "openapi.yaml" not in archive.namelist()  # inside the packages, never loose in site-packages


def test_the_wheel_ships_the_avatar_font_and_its_licence(distribution: Distribution) -> None:
    with zipfile.ZipFile(distribution.wheel) as archive:
        assert archive.read("mockserver/fonts/initials.ttf") == (REPO / "mockserver/fonts/initials.ttf").read_bytes()
        assert b"Bitstream" in archive.read("mockserver/fonts/LICENSE.txt")


def test_the_sdist_carries_the_spec_it_builds_from(distribution: Distribution) -> None:
    with tarfile.open(distribution.sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        spec = archive.extractfile(f"{top}/openapi.yaml")
        assert spec is not None and spec.read() == SPEC_BYTES
        assert f"{top}/setup.py" in archive.getnames()


def test_the_base_install_is_the_mock_alone(distribution: Distribution) -> None:
    base = requirements_by_extra(distribution.wheel)[""]
    assert {"connexion", "faker", "pyjwt", "pyyaml"} <= base
    assert not base & {"pytest", "schemathesis", "hypothesis", "httpx", *DEV_TOOLS}


def test_the_contract_extra_is_the_suite_and_nothing_for_linting_or_plotting(distribution: Distribution) -> None:
    extras = requirements_by_extra(distribution.wheel)
    assert set(extras) == {"", "contract"}
    assert extras["contract"] == {"pytest", "schemathesis", "hypothesis", "httpx", "httpcore", "sniffio", "requests",
                                  "pytest-xdist"}  # -n: campaigns and runs on every core
    declared = [Requirement(r) for r in wheel_metadata(distribution.wheel).get_all("Requires-Dist") or []]
    suite = [r for r in declared if r.marker is not None and r.marker.evaluate({"extra": "contract"})]
    pytest_range = next(r.specifier for r in suite if r.name == "pytest")
    assert "9.1.1" in pytest_range and "9.2.0" not in pytest_range  # schemathesis' from_fixture breaks on 9.2
    assert all(r.specifier and not any(s.operator == "==" for s in r.specifier) for r in suite), suite  # ranges


def test_the_wheel_installs_the_commands_and_the_pytest_plugin(distribution: Distribution) -> None:
    with zipfile.ZipFile(distribution.wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt"))
        entry_points = archive.read(name).decode()
    assert "mockserver = mockserver.cli.main:main" in entry_points
    assert "contract-test = contract_tests.plugin.command:console" in entry_points
    assert "contract-proxy = contract_proxy.proxy_server:main" in entry_points
    assert "[pytest11]\ncontract_tests = contract_tests.plugin.hooks" in entry_points


@dataclass(frozen=True)
class Installed:
    """A venv outside the repository, with what the mock alone showed before [contract] was added to it."""

    bin_dir: Path
    empty_dir: Path
    token_alone: subprocess.CompletedProcess[str]
    pytest_alone: subprocess.CompletedProcess[str]
    contract_test_alone: subprocess.CompletedProcess[str]


def run(command: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=clean_environment())


@pytest.fixture(scope="module")
def installed(distribution: Distribution, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    bin_dir = fresh_venv(tmp_path_factory.mktemp("user") / "venv")
    empty_dir = tmp_path_factory.mktemp("empty")
    pip_install(bin_dir, str(distribution.wheel))
    token = run([str(bin_dir / "mockserver"), "token"], empty_dir)
    pytest_alone = run([str(bin_dir / "python"), "-c", "import pytest"], empty_dir)
    contract_test_alone = run([str(bin_dir / "contract-test")], empty_dir)
    pip_install(bin_dir, f"{distribution.wheel}[contract]")
    return Installed(bin_dir, empty_dir, token, pytest_alone, contract_test_alone)


@pytest.fixture
def installed_mock(installed: Installed) -> Iterator[LiveMock]:
    mock = start_installed_mock(installed.bin_dir, installed.empty_dir)
    yield mock
    stop_mock(mock)


def test_the_mock_alone_runs_from_any_directory_without_test_tools(installed: Installed) -> None:
    assert installed.token_alone.returncode == 0, installed.token_alone.stderr
    assert re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+", installed.token_alone.stdout.strip())
    assert installed.pytest_alone.returncode != 0
    assert installed.contract_test_alone.returncode == 2
    assert installed.contract_test_alone.stderr.strip() == MISSING_EXTRA


def test_the_installed_mock_serves_its_spec_from_an_empty_directory(installed_mock: LiveMock) -> None:
    import httpx

    spec = httpx.get(f"{installed_mock.base_url}/openapi.json", timeout=10).json()
    assert "/api/v1/live-stream/{id}/viewers" in spec["paths"]


def test_the_installed_spec_command_prints_the_shipped_openapi_yaml(installed: Installed) -> None:
    result = subprocess.run([str(installed.bin_dir / "mockserver"), "spec"], cwd=installed.empty_dir,
                            capture_output=True, timeout=60, env=clean_environment())
    assert result.returncode == 0, result.stderr
    assert result.stdout == (REPO / "openapi.yaml").read_bytes()
    version = run([str(installed.bin_dir / "mockserver"), "--version"], installed.empty_dir)
    assert re.fullmatch(r"mockserver \d+\.\d+\.\d+\n", version.stdout), version.stdout + version.stderr


def test_contract_test_checks_the_bundled_mock_from_an_empty_directory(installed: Installed, tmp_path: Path) -> None:
    result = run([str(installed.bin_dir / "contract-test"), "--contract-profile", "fast"],
                 cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert SEED_HEADER.search(result.stdout), result.stdout[:2000]
    assert "the bundled mock" in result.stdout
    assert "warnings summary" not in result.stdout, result.stdout[-3000:]
    assert (tmp_path / "reports" / "contract-report.md").stat().st_size > 0
    assert "<testsuite" in (tmp_path / "reports" / "contract-junit.xml").read_text(encoding="utf-8")


def test_pytest_pyargs_checks_a_running_deployment_with_every_option(installed: Installed, installed_mock: LiveMock,
                                                                     tmp_path: Path) -> None:
    token = run([str(installed.bin_dir / "mockserver"), "token"], tmp_path).stdout.strip()
    report = tmp_path / "out" / "viewers.md"
    result = run([str(installed.bin_dir / "pytest"), "--pyargs", "contract_tests", "-k", "auth or existence",
                  "--contract-base-url", installed_mock.base_url, "--contract-token", token,
                  "--contract-stream-id", "64d15f9e2e6c8f4d5a123456", "--contract-profile", "fast",
                  "--contract-seed", "7", "--contract-report", str(report)], cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"contract: target the deployment at {installed_mock.base_url}; profile fast; seed 7" in result.stdout
    assert "warnings summary" not in result.stdout, result.stdout[-3000:]
    assert report.stat().st_size > 0
    assert (tmp_path / "out" / "contract-junit.xml").is_file()


def test_contract_test_refuses_a_target_it_cannot_reach(installed: Installed, tmp_path: Path) -> None:
    result = run([str(installed.bin_dir / "contract-test"), "--contract-base-url", "http://127.0.0.1:9",
                  "--contract-token", "t", "--contract-stream-id", "64d15f9e2e6c8f4d5a123456"], cwd=tmp_path)
    assert result.returncode == 4, result.stdout[-3000:]


def test_dev_mock_on_a_fresh_clone_installs_the_mock_alone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True)
    for name in filter(None, tracked.stdout.split("\0")):
        if (REPO / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, clone / name)
    token = run([str(clone / "dev"), "mock", "token"], cwd=clone)
    assert token.returncode == 0, token.stderr[-3000:]
    assert re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+", token.stdout.strip())
    installed = run([str(clone / ".venv" / "bin" / "python"), "-m", "pip", "list", "--format", "freeze"], cwd=clone)
    names = {line.split("==")[0].lower() for line in installed.stdout.splitlines()}
    assert "connexion" in names
    assert not names & {"pytest", "schemathesis", "hypothesis", *DEV_TOOLS}


def test_pipx_runs_the_mock_once_without_installing_it(distribution: Distribution, tmp_path: Path) -> None:
    pipx = [sys.executable, "-m", "pipx", "run", "--pip-args", f"-c {LOCK}", "--spec", str(distribution.wheel)]
    result = subprocess.run([*pipx, "mockserver", "streams", "--json"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=600, env=clean_environment(PIPX_HOME=str(tmp_path / "pipx"),
                                                               PIPX_BIN_DIR=str(tmp_path / "pipx" / "bin")))
    assert result.returncode == 0, result.stderr[-3000:]
    assert any(stream["state"] == "live" for stream in json.loads(result.stdout))


def test_a_git_url_pinned_to_a_commit_installs_the_package_with_its_spec(tmp_path: Path) -> None:
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                            check=True).stdout.strip()
    bin_dir = fresh_venv(tmp_path / "venv")
    pip_install(bin_dir, "pip==26.3")  # the venv module's own pip reads no git+file URL with a commit
    pip_install(bin_dir, "--no-deps", f"allmine-viewers-mock[contract] @ git+{REPO.as_uri()}@{commit}")
    site = run([str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
               cwd=tmp_path).stdout.strip()
    committed_spec = subprocess.run(["git", "show", f"{commit}:openapi.yaml"], cwd=REPO, capture_output=True,
                                    check=True).stdout
    assert (Path(site) / "mockserver" / "openapi.yaml").read_bytes() == committed_spec
    assert (Path(site) / "contract_tests" / "openapi.yaml").read_bytes() == committed_spec
    assert (bin_dir / "contract-test").is_file() and (bin_dir / "mockserver").is_file()


def test_the_installed_proxy_forwards_to_the_installed_mock(installed: Installed, installed_mock: LiveMock) -> None:
    import httpx

    proxy = subprocess.Popen([str(installed.bin_dir / "contract-proxy"), "--upstream", installed_mock.base_url,
                              "--port", "0"], cwd=installed.empty_dir, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env=clean_environment())
    try:
        assert proxy.stdout is not None
        first_line = proxy.stdout.readline()
        listening = re.search(r"listening on (http://127\.0\.0\.1:\d+)", first_line)
        assert listening, first_line
        answer = httpx.get(f"{listening.group(1)}/openapi.json", timeout=10)
        assert answer.status_code == 200 and "/api/v1/live-stream/{id}/viewers" in answer.json()["paths"]
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)
        if proxy.stdout is not None:
            proxy.stdout.close()


def readme_fuzzing_block() -> str:
    """The QA page's Schemathesis command, as a person pastes it."""
    page = (REPO / "docs" / "qa.md").read_text(encoding="utf-8")
    section = page[page.index("Schemathesis' own CLI, with the registry's checks"):]
    return section[section.index("```sh\n") + len("```sh\n"):section.index("\n```\n")]


def test_the_readme_fuzzing_command_runs_from_an_empty_directory(installed: Installed, installed_mock: LiveMock,
                                                                 tmp_path: Path) -> None:
    block = readme_fuzzing_block()
    assert "--url http://127.0.0.1:8080 " in block and "--max-examples 2000 " in block
    script = (block.replace("--url http://127.0.0.1:8080 ", f"--url {installed_mock.base_url} ")
              .replace("--max-examples 2000 ", "--max-examples 20 "))
    environment = clean_environment(PATH=f"{installed.bin_dir}{os.pathsep}{clean_environment()['PATH']}")
    result = subprocess.run(["bash", "-euc", script], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env=environment)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "No issues found" in result.stdout, result.stdout[-3000:]
