"""Which of the project's tests start a process (the mock, a target, a suite run, an install, a browser, npm,
Docker): told from the code, not from a list kept by hand. A module-level function is a starter when it calls
one of the helpers that start a process, or a starter of its own module or of a tests module it imports from,
however deep. A test is slow when its own function or any fixture it uses is a starter."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# the names behind every process the tests start: the standard library's
STARTING_NAMES = frozenset({"subprocess", "Popen", "create_subprocess_exec"})


@dataclass
class _Module:
    uses: dict[str, set[str]] = field(default_factory=dict)  # its function -> the plain names its body uses
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (tests module, name there)


def _uses(function: ast.FunctionDef) -> set[str]:
    """The plain names the body uses (`subprocess` of `subprocess.run`, `start_mock` of a call to it), less its
    own parameters (a fixture's value is no call) and the attributes (a method says nothing of a function)."""
    parameters = {argument.arg for argument in ast.walk(function.args) if isinstance(argument, ast.arg)}
    return {node.id for node in ast.walk(function) if isinstance(node, ast.Name)} - parameters


def _read(path: Path) -> _Module:
    module = _Module()
    for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
        if isinstance(node, ast.FunctionDef):
            module.uses[node.name] = _uses(node)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tests."):
            for alias in node.names:
                module.imported[alias.asname or alias.name] = (node.module.removeprefix("tests."), alias.name)
    return module


@dataclass(frozen=True)
class ModuleStarters:
    defined: frozenset[str]  # the module's functions and fixtures
    starters: frozenset[str]  # those of them that start a process


def starters_by_module(sources: Iterable[Path]) -> dict[str, ModuleStarters]:
    """For each tests module (by its name), its functions and fixtures, and those that start a process."""
    modules = {path.stem: _read(path) for path in sources}
    starters: dict[str, set[str]] = {name: set() for name in modules}

    def is_starter(module: str, name: str) -> bool:
        if name in STARTING_NAMES or name in starters[module]:
            return True
        source = modules[module].imported.get(name)
        return source is not None and source[0] in starters and source[1] in starters[source[0]]

    grown = True
    while grown:
        grown = False
        for name, module in modules.items():
            for function, used in module.uses.items():
                if function not in starters[name] and any(is_starter(name, use) for use in used):
                    starters[name].add(function)
                    grown = True
    return {name: ModuleStarters(frozenset(modules[name].uses), frozenset(found)) for name, found in starters.items()}


def starts_a_process(module: str, function: str, fixtures: Iterable[str],
                     starters: dict[str, ModuleStarters]) -> bool:
    """Whether a test of this tests module starts a process, itself or through a fixture (its module's own
    fixture of that name, or else conftest's)."""
    own, shared = starters.get(module), starters.get("conftest")

    def starter(name: str) -> bool:
        home = own if own is not None and name in own.defined else shared
        return home is not None and name in home.starters

    return (own is not None and function in own.starters) or any(starter(fixture) for fixture in fixtures)
