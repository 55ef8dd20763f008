"""Fixtures: the data set as a JSON file people can read and edit, checked on load.

A load error names the file, the record and the field, and says what was expected, so that a
hand-edited file is fixed in one go instead of failing at request time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mockserver.core.churn import MAX_RATE_PER_MINUTE
from mockserver.core.clock import MAX_DURATION_S, format_duration, parse_duration
from mockserver.core.dataset import SEEDS, DataSet
from mockserver.core.model import (
    Churn,
    JsonObject,
    ListedAudience,
    ProfilePhoto,
    Stream,
    StreamState,
    Viewer,
    audience_order_key,
    parse_timestamp,
)

FORMAT = "allmine-live-stream-viewers/1"
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_STREAM_KEYS = {"_id", "title", "state", "participantAudienceTotal", "blockedUserIds", "churn", "liveFor",
                "viewers"}
_CHURN_KEYS = {"joinsPerMinute", "leavesPerMinute"}
_VIEWER_KEYS = {"_id", "username", "name", "surname", "profilePhoto", "followersCount", "followingCount",
                "expertise", "joinedAt", "followedBy"}
_PHOTO_KEYS = {"_id", "url", "type", "variants", "createdAt", "updatedAt"}


class FixtureError(ValueError):
    """A fixtures file that cannot be served, with the place of the first problem."""


def export_dataset(dataset: DataSet) -> JsonObject:
    """The whole data set as one JSON document, viewers in audience order."""
    streams = []
    for stream in dataset.streams.values():
        viewers = []
        for position in range(len(stream.audience)):
            viewer = stream.audience.viewer(position)
            record = viewer.to_json()
            if viewer.followed_by is not None:
                record["followedBy"] = sorted(viewer.followed_by)
            viewers.append(record)
        head: JsonObject = {
            "_id": stream.id,
            "title": stream.title,
            "state": stream.state.value,
            "participantAudienceTotal": stream.participant_audience_total,
            "blockedUserIds": sorted(stream.blocked_user_ids),
        }
        if stream.churn is not None:
            head["churn"] = stream.churn.to_json()
        if stream.live_for_s is not None:
            head["liveFor"] = format_duration(stream.live_for_s)
        streams.append({**head, "viewers": viewers})
    return {"format": FORMAT, "seed": dataset.seed, "streams": streams}


def dump_fixtures(dataset: DataSet) -> str:
    """The export as text: one viewer a line, so that diffs and hand edits stay readable."""
    document = export_dataset(dataset)
    blocks = []
    for stream in document["streams"]:
        head = json.dumps({k: v for k, v in stream.items() if k != "viewers"}, ensure_ascii=False)[:-1]
        viewers = ",\n".join(f"      {json.dumps(v, ensure_ascii=False)}" for v in stream["viewers"])
        body = f"\n{viewers}\n    " if viewers else ""
        blocks.append(f'    {head}, "viewers": [{body}]}}')
    streams = ",\n".join(blocks)
    return f'{{\n  "format": {json.dumps(FORMAT)},\n  "seed": {document["seed"]},\n  "streams": [\n{streams}\n  ]\n}}\n'


def load_fixtures(path: Path) -> DataSet:
    """Read and check a fixtures file; FixtureError names the first bad record and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FixtureError(f"{path}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise FixtureError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FixtureError(f"{path}: not JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    try:
        return _dataset_from(document)
    except FixtureError as error:
        raise FixtureError(f"{path}: {error}") from None


class _Reader:
    """Typed access to one JSON object, each failure naming its place."""

    def __init__(self, value: Any, place: str, allowed: set[str]) -> None:
        if not isinstance(value, dict):
            raise FixtureError(f"{place}: expected an object, got {_shown(value)}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise FixtureError(f"{place}: unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
        self.value: dict[str, Any] = value
        self.place = place

    def field(self, key: str, check: Callable[[Any], str | None], expected: str, *, optional: bool = False) -> Any:
        if key not in self.value:
            if optional:
                return None
            raise FixtureError(f"{self.place}.{key}: missing (expected {expected})")
        value = self.value[key]
        problem = check(value)
        if problem is not None:
            raise FixtureError(f"{self.place}.{key}: {_shown(value)} is not {expected}{problem}")
        return value

    def text(self, key: str, *, optional: bool = False) -> Any:
        return self.field(key, _check_text, "a single-line string", optional=optional)

    def object_id(self, key: str) -> str:
        return str(self.field(key, _check_object_id, "an ObjectId (24 hex digits)"))

    def count(self, key: str) -> int:
        return int(self.field(key, _check_count, "a non-negative integer"))

    def timestamp(self, key: str) -> int:
        value = self.field(key, _check_timestamp, "an RFC 3339 date-time such as 2026-02-18T09:30:00.000Z")
        return parse_timestamp(value)

    def id_list(self, key: str) -> frozenset[str] | None:
        values = self.field(key, _check_text_list, "a list of strings", optional=True)
        return None if values is None else frozenset(values)


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return ""
    return " (it holds a control character)" if _CONTROL.search(value) else None


def _check_object_id(value: Any) -> str | None:
    return None if isinstance(value, str) and _OBJECT_ID.fullmatch(value) else ""


def _check_count(value: Any) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else ""


def _check_timestamp(value: Any) -> str | None:
    try:
        parse_timestamp(value)
    except (TypeError, ValueError):
        return ""
    return None


def _check_text_list(value: Any) -> str | None:
    return None if isinstance(value, list) and all(isinstance(v, str) for v in value) else ""


def _check_url(value: Any) -> str | None:
    return None if isinstance(value, str) and re.fullmatch(r"https?://\S+", value) else ""


def _check_variants(value: Any) -> str | None:
    if not isinstance(value, dict):
        return ""
    return None if all(_check_url(url) is None for url in value.values()) else " (every variant must be a URL)"


def _dataset_from(document: Any) -> DataSet:
    top = _Reader(document, "fixtures", {"format", "seed", "streams"})
    top.field("format", lambda v: None if v == FORMAT else "", f"{FORMAT!r}")
    seed = top.field("seed", lambda v: None if isinstance(v, int) and not isinstance(v, bool) and v in SEEDS else "",
                     f"a whole number from {SEEDS.start} to {SEEDS.stop - 1}")
    streams = top.field("streams", lambda v: None if isinstance(v, list) else "", "a list of streams")
    try:
        return DataSet.of(seed, (_stream_from(raw, f"streams[{n}]") for n, raw in enumerate(streams)))
    except FixtureError:
        raise
    except ValueError as error:  # a stream id given twice
        raise FixtureError(str(error)) from None


def _stream_from(raw: Any, place: str) -> Stream:
    reader = _Reader(raw, place, _STREAM_KEYS)
    stream_id = reader.object_id("_id")
    place = f"{place} (stream {stream_id})"
    reader.place = place
    state = reader.field("state", lambda v: None if v in {s.value for s in StreamState} else "",
                         "'live' or 'ended'")
    viewers = reader.field("viewers", lambda v: None if isinstance(v, list) else "", "a list of viewers")
    loaded = sorted(_viewers_from(viewers, place), key=audience_order_key)
    total = reader.count("participantAudienceTotal")
    if total < len(loaded):
        raise FixtureError(f"{place}.participantAudienceTotal: {total} is below the {len(loaded)} viewers listed")
    return Stream(
        id=stream_id,
        title=reader.text("title", optional=True) or "",
        state=StreamState(state),
        participant_audience_total=total,
        audience=ListedAudience(tuple(loaded)),
        blocked_user_ids=reader.id_list("blockedUserIds") or frozenset(),
        churn=_churn_from(reader.value["churn"], f"{place}.churn") if "churn" in reader.value else None,
        live_for_s=_live_for_from(reader) if "liveFor" in reader.value else None,
    )


def _churn_from(raw: Any, place: str) -> Churn:
    reader = _Reader(raw, place, _CHURN_KEYS)
    expected = f"a whole number of viewers a minute from 0 to {MAX_RATE_PER_MINUTE}"

    def rate(value: Any) -> str | None:
        return None if _check_count(value) is None and value <= MAX_RATE_PER_MINUTE else ""

    return Churn(reader.field("joinsPerMinute", rate, expected), reader.field("leavesPerMinute", rate, expected))


def _live_for_from(reader: _Reader) -> int:
    def check(value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return None if 1 <= value <= MAX_DURATION_S else ""
        try:
            return None if isinstance(value, str) and 1 <= parse_duration(value) <= MAX_DURATION_S else ""
        except ValueError:
            return ""

    value = reader.field("liveFor", check, f"a duration of at least 1s and at most {MAX_DURATION_S // 3600}h, "
                                           "such as \"15m\" or 900 (seconds)")
    return value if isinstance(value, int) else parse_duration(value)


def _viewers_from(raw_viewers: list[Any], place: str) -> Iterator[Viewer]:
    seen: set[str] = set()
    for number, raw in enumerate(raw_viewers):
        viewer = _viewer_from(raw, f"{place}.viewers[{number}]")
        if viewer.id.lower() in seen:
            raise FixtureError(f"{place}.viewers[{number}]._id: {viewer.id} appears twice in this stream")
        seen.add(viewer.id.lower())
        yield viewer


def _viewer_from(raw: Any, place: str) -> Viewer:
    reader = _Reader(raw, place, _VIEWER_KEYS)
    reader.place = f"{place} (viewer {reader.object_id('_id')})"
    photo_raw = reader.field("profilePhoto", lambda v: None if v is None or isinstance(v, dict) else "",
                             "null or a photo object")
    return Viewer(
        id=reader.object_id("_id"),
        username=reader.text("username"),
        name=reader.text("name"),
        surname=reader.text("surname"),
        profile_photo=None if photo_raw is None else _photo_from(photo_raw, f"{reader.place}.profilePhoto"),
        followers_count=reader.count("followersCount"),
        following_count=reader.count("followingCount"),
        expertise=reader.field("expertise", lambda v: None if v is None else _check_text(v),
                               "null or a single-line string"),
        joined_at_ms=reader.timestamp("joinedAt"),
        followed_by=reader.id_list("followedBy"),
    )


def _photo_from(raw: Any, place: str) -> ProfilePhoto:
    reader = _Reader(raw, place, _PHOTO_KEYS)
    reader.field("type", lambda v: None if v == "image" else "", "'image'")
    return ProfilePhoto(
        id=reader.object_id("_id"),
        url=reader.field("url", _check_url, "an http(s) URL"),
        variants=dict(reader.field("variants", _check_variants, "an object of size to URL")),
        created_at_ms=reader.timestamp("createdAt"),
        updated_at_ms=reader.timestamp("updatedAt"),
    )
