"""Live streams on the mock's clock: each stream's audience, pages and search as of one second.

A stream without churn is served as its data says. A stream with churn is its data's viewers (moved
in time so that the newest joined just before the clock started) plus the joiners of the schedule,
less those who left (`mockserver.core.churn`); its search is the data's index, filtered, plus the
joiners' names, so results stay exact.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace

from mockserver.core.churn import Departures, Snapshot, select_ranks
from mockserver.core.clock import MockClock
from mockserver.core.dataset import DataSet, StreamNotFound
from mockserver.core.generate import NamePools, derive_viewer, mix64, name_pools, stream_key, viewer_names
from mockserver.core.model import Stream, Viewer
from mockserver.core.query import PageRequest, ViewerPage, page_of_viewers
from mockserver.core.search import SearchIndex, fold, is_blank

_BASE_LEAD_MS = 20_000  # the newest viewer of the data joined this long before the clock started
_JOINER_SALT = 0x6A6F696E6572  # "joiner"
_KEPT_TERMS = 256


class ChurningStream:
    """One stream whose audience moves: places of the churn schedule turned into viewers and pages."""

    def __init__(self, stream: Stream, clock: MockClock, seed: int, pools: NamePools) -> None:
        assert stream.churn is not None
        self.stream = stream
        self._clock = clock
        self._pools = pools
        key = stream_key(seed, stream.id)
        self._joiner_key = key ^ _JOINER_SALT
        self._base_size = len(stream.audience)
        self.departures = Departures(key, stream.churn, self._base_size)
        newest = stream.audience.viewer(0).joined_at_ms if self._base_size else clock.start_ms
        self._shift_ms = clock.start_ms - _BASE_LEAD_MS - newest
        self._joiner_names: list[str] = []  # folded "name surname username" of each joiner so far
        self._term_joiners: OrderedDict[str, tuple[int, list[int]]] = OrderedDict()
        self._term_left: OrderedDict[tuple[int, str], list[int]] = OrderedDict()

    def participant_total(self, snapshot: Snapshot) -> int:
        """Everyone who has taken part: it only grows."""
        return self.stream.participant_audience_total + snapshot.joins

    def viewer(self, place: int) -> Viewer:
        """The viewer at a place, made each time: the page renderer keeps what it served, by place."""
        if place >= 0:
            viewer = self.stream.audience.viewer(place)
            return replace(viewer, joined_at_ms=viewer.joined_at_ms + self._shift_ms)
        joiner = -place - 1
        joined_at_ms = self._clock.start_ms + self.departures.joins.moment_ms(joiner)
        return derive_viewer(self._pools, mix64(self._joiner_key ^ joiner), self._base_size + joiner, joined_at_ms)

    def page(self, second: int, index: SearchIndex, request: PageRequest) -> ViewerPage:
        """A page of the audience at a second, or of what the search matches in it."""
        snapshot = self.departures.snapshot(second)
        start = (request.page - 1) * request.limit
        if is_blank(request.search):
            places = snapshot.first_places(start, request.limit)
            total = len(snapshot)
        else:
            places, total = self._search_page(snapshot, index, request.search or "", start, request.limit)
        return ViewerPage(
            places=places,
            viewer_at=self.viewer,
            current_page=request.page,
            items_per_page=request.limit,
            total_items=total,
            participant_audience_total=self.participant_total(snapshot),
        )

    def _search_page(self, snapshot: Snapshot, index: SearchIndex, term: str, start: int,
                     limit: int) -> tuple[list[int], int]:
        joiners = self._joiners_matching(fold(term), snapshot.joins)
        base = index.positions(term)
        left = self._left_among(snapshot, term, joiners, base)
        length = len(joiners) + len(base)
        indexes = select_ranks(length, left, start, limit)
        places = [-(joiners[len(joiners) - 1 - i] + 1) if i < len(joiners) else base[i - len(joiners)]
                  for i in indexes]
        return places, length - len(left)

    def _joiners_matching(self, needle: str, joins: int) -> list[int]:
        """Joiners 0..joins-1 whose name, surname or username holds the folded term, ascending."""
        while len(self._joiner_names) < joins:
            joiner = len(self._joiner_names)
            names = viewer_names(self._pools, self._base_size + joiner, mix64(self._joiner_key ^ joiner))
            self._joiner_names.append("\x1f".join(fold(text) for text in names))
        checked, found = self._term_joiners.pop(needle, (0, []))
        if checked < joins:
            found = found + [k for k in range(checked, joins) if needle in self._joiner_names[k]]
            checked = joins
        self._term_joiners[needle] = (checked, found)
        if len(self._term_joiners) > _KEPT_TERMS:
            self._term_joiners.popitem(last=False)
        return found[:bisect_left(found, joins)]

    def _left_among(self, snapshot: Snapshot, term: str, joiners: list[int], base: Sequence[int]) -> list[int]:
        """The indexes, in the matched sequence (joiners newest first, then base), of those who left."""
        key = (snapshot.second, fold(term))
        found = self._term_left.get(key)
        if found is not None:
            return found
        found = []
        for place in snapshot.left:
            if place < 0:
                at = bisect_left(joiners, -place - 1)
                if at < len(joiners) and joiners[at] == -place - 1:
                    found.append(len(joiners) - 1 - at)
            else:
                at = bisect_left(base, place)
                if at < len(base) and base[at] == place:
                    found.append(len(joiners) + at)
        self._term_left[key] = found
        if len(self._term_left) > _KEPT_TERMS:
            self._term_left.popitem(last=False)
        return found


class LiveData:
    """The data set on the mock's clock: which streams are live at a second, and their pages."""

    def __init__(self, dataset: DataSet, clock: MockClock) -> None:
        self.dataset = dataset
        self.clock = clock
        churning = [stream for stream in dataset.streams.values() if stream.churn is not None and stream.is_live]
        pools = name_pools(dataset.seed) if churning else None
        self._churning = {stream.id: ChurningStream(stream, clock, dataset.seed, pools)
                          for stream in churning if pools is not None}

    def live_stream(self, stream_id: str, second: int) -> Stream:
        """The stream if it is live at that second; StreamNotFound when unknown, ended or over."""
        stream = self.dataset.live_stream(stream_id)
        if stream.live_for_s is not None and second >= self.clock.end_second(stream.live_for_s):
            raise StreamNotFound(stream_id, ended=True)
        return stream

    def page(self, stream: Stream, second: int, request: PageRequest) -> ViewerPage:
        """A page of a live stream's audience as of a second of the clock."""
        index = self.dataset.search_index(stream)
        churning = self._churning.get(stream.id)
        if churning is None:
            return page_of_viewers(stream, index, request)
        if request.page < 1 or request.limit < 1:
            raise ValueError(f"page and limit start at 1, got page={request.page} limit={request.limit}")
        return churning.page(second, index, request)

    def audience_size(self, stream: Stream, second: int) -> tuple[int, int]:
        """Viewers present and participantAudienceTotal at a second."""
        churning = self._churning.get(stream.id)
        if churning is None:
            return len(stream.audience), stream.participant_audience_total
        snapshot = churning.departures.snapshot(second)
        return len(snapshot), churning.participant_total(snapshot)
