"""Fixtures files: the committed default export, round trips, and errors that name the bad record."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mockserver.core.dataset import EXAMPLE_STREAM_ID, default_dataset
from mockserver.core.fixtures import FixtureError, dump_fixtures, export_dataset, load_fixtures
from mockserver.core.model import Churn
from tests.conftest import REPO

DEFAULT_EXPORT = REPO / "fixtures" / "default-dataset.json"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(DEFAULT_EXPORT.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_committed_export_is_what_the_default_seed_generates() -> None:
    assert DEFAULT_EXPORT.read_text(encoding="utf-8") == dump_fixtures(default_dataset())


def test_loading_the_export_serves_the_same_data() -> None:
    assert export_dataset(load_fixtures(DEFAULT_EXPORT)) == export_dataset(default_dataset())


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "fixtures.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def edited(document: dict[str, Any], stream: int, viewer: int | None, field: str, value: Any) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(document))
    target = copy["streams"][stream] if viewer is None else copy["streams"][stream]["viewers"][viewer]
    if value is KeyError:
        del target[field]
    else:
        target[field] = value
    return copy


@pytest.mark.parametrize(("viewer", "field", "value", "message"), [
    (3, "_id", "not-an-id", r"streams\[0\].*viewers\[3\].*\._id: \"not-an-id\" is not an ObjectId"),
    (3, "followersCount", -4, r"viewers\[3\] \(viewer [0-9a-f]{24}\)\.followersCount: -4 is not a non-negative"),
    (3, "followersCount", True, r"followersCount: true is not a non-negative integer"),
    (5, "joinedAt", "2026-13-01", r"viewers\[5\].*joinedAt: \"2026-13-01\" is not an RFC 3339"),
    (5, "name", KeyError, r"viewers\[5\].*\.name: missing"),
    (5, "email", "leak@example.com", r"viewers\[5\].*unknown field 'email'"),
    (5, "profilePhoto", "photo.jpg", r"profilePhoto: \"photo.jpg\" is not null or a photo object"),
    (5, "username", "two\nlines", r"username: .* control character"),
    (5, "expertise", 7, r"viewers\[5\].*expertise: 7 is not null or a single-line string"),
    (5, "expertise", KeyError, r"viewers\[5\].*\.expertise: missing"),
])
def test_bad_viewer_is_named(tmp_path: Path, document: dict[str, Any], viewer: int, field: str, value: Any,
                             message: str) -> None:
    with pytest.raises(FixtureError, match=message) as failure:
        load_fixtures(write(tmp_path, edited(document, 0, viewer, field, value)))
    assert str(tmp_path / "fixtures.json") in str(failure.value)


def test_a_null_expertise_loads_and_is_served_null(tmp_path: Path, document: dict[str, Any]) -> None:
    stream = load_fixtures(write(tmp_path, edited(document, 0, 5, "expertise", None))).live_stream(
        document["streams"][0]["_id"])
    wanted = document["streams"][0]["viewers"][5]["_id"]
    viewers = [stream.audience.viewer(i) for i in range(len(stream.audience))]
    (viewer,) = (viewer for viewer in viewers if viewer.id == wanted)
    assert viewer.expertise is None and viewer.to_json()["expertise"] is None


def test_bad_photo_field_is_named(tmp_path: Path, document: dict[str, Any]) -> None:
    copy = json.loads(json.dumps(document))
    photo_viewer = next(i for i, v in enumerate(copy["streams"][0]["viewers"]) if v["profilePhoto"])
    copy["streams"][0]["viewers"][photo_viewer]["profilePhoto"]["url"] = "ftp:/nowhere"
    with pytest.raises(FixtureError, match=rf"viewers\[{photo_viewer}\].*profilePhoto\.url: .* is not an http"):
        load_fixtures(write(tmp_path, copy))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("state", "paused", r"streams\[0\].*state: \"paused\" is not 'live' or 'ended'"),
    ("participantAudienceTotal", 3, r"participantAudienceTotal: 3 is below the 45 viewers listed"),
    ("_id", "123", r"streams\[0\]\._id: \"123\" is not an ObjectId"),
])
def test_bad_stream_is_named(tmp_path: Path, document: dict[str, Any], field: str, value: Any, message: str) -> None:
    with pytest.raises(FixtureError, match=message):
        load_fixtures(write(tmp_path, edited(document, 0, None, field, value)))


def test_duplicate_viewer_is_named(tmp_path: Path, document: dict[str, Any]) -> None:
    copy = json.loads(json.dumps(document))
    viewers = copy["streams"][0]["viewers"]
    viewers.append(dict(viewers[0]))
    with pytest.raises(FixtureError, match=r"viewers\[45\]\._id: .* appears twice"):
        load_fixtures(write(tmp_path, copy))


def test_duplicate_stream_is_named(tmp_path: Path, document: dict[str, Any]) -> None:
    copy = json.loads(json.dumps(document))
    copy["streams"].append(copy["streams"][2])
    with pytest.raises(FixtureError, match="stream 64d15f9e2e6c8f4d5a200000 appears twice"):
        load_fixtures(write(tmp_path, copy))


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", r"not JSON: .* line 1, column 2"),
    ("[]", "expected an object"),
    ('{"format": "other/1", "seed": 0, "streams": []}', "format: \"other/1\" is not 'allmine-live-stream-viewers/1'"),
    ('{"format": "allmine-live-stream-viewers/1", "seed": 99999999999999999999, "streams": []}',
     r"fixtures.seed: 99999999999999999999 is not a whole number from -9223372036854775808 to 9223372036854775807"),
])
def test_unreadable_files_are_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "fixtures.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FixtureError, match=message):
        load_fixtures(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match="cannot be read"):
        load_fixtures(tmp_path / "absent.json")


def test_hand_edited_viewers_are_served_in_audience_order(tmp_path: Path, document: dict[str, Any]) -> None:
    copy = json.loads(json.dumps(document))
    stream = copy["streams"][0]
    stream["viewers"].reverse()
    stream["viewers"][0]["joinedAt"] = "2030-01-01T00:00:00.000Z"
    stream["viewers"][0]["followedBy"] = ["64d15f9e2e6c8f4d5a000001"]
    dataset = load_fixtures(write(tmp_path, copy))
    audience = dataset.live_stream(EXAMPLE_STREAM_ID).audience
    assert audience.viewer(0).id == stream["viewers"][0]["_id"]
    assert audience.viewer(0).followed_by == frozenset({"64d15f9e2e6c8f4d5a000001"})
    joined = [audience.viewer(i).joined_at_ms for i in range(len(audience))]
    assert joined == sorted(joined, reverse=True)


def test_churn_and_live_for_round_trip(tmp_path: Path, document: dict[str, Any]) -> None:
    document = copy.deepcopy(document)
    document["streams"][0]["churn"] = {"joinsPerMinute": 12, "leavesPerMinute": 3}
    document["streams"][0]["liveFor"] = "15m"
    document["streams"][1]["liveFor"] = 90
    path = tmp_path / "live.json"
    path.write_text(json.dumps(document))
    loaded = load_fixtures(path)
    first, second = list(loaded.streams.values())[:2]
    assert first.churn == Churn(12, 3) and first.live_for_s == 900 and second.live_for_s == 90
    assert '"churn": {"joinsPerMinute": 12, "leavesPerMinute": 3}, "liveFor": "15m"' in dump_fixtures(loaded)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("churn", {"joinsPerMinute": 5}, "churn.leavesPerMinute: missing"),
    ("churn", {"joinsPerMinute": -1, "leavesPerMinute": 0}, "churn.joinsPerMinute: -1 is not a whole number"),
    ("churn", {"joinsPerMinute": 1, "leavesPerMinute": 0, "x": 1}, "churn: unknown field 'x'"),
    ("liveFor", "soon", 'liveFor: "soon" is not a duration'),
    ("liveFor", 0, "liveFor: 0 is not a duration"),
    ("liveFor", 10**23, f"liveFor: {10**23} is not a duration of at least 1s and at most 8760h"),
    ("liveFor", "99999999999h", 'liveFor: "99999999999h" is not a duration of at least 1s and at most 8760h'),
])
def test_bad_live_fields_are_named(tmp_path: Path, document: dict[str, Any], field: str, value: Any,
                                   message: str) -> None:
    document = copy.deepcopy(document)
    document["streams"][0][field] = value
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(FixtureError, match=re.escape(message)):
        load_fixtures(path)
