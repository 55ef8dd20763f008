"""Pagination: pages partition the (searched) audience, with the documented arithmetic."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.core.dataset import (
    EMPTY_STREAM_ID,
    EXAMPLE_STREAM_ID,
    LARGE_STREAM_ID,
    DataSet,
    StreamNotFound,
    default_dataset,
)
from mockserver.core.model import audience_order_key
from mockserver.core.query import PageRequest, page_of_viewers

DATASET = default_dataset(0, large_audience=700)


def walk(dataset: DataSet, stream_id: str, limit: int, search: str | None = None) -> list[str]:
    stream = dataset.live_stream(stream_id)
    index = dataset.search_index(stream)
    seen: list[str] = []
    page = 1
    while True:
        result = page_of_viewers(stream, index, PageRequest(page, limit, search))
        seen.extend(viewer.id for viewer in result.viewers)
        if not result.has_next_page:
            return seen
        page += 1


@settings(max_examples=30, deadline=None)
@given(limit=st.integers(1, 100), stream_id=st.sampled_from([EXAMPLE_STREAM_ID, LARGE_STREAM_ID]))
def test_walking_every_page_yields_every_viewer_once(limit: int, stream_id: str) -> None:
    stream = DATASET.live_stream(stream_id)
    everyone = [stream.audience.viewer(i).id for i in range(len(stream.audience))]
    assert walk(DATASET, stream_id, limit) == everyone
    assert len(set(everyone)) == len(everyone)


@settings(max_examples=30, deadline=None)
@given(limit=st.integers(1, 100), term=st.sampled_from(["a", "E", "ş", "Yıl", "zzz", "1"]))
def test_walking_a_search_yields_what_it_matched_once(limit: int, term: str) -> None:
    first = page_of_viewers(DATASET.live_stream(LARGE_STREAM_ID),
                            DATASET.search_index(DATASET.live_stream(LARGE_STREAM_ID)), PageRequest(1, limit, term))
    walked = walk(DATASET, LARGE_STREAM_ID, limit, term)
    assert len(walked) == len(set(walked)) == first.total_items


def test_order_is_newest_joiner_first_ties_by_id() -> None:
    stream = DATASET.live_stream(LARGE_STREAM_ID)
    viewers = [stream.audience.viewer(i) for i in range(len(stream.audience))]
    assert viewers == sorted(viewers, key=audience_order_key)


@pytest.mark.parametrize(("page", "limit", "expected_length"), [
    (1, 20, 20), (2, 20, 20), (3, 20, 5), (4, 20, 0), (1, 45, 45), (1, 100, 45), (45, 1, 1), (46, 1, 0),
    (10**30, 20, 0),
])
def test_page_arithmetic(page: int, limit: int, expected_length: int) -> None:
    stream = DATASET.live_stream(EXAMPLE_STREAM_ID)
    result = page_of_viewers(stream, DATASET.search_index(stream), PageRequest(page, limit))
    assert len(result.viewers) == expected_length
    assert result.current_page == page and result.items_per_page == limit
    assert result.total_items == 45
    assert result.total_pages == math.ceil(45 / limit)
    assert result.has_next_page == (page < result.total_pages)
    assert result.has_prev_page == (page > 1)
    assert result.participant_audience_total == 128


def test_nothing_matched_is_zero_pages() -> None:
    stream = DATASET.live_stream(EXAMPLE_STREAM_ID)
    result = page_of_viewers(stream, DATASET.search_index(stream), PageRequest(1, 20, "no such viewer"))
    assert (result.total_items, result.total_pages, result.has_next_page, result.has_prev_page) == (0, 0, False, False)
    assert result.participant_audience_total == 128


def test_empty_stream_is_an_empty_page() -> None:
    stream = DATASET.live_stream(EMPTY_STREAM_ID)
    result = page_of_viewers(stream, DATASET.search_index(stream), PageRequest(1, 20))
    assert (len(result.viewers), result.total_items, result.total_pages) == (0, 0, 0)


def test_blank_search_is_no_filter() -> None:
    stream = DATASET.live_stream(EXAMPLE_STREAM_ID)
    assert page_of_viewers(stream, DATASET.search_index(stream), PageRequest(1, 20, "  ")).total_items == 45


def test_search_results_keep_audience_order() -> None:
    stream = DATASET.live_stream(LARGE_STREAM_ID)
    result = page_of_viewers(stream, DATASET.search_index(stream), PageRequest(1, 100, "a"))
    assert list(result.viewers) == sorted(result.viewers, key=audience_order_key)


@pytest.mark.parametrize("stream_id", ["64d15f9e2e6c8f4d5a300000", "000000000000000000000000"])
def test_ended_and_unknown_streams_are_not_found(stream_id: str) -> None:
    with pytest.raises(StreamNotFound):
        DATASET.live_stream(stream_id)


def test_stream_ids_are_case_insensitive() -> None:
    assert DATASET.live_stream(EXAMPLE_STREAM_ID.upper()).id == EXAMPLE_STREAM_ID


def test_invalid_page_request_is_refused() -> None:
    stream = DATASET.live_stream(EXAMPLE_STREAM_ID)
    with pytest.raises(ValueError, match="page=0"):
        page_of_viewers(stream, DATASET.search_index(stream), PageRequest(0, 20))
