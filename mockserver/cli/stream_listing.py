"""The mock's streams as `mockserver streams` lists them and the start-up banner shows them."""

from __future__ import annotations

from typing import Any

from mockserver.core.clock import format_duration
from mockserver.core.live import LiveData
from mockserver.core.model import format_timestamp


def stream_rows(live: LiveData) -> list[dict[str, Any]]:
    """Each stream as the mock serves it at the current second of its clock."""
    rows = []
    second = live.clock.second()
    for stream in live.dataset.streams.values():
        viewers, total = live.audience_size(stream, second)
        row: dict[str, Any] = {"id": stream.id, "state": stream.state.value, "viewers": viewers,
                               "participantAudienceTotal": total, "title": stream.title}
        if stream.churn is not None:
            row["churn"] = stream.churn.to_json()
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
