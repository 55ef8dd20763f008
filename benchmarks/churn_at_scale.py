"""Churn at scale: a million-viewer stream whose audience comes and goes, against the code before churn.

    .venv/bin/python -m benchmarks.churn_at_scale [--audience 1000000] [--baseline GIT_REF] [--output FILE]

Writes Markdown (default benchmarks/churn-results.md, which `./dev bench` folds into BENCHMARKS.md):
start-up (default data, and a million viewers) of this code and, with --baseline, of an earlier
commit checked out beside it (the same interpreter and dependencies), so "start-up unchanged" is
measured in one run on one machine; then single-request latencies on the churning million-viewer
stream: pages at the running clock, pages at seconds never asked before (each works out the leaves
up to it), searches, and the live stream's pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from benchmarks.measure import VIEWERS, Latencies, search_terms, timed_requests
from benchmarks.processes import Server, free_port, rss_mib

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "churn-results.md"
LARGE_STREAM = "64d15f9e2e6c8f4d5a100000"
LIVE_STREAM = "64d15f9e2e6c8f4d5a400000"
EXAMPLE_STREAM = "64d15f9e2e6c8f4d5a123456"


def start(code: Path, stream: str, token: str, *args: str) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "mockserver", "--port", str(port), *args]
    return Server("mock", command, f"http://127.0.0.1:{port}{VIEWERS.format(stream)}",
                  {"Authorization": f"Bearer {token}"}, code).start(timeout_s=180)


def startup_rows(codes: dict[str, Path], token: str, audience: int, runs: int) -> list[str]:
    """Start-up of each code, run after run in turn (so a busy moment of the machine hits them alike)."""
    default_runs: dict[str, list[float]] = {label: [] for label in codes}
    large_runs: dict[str, list[float]] = {label: [] for label in codes}
    large_rss: dict[str, list[float]] = {label: [] for label in codes}
    for _ in range(runs):
        for label, code in codes.items():
            server = start(code, EXAMPLE_STREAM, token)
            default_runs[label].append(server.ready_seconds)
            server.stop()
    for _ in range(max(1, runs // 2)):
        for label, code in codes.items():
            server = start(code, LARGE_STREAM, token, "--audience", str(audience))
            large_runs[label].append(server.ready_seconds)
            large_rss[label].append(rss_mib(server.pid))
            server.stop()
    def shown(runs: list[float]) -> str:
        return f"{statistics.median(runs):.2f} ({', '.join(f'{run:.2f}' for run in runs)})"

    return [f"| {label} | {shown(default_runs[label])} | {shown(large_runs[label])} | "
            f"{statistics.median(large_rss[label]):.0f} |" for label in codes]


Request = tuple[str, dict[str, str], dict[str, str]]


def random_pages(audience: int, auth: dict[str, str], seed: int = 7) -> list[Request]:
    rng = random.Random(seed)
    path = VIEWERS.format(LARGE_STREAM)
    pages = []
    for _ in range(300):
        limit = rng.choice([10, 20, 50, 100])
        pages.append((path, {"page": str(rng.randint(1, audience // limit)), "limit": str(limit)}, auth))
    return pages


def static_pages(code: Path, label: str, token: str, audience: int) -> Latencies:
    """The same random pages on a code whose million-viewer stream does not churn, for comparison."""
    server = start(code, LARGE_STREAM, token, "--audience", str(audience))
    try:
        with httpx.Client(base_url=server.probe_url.split("/api/")[0], timeout=60.0) as client:
            auth = {"Authorization": f"Bearer {token}"}
            return timed_requests(client, f"any page, {label}, static stream (the same 300 pages)",
                                  random_pages(audience, auth))
    finally:
        server.stop()


def latency_rows(token: str, audience: int) -> list[Latencies]:
    server = start(REPO, LARGE_STREAM, token, "--audience", str(audience))
    auth = {"Authorization": f"Bearer {token}"}
    rng = random.Random(7)
    path = VIEWERS.format(LARGE_STREAM)
    try:
        with httpx.Client(base_url=server.probe_url.split("/api/")[0], timeout=60.0) as client:
            pages = random_pages(audience, auth)
            first_pages = [(path, {"limit": "20"}, auth) for _ in range(100)]
            seconds = sorted(rng.sample(range(1, 86_400), 100))
            at_new_seconds = [(path, {"page": str(rng.randint(1, audience // 20)), "limit": "20"},
                               {**auth, "Prefer": f"at={second}"}) for second in seconds]
            a_day_in = [(path, {"limit": "20"}, {**auth, "Prefer": "at=86400"})]
            terms = search_terms(client, LARGE_STREAM, auth, 60, 3)
            searches = [(path, {"search": term, "limit": "20"}, auth) for term in terms]
            live = [(VIEWERS.format(LIVE_STREAM), {"page": str(rng.randint(1, 3)), "limit": "20"}, auth)
                    for _ in range(200)]
            return [
                timed_requests(client, "any page at the running clock (300 random pages and limits)", pages),
                timed_requests(client, "page 1 at the running clock, 100 times (joiners on top)", first_pages),
                timed_requests(client, "a page at a second never asked before (100 seconds within a day)",
                               at_new_seconds),
                timed_requests(client, "a page a day into the clock, asked cold (every leave of a day worked out)",
                               a_day_in),
                timed_requests(client, "search at the running clock, first time for each term (60 fragments)",
                               searches),
                timed_requests(client, "the live stream's pages (200)", live),
            ]
    finally:
        server.stop()


def checkout(ref: str, folder: Path) -> Path:
    target = folder / "baseline"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(target), ref], check=True,
                   capture_output=True)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--audience", type=int, default=1_000_000)
    parser.add_argument("--baseline", metavar="GIT_REF", help="also measure the start-up of this commit")
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--output", type=Path, default=RESULTS)
    arguments = parser.parse_args()
    token = subprocess.run([sys.executable, "-m", "mockserver", "token"], capture_output=True, text=True,
                           check=True, cwd=REPO).stdout.strip()
    command = " ".join(["python -m benchmarks.churn_at_scale", *sys.argv[1:]])
    lines = [f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d} with `{command}` (script: `benchmarks/churn.py`), "
             f"default churn (30 joins, 24 leaves a minute), {arguments.runs} start-ups of each code, alternating "
             "(medians). Compare rows of one run: the machine's load moves all of them alike.",
             "",
             f"| code | start-up, default data: median (runs) s | ready with {arguments.audience:,} viewers: median "
             "(runs) s | RSS then (MiB) |",
             "| --- | --- | --- | --- |"]
    with tempfile.TemporaryDirectory() as scratch:
        codes = {}
        if arguments.baseline:
            codes[f"before churn ({arguments.baseline})"] = checkout(arguments.baseline, Path(scratch))
        codes["with churn (this code)"] = REPO
        try:
            lines += startup_rows(codes, token, arguments.audience, arguments.runs)
            baseline_pages = [static_pages(code, label, token, arguments.audience)
                              for label, code in codes.items() if code != REPO]
        finally:
            if arguments.baseline:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                                str(Path(scratch) / "baseline")], check=True)
    lines += ["", f"Single requests, one at a time, on the churning {arguments.audience:,}-viewer stream:", "",
              "| requests | count | p50 ms | p99 ms | max ms | statuses |", "| --- | --- | --- | --- | --- | --- |"]
    churning = latency_rows(token, arguments.audience)
    lines += [f"| {row.label} | {row.count} | {row.p50_ms:.2f} | {row.p99_ms:.2f} | {row.max_ms:.2f} | "
              f"{list(row.statuses)} |" for row in [*churning, *baseline_pages]]
    any_page = churning[0].p99_ms
    lines += ["", f"Target, any page p99 < 10 ms on the churning stream: {any_page:.2f} ms, "
                  f"{'met' if any_page < 10 else 'missed'}"
              + "".join(f"; the same pages on the static stream of {row.label.split(', ')[1]}: {row.p99_ms:.2f} ms"
                        for row in baseline_pages) + "."]
    text = "\n".join(lines) + "\n"
    arguments.output.write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
