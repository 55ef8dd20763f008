"""pytest plugin (entry point `pytest11`): `pytest --pyargs contract_tests` works from any directory.

pytest loads a conftest.py early, in time to add its options, print its header and set up its reports,
only when it lies on a path given on the command line. Given as `--pyargs contract_tests`, the suite's
conftest would be found only during collection: too late for `--contract-profile`, the seed header and
the JUnit file. This plugin registers it early, under the name pytest would give it; it does nothing on
any other run.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from contract_tests.command import SUITE_DIR, names_the_suite


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    namespace = early_config.known_args_namespace
    if not namespace.pyargs or namespace.noconftest:
        return
    if not any(names_the_suite(str(argument)) for argument in namespace.file_or_dir or ()):
        return
    conftest = importlib.import_module(f"{SUITE_DIR.name}.conftest")
    registration_name = str(Path(str(conftest.__file__)).parent / "conftest.py")
    if early_config.pluginmanager.get_plugin(registration_name) is None:
        early_config.pluginmanager.consider_conftest(conftest, registration_name=registration_name)
