"""`contract-test --contract-replay FILE`: send a finding's requests, in order, and judge the answers again.

The target is the one the CONTRACT_* variables (or the equal options) name, else a freshly started bundled
mock; no preflight is sent, so the target sees the reproducer's requests alone. Exit 1 when the finding
shows again, 0 when the requests now keep the contract, 4 when the file or the target cannot be used, or the
finding cannot be judged from its requests' answers (a promise its test judges across answers it asks for
itself): then the line names the test to run again instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from contract_tests.plugin.suite_settings import SuiteSettingsError, read_settings
from contract_tests.target.bundled_mock import BundledMock
from contract_tests.target.deployment import VARIABLES, TargetError
from contract_tests.target.sequence_replay import NotReplayable, Reproducer, replay, replay_problem
from contract_tests.target.viewers_client import ContractClient, target_secrets

REPLAY_OPTION = "--contract-replay"


def replay_arguments(arguments: Sequence[str]) -> tuple[str | None, dict[str, str]]:
    """The reproducer file and the --contract-* target options of a replay command line."""
    path: str | None = None
    options: dict[str, str] = {}
    items = list(arguments)
    while items:
        argument = items.pop(0)
        name, equals, value = argument.partition("=")
        if not equals and items and name.startswith("--contract-"):
            value = items.pop(0)
        if name == REPLAY_OPTION:
            path = value
        elif name.startswith("--contract-") and name[11:].replace("-", "_") in VARIABLES:
            options[name[11:].replace("-", "_")] = value
        else:
            raise ValueError(f"{argument!r} does not go with {REPLAY_OPTION} (only the target's --contract-* "
                             "options do)")
    return path, options


def main_replay(arguments: Sequence[str], out: TextIO | None = None) -> int:
    """Replay a reproducer file; the exit status says whether its finding showed again."""
    write = (out or sys.stdout).write
    try:
        path, options = replay_arguments(arguments)
        if not path:
            raise ValueError(f"{REPLAY_OPTION} needs the path of a reproducer (reports/findings/NAME.json)")
        reproducer = Reproducer.read(Path(path))
        settings = read_settings(dict(options), os.environ)
    except (ValueError, SuiteSettingsError) as error:
        print(f"contract-test: {error}", file=sys.stderr)
        return 4
    problem = replay_problem(reproducer.finding, reproducer.statuses)
    if problem is not None:
        return _not_replayable(reproducer, problem)
    mock = None
    try:
        if settings.target is None:
            mock = BundledMock.start()
        target = settings.target or mock.target  # type: ignore[union-attr]
        client = ContractClient(target, timeout_s=settings.timeout_s,
                                secrets=target_secrets(target, settings.reveal_token))
        try:
            found, answers = replay(reproducer, client, reproducer.finding)
        finally:
            client.close()
    except NotReplayable as error:
        return _not_replayable(reproducer, str(error))
    except (TargetError, ValueError) as error:
        print(f"contract-test: {error}", file=sys.stderr)
        return 4
    finally:
        if mock is not None:
            mock.stop()
    write(f"replayed {len(answers)} of {len(reproducer.requests)} request(s) of {reproducer.finding} against "
          f"{target.description or target.base_url}:\n")
    for number, answer in enumerate(answers, 1):
        write(f"  {number}. HTTP {answer.status}  {answer.curl()}\n")
    if found is not None:
        write(f"STILL BROKEN: {found.render()}\n")
        return 1
    write(f"{reproducer.finding} did not show: the requests kept the contract (fixed, or the target's state differs "
          "from a fresh one's)\n")
    return 0


def _not_replayable(reproducer: Reproducer, problem: str) -> int:
    test = f"contract-test '{reproducer.test}'" if reproducer.test else "the test the report names beside it"
    print(f"contract-test: {reproducer.finding} cannot be judged by replay ({problem}): not judged, neither fixed nor "
          f"broken; run its test again instead: {test}", file=sys.stderr)
    return 4
