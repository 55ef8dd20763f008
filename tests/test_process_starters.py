"""The slow marker is told from the code: a test that starts a process, itself, through a helper of another
tests module, or through a fixture, is slow; one that only takes a value of the same name is not."""

from __future__ import annotations

from pathlib import Path

from tests.process_starters import starters_by_module, starts_a_process

HELPERS = '''
import subprocess

def start_server(*args):
    return subprocess.Popen(["server", *args])

def format_line(text):
    return text.strip()
'''

CONFTEST = '''
import pytest
from tests.helpers import start_server

@pytest.fixture
def server():
    return start_server()

@pytest.fixture
def client():
    return object()
'''

TESTS = '''
from tests.helpers import format_line, start_server

def launch():
    return start_server("--port", "0")

def client():
    return launch()

def test_launches():
    launch()

def test_formats(server):
    format_line(server)

def test_pure():
    format_line(" a ")
'''


def test_starters_are_found_through_helpers_imports_and_fixtures(tmp_path: Path) -> None:
    for name, text in (("helpers", HELPERS), ("conftest", CONFTEST), ("test_example", TESTS)):
        (tmp_path / f"{name}.py").write_text(text, encoding="utf-8")
    starters = starters_by_module(sorted(tmp_path.glob("*.py")))
    assert starters["helpers"].starters == {"start_server"}
    assert starters["conftest"].starters == {"server"}
    assert starters["test_example"].starters == {"launch", "client", "test_launches"}
    assert starts_a_process("test_example", "test_launches", (), starters)
    assert starts_a_process("test_example", "test_formats", ("server",), starters)  # the fixture starts it
    assert not starts_a_process("test_example", "test_pure", (), starters)
    # the module's own `client` starts a process; conftest's fixture of that name, seen from elsewhere, does not
    assert starts_a_process("test_example", "test_pure", ("client",), starters)
    assert not starts_a_process("test_other", "test_pure", ("client",), starters)


def test_the_project_s_own_process_fixtures_are_found() -> None:
    starters = starters_by_module(sorted(Path(__file__).parent.glob("*.py")))
    assert {"live_mock", "start_mock", "start_target"} <= starters["conftest"].starters
    assert "stack" in starters["test_contract_stacks"].starters
    assert "run_suite" in starters["test_contract_suite"].starters
    assert "client" not in starters["conftest"].starters  # the in-process app client starts nothing
