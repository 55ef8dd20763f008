"""The mock's streams as `mockserver streams` lists them and the start-up banner shows them."""

from __future__ import annotations

from typing import Any

from mockserver.core.clock import format_duration
from mockserver.core.follows import follows, requester_key, viewer_key
from mockserver.core.live import LiveData
from mockserver.core.model import format_timestamp

FOLLOWS_LISTED = 10  # of each kind, per stream


def follow_rows(live: LiveData, stream_id: str, user: str) -> dict[str, list[str]]:
    """Viewers of a stream whose audience does not move that the user follows, and some it does not: what a
    contract suite holds isFollowing to (`followed`, `notFollowed`, each up to FOLLOWS_LISTED)."""
    stream = live.dataset.streams[stream_id]
    requester = requester_key(live.dataset.seed, user)
    listed: dict[str, list[str]] = {"followed": [], "notFollowed": []}
    for place in range(len(stream.audience)):
        if all(len(ids) >= FOLLOWS_LISTED for ids in listed.values()):
            break
        viewer = stream.audience.viewer(place)
        kind = "followed" if follows(user, requester, viewer.followed_by, viewer_key(viewer)) else "notFollowed"
        if len(listed[kind]) < FOLLOWS_LISTED:
            listed[kind].append(viewer.id)
    return listed


def stream_rows(live: LiveData, follows_of: str | None = None) -> list[dict[str, Any]]:
    """Each stream as the mock serves it at the current second of its clock; with `follows_of`, for each stream
    whose audience does not move, viewers that user follows and some it does not."""
    rows = []
    second = live.clock.second()
    for stream in live.dataset.streams.values():
        viewers, total = live.audience_size(stream, second)
        row: dict[str, Any] = {"id": stream.id, "state": stream.state.value, "viewers": viewers,
                               "participantAudienceTotal": total, "title": stream.title}
        if stream.churn is not None:
            row["churn"] = stream.churn.to_json()
        if follows_of is not None and stream.churn is None:
            row["follows"] = follow_rows(live, stream.id, follows_of)
        if stream.live_for_s is not None:
            row["endsAfterSeconds"] = stream.live_for_s
            row["endsAt"] = format_timestamp(live.clock.instant_ms(live.clock.end_second(stream.live_for_s)))
        rows.append(row)
    return rows


def format_stream_table(live: LiveData) -> str:
    lines = [f"{'ID':<26}{'STATE':<8}{'VIEWERS':>9}{'AUDIENCE':>10}  {'JOIN/LEAVE':<12}TITLE"]
    for row in stream_rows(live):
        churn = row.get("churn")
        rates = f"{churn['joinsPerMinute']}/{churn['leavesPerMinute']}/min" if churn else "static"
        title = row["title"]
        if "endsAfterSeconds" in row:
            title += f" (ends {format_duration(row['endsAfterSeconds'])} after the start, at {row['endsAt']})"
        lines.append(f"{row['id']:<26}{row['state']:<8}{row['viewers']:>9}{row['participantAudienceTotal']:>10}"
                     f"  {rates:<12}{title}")
    return "\n".join(lines)
