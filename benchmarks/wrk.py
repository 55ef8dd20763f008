"""wrk on loopback, bounded in time, and what it measured."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors, timeouts and non-2xx answers

    @classmethod
    def parse(cls, output: str) -> WrkResult:
        def latency(percent: str) -> float:
            match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
            if not match:
                raise ValueError(f"wrk printed no {percent}% latency:\n{output}")
            return float(match.group(1)) * _UNITS[match.group(2)]

        rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
        total = re.search(r"(\d+) requests in", output)
        socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if not rate or not total:
            raise ValueError(f"wrk printed no rate:\n{output}")
        errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
        errors += int(non_2xx.group(1)) if non_2xx else 0
        return cls(float(rate.group(1)), latency("50"), latency("99"), int(total.group(1)), errors)


def ensure_wrk() -> str:
    """wrk from PATH, installed from Debian's packages when missing (as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env={"DEBIAN_FRONTEND": "noninteractive"})
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and could not be installed: apt-get install wrk")
    return found


def run_wrk(url: str, *, token: str, connections: int, seconds: int, threads: int = 1) -> WrkResult:
    command = [ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
               "-H", f"Authorization: Bearer {token}", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return WrkResult.parse(result.stdout)
