"""Live streams on the mock's clock: the audience at second t is a pure function of seed, data and t."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.core.churn import Departures, EventSchedule, select_ranks
from mockserver.core.clock import MockClock, format_duration, parse_duration
from mockserver.core.dataset import (
    DEFAULT_CHURN,
    EXAMPLE_STREAM_ID,
    LARGE_STREAM_ID,
    LIVE_STREAM_ID,
    StreamNotFound,
    default_dataset,
)
from mockserver.core.live import LiveData
from mockserver.core.model import Churn, Viewer, parse_timestamp
from mockserver.core.query import PageRequest
from mockserver.core.search import fold

START_MS = 1_795_867_200_000  # 2026-11-28T12:00:00Z


def live_data(seed: int = 0, churn: Churn = DEFAULT_CHURN, live_for_s: int | None = None,
              large_audience: int = 700) -> LiveData:
    dataset = default_dataset(seed, large_audience=large_audience, churn=churn, live_for_s=live_for_s)
    dataset.build_indexes()
    return LiveData(dataset, MockClock(start_ms=START_MS, started_wall_ms=0, now_ms=lambda: 0))


def walk(live: LiveData, stream_id: str, second: int, limit: int, search: str | None = None) -> list[Viewer]:
    stream = live.live_stream(stream_id, second)
    seen: list[Viewer] = []
    page = 1
    while True:
        result = live.page(stream, second, PageRequest(page, limit, search))
        seen.extend(result.viewers)
        if not result.has_next_page:
            assert len(seen) == result.total_items
            return seen
        page += 1


def ids(viewers: list[Viewer]) -> list[str]:
    return [viewer.id for viewer in viewers]


def test_the_audience_at_a_second_is_the_same_on_every_instance() -> None:
    first, second = live_data(), live_data()
    second_walk_later = ids(walk(second, LIVE_STREAM_ID, 900, 17))  # a later second first: no state leaks
    assert ids(walk(first, LIVE_STREAM_ID, 600, 10)) == ids(walk(second, LIVE_STREAM_ID, 600, 10))
    assert ids(walk(first, LIVE_STREAM_ID, 900, 17)) == second_walk_later


def test_another_seed_is_another_audience() -> None:
    assert ids(walk(live_data(0), LIVE_STREAM_ID, 600, 50)) != ids(walk(live_data(1), LIVE_STREAM_ID, 600, 50))


@settings(max_examples=25, deadline=None)
@given(second=st.integers(0, 3600), limit=st.integers(1, 100))
def test_pages_at_one_instant_partition_the_audience(second: int, limit: int) -> None:
    live = LIVE
    walked = walk(live, LIVE_STREAM_ID, second, limit)
    assert ids(walked) == ids(walk(live, LIVE_STREAM_ID, second, 100))
    assert len(set(ids(walked))) == len(walked)
    assert [v.joined_at_ms for v in walked] == sorted((v.joined_at_ms for v in walked), reverse=True)


LIVE = live_data()


@settings(max_examples=25, deadline=None)
@given(second=st.integers(0, 3600), term=st.sampled_from(["a", "E", "ş", "Yıl", "zzz", "1", "an"]),
       limit=st.integers(1, 40))
def test_search_at_an_instant_is_exactly_a_filter_of_the_audience(second: int, term: str, limit: int) -> None:
    everyone = walk(LIVE, LIVE_STREAM_ID, second, 100)
    needle = fold(term)
    expected = [v.id for v in everyone if any(needle in fold(text) for text in (v.name, v.surname, v.username))]
    assert ids(walk(LIVE, LIVE_STREAM_ID, second, limit, term)) == expected


def test_joins_appear_at_the_top_and_leaves_vanish() -> None:
    before, after = walk(LIVE, LIVE_STREAM_ID, 300, 100), walk(LIVE, LIVE_STREAM_ID, 360, 100)
    joined = [v for v in after if v.id not in set(ids(before))]
    left = [v for v in before if v.id not in set(ids(after))]
    assert 20 <= len(joined) <= 40 and 14 <= len(left) <= 34  # about 30 and 24 a minute
    assert ids(after[:len(joined)]) == ids(joined)  # the newcomers are the first of page 1
    assert [v for v in after if v.id in set(ids(left))] == []


def test_participant_total_only_grows_and_joined_at_is_recent() -> None:
    stream = LIVE.live_stream(LIVE_STREAM_ID, 0)
    totals = [LIVE.page(stream, second, PageRequest(1, 20)).participant_audience_total for second in range(0, 1800, 60)]
    assert totals == sorted(totals) and totals[-1] > totals[0]
    for second in (0, 40, 600):
        newest = LIVE.page(stream, second, PageRequest(1, 1)).viewers[0]
        now_ms = START_MS + second * 1000
        assert now_ms - 60_000 < newest.joined_at_ms <= now_ms


def test_zero_rates_freeze_the_audience() -> None:
    frozen = live_data(churn=Churn(0, 0))
    assert ids(walk(frozen, LIVE_STREAM_ID, 0, 100)) == ids(walk(frozen, LIVE_STREAM_ID, 3600, 100))
    assert len(walk(frozen, LIVE_STREAM_ID, 3600, 100)) == 60


def test_the_documented_example_stays_static() -> None:
    assert ids(walk(LIVE, EXAMPLE_STREAM_ID, 0, 100)) == ids(walk(LIVE, EXAMPLE_STREAM_ID, 3600, 100))
    example = LIVE.live_stream(EXAMPLE_STREAM_ID, 3600)
    assert LIVE.page(example, 3600, PageRequest(1, 10)).participant_audience_total == 128


def test_a_stream_with_an_end_is_404_from_then_on() -> None:
    ending = live_data(live_for_s=900)
    assert ending.live_stream(LIVE_STREAM_ID, 899).id == LIVE_STREAM_ID
    with pytest.raises(StreamNotFound, match="has ended"):
        ending.live_stream(LIVE_STREAM_ID, 900)


def test_more_leaves_than_joins_empty_the_stream_without_errors() -> None:
    draining = live_data(churn=Churn(1, 600))
    assert walk(draining, LIVE_STREAM_ID, 600, 10) == []
    stream = draining.live_stream(LIVE_STREAM_ID, 600)
    assert draining.page(stream, 600, PageRequest(1, 10)).participant_audience_total == 150 + 10


@pytest.mark.slow  # a million viewers
def test_a_million_viewer_stream_churns_without_touching_its_audience() -> None:
    live = live_data(large_audience=1_000_000)
    stream = live.live_stream(LARGE_STREAM_ID, 0)
    first = live.page(stream, 7200, PageRequest(1, 50))
    last = live.page(stream, 7200, PageRequest(first.total_pages, 50))
    assert abs(first.total_items - 1_000_720) <= 2  # 2 h of 30 joins and 24 leaves a minute
    assert first.viewers[0].joined_at_ms > START_MS + 7_100_000  # a joiner at the top
    assert len(last.viewers) == first.total_items - 50 * (first.total_pages - 1)


def test_event_schedule_counts_what_it_schedules() -> None:
    schedule = EventSchedule(key=99, per_minute=37)
    moments = [schedule.moment_ms(k) for k in range(200)]
    assert moments == sorted(moments) and len(set(moments)) == len(moments)
    for until in (-1, 0, moments[5] - 1, moments[5], moments[5] + 1, 100_000, moments[199]):
        assert schedule.count(until) == sum(1 for moment in moments if moment <= until)
    assert EventSchedule(key=1, per_minute=0).count(10**9) == 0


@settings(max_examples=200, deadline=None)
@given(size=st.integers(0, 60), removed=st.sets(st.integers(0, 59)), start=st.integers(0, 70),
       limit=st.integers(1, 20), offset=st.integers(0, 5))
def test_select_ranks_is_a_slice_of_what_remains(size: int, removed: set[int], start: int, limit: int,
                                                 offset: int) -> None:
    kept = sorted(place for place in removed if place < size)
    remaining = [index for index in range(size) if index not in set(kept)]
    shifted = [place - offset for place in kept]
    assert select_ranks(size, shifted, start, limit, offset=offset) == remaining[start:start + limit]


def test_departures_never_take_someone_twice_or_before_they_came() -> None:
    departures = Departures(key=5, churn=Churn(120, 150), base_size=10)
    snapshot = departures.snapshot(3600)
    assert len(set(snapshot.left)) == len(snapshot.left)
    assert all(-snapshot.joins <= place < 10 for place in snapshot.left)
    assert len(snapshot) >= 0


@pytest.mark.parametrize(("text", "seconds"), [("900", 900), ("90s", 90), ("15m", 900), ("1h30m", 5400),
                                               ("2h", 7200)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15 minutes", "-5m", "m"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_by_default_the_clock_counts_from_the_top_of_the_hour_and_a_stream_ends_after_the_start() -> None:
    started = parse_timestamp("2026-12-01T12:34:56.789Z")
    clock = MockClock.starting(started)
    later = MockClock.starting(started + 2_500)  # a replica started 2.5 s later
    assert (clock.start_ms, clock.started_wall_ms) == (later.start_ms, later.started_wall_ms)  # one second 0
    assert clock.anchored and later.opened_second == clock.opened_second + 3  # 12:34:59.289
    assert clock.start_ms == clock.started_wall_ms == parse_timestamp("2026-12-01T12:00:00Z")
    assert clock.opened_second == 34 * 60 + 56 and clock.end_second(900) == 34 * 60 + 56 + 900
    pinned = MockClock.starting(started, parse_timestamp("2026-11-28T12:00:00Z"))  # --clock: second 0 is the start
    assert pinned.started_wall_ms == started and pinned.opened_second == 0 and not pinned.anchored
    assert pinned.end_second(900) == 900
