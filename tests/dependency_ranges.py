"""The ranges `pyproject.toml` declares, read as pip reads them: the floors of the [contract] extra, and the lock's
pins for everything the mock itself installs (so that a venv varies only in the suite's own dependencies)."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent


def project_table() -> dict[str, object]:
    with (REPO / "pyproject.toml").open("rb") as handle:
        project: dict[str, object] = tomllib.load(handle)["project"]
    return project


def base_requirements() -> list[Requirement]:
    """What `pip install allmine-viewers-mock` asks for."""
    listed = project_table()["dependencies"]
    assert isinstance(listed, list)
    return [Requirement(line) for line in listed]


def contract_requirements() -> list[Requirement]:
    """What the [contract] extra adds: the suite's own dependencies."""
    extras = project_table()["optional-dependencies"]
    assert isinstance(extras, dict)
    return [Requirement(line) for line in extras["contract"]]


def floor(requirement: Requirement) -> str:
    """The lowest version a requirement allows: its `>=` bound (every dependency here declares one)."""
    floors = [spec.version for spec in requirement.specifier if spec.operator in {">=", "=="}]
    assert len(floors) == 1, f"{requirement} declares no single lower bound"
    return floors[0]


def lowest_pins() -> list[str]:
    """The [contract] extra at its floors, as constraint lines."""
    return [f"{requirement.name}=={floor(requirement)}" for requirement in contract_requirements()]


def lock_pins() -> dict[str, str]:
    """requirements.lock, by canonical name: the line pinning each distribution."""
    pins: dict[str, str] = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            pins[canonicalize_name(Requirement(line).name)] = line.strip()
    return pins


def closure(requirements: list[Requirement]) -> set[str]:
    """Canonical names of every distribution these requirements pull in, walked through this venv's metadata."""
    environment = {key: str(value) for key, value in default_environment().items()}
    pending = list(requirements)
    seen: set[str] = set()
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            found = distribution(requirement.name)
        except PackageNotFoundError:
            continue
        for line in found.requires or []:
            nested = Requirement(line)
            wanted = [extra for extra in requirement.extras] or [""]
            if nested.marker is None or any(nested.marker.evaluate({**environment, "extra": extra})
                                            for extra in wanted):
                pending.append(nested)
    return seen


def mock_pins() -> list[str]:
    """The lock's pins for what the mock alone installs (nothing the suite's dependencies also pull in): what every
    venv of the suite shares, so that only the suite's own dependencies and theirs vary."""
    pins = lock_pins()
    mock_only = closure(base_requirements()) - closure(contract_requirements())
    return sorted(pins[name] for name in mock_only if name in pins)
