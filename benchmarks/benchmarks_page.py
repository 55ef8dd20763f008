"""BENCHMARKS.md and its chart, from one run's results, with each target met or missed."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.results import Results


def write_chart(results: Results, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(results.throughput)
    rates = [results.throughput[n].median("requests_per_s") for n in names]
    p99s = [results.throughput[n].median("p99_ms") for n in names]
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    colours = ["#2b7bba" if n.startswith("mock") else "#999999" for n in names]
    left.barh(names, rates, color=colours)
    left.set_xlabel("requests/s (median of rounds; higher is better)")
    left.invert_yaxis()
    for y, rate in enumerate(rates):
        left.text(rate, y, f" {rate:,.0f}", va="center")
    right.barh(names, p99s, color=colours)
    right.set_xscale("log")
    right.set_xlabel("p99 latency, ms (log scale; lower is better)")
    right.invert_yaxis()
    for y, p99 in enumerate(p99s):
        right.text(p99, y, f" {p99:,.1f}", va="center")
    figure.suptitle(f"Default page (20 viewers), wrk 1 thread, {results.connections} connections, "
                    f"{results.seconds} s rounds, {results.machine['cores']} cores")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


DISTINCT_BODIES = "identical bodies from 2 workers (distinct bodies in 40 answers)"


def _mark(ok: bool | None) -> str:
    return "context, no target" if ok is None else "met" if ok else "**missed**"


def targets(results: Results) -> list[tuple[str, str, bool | None]]:
    from benchmarks.results import BARE_GRANIAN, MINIMAL, MOCK_ONE, MOCK_TWO, MOCK_UVICORN

    t = results.throughput
    one, two, prism = t[MOCK_ONE], t[MOCK_TWO], t["Prism static"]
    rate = one.median("requests_per_s")
    distinct = results.scale.get(DISTINCT_BODIES, 0)
    minimal, bare = t[MINIMAL].median("requests_per_s"), t[BARE_GRANIAN].median("requests_per_s")
    uvicorn = t[MOCK_UVICORN].median("requests_per_s")
    rows = [
        ("1 worker >= 1.7x Prism static", f"{rate / prism.median('requests_per_s'):.2f}x",
         rate >= 1.7 * prism.median("requests_per_s")),
        ("1 worker p99 < 25 ms at 50 connections", f"{one.median('p99_ms'):.1f} ms", one.median("p99_ms") < 25),
        ("1 worker: no errors", str(one.errors), one.errors == 0),
        ("2 workers >= 1.8x 1 worker", f"{two.median('requests_per_s') / rate:.2f}x",
         two.median("requests_per_s") >= 1.8 * rate),
        ("every worker serves identical data", f"{distinct:.0f} distinct body in 40 answers", distinct == 1),
        ("start-up to first request < 1 s", f"{statistics.median(results.startup['mock (default data)']):.2f} s",
         statistics.median(results.startup["mock (default data)"]) < 1.0),
        ("1 worker under Granian against the same app under uvicorn", f"{rate / uvicorn:.2f}x", None),
        ("1 worker against minimal Connexion (same spec, no auth, fixed body)", f"{rate / minimal:.2f}x", None),
        ("1 worker against the bare endpoint (the ceiling of the server)", f"{rate / bare:.2f}x", None),
    ]
    ready = next((v for k, v in results.scale.items() if k.startswith("ready with")), float("nan"))
    rss = next((v for k, v in results.scale.items() if k.startswith("RSS when ready")), float("nan"))
    rows += [
        ("1M viewers ready < 5 s", f"{ready:.2f} s", ready < 5),
        ("1M viewers RSS < 1 GiB", f"{rss:.0f} MiB", rss < 1024),
    ]
    by_label = {latency.label: latency for latency in results.scale_latencies}
    page = next(v for k, v in by_label.items() if k.startswith("any page"))
    search = next(v for k, v in by_label.items() if k.startswith("search, first time"))
    rows += [
        ("any page p99 < 10 ms", f"{page.p99_ms:.2f} ms", page.p99_ms < 10),
        ("search, first time for each term, p99 < 50 ms", f"{search.p99_ms:.2f} ms", search.p99_ms < 50),
    ]
    fast = next((v for k, v in results.suite_seconds.items() if k.startswith("fast")), float("nan"))
    rows.append(("contract suite, fast profile < 60 s", f"{fast:.1f} s",
                 fast < 60 and any(k == "fast profile (passed)" for k in results.suite_seconds)))
    soak = results.soak
    growth = soak["rss_end_mib"] / soak["rss_after_10s_mib"] - 1
    rows += [
        ("soak: zero errors, zero 5xx", f"{soak['errors']:.0f} in {soak['requests']:,.0f}", soak["errors"] == 0),
        ("soak: RSS at the end within 10% of RSS after 10 s", f"{growth:+.1%}", abs(growth) <= 0.10),
    ]
    generated = int(results.schemathesis.get("cases generated", "0").replace("?", "0"))
    exit_status = results.schemathesis.get("exit status")
    rows.append(("deep Schemathesis: >= 5,000 cases, no failure", f"{generated:,} cases, exit {exit_status}",
                 generated >= 5000 and exit_status == "0"))
    worst = max(h.max_ms for h in results.hostile)
    statuses = sorted({s for h in results.hostile for s in h.statuses})
    rows.append(("hostile input: 400/401/200 in < 100 ms, never 500", f"slowest {worst:.1f} ms, statuses {statuses}",
                 worst < 100 and set(statuses) <= {200, 400, 401}))
    return rows


def missed_targets(results: Results, rows: list[tuple[str, str, bool | None]]) -> list[str]:
    """What limits each missed target, with the figures of this run."""
    from benchmarks.results import MOCK_ONE, MOCK_TWO

    missed = [name for name, _, ok in rows if ok is False]
    if not missed:
        return []
    lines = ["### Missed, and what limits it", ""]
    t = results.throughput
    for name in missed:
        if name.startswith("2 workers"):
            one, two = (statistics.median(t[n].cores or [0.0]) for n in (MOCK_ONE, MOCK_TWO))
            lines.append(
                f"- **{name}**: the machine has {results.machine['cores']} cores and wrk runs on them too. One "
                f"Granian worker already keeps {one:.2f} cores busy (its Rust thread reads, parses and writes beside "
                f"the Python thread), so a second worker finds {two - one:.2f} more, not a whole core: two workers "
                f"used {two:.2f} cores. Each request costs the same CPU with one worker or two "
                f"({cpu_us_per_request(results, MOCK_ONE):.0f} and {cpu_us_per_request(results, MOCK_TWO):.0f} us): "
                "the workers scale; the cores run out. The uvicorn row shows the other side: one core for one worker, "
                "and fewer requests from it. The most two workers could do here, were wrk to take no CPU at all, is "
                f"{results.machine['cores']} cores over the {one:.2f} one worker keeps busy: "
                f"{float(results.machine['cores']) / max(one, 0.01):.2f}x; 1.8x needs 1.8 x {one:.2f} = "
                f"{1.8 * one:.2f} cores for the two workers, besides wrk's.")
        else:
            lines.append(f"- **{name}**: see its rows below.")
    return [*lines, ""]


def cpu_us_per_request(results: Results, name: str) -> float:
    """CPU time of the server's processes per request answered, in microseconds."""
    measured = results.throughput[name]
    return statistics.median(measured.cores or [1.0]) * 1e6 / measured.median("requests_per_s")


def where_the_time_goes(results: Results) -> list[str]:
    """Microseconds of one core per request, layer by layer: the server, Connexion, the mock's own work."""
    from benchmarks.results import BARE_GRANIAN, BARE_UVICORN, MINIMAL, MOCK_ONE, MOCK_UVICORN

    def cost(name: str) -> float:
        return cpu_us_per_request(results, name)

    server_granian, server_uvicorn = cost(BARE_GRANIAN), cost(BARE_UVICORN)
    layers = [
        ("the mock under uvicorn, all of it", cost(MOCK_UVICORN)),
        ("the mock under Granian, all of it", cost(MOCK_ONE)),
        ("what Granian saves the mock (uvicorn less Granian)", cost(MOCK_UVICORN) - cost(MOCK_ONE)),
        ("the server alone: the bare endpoint under uvicorn", server_uvicorn),
        ("the server alone: the bare endpoint under Granian", server_granian),
        ("the app above Granian: Connexion as the mock tunes it, auth, data, rendering (the mock less the bare "
         "endpoint)", cost(MOCK_ONE) - server_granian),
        ("for comparison, Connexion untuned doing no work above Granian (minimal Connexion less the bare endpoint)",
         cost(MINIMAL) - server_granian),
    ]
    lines = ["## Where the time goes", "",
             "CPU microseconds per request: the cores each server kept busy (all its processes and threads) over its "
             "requests per second, medians of the rounds above; differences are of rows of one run. A server that "
             "spends the same CPU on a request can still answer more of them a second by spending it on two threads "
             "at once: compare the cores column above.", "",
             "| layer | us per request |", "| --- | --- |"]
    lines += [f"| {name} | {value:,.0f} |" for name, value in layers]
    return [*lines, ""]


def write_report(results: Results, path: Path, chart: Path) -> None:
    m = results.machine
    rows = targets(results)
    chart_link = chart.relative_to(path.parent) if chart.is_relative_to(path.parent) else chart
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d} with `{results.command}` (script: `benchmarks/run.py`), in "
        "one run on one machine; all traffic on loopback.",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; Python {m['python']}; {m['wrk']}",
        f"- Load average (1, 5, 15 min) at the start of the run: {m.get('load at the start', 'not recorded')}; at the "
        f"end: {m.get('load at the end', 'not recorded')}. Above about 1, other work shared the cores: it slows "
        "rows unevenly and widens the tails (the rounds alternate so that it falls on all targets).",
        f"- Load: wrk, 1 thread, {results.connections} connections, {results.seconds} s a round; targets alternate "
        "round by round; medians of the rounds. Request logging off everywhere (Prism `-v error`).",
        "- Every target answers the same request: `GET /api/v1/live-stream/64d15f9e2e6c8f4d5a123456/viewers` with "
        "a valid token, a 20-viewer page (Prism's 200 example is a page the mock served).",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        *[f"| {name} | {value} | {_mark(ok)} |" for name, value, ok in rows],
        "",
        *missed_targets(results, rows),
        "## Throughput",
        "",
        f"![requests per second and p99 latency]({chart_link})",
        "",
        "| server | requests/s | p50 ms | p99 ms | errors | server's cores | peak RSS MiB | ready s "
        "| vs Prism static | vs bare (Granian) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    from benchmarks.results import BARE_GRANIAN

    prism = results.throughput["Prism static"].median("requests_per_s")
    bare = results.throughput[BARE_GRANIAN].median("requests_per_s")
    for name, measured in results.throughput.items():
        rate = measured.median("requests_per_s")
        lines.append(f"| {name} | {rate:,.0f} | {measured.median('p50_ms'):.2f} | {measured.median('p99_ms'):.2f} | "
                     f"{measured.errors} | {statistics.median(measured.cores or [0.0]):.2f} | "
                     f"{measured.peak_rss_mib:.0f} | {measured.ready_seconds:.2f} | "
                     f"{rate / prism:.2f}x | {rate / bare:.2f}x |")
    lines += ["", *where_the_time_goes(results)]
    lines += ["## Start-up (spawn to first served request)", "", "| server | runs (s) | median s |",
              "| --- | --- | --- |"]
    for name, runs in results.startup.items():
        lines.append(f"| {name} | {', '.join(f'{r:.2f}' for r in runs)} | {statistics.median(runs):.2f} |")
    lines += ["", "## A million viewers", "", "| measure | value |", "| --- | --- |"]
    lines += [f"| {name} | {value:,.2f} |" for name, value in results.scale.items()]
    lines += ["", "Single requests, one at a time, on the large stream:", "",
              "| requests | count | p50 ms | p99 ms | max ms | statuses |", "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {m.label} | {m.count} | {m.p50_ms:.2f} | {m.p99_ms:.2f} | {m.max_ms:.2f} | {list(m.statuses)} |"
              for m in results.scale_latencies]
    lines += ["", "## Hostile input (each sent 5 times)", "", "| request | p50 ms | max ms | statuses |",
              "| --- | --- | --- | --- |"]
    lines += [f"| {h.label} | {h.p50_ms:.2f} | {h.max_ms:.2f} | {list(h.statuses)} |" for h in results.hostile]
    s = results.soak
    lines += ["", "## Soak", "",
              f"wrk, 2 threads, {s['connections']:.0f} connections, {s['seconds']:.0f} s: "
              f"{s['requests']:,.0f} requests, "
              f"{s['requests_per_s']:,.0f} requests/s, p99 {s['p99_ms']:.1f} ms, {s['errors']:.0f} errors; RSS "
              f"{s['rss_after_10s_mib']:.1f} MiB after 10 s, {s['rss_end_mib']:.1f} MiB at the end.",
              "", "## Contract suite against the bundled mock", "", "| profile | seconds |", "| --- | --- |"]
    lines += [f"| {name} | {seconds:.1f} |" for name, seconds in results.suite_seconds.items()]
    lines += ["", "## Deep Schemathesis run (positive and negative, all checks and the registry's)", "",
              "| | |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in results.schemathesis.items()]
    churn = path.parent / "benchmarks" / "churn-results.md"
    if churn.exists():  # written by `python -m benchmarks.churn_at_scale`
        lines += ["", "## Churn at scale", "", churn.read_text(encoding="utf-8").rstrip()]
    lines += ["", "## Many identical mocks behind one address", "",
              "The data is a pure function of the seed (and of a fixtures file), so any number of processes or hosts "
              "started with the same options serve identical answers: `mockserver --workers N` shares one port among N "
              "processes; across hosts, start each with the same `--seed` (or `--fixtures`) and `--jwt-secret` behind "
              "any load balancer (nginx `upstream`, HAProxy, a Kubernetes Service). Tokens minted by one verify on "
              "all.",
              ""]
    lines += kept_sections(path)
    path.write_text("\n".join(lines), encoding="utf-8")


KEPT_SECTION = re.compile(r"<!-- ([a-z-]+):start -->\n.*?<!-- \1:end -->\n", re.DOTALL)


def kept_sections(path: Path) -> list[str]:
    """Sections other benchmark scripts write between `<!-- name:start/end -->` markers, kept as they are."""
    if not path.exists():
        return []
    return [match.group(0) for match in KEPT_SECTION.finditer(path.read_text(encoding="utf-8"))]
