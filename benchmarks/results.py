"""One run's figures: what `./dev bench` measured, saved and loaded again to write BENCHMARKS.md."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.measure import Latencies
from benchmarks.wrk import WrkResult

# The throughput rows; benchmarks_page.py reads the same names.
MOCK_ONE = "mock, 1 worker (Granian)"
MOCK_TWO = "mock, 2 workers (Granian)"
MOCK_UVICORN = "mock, 1 worker (uvicorn)"
MINIMAL = "minimal Connexion (Granian)"
BARE_GRANIAN = "bare endpoint (Granian)"
BARE_UVICORN = "bare endpoint (uvicorn)"


@dataclass
class Throughput:
    name: str
    rounds: list[WrkResult] = field(default_factory=list)
    cores: list[float] = field(default_factory=list)  # CPU seconds of the server's processes per second, each round
    ready_seconds: float = 0.0
    peak_rss_mib: float = 0.0

    def median(self, attribute: str) -> float:
        return float(statistics.median(getattr(r, attribute) for r in self.rounds))

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rounds)


@dataclass
class Results:
    command: str
    machine: dict[str, str]
    connections: int
    seconds: int
    throughput: dict[str, Throughput] = field(default_factory=dict)
    startup: dict[str, list[float]] = field(default_factory=dict)
    scale: dict[str, float] = field(default_factory=dict)
    scale_latencies: list[Latencies] = field(default_factory=list)
    hostile: list[Latencies] = field(default_factory=list)
    soak: dict[str, float] = field(default_factory=dict)
    suite_seconds: dict[str, float] = field(default_factory=dict)
    schemathesis: dict[str, str] = field(default_factory=dict)


    def save(self, path: Path) -> None:
        """The raw figures, so that a report can be written again without measuring again."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Results:
        raw = json.loads(path.read_text(encoding="utf-8"))
        raw["throughput"] = {name: Throughput(name=t["name"], rounds=[WrkResult(**r) for r in t["rounds"]],
                                              cores=t.get("cores", []), ready_seconds=t["ready_seconds"],
                                              peak_rss_mib=t["peak_rss_mib"])
                             for name, t in raw["throughput"].items()}
        raw["scale_latencies"] = [Latencies(**{**m, "statuses": tuple(m["statuses"])}) for m in raw["scale_latencies"]]
        raw["hostile"] = [Latencies(**{**m, "statuses": tuple(m["statuses"])}) for m in raw["hostile"]]
        return cls(**raw)
