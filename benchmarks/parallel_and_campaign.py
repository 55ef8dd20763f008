"""The suite in parallel and in campaigns, against faulty targets on loopback.

    python -m benchmarks.parallel_and_campaign parallel [--fault crashes_on_big_pages] [--latency 60-90]
    python -m benchmarks.parallel_and_campaign campaign [--duration 10m] [--fault F ...]

`parallel`: the fast profile serially and with -n 2, against a faulty target answering in 60-90 ms: wall
times, their ratio, and whether both runs name the same findings. `campaign`: for each faulty target, the
deep profile and the campaign profile (for --duration): the findings each names, and whether the campaign's
include the deep run's. One Markdown row per run.
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

from mockserver.core.dataset import ENDED_STREAM_ID, EXAMPLE_STREAM_ID
from tests.conftest import start_mock, stop_mock
from tests.faulty_target import FAULTS

REPO = Path(__file__).resolve().parent.parent


def _token(*flags: str) -> str:
    return subprocess.run([sys.executable, "-m", "mockserver", "token", *flags], capture_output=True, text=True,
                          check=True).stdout.strip()


def run_suite(fault: str, latency: str | None, *args: str) -> tuple[float, int, list[str]]:
    """Wall time, exit status and the findings' names of one run against a freshly started faulty target."""
    target = start_mock(*(["--latency", latency] if latency else []), module="tests.faulty_target", prefix=[fault])
    folder = Path(tempfile.mkdtemp(prefix="contract-bench-"))
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("CONTRACT_", "PYTEST_"))}
    environ |= {"CONTRACT_BASE_URL": target.base_url, "CONTRACT_TOKEN": _token(),
                "CONTRACT_FORBIDDEN_TOKEN": _token("--forbidden"), "CONTRACT_STREAM_ID": EXAMPLE_STREAM_ID,
                "CONTRACT_ENDED_STREAM_ID": ENDED_STREAM_ID, "CONTRACT_REPORT": str(folder / "report.md"),
                "CONTRACT_SEED": "7"}
    started = time.monotonic()
    try:
        result = subprocess.run([sys.executable, "-m", "contract_tests.plugin.command", "-q", *args],
                                capture_output=True, text=True, cwd=REPO, env=environ, timeout=6 * 3600)
    finally:
        stop_mock(target)
    seconds = time.monotonic() - started
    report = (folder / "report.md").read_text(encoding="utf-8") if (folder / "report.md").exists() else ""
    return seconds, result.returncode, sorted(set(re.findall(r"^### ([^:\n]+):", report, re.MULTILINE)))


def parallel(fault: str, latency: str) -> None:
    print(f"| run against {fault}, {latency} ms an answer | seconds | exit | findings |")
    print("| --- | --- | --- | --- |")
    serial = run_suite(fault, latency)
    print(f"| fast, serial | {serial[0]:.1f} | {serial[1]} | {', '.join(serial[2])} |", flush=True)
    two = run_suite(fault, latency, "-n", "2")
    print(f"| fast, -n 2 | {two[0]:.1f} | {two[1]} | {', '.join(two[2])} |")
    print(f"\n-n 2 took {100 * two[0] / serial[0]:.0f}% of the serial time; same findings: {serial[2] == two[2]}")


def campaign(faults: list[str], duration: str) -> None:
    print(f"| faulty target | deep: seconds, findings | campaign {duration}: seconds, findings | campaign finds "
          "all of deep's |")
    print("| --- | --- | --- | --- |")
    for fault in faults:
        deep = run_suite(fault, None, "--contract-profile", "deep")
        lanes = run_suite(fault, None, "--contract-profile", "campaign", "--contract-duration", duration)
        print(f"| {fault} | {deep[0]:.0f} s: {', '.join(deep[2])} | {lanes[0]:.0f} s: {', '.join(lanes[2])} | "
              f"{set(deep[2]) <= set(lanes[2])} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["parallel", "campaign"])
    parser.add_argument("--fault", action="append", choices=sorted(FAULTS))
    parser.add_argument("--latency", default="60-90")
    parser.add_argument("--duration", default="10m")
    options = parser.parse_args()
    if options.what == "parallel":
        parallel((options.fault or ["crashes_on_big_pages"])[0], options.latency)
    else:
        campaign(options.fault or sorted(FAULTS), options.duration)


if __name__ == "__main__":
    main()
