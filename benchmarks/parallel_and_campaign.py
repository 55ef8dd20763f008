"""The suite in parallel and in campaigns, against faulty targets on loopback.

    python -m benchmarks.parallel_and_campaign parallel [--fault crashes_on_big_pages] [--latency 60-90]
    python -m benchmarks.parallel_and_campaign campaign [--duration 10m] [--first 1m] [--fault F ...]

`parallel`: the fast profile serially and with -n 2, against a faulty target answering in 60-90 ms: wall
times, their ratio, and whether both runs name the same findings. `campaign`: for each faulty target, the
deep profile and, beside it on a target of its own, a campaign of --first; when that campaign does not name
every finding of the deep run, a campaign of the whole --duration. A campaign's first minutes are the first
minutes of a longer one (the same seed gives the same rounds), so what a short campaign finds, the campaign of
--duration finds too. One Markdown row per faulty target: the findings each run names, and whether the
campaign's include the deep run's.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
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


def campaign(faults: list[str], duration: str, first: str) -> None:
    print("| faulty target | deep: seconds, findings | campaign: length, seconds, findings | campaign finds all "
          "of deep's |")
    print("| --- | --- | --- | --- |")
    for fault in faults:
        with ThreadPoolExecutor(2) as side_by_side:
            deep_run = side_by_side.submit(run_suite, fault, None, "--contract-profile", "deep")
            short_run = side_by_side.submit(run_suite, fault, None, "--contract-profile", "campaign",
                                            "--contract-duration", first)
            deep, lanes = deep_run.result(), short_run.result()
        length = first
        if not set(deep[2]) <= set(lanes[2]) and first != duration:
            length = duration
            lanes = run_suite(fault, None, "--contract-profile", "campaign", "--contract-duration", duration)
        print(f"| {fault} | {deep[0]:.0f} s: {', '.join(deep[2]) or '(none)'} | {length}, {lanes[0]:.0f} s: "
              f"{', '.join(lanes[2]) or '(none)'} | {'yes' if set(deep[2]) <= set(lanes[2]) else 'NO'} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["parallel", "campaign"])
    parser.add_argument("--fault", action="append", choices=sorted(FAULTS))
    parser.add_argument("--latency", default="60-90")
    parser.add_argument("--duration", default="10m")
    parser.add_argument("--first", default="1m", help="the campaign tried first, beside the deep run")
    options = parser.parse_args()
    if options.what == "parallel":
        parallel((options.fault or ["crashes_on_big_pages"])[0], options.latency)
    else:
        campaign(options.fault or sorted(FAULTS), options.duration, options.first)


if __name__ == "__main__":
    main()
