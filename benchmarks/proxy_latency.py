"""What contract-proxy adds to a request, and how fast a million-viewer stream records; rows for BENCHMARKS.md.

    python -m benchmarks.proxy_latency            # both measurements, about 3 minutes
    python -m benchmarks.proxy_latency --quick    # shorter rounds, for trying the script itself

Latency: wrk holds 50 connections to the mock directly and to the proxy in front of the same mock,
alternating round by round in one run, each connection pacing itself (wrk's delay()) so that the
offered rate is a busy team's, not a flood: the question is what a request pays for the proxy, not
how many the proxy can take. A flood round of each is measured too, as context. Recording: the mock
with a million viewers in its large stream, recorded by `mockserver fixtures record` under a
pseudo-terminal, so that the progress bar is drawn as a person would see it.
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.processes import Server, free_port
from benchmarks.wrk import WrkResult, ensure_wrk

REPO = Path(__file__).resolve().parent.parent
VIEWERS = "/api/v1/live-stream/64d15f9e2e6c8f4d5a123456/viewers"
LARGE_STREAM = "64d15f9e2e6c8f4d5a100000"
CONNECTIONS = 50
PACE_MS = 200  # each connection waits 0 to 2 x this long between answers (random): about 250 requests/s in all
LIMITS = [
    "### Where the time goes",
    "",
    "- **The proxy.** Alone (one connection, back to back) a request through the proxy costs about 1 ms more "
    "than the direct path: uvicorn and Starlette receive it, httpcore (httpx's transport, in pools side by side) "
    "forwards it and reads the answer. The checks, about 0.3 ms an answer of the viewers endpoint (the 17 "
    "registry checks on the parsed body, then the checks across answers), run after the answer is sent, except "
    "under `--strict`. At 50 paced connections what comes on top is waiting for a core: a proxied request wakes "
    "three processes in turn (the proxy, the mock, the proxy again) against one for the direct path, on 2 "
    "cores shared with wrk. In a flood the proxy, one Python thread doing both the forwarding and the checks, "
    "is the narrowest point (the flood row): it is made for the traffic of an app and its tests, not for load "
    "tests, which should go to the deployment directly.",
    "- **Recording a million viewers.** 10,000 pages at limit 100, four asked for at once: most of the time is "
    "the mock rendering each viewer for the first time, on two workers, and the recorder parsing and writing "
    "them; the file is written beside the output and moved into place at the end.",
]
START, END = "<!-- proxy-and-record:start -->", "<!-- proxy-and-record:end -->"


def token() -> str:
    return subprocess.run([sys.executable, "-m", "mockserver", "token"], capture_output=True, text=True,
                          check=True, cwd=REPO).stdout.strip()


def wrk(url: str, bearer: str, seconds: int, *, paced: bool, folder: Path,
        connections: int = CONNECTIONS) -> WrkResult:
    script = folder / "pace.lua"
    # Random waits, so that the connections do not fall into step and arrive as one burst.
    script.write_text(f"function delay()\n  return math.random(0, {2 * PACE_MS})\nend\n")
    command = [ensure_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
               "-H", f"Authorization: Bearer {bearer}", *(["-s", str(script)] if paced else []), url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    return WrkResult.parse(result.stdout)


def latency(bearer: str, rounds: int, seconds: int, folder: Path) -> list[str]:
    mock_port, proxy_port = free_port(), free_port()
    mock = Server("mock", [sys.executable, "-m", "mockserver", "--port", str(mock_port)],
                  f"http://127.0.0.1:{mock_port}{VIEWERS}", {"Authorization": f"Bearer {bearer}"}, REPO)
    proxy = Server("proxy", [sys.executable, "-m", "contract_proxy", "--upstream",
                             f"http://127.0.0.1:{mock_port}", "--port", str(proxy_port)],
                   f"http://127.0.0.1:{proxy_port}{VIEWERS}", {"Authorization": f"Bearer {bearer}"}, REPO)
    mock.start()
    try:
        proxy.start()
        try:
            paced: dict[str, list[WrkResult]] = {"direct": [], "proxy": []}
            for _ in range(rounds):
                for name, server in (("direct", mock), ("proxy", proxy)):
                    paced[name].append(wrk(server.probe_url, bearer, seconds, paced=True, folder=folder))
            flood = {name: wrk(server.probe_url, bearer, seconds, paced=False, folder=folder)
                     for name, server in (("direct", mock), ("proxy", proxy))}
            single = {name: wrk(server.probe_url, bearer, seconds, paced=False, folder=folder, connections=1)
                      for name, server in (("direct", mock), ("proxy", proxy))}
        finally:
            proxy.stop()
    finally:
        mock.stop()

    def median(name: str, attribute: str) -> float:
        return float(statistics.median(getattr(r, attribute) for r in paced[name]))

    added_p50 = median("proxy", "p50_ms") - median("direct", "p50_ms")
    added_p99 = median("proxy", "p99_ms") - median("direct", "p99_ms")
    errors = sum(r.errors for results in paced.values() for r in results)
    lines = [
        f"### contract-proxy in front of the mock ({CONNECTIONS} connections, each waiting 0-{2 * PACE_MS} ms "
        f"between answers; {rounds} rounds of {seconds} s a side, alternating; medians)",
        "",
        "| path | requests/s | p50 ms | p99 ms | errors |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in ("direct", "proxy"):
        lines.append(f"| {name} | {median(name, 'requests_per_s'):,.0f} | {median(name, 'p50_ms'):.2f} | "
                     f"{median(name, 'p99_ms'):.2f} | {sum(r.errors for r in paced[name])} |")
    lines += ["", "| target | measured | |", "| --- | --- | --- |",
              f"| proxy adds < 2 ms at p50 | {added_p50:+.2f} ms | {'met' if added_p50 < 2 else '**missed**'} |",
              f"| proxy adds < 10 ms at p99 | {added_p99:+.2f} ms | {'met' if added_p99 < 10 else '**missed**'} |",
              f"| no errors | {errors} | {'met' if errors == 0 else '**missed**'} |", "",
              "Context, one flood round a side (no pacing: as many requests as the 50 connections can send):", "",
              "| path | requests/s | p50 ms | p99 ms |", "| --- | --- | --- | --- |"]
    lines += [f"| {name} | {r.requests_per_s:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} |" for name, r in flood.items()]
    lines += ["", "Context, one connection back to back (what a request costs without any queue):", "",
              "| path | requests/s | p50 ms | p99 ms |", "| --- | --- | --- | --- |"]
    lines += [f"| {name} | {r.requests_per_s:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} |" for name, r in single.items()]
    return lines


def record_million(bearer: str, audience: int, workers: int, folder: Path) -> list[str]:
    port = free_port()
    # Still (--churn 0/0): a recording is of one moment, and at the default churn a million-viewer audience
    # moves many times during a walk of 10,000 pages, so the recorder rightly starts again and gives up.
    mock = Server("mock, 1M", [sys.executable, "-m", "mockserver", "--port", str(port), "--audience", str(audience),
                               "--workers", str(workers), "--churn", "0/0"],
                  f"http://127.0.0.1:{port}{VIEWERS}", {"Authorization": f"Bearer {bearer}"}, REPO)
    output = folder / "million.json"
    mock.start()
    try:
        command = [sys.executable, "-m", "mockserver", "fixtures", "record", "--base-url",
                   f"http://127.0.0.1:{port}", "--token", bearer, "--stream", LARGE_STREAM, "-o", str(output)]
        started = time.perf_counter()
        screen, status = run_in_terminal(command)
        seconds = time.perf_counter() - started
    finally:
        mock.stop()
    if status != 0:
        raise RuntimeError(f"recording failed:\n{screen}")
    bars = re.findall(r"\[#*\s*\]\s+\d+%", screen)
    size_mb = output.stat().st_size / 1e6
    output.unlink()
    return [
        f"### Recording a {audience:,}-viewer stream (`mockserver fixtures record`, mock with {workers} workers, "
        "audience still)",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        f"| records in under a minute | {seconds:.1f} s ({size_mb:,.0f} MB written) | "
        f"{'met' if seconds < 60 else '**missed**'} |",
        f"| a progress bar on a terminal | {len(bars)} redraws, last `{bars[-1] if bars else 'none'}` | "
        f"{'met' if bars else '**missed**'} |",
    ]


def run_in_terminal(command: list[str]) -> tuple[str, int]:
    """Run a command with a pseudo-terminal as its stderr; what it drew and its exit status."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=terminal, cwd=REPO)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace"), process.wait()


def write_section(path: Path, lines: list[str]) -> None:
    """Replace (or add) this script's section of BENCHMARKS.md, leaving the rest as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = "\n".join([START, "## contract-proxy and recording", "",
                         f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} with "
                         "`python -m benchmarks.proxy_latency` on the machine described above, on loopback.",
                         "", *lines, END])
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short rounds and a smaller stream")
    parser.add_argument("--output", type=Path, default=REPO / "BENCHMARKS.md")
    arguments = parser.parse_args()
    bearer = token()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        rounds, seconds = (1, 3) if arguments.quick else (3, 10)
        lines = latency(bearer, rounds, seconds, Path(folder))
        lines += ["", *record_million(bearer, 50_000 if arguments.quick else 1_000_000, 2, Path(folder))]
    lines += ["", *LIMITS]
    lines += ["", f"Load average of the machine (1 minute, {os.cpu_count()} cores) when this run started: "
              f"{load_before:.1f}; when it ended: {os.getloadavg()[0]:.1f} (the recording, a 2-worker mock and the "
              "recorder, keeps both cores busy itself: the figure at the end is mostly its own). Load from other "
              "work would share the cores with the mock, the proxy, wrk and the recorder, and every hop would wait "
              "for a core."]
    print("\n".join(lines))
    if not arguments.quick:
        write_section(arguments.output, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
