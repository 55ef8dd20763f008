"""Starting servers under test, waiting for their first answer, and reading their memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_tree(root: int) -> list[int]:
    """The process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(root: int) -> float:
    """CPU time (user and system) the whole process tree has used so far."""
    ticks = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime and stime, the 14th and 15th fields of stat
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_mib(root: int) -> float:
    """Resident memory of the whole process tree now."""
    return sum(_status_kib(pid, "VmRSS") for pid in process_tree(root)) / 1024


def peak_rss_mib(root: int) -> float:
    """Peak resident memory of the whole process tree (sum of each process's high-water mark)."""
    return sum(_status_kib(pid, "VmHWM") for pid in process_tree(root)) / 1024


@dataclass
class Server:
    name: str
    command: list[str]
    probe_url: str
    headers: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    env: dict[str, str] | None = None  # added to this process's environment
    process: subprocess.Popen[bytes] | None = None
    ready_seconds: float = 0.0

    def start(self, timeout_s: float = 60.0) -> Server:
        """Start it and wait for its first 200: ready_seconds is spawn to first served request."""
        started = time.perf_counter()
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        cwd=self.cwd, start_new_session=True,
                                        env={**os.environ, **self.env} if self.env else None)
        deadline = started + timeout_s
        with httpx.Client(timeout=5.0) as client:
            while time.perf_counter() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {' '.join(self.command)}")
                try:
                    if client.get(self.probe_url, headers=self.headers).status_code == 200:
                        self.ready_seconds = time.perf_counter() - started
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.005)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout_s} s")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
