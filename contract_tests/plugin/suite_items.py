"""Which tests are the suite's: those whose module belongs to the installed `contract_tests` package.

Told by module identity (the module's file inside this package's folder), never by a folder's name, so
that a backend repository's own `contract_tests/` folder is not taken for the suite.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

SUITE_DIR = Path(__file__).resolve().parent.parent  # the installed contract_tests package
SUITE_PACKAGE = SUITE_DIR.name


def reported_name(nodeid: str) -> str:
    """A test's node id as the report names it: without the group pytest-xdist appends to it on the workers of a
    --dist loadgroup run ("...[positive]@contract-schemathesis"), which no later run would accept."""
    at = nodeid.rfind("@")
    return nodeid[:at] if at > nodeid.rfind("]") and at > nodeid.rfind("::") else nodeid


def names_the_suite(argument: str) -> bool:
    """Whether an argument selects the suite or part of it (contract_tests, contract_tests.test_x::y)."""
    return argument.split("::")[0].split(".")[0].split("/")[0] == SUITE_PACKAGE


def in_suite(path: Path) -> bool:
    """Whether a file or folder lies in the installed suite package."""
    resolved = path.resolve()
    return resolved == SUITE_DIR or SUITE_DIR in resolved.parents


def is_suite_module(module: object) -> bool:
    """Whether a test module is one of the suite's own: named inside the package and loaded from its files."""
    name, file = getattr(module, "__name__", ""), getattr(module, "__file__", None)
    return (name == SUITE_PACKAGE or name.startswith(SUITE_PACKAGE + ".")) and file is not None and in_suite(Path(file))


def is_suite_item(item: pytest.Item) -> bool:
    """Whether a collected test is one of the suite's own."""
    module = getattr(item, "module", None)
    return module is not None and is_suite_module(module)


def selects_suite(arguments: list[str], pyargs: bool, invocation_dir: Path) -> bool:
    """Whether a pytest command line (its file_or_dir arguments, or its testpaths) names the suite: a path into
    the installed package, or with --pyargs, the package's name. (A folder that merely holds it, such as a
    checkout's root, is not named: the plugin then sets up once the suite's tests are collected, if they are.)"""
    for argument in arguments:
        if pyargs and names_the_suite(argument):
            return True
        path = Path(argument.split("::")[0])
        path = path if path.is_absolute() else invocation_dir / path
        if path.exists() and in_suite(path):
            return True
    return False
