"""The [contract] extra installs beside a backend's own tools: the suite passes at the floor of every range it
declares, at the newest releases those ranges allow, and in a venv that already holds another pytest and Hypothesis.

Each venv installs the built wheel outside the repository; what the mock alone needs stays at the lock's pins, so
only the suite's own dependencies (and theirs) vary. The suite runs on its fast profile against the bundled mock.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.built_distribution import Distribution, built_distribution, clean_environment, fresh_venv
from tests.dependency_ranges import (
    base_requirements,
    contract_requirements,
    floor,
    lock_pins,
    lowest_pins,
    mock_pins,
)

# Releases inside the ranges, neither the floor nor the lock's, as a backend repository may already have them.
BACKENDS_PYTEST = "pytest==8.4.2"
BACKENDS_HYPOTHESIS = "hypothesis==6.140.0"


@pytest.fixture(scope="module")
def distribution(tmp_path_factory: pytest.TempPathFactory) -> Distribution:
    return built_distribution(tmp_path_factory)


def pip(bin_dir: Path, *arguments: str) -> None:
    result = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                             *arguments], capture_output=True, text=True, timeout=900, env=clean_environment())
    assert result.returncode == 0, result.stderr[-3000:]


def suite_venv(path: Path, distribution: Distribution, pins: list[str], preinstalled: tuple[str, ...] = ()) -> Path:
    """A venv holding `preinstalled` first, then the wheel with [contract]; the mock's own pins from the lock."""
    bin_dir = fresh_venv(path / "venv")
    if preinstalled:
        pip(bin_dir, *preinstalled)
    constraints = path / "constraints.txt"
    constraints.write_text("\n".join([*mock_pins(), *pins]) + "\n", encoding="utf-8")
    pip(bin_dir, "-c", str(constraints), f"{distribution.wheel}[contract]")
    return bin_dir


def installed_versions(bin_dir: Path) -> dict[str, str]:
    listed = subprocess.run([str(bin_dir / "python"), "-m", "pip", "list", "--format", "json",
                             "--disable-pip-version-check"], capture_output=True, text=True, check=True, timeout=120,
                            env=clean_environment())
    return {canonicalize_name(entry["name"]): entry["version"] for entry in json.loads(listed.stdout)}


def suite_passes(bin_dir: Path, cwd: Path, versions: dict[str, str]) -> None:
    # A fixed seed: at fixed releases (the floors) the run is the same every time, so a red one is no accident.
    command = [str(bin_dir / "contract-test"), "--contract-profile", "fast", "--contract-seed", "7"]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900, env=clean_environment())
    suite = {canonicalize_name(r.name): versions.get(canonicalize_name(r.name)) for r in contract_requirements()}
    assert result.returncode == 0, f"with {suite}:\n" + result.stdout[-4000:] + result.stderr[-2000:]
    assert "warnings summary" not in result.stdout, result.stdout[-3000:]


def test_every_dependency_is_a_range_with_a_floor_and_a_ceiling() -> None:
    for requirement in [*base_requirements(), *contract_requirements()]:
        operators = {spec.operator for spec in requirement.specifier}
        assert operators == {">=", "<"}, f"{requirement}: declare a compatible range (>=floor,<ceiling), not a pin"


def test_the_lock_pins_a_release_inside_every_range() -> None:
    pins = lock_pins()
    for requirement in [*base_requirements(), *contract_requirements()]:
        pinned = Requirement(pins[canonicalize_name(requirement.name)])
        version = next(iter(pinned.specifier)).version
        assert requirement.specifier.contains(version), f"requirements.lock has {pinned}, outside {requirement}"


@pytest.mark.slow
def test_the_suite_passes_at_the_floor_of_every_range(distribution: Distribution, tmp_path: Path) -> None:
    bin_dir = suite_venv(tmp_path, distribution, lowest_pins())
    versions = installed_versions(bin_dir)
    for requirement in contract_requirements():
        assert Version(versions[canonicalize_name(requirement.name)]) == Version(floor(requirement))
    suite_passes(bin_dir, tmp_path, versions)


@pytest.mark.slow
def test_the_suite_passes_at_the_newest_releases_the_ranges_allow(distribution: Distribution, tmp_path: Path) -> None:
    bin_dir = suite_venv(tmp_path, distribution, [])
    versions = installed_versions(bin_dir)
    for requirement in contract_requirements():
        assert requirement.specifier.contains(versions[canonicalize_name(requirement.name)])
    suite_passes(bin_dir, tmp_path, versions)


@pytest.mark.slow
def test_contract_installs_beside_another_pytest_and_hypothesis(distribution: Distribution, tmp_path: Path) -> None:
    backends = [Requirement(BACKENDS_PYTEST), Requirement(BACKENDS_HYPOTHESIS)]
    ranges = {canonicalize_name(r.name): r.specifier for r in contract_requirements()}
    for release in backends:
        pinned = next(iter(release.specifier)).version
        assert pinned in ranges[canonicalize_name(release.name)] and pinned != floor(
            next(r for r in contract_requirements() if r.name == release.name))
    bin_dir = suite_venv(tmp_path, distribution, [], preinstalled=(BACKENDS_PYTEST, BACKENDS_HYPOTHESIS))
    versions = installed_versions(bin_dir)
    for release in backends:
        assert versions[canonicalize_name(release.name)] == next(iter(release.specifier)).version, \
            f"installing [contract] replaced the backend's {release}"
    suite_passes(bin_dir, tmp_path, versions)
