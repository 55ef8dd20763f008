"""The reference pages hold every option and environment variable of each command, and every check name with its
promise, as the code defines them: an option, variable or check added or renamed fails here until it is written."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
from dataclasses import fields
from pathlib import Path

from contract_proxy.proxy_settings import build_parser as proxy_parser
from contract_proxy.proxy_settings import environment_key as proxy_variable
from contract_tests.plugin.suite_settings import (
    JUNIT_VARIABLE,
    OTHER_VARIABLES,
    REVEAL_VARIABLE,
    RUN_VARIABLES,
    SPEC_VARIABLE,
)
from contract_tests.registry.allowances import ALLOW_VARIABLE
from contract_tests.registry.cross_answer_promises import PROMISES
from contract_tests.registry.response_checks import CHECKS
from contract_tests.target.deployment import VARIABLES
from mockserver.cli.main import build_parser as mock_parser
from mockserver.settings import Settings, environment_key
from tests.conftest import REPO

REFERENCE = REPO / "docs" / "reference"


def page(name: str) -> str:
    return (REFERENCE / name).read_text(encoding="utf-8")


def help_text(parser: argparse.ArgumentParser, *command: str) -> str:
    """What `--help` prints for the parser, or one of its subcommands."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.suppress(SystemExit):
        parser.parse_args([*command, "--help"])
    return printed.getvalue()


def long_options(parser: argparse.ArgumentParser, *commands: tuple[str, ...]) -> set[str]:
    """Every long option `--help` shows, of the parser and of each command given."""
    texts = [help_text(parser), *(help_text(parser, *command) for command in commands)]
    return {option for text in texts for option in re.findall(r"(?<![\w-])--[a-z][a-z-]+", text)} - {"--help"}


MOCK_COMMANDS = (("serve",), ("streams",), ("token",), ("spec",), ("fixtures", "export"), ("fixtures", "record"))


def test_every_mockserver_option_and_variable_is_in_its_reference() -> None:
    text = page("mockserver.md")
    options = long_options(mock_parser(), *MOCK_COMMANDS)
    assert {"--port", "--fixtures", "--json", "--forbidden", "--anonymize"} <= options
    missing = [option for option in sorted(options) if f"`{option}" not in text and f", {option}" not in text]
    assert not missing, f"docs/reference/mockserver.md lacks {missing}"
    settings_fields = {field.name for field in fields(Settings)}
    names = {option[2:].replace("-", "_") for option in options}
    variables = {environment_key(name) for name in names & settings_fields}
    assert "MOCK_PORT" in variables
    assert not [v for v in variables if f"`{v}`" not in text], "docs/reference/mockserver.md lacks a MOCK_* variable"


def test_every_contract_test_variable_and_option_is_in_its_reference() -> None:
    text = page("contract-test.md")
    variables = {*VARIABLES.values(), *(v for v, _ in RUN_VARIABLES.values()),
                 *(v for v, _ in OTHER_VARIABLES.values()), JUNIT_VARIABLE, SPEC_VARIABLE, REVEAL_VARIABLE,
                 ALLOW_VARIABLE}
    missing = [variable for variable in sorted(variables) if f"`{variable}" not in text]
    assert not missing, f"docs/reference/contract-test.md lacks {missing}"
    options = [f"--contract-{name.replace('_', '-')}" for name in [*VARIABLES, *RUN_VARIABLES, *OTHER_VARIABLES]]
    spelled = [option for option in options if option in text]
    assert spelled, "the reference names no --contract-* option"
    assert "equal `--contract-*` option" in text  # the rule that names every other one


def test_every_contract_proxy_option_and_variable_is_in_its_reference() -> None:
    text = page("contract-proxy.md")
    options = long_options(proxy_parser())
    assert "--upstream" in options and "--strict" in options
    missing = [o for o in sorted(options)
               if f"`{o}" not in text or f"`{proxy_variable(o[2:].replace('-', '_'))}`" not in text]
    assert not missing, f"docs/reference/contract-proxy.md lacks {missing}"


def table_rows(text: str, heading: str) -> dict[str, str]:
    """The `name` | promise rows of the table under a heading."""
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return {name: promise.replace("\\|", "|") for name, promise in
            re.findall(r"^\| `([a-z0-9_]+)` \| (.+?) \|$", section, re.MULTILINE)}


def test_the_checks_page_names_every_check_with_its_promise() -> None:
    text = page("checks.md")
    per_answer = {name: check.promise for name, check in CHECKS.items()}
    assert table_rows(text, "Checks on each answer") == per_answer, "regenerate docs/reference/checks.md's first table"
    assert table_rows(text, "Promises across answers") == PROMISES, "regenerate docs/reference/checks.md's second table"


def test_the_reference_pages_are_in_the_sites_navigation() -> None:
    navigation = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for reference in Path(REFERENCE).glob("*.md"):
        assert f"reference/{reference.name}" in navigation
