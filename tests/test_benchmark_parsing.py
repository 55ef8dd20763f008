"""The benchmark reads wrk's figures right (its numbers go into BENCHMARKS.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.wrk import WrkResult

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8080/api/v1/live-stream/64d15f9e2e6c8f4d5a123456/viewers
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     8.21ms    3.10ms  61.03ms   85.32%
    Req/Sec     6.12k   412.33     6.71k    81.00%
  Latency Distribution
     50%    7.76ms
     75%    9.02ms
     90%   11.48ms
     99%   22.89ms
  60934 requests in 10.01s, 652.27MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   6090.12
Transfer/sec:     65.19MB
"""


def test_wrk_figures_are_read() -> None:
    result = WrkResult.parse(WRK_OUTPUT)
    assert result == WrkResult(requests_per_s=6090.12, p50_ms=7.76, p99_ms=22.89, requests=60934, errors=7)


def test_microseconds_and_seconds_are_converted() -> None:
    text = WRK_OUTPUT.replace("7.76ms", "950.00us").replace("22.89ms", "1.20s")
    result = WrkResult.parse(text)
    assert result.p50_ms == pytest.approx(0.95) and result.p99_ms == pytest.approx(1200.0)


def test_output_without_figures_is_refused() -> None:
    with pytest.raises(ValueError, match="wrk printed no"):
        WrkResult.parse("unable to connect to 127.0.0.1:8080 Connection refused")


def test_the_report_keeps_the_sections_other_benchmark_scripts_wrote(tmp_path: Path) -> None:
    from benchmarks.benchmarks_page import kept_sections

    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# old\n<!-- proxy-and-record:start -->\n## proxy\nrow\n<!-- proxy-and-record:end -->\n"
                    "## not kept\n<!-- a:start -->\nx\n<!-- b:end -->\n", encoding="utf-8")
    assert kept_sections(path) == ["<!-- proxy-and-record:start -->\n## proxy\nrow\n<!-- proxy-and-record:end -->\n"]
    assert kept_sections(tmp_path / "missing.md") == []
