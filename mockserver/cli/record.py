"""`mockserver fixtures record`: walk every page of live streams of a deployment into a fixtures file.

    mockserver fixtures record --base-url URL --token T --stream ID [--stream ID ...] -o FILE [--anonymize]

Each stream is walked at the largest page size the contract allows, a few pages at a time. A live
audience moves: when totals change during a walk (or a viewer shows up twice), the walk starts again,
a bounded number of times. The file is written beside the target and moved into place only when
every stream is recorded and the file loads as the mock would load it: nothing half-written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mockserver.cli.record_client import RecordError, ViewersClient, token_subject
from mockserver.core.anonymize import anonymize_viewer
from mockserver.core.dataset import DEFAULT_USER_ID, FORBIDDEN_USER_ID
from mockserver.core.fixtures import FORMAT, FixtureError, load_fixtures
from mockserver.core.model import format_timestamp, parse_timestamp
from mockserver.settings import DEFAULT_SPEC_PATH

_FIXTURE_FIELDS = ("_id", "username", "name", "surname", "profilePhoto", "followersCount", "followingCount",
                   "expertise", "joinedAt")
_API_ONLY_FIELDS = {"isFollowing"}
_KNOWN_FIELDS = frozenset(_FIXTURE_FIELDS) | _API_ONLY_FIELDS
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for a million lines, not one each
_CANONICAL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
# Up to this many viewers the file is loaded as the mock loads it before it replaces the output (a few
# seconds); a larger one is checked by the mock when it starts on it (about a minute for a million).
LOAD_CHECK_VIEWERS = 200_000


def add_record_parser(commands: Any) -> None:
    """`record` under `mockserver fixtures`."""
    record = commands.add_parser("record", help="record live streams of a deployment as a fixtures file")
    record.add_argument("--base-url", required=True, metavar="URL", help="the API's root, e.g. https://staging...")
    record.add_argument("--token", required=True, metavar="TOKEN", help="a bearer token the API accepts")
    record.add_argument("--stream", required=True, action="append", dest="streams", metavar="ID",
                        help="a live stream to record; repeat for more")
    record.add_argument("--output", "-o", required=True, metavar="FILE", help="the fixtures file to write")
    record.add_argument("--anonymize", action="store_true",
                        help="other names, usernames and photos (same person, same fake); ids, counts, times kept")
    record.add_argument("--attempts", default="3", metavar="N",
                        help="walks of a stream whose audience moves before giving up (default 3)")
    record.add_argument("--accept-churn", action="store_true",
                        help="after the last attempt, keep the walk anyway, each viewer once")
    record.add_argument("--concurrency", default="4", metavar="N", help="pages asked for at once (default 4)")


def max_limit() -> int:
    """The largest page the contract allows (openapi.yaml's maximum of limit)."""
    import yaml

    with DEFAULT_SPEC_PATH.open(encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    parameters = spec["paths"]["/api/v1/live-stream/{id}/viewers"]["get"]["parameters"]
    return int(next(p for p in parameters if p["name"] == "limit")["schema"]["maximum"])


@dataclass
class StreamRecording:
    stream_id: str
    viewers: int = 0
    audience_total: int = 0
    pages: int = 0
    walks: int = 0
    dropped_repeats: int = 0
    out_of_order: int = 0
    extra_fields: set[str] = field(default_factory=set)
    claimed: int = 0  # totalItems on the last page read: the viewers the stream says it has
    moved: str = ""  # what moved in the last walk, when --accept-churn kept it anyway
    broken: str = ""  # why the walks failed with totals that never moved: a broken deployment, not churn


class Progress:
    """A progress bar on a terminal, redrawn at most ten times a second; silent otherwise."""

    def __init__(self, stream: IO[str], label: str, total: int) -> None:
        self._stream, self._label, self._total = stream, label, max(total, 1)
        self._enabled = stream.isatty()
        self._started, self._drawn = time.monotonic(), float("-inf")

    def update(self, done: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if not self._enabled or (not final and now - self._drawn < 0.1):
            return
        self._drawn = now
        share = min(done / self._total, 1.0)
        bar = "#" * int(share * 30)
        self._stream.write(f"\r{self._label} [{bar:<30}] {share:4.0%} {done:,}/{self._total:,} pages "
                           f"{now - self._started:5.1f} s" + ("\n" if final else ""))
        self._stream.flush()


@dataclass
class Recorder:
    client: ViewersClient
    limit: int
    anonymize: bool = False
    attempts: int = 3
    accept_churn: bool = False
    concurrency: int = 4
    progress_stream: IO[str] = field(default_factory=lambda: sys.stderr)

    def __post_init__(self) -> None:
        subject = token_subject(self.client.token)
        # isFollowing as the recording's user saw it, for that user and for `mockserver token`'s.
        self.followers = sorted({DEFAULT_USER_ID, *([subject] if subject else [])})

    def record(self, stream_id: str, spool: IO[str]) -> StreamRecording:
        """Walk the stream into the spool (one viewer a line); start again when the audience moves."""
        recording = StreamRecording(stream_id)
        totals: set[tuple[Any, Any]] = set()  # (totalItems, participantAudienceTotal) of every page read
        moved = ""
        for walk in range(1, self.attempts + 1):
            recording = StreamRecording(stream_id, walks=walk)
            spool.seek(0)
            spool.truncate()
            moved = self._walk(stream_id, spool, recording, totals,
                               keep_going=walk == self.attempts and self.accept_churn)
            if not moved:
                return recording
            recording.moved = moved
        steady = len(totals) == 1
        if steady:
            recording.broken = (f"{moved}, yet totalItems and participantAudienceTotal never moved "
                                f"({recording.claimed}, {recording.audience_total} on every page of "
                                f"{self.attempts} walk(s)): no audience moved, the deployment's pages overlap or "
                                "miss viewers")
        if self.accept_churn:
            return recording
        if steady:
            raise RecordError(f"stream {stream_id}: {recording.broken}; its pagination is broken, not churning "
                              "(contract-test names the broken promise), and no later walk would record it whole")
        raise RecordError(f"stream {stream_id}'s audience kept moving ({moved}) in {self.attempts} walks; record at "
                          "a quieter moment, raise --attempts, or keep the last walk with --accept-churn")

    def _walk(self, stream_id: str, spool: IO[str], recording: StreamRecording, totals: set[tuple[Any, Any]], *,
              keep_going: bool) -> str:
        """One walk; what moved (empty when nothing did). Adds the totals of every page it reads to `totals`."""
        first = self.client.page(stream_id, 1, self.limit)
        expected = (first["pagination"].get("totalItems"), first.get("participantAudienceTotal"))
        total_pages = int(first["pagination"].get("totalPages") or 0)
        recording.audience_total = int(expected[1] or 0)
        recording.claimed = int(expected[0] or 0)
        progress = Progress(self.progress_stream, f"{stream_id} walk {recording.walks}", max(total_pages, 1))
        seen: set[str] = set()
        previous_key: tuple[str, str] | None = None
        moved = ""
        for number, data in enumerate(self._pages(stream_id, first, total_pages), start=1):
            page_totals = (data["pagination"].get("totalItems"), data.get("participantAudienceTotal"))
            totals.add(page_totals)
            recording.claimed = int(page_totals[0] or 0)
            if page_totals != expected and not moved:
                moved = f"totalItems, participantAudienceTotal {expected[0]}, {expected[1]} on page 1, " \
                        f"{page_totals[0]}, {page_totals[1]} on page {number}"
                if not keep_going:
                    return moved
            recording.audience_total = max(recording.audience_total, int(page_totals[1] or 0))
            for viewer in data["list"]:
                viewer_id = str(viewer.get("_id"))
                if viewer_id in seen:
                    recording.dropped_repeats += 1
                    moved = moved or f"viewer {viewer_id} met twice"
                    if not keep_going:
                        return moved
                    continue
                seen.add(viewer_id)
                key = (order_time(viewer.get("joinedAt")), viewer_id)
                if previous_key is not None and (key[0] > previous_key[0] or (key[0] == previous_key[0]
                                                 and key[1] < previous_key[1])):  # newest first, ties by _id
                    recording.out_of_order += 1
                previous_key = key
                spool.write(("," if recording.viewers else "") + "\n      " + self._fixture_line(viewer, recording))
                recording.viewers += 1
            recording.pages = number
            progress.update(number)
        progress.update(recording.pages, final=True)
        if not moved and recording.viewers != expected[0]:
            moved = f"{recording.viewers} viewers walked, totalItems says {expected[0]}"
        return moved

    def _pages(self, stream_id: str, first: dict[str, Any], total_pages: int) -> Iterator[dict[str, Any]]:
        """The pages in order, a few asked for at once."""
        yield first
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            pending: deque[Future[dict[str, Any]]] = deque()
            next_page = 2
            try:
                while next_page <= total_pages or pending:
                    while next_page <= total_pages and len(pending) < 2 * self.concurrency:
                        pending.append(pool.submit(self.client.page, stream_id, next_page, self.limit))
                        next_page += 1
                    yield pending.popleft().result()
            finally:
                for future in pending:
                    future.cancel()

    def _fixture_line(self, viewer: dict[str, Any], recording: StreamRecording) -> str:
        extra = viewer.keys() - _KNOWN_FIELDS
        if extra:
            recording.extra_fields.update(extra)
        record = {key: viewer[key] for key in _FIXTURE_FIELDS if key in viewer}
        if self.anonymize:
            record = anonymize_viewer(record)
        if isinstance(viewer.get("isFollowing"), bool):
            record["followedBy"] = self.followers if viewer["isFollowing"] else []
        return _ENCODE(record)


def order_time(text: Any) -> str:
    """A joinedAt as the mock writes it, which sorts as time does; RecordError when it is no date-time."""
    if isinstance(text, str) and _CANONICAL_TIME.fullmatch(text):
        return text  # the usual case, without parsing a million dates
    try:
        return format_timestamp(parse_timestamp(text))
    except (TypeError, ValueError, OverflowError):
        raise RecordError(f"a viewer's joinedAt is {text!r}, not an RFC 3339 date-time: the API breaks its "
                          "contract (contract-proxy or the contract suite tell more)") from None


def _stream_head(stream_id: str, title: str, audience_total: int) -> str:
    head = {"_id": stream_id, "title": title, "state": "live", "participantAudienceTotal": audience_total,
            "blockedUserIds": [FORBIDDEN_USER_ID]}  # `mockserver token --forbidden` still meets a 403
    return "    " + json.dumps(head, ensure_ascii=False)[:-1] + ', "viewers": ['


def _whole(text: str, option: str, low: int, high: int) -> int:
    if not text.strip().isdigit() or not low <= int(text) <= high:
        raise RecordError(f"{option} has value {text!r}: not a whole number from {low} to {high}")
    return int(text)


def record(arguments: argparse.Namespace) -> int:
    """The `record` command: 0 when the file is written, 1 when the recording failed (nothing written)."""
    started = time.monotonic()
    output = Path(arguments.output)
    try:
        attempts = _whole(arguments.attempts, "--attempts", 1, 100)
        concurrency = _whole(arguments.concurrency, "--concurrency", 1, 32)
        client = ViewersClient(arguments.base_url, arguments.token)
        recorder = Recorder(client, max_limit(), anonymize=arguments.anonymize, attempts=attempts,
                            accept_churn=arguments.accept_churn, concurrency=concurrency)
        recordings = write_recording(recorder, list(dict.fromkeys(s.lower() for s in arguments.streams)), output)
    except RecordError as error:
        print(f"mockserver fixtures record: {error}; nothing written", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mockserver fixtures record: stopped; nothing written", file=sys.stderr)
        return 130
    print(summary(recordings, output, time.monotonic() - started, client), file=sys.stderr)
    return 0


def write_recording(recorder: Recorder, stream_ids: list[str], output: Path) -> list[StreamRecording]:
    """Record every stream into a file beside the output, check it loads, then move it into place."""
    folder = output.resolve().parent
    if not folder.is_dir():
        raise RecordError(f"--output has value {str(output)!r}: its folder {folder} does not exist")
    title = f"Recorded from {recorder.client.base_url} on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC" + (
        ", anonymized" if recorder.anonymize else "")
    descriptor, temporary_name = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    temporary = Path(temporary_name)
    recordings = []
    try:
        with open(descriptor, "w", encoding="utf-8") as handle, tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
            handle.write(f'{{\n  "format": {json.dumps(FORMAT)},\n  "seed": 0,\n  "streams": [\n')
            for number, stream_id in enumerate(stream_ids):
                recording = recorder.record(stream_id, spool)
                recordings.append(recording)
                handle.write((",\n" if number else "") + _stream_head(stream_id, title, recording.audience_total))
                spool.seek(0)
                while chunk := spool.read(1 << 20):
                    handle.write(chunk)
                handle.write("\n    ]}" if recording.viewers else "]}")
            handle.write("\n  ]\n}\n")
        if sum(r.viewers for r in recordings) <= LOAD_CHECK_VIEWERS:
            try:
                load_fixtures(temporary)
            except FixtureError as error:
                raise RecordError(f"the recording would not load in the mock: {error}") from None
        umask = os.umask(0o022)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)  # as a file the user wrote, not mkstemp's 0600
        os.replace(temporary, output)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return recordings


def summary(recordings: list[StreamRecording], output: Path, seconds: float, client: ViewersClient) -> str:
    size = output.stat().st_size
    lines = [f"recorded {len(recordings)} stream(s) into {output} ({size / 1e6:.1f} MB) in {seconds:.1f} s"]
    if sum(r.viewers for r in recordings) > LOAD_CHECK_VIEWERS:
        lines.append(f"  over {LOAD_CHECK_VIEWERS:,} viewers: `mockserver --fixtures {output}` checks the file as it "
                     "starts")
    for r in recordings:
        lines.append(f"  {r.stream_id}: {r.viewers:,} viewers, participantAudienceTotal {r.audience_total:,}, "
                     f"{r.pages:,} page(s), {r.walks} walk(s)")
        if r.moved:
            why = f"not churn: {r.broken}" if r.broken else \
                f"--accept-churn kept a walk during which the audience moved ({r.moved})"
            lines.append(f"    warning: wrote {r.viewers:,} of the {r.claimed:,} viewers the stream claims "
                         f"(totalItems); {why}")
        if r.dropped_repeats:
            lines.append(f"    {r.dropped_repeats} viewer(s) met twice in the last walk were written once; "
                         + ("the pages overlap" if r.broken else "viewers who moved across a page may be missing"))
        if r.out_of_order:
            lines.append(f"    {r.out_of_order} viewer(s) came in an order the mock does not serve (newest joinedAt "
                         "first, ties by _id): pages around them will differ")
        if r.extra_fields:
            lines.append(f"    fields the contract does not have were left out: {', '.join(sorted(r.extra_fields))}")
    if client.pacing.throttled:
        lines.append(f"  the API throttled {client.pacing.throttled} time(s); waited {client.pacing.waited_s:.0f} s")
    return "\n".join(lines)
