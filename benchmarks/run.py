"""One run of every benchmark, on loopback, bounded in time; figures into BENCHMARKS.md and a chart.

    ./dev bench                 # the full run (about 12 minutes)
    ./dev bench --quick         # shorter rounds, for trying the script itself

Measures the mock (1 and 2 workers under Granian, 1 under uvicorn) against Stoplight Prism (static and
dynamic), a minimal Connexion app and a bare endpoint under both servers, with wrk, alternating the runs
so that machine noise falls on all alike; then start-up, a million-viewer stream, hostile input, a soak,
the contract suite and a deep Schemathesis run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import yaml

from benchmarks.benchmarks_page import write_chart, write_report
from benchmarks.measure import hostile_latencies, large_stream_latencies
from benchmarks.processes import Server, cpu_seconds, free_port, peak_rss_mib, rss_mib
from benchmarks.results import (
    BARE_GRANIAN,
    BARE_UVICORN,
    MINIMAL,
    MOCK_ONE,
    MOCK_TWO,
    MOCK_UVICORN,
    Results,
    Throughput,
)
from benchmarks.wrk import ensure_wrk, run_wrk

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_STREAM = "64d15f9e2e6c8f4d5a123456"
LARGE_STREAM = "64d15f9e2e6c8f4d5a100000"
VIEWERS = "/api/v1/live-stream/{}/viewers"
PRISM_VERSION = "5.16.0"
PRISM_DIR = REPO / "benchmarks" / "tools" / "prism"
RESULTS = REPO / "benchmarks" / "results" / "latest.json"  # raw figures of the last full run (not committed)
CHART = REPO / "benchmarks" / "throughput.png"
def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory_kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                          if line.startswith("MemTotal")))
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": f"{memory_kib / 1024 / 1024:.0f} GiB",
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "wrk": subprocess.run([ensure_wrk(), "-v"], capture_output=True, text=True).stdout.split("\n")[0],
            "load at the start": load_average()}


def load_average() -> str:
    """The 1, 5 and 15-minute load averages: figures taken on a busy machine say so."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def mockserver(*args: str) -> list[str]:
    return [sys.executable, "-m", "mockserver", *args]


def ensure_prism() -> Path:
    """Prism from the npm registry, in a folder of its own."""
    binary = PRISM_DIR / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        PRISM_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(PRISM_DIR), "--no-audit", "--no-fund", "--silent",
                        f"@stoplight/prism-cli@{PRISM_VERSION}"], check=True)
    return binary


def mock_server(name: str, port: int, token: str, *args: str) -> Server:
    url = f"http://127.0.0.1:{port}{VIEWERS.format(EXAMPLE_STREAM)}"
    return Server(name, mockserver("--port", str(port), *args), url, {"Authorization": f"Bearer {token}"}, REPO)


def prism_spec(page: dict[str, object], folder: Path) -> Path:
    """openapi.yaml with its 200 example replaced by a page the mock served, so Prism sends the same body."""
    spec = yaml.safe_load((REPO / "openapi.yaml").read_text(encoding="utf-8"))
    spec["paths"]["/api/v1/live-stream/{id}/viewers"]["get"]["responses"]["200"]["content"]["application/json"][
        "example"] = page
    path = folder / "prism-openapi.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def mock_under_uvicorn(port: int, token: str) -> Server:
    """The same app under uvicorn (uvloop, httptools), its settings from MOCK_* as any ASGI server would pass them."""
    command = [sys.executable, "-m", "uvicorn", "--factory", "mockserver.cli.serve:app_from_environment",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
               "--lifespan", "off"]
    url = f"http://127.0.0.1:{port}{VIEWERS.format(EXAMPLE_STREAM)}"
    return Server(MOCK_UVICORN, command, url, {"Authorization": f"Bearer {token}"}, REPO, env={"MOCK_PORT": str(port)})


def prism_server(name: str, prism: Path, spec: Path, port: int, auth: dict[str, str], *options: str) -> Server:
    command = [str(prism), "mock", *options, str(spec), "-h", "127.0.0.1", "-p", str(port), "-v", "error"]
    return Server(name, command, f"http://127.0.0.1:{port}{VIEWERS.format(EXAMPLE_STREAM)}", auth)


def module_server(name: str, module: str, port: int, body: Path, server: str, auth: dict[str, str]) -> Server:
    command = [sys.executable, "-m", module, "--port", str(port), "--body", str(body), "--server", server]
    return Server(name, command, f"http://127.0.0.1:{port}{VIEWERS.format(EXAMPLE_STREAM)}", auth, REPO)


def throughput(results: Results, token: str, folder: Path, rounds: int) -> None:
    """Every target alternately, `rounds` times; all servers idle while another is measured."""
    prism = ensure_prism()
    reference = mock_server("reference", free_port(), token).start()
    page = httpx.get(reference.probe_url, headers=reference.headers).json()
    reference.stop()
    body = folder / "page.json"
    body.write_bytes(json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode())
    spec = prism_spec(page, folder)
    auth = {"Authorization": f"Bearer {token}"}
    servers = [
        mock_server(MOCK_ONE, free_port(), token),
        mock_server(MOCK_TWO, free_port(), token, "--workers", "2"),
        mock_under_uvicorn(free_port(), token),
        prism_server("Prism static", prism, spec, free_port(), auth),
        prism_server("Prism dynamic", prism, spec, free_port(), auth, "-d"),
        module_server(MINIMAL, "benchmarks.minimal_connexion", free_port(), body, "granian", auth),
        module_server(BARE_GRANIAN, "benchmarks.bare_endpoint", free_port(), body, "granian", auth),
        module_server(BARE_UVICORN, "benchmarks.bare_endpoint", free_port(), body, "uvicorn", auth),
    ]
    try:
        for server in servers:
            server.start()
            results.throughput[server.name] = Throughput(server.name, ready_seconds=server.ready_seconds)
        for round_number in range(rounds):
            for server in servers:
                seconds = results.seconds if "dynamic" not in server.name else max(5, results.seconds // 2)
                cpu_before, started = cpu_seconds(server.pid), time.perf_counter()
                measured = run_wrk(server.probe_url, token=token, connections=results.connections, seconds=seconds)
                cores = (cpu_seconds(server.pid) - cpu_before) / (time.perf_counter() - started)
                results.throughput[server.name].rounds.append(measured)
                results.throughput[server.name].cores.append(cores)
                print(f"  round {round_number + 1} {server.name:<28} {measured.requests_per_s:8.0f} req/s "
                      f"p50 {measured.p50_ms:6.2f} ms p99 {measured.p99_ms:7.2f} ms errors {measured.errors} "
                      f"cores {cores:.2f}",
                      flush=True)
        for server in servers:
            results.throughput[server.name].peak_rss_mib = peak_rss_mib(server.pid)
    finally:
        for server in servers:
            server.stop()
    identical_workers(results, token)


def identical_workers(results: Results, token: str) -> None:
    """Every worker of a 2-worker mock serves the same bytes (timestamp aside)."""
    server = mock_server(MOCK_TWO, free_port(), token, "--workers", "2").start()
    try:
        bodies = set()
        for _ in range(40):
            with httpx.Client() as client:  # a new connection each time, so both workers answer
                text = client.get(server.probe_url, params={"page": "2", "limit": "50"}, headers=server.headers).text
                bodies.add(re.sub(r'"timestamp":"[^"]+"', "", text))
        results.scale["identical bodies from 2 workers (distinct bodies in 40 answers)"] = len(bodies)
    finally:
        server.stop()


def startup(results: Results, token: str, folder: Path, times: int) -> None:
    for _ in range(times):
        server = mock_server("mock", free_port(), token).start()
        results.startup.setdefault("mock (default data)", []).append(server.ready_seconds)
        server.stop()
    prism = ensure_prism()
    for _ in range(max(2, times // 2)):
        port = free_port()
        server = Server("Prism", [str(prism), "mock", str(REPO / "openapi.yaml"), "-h", "127.0.0.1", "-p", str(port),
                                  "-v", "error"], f"http://127.0.0.1:{port}{VIEWERS.format(EXAMPLE_STREAM)}",
                        {"Authorization": f"Bearer {token}"}).start()
        results.startup.setdefault("Prism (static)", []).append(server.ready_seconds)
        server.stop()


def scale(results: Results, token: str, audience: int) -> None:
    port = free_port()
    server = Server("mock, 1M", mockserver("--port", str(port), "--audience", str(audience)),
                    f"http://127.0.0.1:{port}{VIEWERS.format(LARGE_STREAM)}", {"Authorization": f"Bearer {token}"},
                    REPO).start(timeout_s=120)
    try:
        results.scale[f"ready with {audience:,} viewers (s)"] = server.ready_seconds
        results.scale[f"RSS when ready with {audience:,} viewers (MiB)"] = rss_mib(server.pid)
        results.scale_latencies = large_stream_latencies(f"http://127.0.0.1:{port}", LARGE_STREAM, token, audience)
        results.scale["RSS after the latency runs (MiB)"] = rss_mib(server.pid)
        results.hostile = hostile_latencies(f"http://127.0.0.1:{port}", EXAMPLE_STREAM, token)
    finally:
        server.stop()


def soak(results: Results, token: str, seconds: int, connections: int) -> None:
    server = mock_server("mock (soak)", free_port(), token).start()
    samples: dict[str, float] = {}

    def sample_rss() -> None:
        time.sleep(10)
        samples["after 10 s"] = rss_mib(server.pid)

    sampler = threading.Thread(target=sample_rss, daemon=True)
    try:
        sampler.start()
        measured = run_wrk(server.probe_url, token=token, connections=connections, seconds=seconds, threads=2)
        sampler.join()
        samples["at the end"] = rss_mib(server.pid)
    finally:
        server.stop()
    results.soak = {"seconds": seconds, "connections": connections, "requests": measured.requests,
                    "requests_per_s": measured.requests_per_s, "errors": measured.errors, "p99_ms": measured.p99_ms,
                    "rss_after_10s_mib": samples["after 10 s"], "rss_end_mib": samples["at the end"]}


def contract_suite(results: Results) -> None:
    for profile in ("fast", "deep"):
        environ = {k: v for k, v in os.environ.items() if not k.startswith("CONTRACT_")}
        environ |= {"CONTRACT_PROFILE": profile, "CONTRACT_SEED": "20261127",
                    "CONTRACT_REPORT": str(Path(tempfile.gettempdir()) / f"bench-contract-{profile}.md")}
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "pytest", "contract_tests", "-q", "-p", "no:cacheprovider"],
                             cwd=REPO, env=environ, capture_output=True, text=True, timeout=3600)
        results.suite_seconds[f"{profile} profile ({'passed' if run.returncode == 0 else 'FAILED'})"] = (
            time.perf_counter() - started)


def deep_schemathesis(results: Results, token: str, folder: Path, examples: int) -> None:
    server = mock_server("mock (schemathesis)", free_port(), token, "--validate-responses").start()
    config = folder / "schemathesis.toml"
    config.write_text(f'[parameters]\n"path.id" = "{EXAMPLE_STREAM}"\n\n[warnings]\nfail-on = true\n')
    base_url = server.probe_url.split("/api/")[0]
    try:
        started = time.perf_counter()
        run = subprocess.run(
            [str(Path(sys.executable).with_name("st")), "--config-file", str(config), "run", str(REPO / "openapi.yaml"),
             "--url", base_url, "-H", f"Authorization: Bearer {token}", "--checks", "all", "--mode", "all",
             "--max-examples", str(examples), "--generation-database", "none", "--seed", "20261127", "--no-color"],
            capture_output=True, text=True, cwd=folder, timeout=3600,
            env={**os.environ, "SCHEMATHESIS_HOOKS": "contract_tests.registry.checks", "PYTHONPATH": str(REPO)})
        seconds = time.perf_counter() - started
    finally:
        server.stop()
    cases = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    results.schemathesis = {
        "exit status": str(run.returncode),
        "cases generated": cases.group(1) if cases else "?",
        "cases passed": cases.group(2) if cases else "?",
        "verdict": "No issues found" if "No issues found" in run.stdout else run.stdout.strip().splitlines()[-1],
        "seconds": f"{seconds:.0f}",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short rounds, to try the script (figures not kept)")
    parser.add_argument("--output", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--render", type=Path, metavar="RESULTS_JSON",
                        help="write the report again from a run's saved figures, without measuring")
    arguments = parser.parse_args()
    quick = arguments.quick
    if arguments.render:
        results = Results.load(arguments.render)
        write_chart(results, CHART)
        write_report(results, arguments.output, CHART)
        print(f"wrote {arguments.output} and {CHART}")
        return 0
    token = subprocess.run(mockserver("token"), capture_output=True, text=True, check=True).stdout.strip()
    results = Results(command="./dev bench" + (" --quick" if quick else ""), machine=machine(), connections=50,
                      seconds=3 if quick else 10)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        print("throughput (wrk, 1 thread, 50 connections)", flush=True)
        throughput(results, token, folder, rounds=1 if quick else 3)
        print("start-up", flush=True)
        startup(results, token, folder, times=2 if quick else 6)
        print("scale: a million viewers; hostile input", flush=True)
        scale(results, token, 100_000 if quick else 1_000_000)
        print("soak", flush=True)
        soak(results, token, seconds=15 if quick else 120, connections=200)
        print("contract suite, fast and deep", flush=True)
        contract_suite(results)
        print("deep Schemathesis run", flush=True)
        deep_schemathesis(results, token, folder, examples=200 if quick else 6000)
    saved = RESULTS if not quick else Path(tempfile.gettempdir()) / "benchmarks-quick.json"
    results.machine["load at the end"] = load_average()
    results.save(saved)
    print(f"saved the figures to {saved}")
    output = arguments.output if not quick else Path(tempfile.gettempdir()) / "BENCHMARKS.quick.md"
    chart = CHART if not quick else output.with_suffix(".png")
    write_chart(results, chart)
    write_report(results, output, chart)
    print(f"wrote {output} and {chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
