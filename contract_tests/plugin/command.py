"""`contract-test`: the installed contract suite, run by pytest from any directory.

Every argument goes to pytest, so each option of the suite (`--contract-base-url`, `--contract-profile`,
...) and of pytest (`-k`, `-x`, `--junitxml`) works; CONTRACT_* variables too. With no target it checks
the bundled mock. The exit status is pytest's, and 4 when the target cannot be tested as described. The
calling repository's own pytest configuration is not read: the suite runs under its `suite.ini`.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence

from contract_tests.plugin.suite_items import SUITE_DIR, names_the_suite

MISSING_EXTRA = ("contract-test: the suite's tools are not installed; install the [contract] extra, "
                 "e.g. pip install 'allmine-viewers-mock[contract]'")


def installed_path(argument: str) -> str:
    """A test named as the report names it (contract_tests/test_x.py::test_y) as a path into the installed
    suite, which --pyargs alone does not find from another directory; any other argument as it is."""
    if argument.startswith(f"{SUITE_DIR.name}/"):
        return str(SUITE_DIR.parent / argument)
    return argument


def pytest_arguments(arguments: Sequence[str]) -> list[str]:
    """The pytest command line that runs the installed suite (or the parts of it named) with these arguments."""
    names_a_part = any(not argument.startswith("-") and names_the_suite(argument) for argument in arguments)
    return ["-c", str(SUITE_DIR / "suite.ini"), "--rootdir", str(SUITE_DIR.parent), "--pyargs",
            *([] if names_a_part else [SUITE_DIR.name]), *map(installed_path, arguments)]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite; the exit status is pytest's (2 with a hint when the [contract] extra is missing)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    # Found, not imported: pytest must import the suite's tools itself to rewrite the asserts of their plugins.
    if any(importlib.util.find_spec(tool) is None for tool in ("pytest", "schemathesis", "hypothesis", "httpx")):
        print(MISSING_EXTRA, file=sys.stderr)
        return 2
    import pytest

    return int(pytest.main(pytest_arguments(arguments)))


if __name__ == "__main__":
    sys.exit(main())
