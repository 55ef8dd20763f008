"""pytest's private JUnit writer, as the suite uses it, still works in the installed release.

`contract_tests/plugin/suite_junit.py` is the one module that reaches into `_pytest.junitxml` (pytest has no public
API for a second JUnit file). A failure here names the release: that module needs updating for it, or
pyproject.toml's range must stop below it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from importlib.metadata import version

import pytest

pytest_plugins = ["pytester"]

RELEASE = f"pytest {version('pytest')}"
CONFTEST = '''
from contract_tests.plugin.suite_junit import SuiteJunit, session_junit


def pytest_configure(config):
    config.pluginmanager.register(SuiteJunit(config, config.rootpath / "ours.xml", set()), "ours-junit")


def pytest_collection_modifyitems(config, items):
    ours = config.pluginmanager.get_plugin("ours-junit")
    ours.nodeids.update(item.nodeid for item in items if "ours" in item.name)


def pytest_sessionstart(session):
    session.config.pluginmanager.get_plugin("ours-junit").add_global_property("contract_seed", "7")
    session_junit(session.config).add_global_property("session_property", "8")
'''
TESTS = '''
def test_ours():
    pass


def test_ours_failing():
    assert False


def test_theirs():
    pass
'''


def cases(path: str) -> dict[str, str]:
    """Test case name -> 'passed' or 'failed', from a JUnit file."""
    outcomes = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        outcomes[case.get("name", "")] = "failed" if case.find("failure") is not None else "passed"
    return outcomes


def properties(path: str) -> dict[str, str]:
    return {prop.get("name", ""): prop.get("value", "") for prop in ET.parse(path).getroot().iter("property")}


def test_a_second_junit_writer_holds_the_tests_given_and_its_properties(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_both=TESTS)
    result = pytester.runpytest("-p", "no:contract_tests", "-p", "no:cacheprovider", "--junitxml=session.xml")
    assert result.ret == 1, f"{RELEASE}: " + "\n".join(result.outlines[-30:])
    ours, session = str(pytester.path / "ours.xml"), str(pytester.path / "session.xml")
    assert cases(ours) == {"test_ours": "passed", "test_ours_failing": "failed"}, \
        f"{RELEASE}: _pytest.junitxml.LogXML no longer writes the reports it is fed"
    assert properties(ours) == {"contract_seed": "7"}, f"{RELEASE}: LogXML.add_global_property changed"
    assert cases(session) == {"test_ours": "passed", "test_ours_failing": "failed", "test_theirs": "passed"}
    assert properties(session) == {"session_property": "8"}, \
        f"{RELEASE}: the session's writer is no longer config.stash[_pytest.junitxml.xml_key]"
