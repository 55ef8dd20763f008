"""The walls of the layout: the core imports no web code, the suite never imports the mock, the suite's layers
import one way (registry <- target <- plugin <- tests), nothing imports in a circle, and names are unique."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
WEB_PACKAGES = ("connexion", "starlette", "uvicorn", "granian", "mockserver.web", "mockserver.cli")
HTTP_PACKAGES = ("httpx", "httpcore", "requests", "urllib3", "aiohttp", "starlette", "uvicorn", "connexion", "granian")
TEST_TOOLS = ("pytest", "_pytest", "hypothesis", "schemathesis")
REPOSITORY_PACKAGES = ("mockserver", "contract_tests", "contract_proxy", "benchmarks", "tests")
# The one module of the registry that imports Schemathesis: the hooks module Schemathesis' CLI is given
# (SCHEMATHESIS_HOOKS=contract_tests.registry.checks), kept at the path existing set-ups name.
SCHEMATHESIS_HOOKS = REPO / "contract_tests" / "registry" / "checks.py"
SHARED_FILE_NAMES = {"__init__.py", "__main__.py", "conftest.py"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, wherever the import stands (functions and TYPE_CHECKING blocks too);
    `from package import name` counts as package.name as well, in case the name is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            modules.add(base)
            modules.update(f"{base}.{alias.name}" for alias in node.names)
    return modules


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def reaches(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (REPO / folder).rglob("*.py")
                  if "node_modules" not in path.parts and ".venv" not in path.parts)


def reads_the_environment(path: Path) -> bool:
    """Whether a file reads os.environ or os.getenv (or imports them by name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}:
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "os" and any(
                alias.name in {"environ", "getenv", "environb"} for alias in node.names):
            return True
    return False


def import_graph(files: Iterable[Path]) -> dict[str, set[str]]:
    """Module -> the repository's modules it imports."""
    names = {module_name(path): path for path in files}
    return {name: {m for m in imported_modules(path) if m in names and m != name} for name, path in names.items()}


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The import circles of a graph: its strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str) -> str | None:
    """The layer of a module of the suite (or the proxy), by the folder it lives in."""
    parts = module.split(".")
    if parts[0] == "contract_proxy":
        return "proxy"
    if parts[0] != "contract_tests":
        return None
    if len(parts) > 1 and parts[1] in {"registry", "target", "plugin"}:
        return parts[1]
    return "tests"  # the shipped tests and their conftest (contract_tests/test_*.py, contract_tests/suite/)


# Which layers each layer may import: registry <- target <- plugin <- tests; the proxy over registry and target.
MAY_IMPORT = {
    "registry": {"registry"},
    "target": {"registry", "target"},
    "plugin": {"registry", "target", "plugin"},
    "tests": {"registry", "target", "plugin", "tests"},
    "proxy": {"registry", "target", "proxy"},
}


@pytest.mark.parametrize("path", sorted((REPO / "mockserver" / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_imports_no_web_code(path: Path) -> None:
    assert not {m for m in imported_modules(path) if reaches(m, WEB_PACKAGES)}


@pytest.mark.parametrize("path", python_files("contract_tests", "contract_proxy"), ids=lambda p: p.name)
def test_contract_suite_never_imports_the_mock(path: Path) -> None:
    assert not {m for m in imported_modules(path) if reaches(m, ("mockserver",))}


@pytest.mark.parametrize("path", python_files("contract_tests", "contract_proxy"),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_the_suite_imports_one_way(path: Path) -> None:
    """registry <- target <- plugin <- tests; contract-proxy over the registry and the target only."""
    layer = layer_of(module_name(path))
    assert layer is not None
    crossing = {m for m in imported_modules(path) if (layer_of(m) or layer) not in MAY_IMPORT[layer]}
    assert not crossing, f"{path.relative_to(REPO)} ({layer}) imports {sorted(crossing)}"


@pytest.mark.parametrize("path", python_files("contract_tests/registry"), ids=lambda p: p.name)
def test_the_registry_is_pure(path: Path) -> None:
    """No pytest, no HTTP client, no environment: Schemathesis only in its hooks module."""
    allowed_tools = ("schemathesis",) if path == SCHEMATHESIS_HOOKS else ()
    impure = {m for m in imported_modules(path)
              if reaches(m, HTTP_PACKAGES + TEST_TOOLS) and not reaches(m, allowed_tools)}
    assert not impure, f"{path.name} imports {sorted(impure)}"
    assert not reads_the_environment(path), f"{path.name} reads the environment"


@pytest.mark.parametrize("path", python_files("contract_tests/target"), ids=lambda p: p.name)
def test_the_target_client_knows_no_pytest(path: Path) -> None:
    assert not {m for m in imported_modules(path) if reaches(m, ("pytest", "_pytest"))}


@pytest.mark.parametrize("path", python_files("contract_tests", "contract_proxy"), ids=lambda p: p.name)
def test_only_the_suite_settings_read_contract_variables(path: Path) -> None:
    """Every CONTRACT_* variable is read once, into the suite's settings (or the proxy's)."""
    readers = {REPO / "contract_tests" / "plugin" / "hooks.py", REPO / "contract_proxy" / "proxy_server.py",
               REPO / "contract_tests" / "target" / "bundled_mock.py",  # the mock's child gets a clean MOCK_* env
               # the command's own paths (set-up told before pytest starts, a replay) hand it to read_settings
               REPO / "contract_tests" / "plugin" / "command.py",
               REPO / "contract_tests" / "plugin" / "replay_command.py"}
    if path not in readers:
        assert not reads_the_environment(path), f"{path.relative_to(REPO)} reads the environment"


def test_no_module_imports_in_a_circle() -> None:
    found = cycles(import_graph(python_files(*REPOSITORY_PACKAGES)))
    assert not found, "import circles: " + "; ".join(" <-> ".join(cycle) for cycle in found)


def test_the_circle_finder_can_fail() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_module_file_names_are_unique() -> None:
    names = Counter(path.name for path in python_files(*REPOSITORY_PACKAGES) if path.name not in SHARED_FILE_NAMES)
    shared = {name: sorted(str(p.relative_to(REPO)) for p in python_files(*REPOSITORY_PACKAGES) if p.name == name)
              for name, count in names.items() if count > 1}
    assert not shared, f"modules sharing a file name: {shared}"


def test_top_level_class_names_are_unique() -> None:
    defined: dict[str, list[str]] = {}
    for path in python_files(*REPOSITORY_PACKAGES):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                defined.setdefault(node.name, []).append(str(path.relative_to(REPO)))
    twice = {name: places for name, places in defined.items() if len(places) > 1}
    assert not twice, f"classes defined more than once: {twice}"


def test_the_walls_can_fail() -> None:
    assert reaches("starlette.responses", WEB_PACKAGES)
    assert reaches("mockserver.core.model", ("mockserver",))
    assert not reaches("mockserverx", ("mockserver",))
    assert layer_of("contract_tests.plugin.hooks") == "plugin"
    assert "plugin" not in MAY_IMPORT[layer_of("contract_tests.target.pacing") or ""]
    assert layer_of("contract_tests.test_auth") == "tests"


def test_the_schemathesis_hooks_module_registers_every_check() -> None:
    """Existing set-ups give Schemathesis `contract_tests.registry.checks`: importing it adds every check."""
    program = ("import schemathesis.checks as st\nimport contract_tests.registry.checks as hooks\n"
               "names = {check.__name__ for check in st.CHECKS.get_all()}\n"
               "missing = sorted(set(hooks.CHECKS) - names)\nprint(len(hooks.CHECKS), missing)\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    count, missing = result.stdout.split(" ", 1)
    assert int(count) >= 15 and missing.strip() == "[]", result.stdout
