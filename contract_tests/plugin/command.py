"""`contract-test`: the installed contract suite, run by pytest from any directory.

Every argument goes to pytest, so each option of the suite (`--contract-base-url`, `--contract-profile`,
...) and of pytest (`-k`, `-x`, `--junitxml`) works; CONTRACT_* variables too. With no target it checks
the bundled mock. The exit status is pytest's, and 4 when the target cannot be tested as described. The
calling repository's own pytest configuration is not read: the suite runs under its `suite.ini`.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from contract_tests.plugin.suite_items import SUITE_DIR, names_the_suite, reported_name

MISSING_EXTRA = ("contract-test: the suite's tools are not installed; install the [contract] extra, "
                 "e.g. pip install 'allmine-viewers-mock[contract]'")


def installed_path(argument: str) -> str:
    """A test named as the report names it (contract_tests/test_x.py::test_y, a Schemathesis subtest too) as a
    path into the installed suite, which --pyargs alone does not find from another directory; any other
    argument as it is. A subtest is re-run by its test: with the same seed, Schemathesis sends the same cases."""
    argument = reported_name(argument.split(" (Schemathesis subtest)")[0])
    if "::" in argument and argument.endswith("]") and " " in argument.split("[", 1)[-1]:
        argument = argument.split("[", 1)[0]  # "test_x[GET /api/...]": the subtest's label, not a parameter
    if argument.startswith(f"{SUITE_DIR.name}/"):
        return str(SUITE_DIR.parent / argument)
    return argument


def pytest_arguments(arguments: Sequence[str]) -> list[str]:
    """The pytest command line that runs the installed suite (or the parts of it named) with these arguments."""
    names_a_part = any(not argument.startswith("-") and names_the_suite(argument) for argument in arguments)
    return ["-c", str(SUITE_DIR / "suite.ini"), "--rootdir", str(SUITE_DIR.parent), "--pyargs",
            *([] if names_a_part else [SUITE_DIR.name]), *map(installed_path, arguments)]


TARGET_HELP = {
    "base_url": "the deployment's root URL (default: start the bundled mock)",
    "token": "a valid bearer token of the deployment",
    "stream_id": "a live stream with at least one viewer",
    "forbidden_token": "a token of a user the stream blocks (the 403 checks)",
    "ended_stream_id": "a stream that has ended (the 404 checks)",
    "expired_token": "a token of the deployment that has expired (the expired-token 401 check)",
    "followed_ids": "ids of viewers the token's user follows, comma-separated (the isFollowing check)",
    "unfollowed_ids": "ids of viewers it does not follow (users who follow it, say)",
}


def short_help() -> str:
    """The suite's own options, a screenful; pytest's are one flag away."""
    from contract_tests.plugin.suite_settings import OTHER_VARIABLES, RUN_VARIABLES
    from contract_tests.target.deployment import VARIABLES

    rows = [(f"--contract-{name.replace('_', '-')}", variable, TARGET_HELP.get(name, ""))
            for name, variable in VARIABLES.items()]
    rows += [(f"--contract-{name.replace('_', '-')}", variable, text)
             for name, (variable, text) in {**OTHER_VARIABLES, **RUN_VARIABLES}.items()]
    lines = ["usage: contract-test [OPTIONS] [TESTS]   (every pytest option works too: contract-test --help-pytest)",
             "", "Checks a deployment of GET /api/v1/live-stream/{id}/viewers against its contract (without a base",
             "URL, the bundled mock). Each option has an equal environment variable; options win.", "",
             "Target and run:"]
    for option, variable, text in rows:
        lines.append(f"  {option:<28} {text.split('; ')[0].split(' (default: no cap')[0]} [{variable}]")
    lines += ["", "Findings and campaigns:",
              f"  {'--contract-replay FILE':<28} send a finding's requests again (reports/findings/*.json); exit 1",
              f"  {'':<28} while it still shows, 0 once fixed (no preflight; a fresh bundled mock by default)",
              f"  {'--list-findings':<28} every finding's name (what CONTRACT_ALLOW takes), provenance and promise",
              f"  {'-n auto | -n N':<28} run in parallel on the cores (pytest-xdist); one campaign lane a worker",
              f"  {'-k EXPR, -x, TESTS':<28} pytest's selection: a test as the report names it re-runs it", "",
              "Examples:", "  contract-test                                    # the bundled mock, fast profile",
              "  CONTRACT_BASE_URL=https://staging.example.com CONTRACT_TOKEN=... CONTRACT_STREAM_ID=... contract-test",
              "  contract-test --contract-profile campaign --contract-duration 2h -n auto",
              "  contract-test --contract-replay reports/findings/pagination_echo-060282.json",
              "", "Exit status: 0 kept, 1 broken, 4 the target could not be tested as described (one line says why)."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite; the exit status is pytest's (2 with a hint when the [contract] extra is missing)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments[:1] == ["--list-findings"]:
        return list_findings()
    if "--version" in arguments:  # the package's, not pytest's
        from importlib.metadata import version

        print(f"contract-test {version('allmine-viewers-mock')}")
        return 0
    if any(argument in {"-h", "--help"} for argument in arguments):
        print(short_help())
        return 0
    if any(argument.split("=")[0] == "--contract-replay" for argument in arguments):
        from contract_tests.plugin.replay_command import main_replay

        return main_replay(arguments)
    arguments = ["--help" if argument == "--help-pytest" else argument for argument in arguments]
    from contract_tests.plugin.early_checks import EarlyPreflightPassed, early_problem

    problem = early_problem(arguments, os.environ)
    if isinstance(problem, str):
        print(f"contract suite: {problem}", file=sys.stderr)
        return 4
    # Found, not imported: pytest must import the suite's tools itself to rewrite the asserts of their plugins.
    if any(importlib.util.find_spec(tool) is None for tool in ("pytest", "schemathesis", "hypothesis", "httpx")):
        print(MISSING_EXTRA, file=sys.stderr)
        return 2
    import pytest

    passed = [problem] if isinstance(problem, EarlyPreflightPassed) else []
    return int(pytest.main(pytest_arguments(arguments), plugins=passed))


def list_findings() -> int:
    """Print every finding's name (what CONTRACT_ALLOW accepts), where it comes from, and its promise."""
    from contract_tests.registry import response_checks  # noqa: F401  (registers the checks)
    from contract_tests.registry.documented_rules import load_spec
    from contract_tests.registry.promise_provenance import finding_catalogue, render_catalogue

    try:
        print("name                                         provenance                   promise")
        print(render_catalogue(finding_catalogue(load_spec())), flush=True)
    except BrokenPipeError:  # `contract-test --list-findings | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def console(argv: Sequence[str] | None = None) -> NoReturn:
    """`contract-test` as a command: main's exit status as the process's. Once the report, the JUnit and the
    findings are written, the interpreter's own teardown of every loaded module (Hypothesis, Schemathesis,
    httpx: a second or two of CPU at each exit, measured in docs/performance.md) is not waited for: the first
    exit handler registered runs last, after every other, and ends the process with the status."""
    status: list[int] = []
    atexit.register(_end_after_the_exit_handlers, status)
    status.append(main(argv))
    sys.exit(status[0])


def _end_after_the_exit_handlers(status: list[int]) -> None:
    if status:  # else main raised (its traceback is printed): the interpreter ends the process as it would
        end_process_now(status[0])


def end_process_now(status: int) -> NoReturn:
    """End the process with this status, its logs and standard streams flushed, without the interpreter's
    teardown (the command's end, and a parallel run's workers once they have sent their results)."""
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed or broken pipe: nothing more can be told there
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    console()
