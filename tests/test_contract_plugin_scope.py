"""The suite's plugin minds its own tests: beside other tests in one session, they keep their Hypothesis
settings and stay out of the suite's JUnit file and report; a backend's own `contract_tests/` folder is not
the suite."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from contract_tests.plugin.suite_items import SUITE_DIR, is_suite_module, selects_suite

pytestmark = pytest.mark.slow  # runs pytest sessions with the suite in a subprocess

PROBE = '''
import json
from pathlib import Path

from hypothesis import given, settings, strategies as st

EXAMPLES = []


@given(st.integers())
def test_probe_keeps_its_own_hypothesis_settings(number):
    EXAMPLES.append(number)
    current = settings.default
    Path("probe.json").write_text(json.dumps({
        "examples": len(EXAMPLES), "max_examples": current.max_examples,
        "deadline": None if current.deadline is None else current.deadline.total_seconds(),
        "database": current.database is not None,
    }))
'''


def run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("CONTRACT_", "PYTEST_"))}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--hypothesis-show-statistics",
                           *args], capture_output=True, text=True, cwd=folder, env=environ | {"CONTRACT_SEED": "5"},
                          timeout=600)


def probe_alone(tmp_path: Path) -> dict[str, object]:
    """What the probe sees run alone: Hypothesis' own defaults here (its CI profile where CI is set)."""
    folder = tmp_path / "alone"
    folder.mkdir()
    (folder / "test_probe.py").write_text(PROBE, encoding="utf-8")
    result = run_pytest(folder, "test_probe.py")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    alone: dict[str, object] = json.loads((folder / "probe.json").read_text(encoding="utf-8"))
    assert alone["examples"] == alone["max_examples"] == 100  # not the suite's 25: the tests below can fail
    return alone


def passing_examples(output: str, test: str) -> int:
    """How many passing examples Hypothesis' statistics report for a test."""
    section = output.split(f"::{test}:", 1)[1]
    found = re.search(r"(\d+) passing", section)
    assert found, section[:400]
    return int(found.group(1))


def test_a_probe_beside_the_suite_keeps_its_hypothesis_settings_and_junit(tmp_path: Path) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE, encoding="utf-8")
    result = run_pytest(tmp_path, "--pyargs", "contract_tests.test_pagination", "test_probe.py",
                        "-k", "probe or any_page")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    probe = json.loads((tmp_path / "probe.json").read_text(encoding="utf-8"))
    assert probe == probe_alone(tmp_path)
    assert passing_examples(result.stdout, "test_probe_keeps_its_own_hypothesis_settings") == 100
    assert passing_examples(result.stdout, "test_any_page_keeps_the_arithmetic") == 25  # the fast profile's
    junit = (tmp_path / "reports" / "contract-junit.xml").read_text(encoding="utf-8")
    assert 'name="test_any_page_keeps_the_arithmetic"' in junit
    assert "test_probe" not in junit  # (the -k that selected it is a declaration, named)
    report = (tmp_path / "reports" / "contract-report.md").read_text(encoding="utf-8")
    assert "test_any_page_keeps_the_arithmetic" in report and "test_probe" not in report


def test_a_backends_own_contract_tests_folder_is_not_the_suite(tmp_path: Path) -> None:
    backend = tmp_path / "backend"
    (backend / "contract_tests").mkdir(parents=True)
    (backend / "contract_tests" / "test_probe.py").write_text(PROBE, encoding="utf-8")
    result = run_pytest(backend, "contract_tests")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "contract:" not in result.stdout
    assert not (backend / "reports").exists()
    probe = json.loads((backend / "probe.json").read_text(encoding="utf-8"))
    assert probe == probe_alone(tmp_path)


def test_a_backends_own_contract_tests_folder_beside_the_suite_is_not_reported_as_the_suite(tmp_path: Path) -> None:
    backend = tmp_path / "backend"
    (backend / "contract_tests").mkdir(parents=True)
    (backend / "contract_tests" / "test_probe.py").write_text(PROBE, encoding="utf-8")
    result = run_pytest(backend, "--pyargs", "contract_tests.test_envelopes", "contract_tests/")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "contract: target the bundled mock" in result.stdout
    junit = (backend / "reports" / "contract-junit.xml").read_text(encoding="utf-8")
    report = (backend / "reports" / "contract-report.md").read_text(encoding="utf-8")
    assert 'name="test_success_envelope"' in junit and "test_success_envelope" in report
    assert "test_probe" not in junit and "test_probe" not in report
    probe = json.loads((backend / "probe.json").read_text(encoding="utf-8"))
    assert probe == probe_alone(tmp_path)


def test_the_suites_tests_are_told_by_module_identity(tmp_path: Path) -> None:
    import contract_tests.test_envelopes as shipped

    assert is_suite_module(shipped)
    impostor = types.ModuleType("contract_tests.test_envelopes")
    impostor.__file__ = str(tmp_path / "contract_tests" / "test_envelopes.py")  # a backend's own folder
    assert not is_suite_module(impostor)
    elsewhere = types.ModuleType("test_envelopes")
    elsewhere.__file__ = shipped.__file__
    assert not is_suite_module(elsewhere)


def test_a_command_line_names_the_suite_by_its_package(tmp_path: Path) -> None:
    (tmp_path / "contract_tests").mkdir()
    assert selects_suite(["contract_tests.test_auth::test_x"], True, tmp_path)
    assert selects_suite([str(SUITE_DIR / "test_auth.py")], False, tmp_path)
    assert not selects_suite(["contract_tests"], False, tmp_path)  # the backend's own folder
    assert not selects_suite(["tests"], True, tmp_path)


def test_the_suites_own_runs_leave_the_plugins_it_does_not_use_unloaded(tmp_path: Path) -> None:
    """`contract-test` runs under suite.ini: Faker's, anyio's, platformdirs' and looponfail's pytest plugins,
    registered by packages installed beside the suite, are not loaded (Faker's import alone costs a second)."""
    probe = tmp_path / "loaded_probe.py"
    probe.write_text(
        "import json, sys\n"
        "def pytest_collection_finish(session):\n"
        "    names = [name for name, plugin in session.config.pluginmanager.list_name_plugin() if plugin]\n"
        "    (session.config.rootpath / 'loaded.json').write_text(json.dumps(\n"
        "        {'plugins': names, 'modules': sorted(m for m in sys.modules if m.split('.')[0] == 'faker')}))\n",
        encoding="utf-8")
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("CONTRACT_", "PYTEST_"))}
    subprocess.run([sys.executable, "-m", "pytest", "-c", str(SUITE_DIR / "suite.ini"), "--rootdir", str(tmp_path),
                    "-p", "loaded_probe", "--collect-only", "-q", "--pyargs", "contract_tests.test_schema"],
                   cwd=tmp_path, env=environ | {"PYTHONPATH": str(tmp_path)}, capture_output=True, text=True,
                   timeout=300, check=False)
    loaded = json.loads((tmp_path / "loaded.json").read_text(encoding="utf-8"))
    assert "contract_tests" in loaded["plugins"] and "hypothesispytest" in loaded["plugins"]
    assert not {"faker", "anyio", "platformdirs", "xdist.looponfail"} & set(loaded["plugins"]), loaded["plugins"]
    assert loaded["modules"] == []
