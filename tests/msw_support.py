"""The npm package in msw/ for the tests: installed with `npm ci` when its node_modules is missing or stale,
built with its own TypeScript, and its command started on a free loopback port."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from contract_tests.target.server_process import stop_process, wait_until_listening

REPO = Path(__file__).resolve().parent.parent

MSW = REPO / "msw"
INSTALL_HINT = "npm is not installed: install Node.js 18 or newer (Debian/Ubuntu: sudo apt-get install npm)"
# On a laptop without npm the package's tests are skipped; in CI (CI=true) they must run, so a missing npm fails them.
needs_npm = pytest.mark.skipif(shutil.which("npm") is None and os.environ.get("CI", "").lower() != "true",
                               reason=INSTALL_HINT)
_INSTALLED_MARK = "node_modules/.installed-lock"
_lock = threading.Lock()


def npm(*arguments: str, cwd: Path = MSW, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run npm in the package (or elsewhere); its output kept for the assertion message."""
    return subprocess.run(["npm", *arguments], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false",
                               "npm_config_audit": "false"})


def installed() -> Path:
    """msw/ with its dependencies installed from package-lock.json (`npm ci` only when missing or stale) and
    built (`dist/`, again whenever the sources changed)."""
    with _lock:
        wanted = hashlib.sha256((MSW / "package-lock.json").read_bytes()).hexdigest()
        mark = MSW / _INSTALLED_MARK
        if not mark.is_file() or mark.read_text(encoding="utf-8").strip() != wanted:
            result = npm("ci", "--no-audit", "--no-fund")
            assert result.returncode == 0, result.stdout + result.stderr
            mark.write_text(wanted + "\n", encoding="utf-8")
        sources = hashlib.sha256(wanted.encode())
        for path in sorted([MSW / "tsconfig.json", MSW / "package.json", *(MSW / "src").rglob("*")]):
            if path.is_file():
                sources.update(path.relative_to(MSW).as_posix().encode() + b"\0" + path.read_bytes())
        built_mark = MSW / "node_modules" / ".built-from"  # beside the install: not packed
        if not built_mark.is_file() or built_mark.read_text(encoding="utf-8").strip() != sources.hexdigest():
            built = npm("run", "--silent", "build")
            assert built.returncode == 0, built.stdout + built.stderr
            built_mark.write_text(sources.hexdigest() + "\n", encoding="utf-8")
    return MSW


@dataclass
class LiveMsw:
    process: subprocess.Popen[str]
    url: str
    output: list[str] = field(default_factory=list)


def start_msw(*arguments: str, timeout: float = 30) -> LiveMsw:
    """The package's command on a free loopback port (`--port 0`), once it printed where it listens."""
    folder = installed()
    process = subprocess.Popen(["node", str(folder / "dist" / "cli" / "bin.js"), "--port", "0", *arguments],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=folder)
    url, _ = wait_until_listening(process, "allmine-viewers-msw", timeout)
    served = LiveMsw(process, url)
    threading.Thread(target=served.output.extend, args=(process.stdout,), daemon=True).start()
    return served


def stop_msw(served: LiveMsw) -> str:
    """Stop the command (SIGTERM); what it printed after its first line."""
    stop_process(served.process, None)
    return "".join(served.output)
