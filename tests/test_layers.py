"""The walls of the layout: the core imports no web code, the suite never imports the mock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
WEB_PACKAGES = ("connexion", "starlette", "uvicorn", "granian", "mockserver.web", "mockserver.cli")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def reaches(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


@pytest.mark.parametrize("path", sorted((REPO / "mockserver" / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_imports_no_web_code(path: Path) -> None:
    assert not {m for m in imported_modules(path) if reaches(m, WEB_PACKAGES)}


@pytest.mark.parametrize("path", sorted((REPO / "contract_tests").rglob("*.py")), ids=lambda p: p.name)
def test_contract_suite_never_imports_the_mock(path: Path) -> None:
    assert not {m for m in imported_modules(path) if reaches(m, ("mockserver",))}


def test_the_walls_can_fail() -> None:
    assert reaches("starlette.responses", WEB_PACKAGES)
    assert reaches("mockserver.core.model", ("mockserver",))
    assert not reaches("mockserverx", ("mockserver",))
