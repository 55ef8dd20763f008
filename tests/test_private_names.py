"""A library's private names are reached only through its adapter, whose own test fails on an incompatible release.

Read from the source of every module of the repository: an import of a private module (`granian._granian`,
`_pytest.junitxml`); a private attribute of something not our own (`app._middleware_app`); and, in a class built
on a library's class, a private name that library's class defines (an override such as `_spec_for_prefix`, or
`self._fn`). Each is allowed in one module per library, and in that module's test.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OWN_PACKAGES = {"mockserver", "contract_tests", "contract_proxy", "benchmarks", "tests"}
# The adapter of each library, and the test that proves it against the installed release.
ADAPTERS = {
    "connexion": {"mockserver/web/connexion_internals.py", "tests/test_connexion_internals.py"},
    "granian": {"mockserver/cli/granian_internals.py", "tests/test_granian_internals.py"},
    "_pytest": {"contract_tests/plugin/suite_junit.py", "tests/test_pytest_internals.py"},
    "hypothesis": {"contract_tests/plugin/hypothesis_internals.py", "tests/test_hypothesis_internals.py"},
    "schemathesis": {"contract_tests/target/schemathesis_internals.py", "tests/test_schemathesis_internals.py"},
}
# Names public in spelling that their library does not document: reached like private ones.
UNDOCUMENTED = {"hypothesis.stateful.get_state_machine_test",
                *(f"schemathesis.generation.meta.{name}" for name in (
                    "CaseMetadata", "ComponentInfo", "GenerationInfo", "PhaseInfo", "TestPhase", "build_phase_data")),
                "schemathesis.core.parameters.ParameterLocation"}
# Documented and public despite their underscore: the methods of named tuples, and os._exit.
PUBLIC_DESPITE_UNDERSCORE = {"_replace", "_asdict", "_fields", "_make", "_field_defaults", "_exit"}


@dataclass(frozen=True)
class PrivateUse:
    path: str
    line: int
    library: str
    name: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.library} private {self.name}"


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in PUBLIC_DESPITE_UNDERSCORE


def is_library(module: str) -> bool:
    top = module.split(".")[0]
    return bool(top) and top not in OWN_PACKAGES and top not in sys.stdlib_module_names and top != "__future__"


@cache
def sources() -> tuple[tuple[str, ast.Module], ...]:
    paths = [*REPO.glob("*.py"), *(path for package in sorted(OWN_PACKAGES) for path in (REPO / package).rglob("*.py"))]
    return tuple((path.relative_to(REPO).as_posix(), ast.parse(path.read_text(encoding="utf-8"))) for path in paths)


@cache
def own_private_names() -> frozenset[str]:
    """Every private name the repository itself defines: functions, methods, attributes and globals."""
    names: set[str] = set()
    for _path, tree in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                  and isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}):
                names.add(node.attr)  # set on our own objects (an attribute set on a library's object is not ours)
    return frozenset(name for name in names if is_private(name))


def imported_names(tree: ast.Module) -> dict[str, str]:
    """Local name -> the dotted library path it was imported from."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                names[local] = alias.name if alias.asname else local
    return names


def library_class(dotted: str) -> type | None:
    module_name, _, attribute = dotted.rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), attribute, None)
    except ImportError:
        return None
    return found if isinstance(found, type) else None


@cache
def names_in_library_class(cls: type) -> frozenset[str]:
    """The private names a library class (and its library bases) defines or sets on its instances."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if not is_library(klass.__module__):
            continue
        names.update(name for name in vars(klass) if is_private(name))
        try:
            tree = ast.parse(inspect.getsource(klass))
        except (OSError, TypeError, SyntaxError, IndentationError):
            continue
        names.update(node.attr for node in ast.walk(tree)
                     if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                     and node.value.id == "self" and is_private(node.attr))
    return frozenset(names)


@cache
def private_uses() -> tuple[PrivateUse, ...]:
    uses = []
    for path, tree in sources():
        imported = imported_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                modules = [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                for module in modules:
                    if is_library(module) and any(part.startswith("_") for part in module.split(".")):
                        uses.append(PrivateUse(path, node.lineno, module.split(".")[0], module))
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    uses.extend(PrivateUse(path, node.lineno, (node.module or "").split(".")[0], dotted)
                                for alias in node.names if (dotted := f"{node.module}.{alias.name}") in UNDOCUMENTED)
            elif (isinstance(node, ast.Attribute) and is_private(node.attr) and node.attr not in own_private_names()
                  and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
                  and not isinstance(node.value, ast.Call)):
                uses.append(PrivateUse(path, node.lineno, "?", f".{node.attr}"))
            elif isinstance(node, ast.ClassDef):
                uses.extend(overrides(path, node, imported))
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and not (isinstance(node.func.value, ast.Name) and node.func.value.id in {"self", "cls"})):
                # a private keyword argument of a library's method (`operation.Case(_meta=...)`)
                uses.extend(PrivateUse(path, node.lineno, "?", f"{keyword.arg}=") for keyword in node.keywords
                            if keyword.arg and is_private(keyword.arg) and keyword.arg not in own_private_names())
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and node.func.id in {"getattr", "hasattr", "setattr"} and len(node.args) >= 2
                  and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
                  and is_private(node.args[1].value) and node.args[1].value not in own_private_names()):
                uses.append(PrivateUse(path, node.lineno, "?", f".{node.args[1].value}"))
    return tuple(uses)


def overrides(path: str, node: ast.ClassDef, imported: dict[str, str]) -> Iterator[PrivateUse]:
    """Private names of a library base class that a class of ours defines or reaches through self/super()."""
    for base in node.bases:
        dotted = imported.get(base.id) if isinstance(base, ast.Name) else None
        cls = library_class(dotted) if dotted is not None and is_library(dotted) else None
        if dotted is None or cls is None:
            continue
        theirs = names_in_library_class(cls)
        for inner in ast.walk(node):
            name = None
            if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                name = inner.name
            elif isinstance(inner, ast.Attribute) and (isinstance(inner.value, ast.Call) or (
                    isinstance(inner.value, ast.Name) and inner.value.id == "self")):
                name = inner.attr
            if name is not None and is_private(name) and name in theirs:
                yield PrivateUse(path, getattr(inner, "lineno", node.lineno), dotted.split(".")[0],
                                 f"{cls.__name__}.{name}")


def test_private_library_names_are_reached_only_by_their_adapters() -> None:
    outside = []
    for use in private_uses():
        allowed = ADAPTERS.get(use.library, set()) if use.library != "?" else set().union(*ADAPTERS.values())
        if use.path not in allowed:
            outside.append(str(use))
    assert not outside, "private library names outside their adapter:\n" + "\n".join(outside)


def test_the_scan_finds_the_private_names_each_adapter_reaches() -> None:
    found = {(use.path, use.name) for use in private_uses()}
    assert ("mockserver/cli/granian_internals.py", "granian._granian") in found
    assert ("contract_tests/plugin/hypothesis_internals.py", "hypothesis.stateful.get_state_machine_test") in found
    assert ("contract_tests/target/schemathesis_internals.py", "_meta=") in found
    assert ("contract_tests/target/schemathesis_internals.py", "schemathesis.generation.meta.CaseMetadata") in found
    assert ("mockserver/cli/granian_internals.py", "MPServer._init_shared_socket") in found
    assert ("mockserver/web/connexion_internals.py", "._middleware_app") in found
    assert ("mockserver/web/connexion_internals.py", "._fn") in found
    assert ("mockserver/web/connexion_internals.py", "SwaggerUIAPI._spec_for_prefix") in found
    assert ("mockserver/web/connexion_internals.py", "StarletteDecorator._parameter_decorator_cls") in found
