"""The project's own mock as a deployment: started through its command on a free loopback port, asked by the
same command for its tokens (valid, forbidden, expired) and a stream; the suite never reaches into the mock's code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from contract_tests.target.deployment import Target, TargetError
from contract_tests.target.server_process import stop_process, wait_until_listening

EXPIRED_FOR_S = 3600  # the bundled mock's expired token expired this long before the run


@dataclass
class BundledMock:
    """The project's own mock, started through its command."""

    process: subprocess.Popen[str]
    target: Target
    drain: threading.Thread

    @classmethod
    def start(cls, timeout_s: float = 30.0) -> BundledMock:
        command = [sys.executable, "-m", "mockserver"]
        environ = {key: value for key, value in os.environ.items() if not key.startswith("MOCK_")}
        asked = [["token"], ["token", "--forbidden"], ["token", "--expires-in", str(-EXPIRED_FOR_S)],
                 ["streams", "--json", "--follows-of"]]
        process = subprocess.Popen([*command, "--port", "0", "--host", "127.0.0.1"], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, env=environ)
        try:
            with ThreadPoolExecutor(max_workers=len(asked)) as pool:  # asked while the mock starts, all at once
                answers = [pool.submit(_run, [*command, *words], environ) for words in asked]
                base_url, _ = wait_until_listening(process, "the bundled mock", timeout_s)
                token, forbidden, expired, listing = (answer.result() for answer in answers)
        except TargetError:
            stop_process(process, None)
            raise
        # The rest of its output is not needed; drain it so that the pipe never fills up.
        drain = threading.Thread(target=_drain, args=(process.stdout,), daemon=True)
        drain.start()
        streams = json.loads(listing)
        live = next(s for s in streams if s["state"] == "live" and s["viewers"] > 0)
        ended = next((s for s in streams if s["state"] == "ended"), None)
        follows = live.get("follows", {})
        target = Target(base_url, token, live["id"], forbidden, ended["id"] if ended else None,
                        description=f"the bundled mock at {base_url}", expired_token=expired,
                        followed_ids=tuple(follows.get("followed", ())),
                        unfollowed_ids=tuple(follows.get("notFollowed", ())))
        return cls(process, target, drain)

    def stop(self) -> None:
        stop_process(self.process, self.drain)


def _drain(stream: Any) -> None:
    for _ in stream:
        pass


def _run(command: list[str], environ: Mapping[str, str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=dict(environ))
    if result.returncode != 0:
        raise TargetError(f"{' '.join(command[2:])} failed: {result.stderr.strip()}")
    return result.stdout.strip()
