"""The contract suite's time against deployments that behave like real ones.

    python -m benchmarks.contract_suite [--profile fast]

Starts each realistic target of tests/realistic_target.py on loopback (a remote staging's 60-90 ms a
answer; a gateway's 20 requests/s limit with and without CONTRACT_MAX_RPS=20; churn; one-off 502s; the
framework's OPTIONS, gzip and headers), runs the suite against it once, and prints one Markdown row each:
wall time, exit status, how often the target throttled and flaked, and the report's verdict.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import LiveMock, start_target

REPO = Path(__file__).resolve().parent.parent

# name -> (the target's options, extra suite variables)
TARGETS: dict[str, tuple[str, dict[str, str]]] = {
    "remote staging, 60-90 ms an answer": ("--latency 60-90", {}),
    "remote staging, 60-90 ms, with churn, gzip and one-off 502s": (
        "--latency 60-90 --churn 3 --framework --flaky-every 40", {}),
    "20 requests/s limit, CONTRACT_MAX_RPS=20": ("--rate-limit 20", {"CONTRACT_MAX_RPS": "20"}),
    "20 requests/s limit, no cap given": ("--rate-limit 20", {}),
    "churn, 5 joins and leaves a second": ("--churn 5", {}),
    "one-off 502 every 23 requests": ("--flaky-every 23", {}),
    "framework: OPTIONS 204, HEAD, gzip, extra headers, trimmed terms": ("--framework", {}),
}


def mint(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "mockserver", "token", *args], capture_output=True, text=True,
                          check=True, cwd=REPO).stdout.strip()


def run_once(options: str, variables: dict[str, str], profile: str) -> str:
    from tests.conftest import stop_mock

    target: LiveMock = start_target("tests.realistic_target", *options.split())
    report = Path(tempfile.gettempdir()) / "bench-contract-realistic.md"
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("CONTRACT_", "PYTEST_"))}
    environ |= {"CONTRACT_BASE_URL": target.base_url, "CONTRACT_TOKEN": mint(),
                "CONTRACT_FORBIDDEN_TOKEN": mint("--forbidden"), "CONTRACT_STREAM_ID": "64d15f9e2e6c8f4d5a123456",
                "CONTRACT_ENDED_STREAM_ID": "64d15f9e2e6c8f4d5a300000", "CONTRACT_PROFILE": profile,
                "CONTRACT_REPORT": str(report), "CONTRACT_SEED": "1", **variables}
    started = time.monotonic()
    try:
        run = subprocess.run([sys.executable, "-m", "pytest", "contract_tests", "-q", "-p", "no:cacheprovider"],
                             capture_output=True, text=True, cwd=REPO, env=environ, timeout=1800)
    finally:
        stop_mock(target)
    seconds = time.monotonic() - started
    text = report.read_text(encoding="utf-8") if report.exists() else ""
    verdict = re.search(r"the contract is (\w+)", text)
    pacing = re.search(r"the target throttled (\d+) time\(s\) \(waited ([\d.]+) s\) and flaked (\d+)", text)
    throttled, waited, flaked = pacing.groups() if pacing else ("?", "?", "?")
    warnings = re.search(r"Warnings: (\d+) not verifiable", text)
    return (f"{seconds:.1f} s | {run.returncode} | {verdict.group(1) if verdict else 'no report'} | "
            f"{throttled} ({waited} s waited) | {flaked} | {warnings.group(1) if warnings else '?'}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.contract_suite")
    parser.add_argument("--profile", default="fast")
    parser.add_argument("--only", help="run only the targets whose name contains this")
    options = parser.parse_args(argv)
    print(f"| target ({options.profile} profile) | suite time | exit | verdict | throttled | flaky | not verifiable |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, (target_options, variables) in TARGETS.items():
        if options.only and options.only not in name:
            continue
        print(f"| {name} | {run_once(target_options, variables, options.profile)} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
