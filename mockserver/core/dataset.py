"""The streams the mock serves: the built-in default data set, or one loaded from fixtures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from mockserver.core.generate import GeneratedAudience, NamePools, name_pools, stream_key
from mockserver.core.model import Churn, ListedAudience, Stream, StreamState
from mockserver.core.search import SearchIndex

EXAMPLE_STREAM_ID = "64d15f9e2e6c8f4d5a123456"  # the documentation's example stream
LARGE_STREAM_ID = "64d15f9e2e6c8f4d5a100000"
EMPTY_STREAM_ID = "64d15f9e2e6c8f4d5a200000"
ENDED_STREAM_ID = "64d15f9e2e6c8f4d5a300000"
LIVE_STREAM_ID = "64d15f9e2e6c8f4d5a400000"  # its audience comes and goes on the mock's clock
DEFAULT_USER_ID = "64d15f9e2e6c8f4d5a000001"  # whom `mockserver token` speaks for
FORBIDDEN_USER_ID = "64d15f9e2e6c8f4d5a000403"  # blocked by every built-in stream: 403
DEFAULT_LARGE_AUDIENCE = 2_500
DEFAULT_CHURN = Churn(joins_per_minute=30, leaves_per_minute=24)  # a list a person watches visibly moves

_NEWEST_JOIN_MS = 1_771_410_600_000  # 2026-02-18T10:30:00.000Z, half an hour after the example's joinedAt
_HOUR_MS = 3_600_000


class StreamNotFound(Exception):
    """No live stream has this id: 404."""

    status_code = 404

    def __init__(self, stream_id: str, ended: bool) -> None:
        reason = "has ended" if ended else "does not exist"
        super().__init__(f"Live stream {stream_id} {reason}")
        self.reason = str(self)

SEEDS = range(-(2**63), 2**63)  # a seed keys 64-bit hashes (follows, churn): outside this it cannot be used


@dataclass(frozen=True)
class DataSet:
    """Streams by id, each with the search index of its audience."""

    seed: int
    streams: Mapping[str, Stream]
    _indexes: dict[str, SearchIndex] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, seed: int, streams: Iterable[Stream]) -> DataSet:
        by_id: dict[str, Stream] = {}
        for stream in streams:
            if stream.id.lower() in by_id:
                raise ValueError(f"stream {stream.id} appears twice")
            by_id[stream.id.lower()] = stream
        return cls(seed=seed, streams=by_id)

    def stream(self, stream_id: str) -> Stream | None:
        return self.streams.get(stream_id.lower())

    def live_stream(self, stream_id: str) -> Stream:
        """The live stream with this id; StreamNotFound when there is none or it has ended."""
        stream = self.stream(stream_id)
        if stream is None or not stream.is_live:
            raise StreamNotFound(stream_id, ended=stream is not None)
        return stream

    def search_index(self, stream: Stream) -> SearchIndex:
        """The stream's search index, built on first use (`build_indexes` builds them all up front)."""
        index = self._indexes.get(stream.id)
        if index is None:
            index = self._indexes[stream.id] = SearchIndex(stream.audience.searchable_names())
        return index

    def build_indexes(self) -> None:
        for stream in self.streams.values():
            if stream.is_live:
                self.search_index(stream)


def generated_stream(
    *,
    seed: int,
    pools: NamePools,
    stream_id: str,
    title: str,
    audience: int,
    audience_total: int,
    state: StreamState = StreamState.LIVE,
    span_hours: int = 2,
    churn: Churn | None = None,
    live_for_s: int | None = None,
) -> Stream:
    return Stream(
        id=stream_id,
        title=title,
        state=state,
        participant_audience_total=audience_total,
        audience=GeneratedAudience(
            key=stream_key(seed, stream_id),
            size=audience,
            pools=pools,
            newest_join_ms=_NEWEST_JOIN_MS,
            span_ms=span_hours * _HOUR_MS,
        ),
        blocked_user_ids=frozenset({FORBIDDEN_USER_ID}),
        churn=churn,
        live_for_s=live_for_s,
    )


def default_dataset(seed: int = 0, large_audience: int = DEFAULT_LARGE_AUDIENCE, churn: Churn = DEFAULT_CHURN,
                    live_for_s: int | None = None) -> DataSet:
    """The built-in data: the documentation's example stream, a large one, an empty one, an ended one, and a
    live one whose audience comes and goes (`churn`, the large stream's too) and that ends after `live_for_s`."""
    if large_audience < 0:
        raise ValueError(f"audience has value {large_audience}: not a viewer count")
    pools = name_pools(seed)

    def live(stream_id: str, title: str, audience: int, audience_total: int, span_hours: int = 2,
             churn: Churn | None = None, live_for_s: int | None = None) -> Stream:
        return generated_stream(
            seed=seed, pools=pools, stream_id=stream_id, title=title, audience=audience,
            audience_total=audience_total, span_hours=span_hours, churn=churn, live_for_s=live_for_s,
        )

    return DataSet.of(
        seed,
        [
            live(EXAMPLE_STREAM_ID, "Documented example", audience=45, audience_total=128),
            live(LARGE_STREAM_ID, "Large live stream", audience=large_audience,
                 audience_total=large_audience + large_audience // 4 + 7, span_hours=6, churn=churn),
            live(EMPTY_STREAM_ID, "Live stream with nobody in it", audience=0, audience_total=0),
            Stream(
                id=ENDED_STREAM_ID,
                title="Ended stream",
                state=StreamState.ENDED,
                participant_audience_total=312,
                audience=ListedAudience(()),
            ),
            live(LIVE_STREAM_ID, "Live stream, people coming and going", audience=60, audience_total=150,
                 span_hours=1, churn=churn, live_for_s=live_for_s),
        ],
    )
