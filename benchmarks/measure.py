"""Single-request latencies: pages and searches on a large stream, and hostile input."""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass

import httpx

VIEWERS = "/api/v1/live-stream/{}/viewers"


@dataclass(frozen=True)
class Latencies:
    label: str
    count: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    statuses: tuple[int, ...]


def percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def timed_requests(client: httpx.Client, label: str, requests: list[tuple[str, dict[str, str], dict[str, str]]]
                   ) -> Latencies:
    """Send each request once, in order, one at a time; their latencies."""
    seconds, statuses = [], set()
    for path, params, headers in requests:
        started = time.perf_counter()
        response = client.get(path, params=params or None, headers=headers)  # {} would drop the path's query
        seconds.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
    return Latencies(label, len(seconds), statistics.median(seconds), percentile(seconds, 99), max(seconds),
                     tuple(sorted(statuses)))


def search_terms(client: httpx.Client, stream_id: str, auth: dict[str, str], count: int, seed: int) -> list[str]:
    """Realistic terms: 3 to 5 letters of names and surnames found on the first pages, each once."""
    rng = random.Random(seed)
    viewers = []
    for page in range(1, 6):
        viewers += client.get(VIEWERS.format(stream_id), params={"limit": "100", "page": str(page)},
                              headers=auth).json()["data"]["list"]
    terms: list[str] = []
    while len(terms) < count:
        viewer = rng.choice(viewers)
        word = rng.choice([viewer["name"], viewer["surname"]])
        if len(word) < 3:
            continue
        size = rng.randint(3, min(5, len(word)))
        start = rng.randint(0, len(word) - size)
        term = word[start:start + size]
        term = term.upper() if rng.random() < 0.3 else term
        if term not in terms:
            terms.append(term)
    return terms


def large_stream_latencies(base_url: str, stream_id: str, token: str, audience: int, seed: int = 1
                           ) -> list[Latencies]:
    """Any page (cold), realistic searches (first and repeated), and one-letter searches (worst case)."""
    auth = {"Authorization": f"Bearer {token}"}
    rng = random.Random(seed)
    path = VIEWERS.format(stream_id)
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        client.get(path, headers=auth)
        pages = []
        for _ in range(300):
            limit = rng.choice([10, 20, 50, 100])
            pages.append((path, {"page": str(rng.randint(1, audience // limit)), "limit": str(limit)}, auth))
        terms = search_terms(client, stream_id, auth, 100, seed)
        searches = [(path, {"search": term, "limit": "20"}, auth) for term in terms]
        next_pages = [(path, {"search": term, "limit": "20", "page": "2"}, auth) for term in terms]
        letters = [(path, {"search": letter, "limit": "20"}, auth) for letter in "aeiklmnorsty"]
        return [
            timed_requests(client, "any page (300 random pages and limits)", pages),
            timed_requests(client, "search, first time for each term (100 name fragments)", searches),
            timed_requests(client, "search, next page of the same terms", next_pages),
            timed_requests(client, "search for one common letter, first time (worst case, 12 letters)", letters),
        ]


HOSTILE = [
    ("10,000-character search", {"search": "ş" * 10_000}, {}),
    ("page = 10^30", {"page": "1" + "0" * 30}, {}),
    ("limit = 1e3", {"limit": "1e3"}, {}),
    ("many repeated parameters", {}, {"__repeat__": "1"}),
    ("16 KB Authorization header", {}, {"Authorization": "Bearer " + "A" * 16_384}),
    ("malformed percent-encoding in the path", {}, {"__path__": "/api/v1/live-stream/%zz%e0%80/viewers"}),
]


def hostile_latencies(base_url: str, stream_id: str, token: str) -> list[Latencies]:
    """Each hostile request five times: its slowest answer and its statuses."""
    auth = {"Authorization": f"Bearer {token}"}
    results = []
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        for label, params, special in HOSTILE:
            headers = {**auth, **{k: v for k, v in special.items() if not k.startswith("__")}}
            path = special.get("__path__", VIEWERS.format(stream_id))
            if "__repeat__" in special:
                path += "?" + "&".join(f"page={n}" for n in range(1, 2001))
            requests = [(path, params, headers)] * 5
            results.append(timed_requests(client, label, requests))
    return results
