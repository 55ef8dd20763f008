"""Faults that no single request shows: each needs a sequence of requests, as real backends' state bugs do.

Each fault wraps the mock's viewers handler with state kept between requests: a response cache keyed by
too little of the request, a cursor that another request moves, a setting carried over from the previous
request, a counter that breaks the answers after many requests. They are registered beside the mock's
single-request faults in `tests.faulty_target`:

    python -m tests.faulty_target cache_ignores_limit [mockserver options]
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from starlette.responses import Response

from mockserver.core import live as live_module
from mockserver.core import query
from mockserver.core.model import Stream
from mockserver.web import handlers

Handler = Callable[..., Coroutine[Any, Any, Response]]
_LOCK = threading.Lock()
REQUESTS_BEFORE_THE_COUNTER_BREAKS = int(os.environ.get("FAULT_COUNTER_LIMIT", "150"))


def _wrap_handler(wrap: Callable[[Handler], Handler]) -> None:
    original: Handler = handlers.ViewersHandlers.list_live_stream_viewers
    handlers.ViewersHandlers.list_live_stream_viewers = wrap(original)  # type: ignore[method-assign]


def _cache_keyed_by(*fields: str) -> None:
    """A response cache in front of the handler whose key leaves out some of what the answer depends on."""
    cached: dict[tuple[Any, ...], tuple[bytes, str]] = {}

    def wrap(original: Handler) -> Handler:
        async def cached_handler(self: Any, id_: str, user: str, page: int, limit: int,
                                 search: str | None = None) -> Response:
            asked = {"id": id_, "user": user, "page": page, "limit": limit, "search": search}
            key = tuple(asked[field] for field in fields)
            with _LOCK:
                hit = cached.get(key)
            if hit is not None:
                return Response(hit[0], media_type=hit[1])
            response = await original(self, id_, user, page, limit, search)
            if response.status_code == 200:
                with _LOCK:
                    cached.setdefault(key, (bytes(response.body), response.media_type or "application/json"))
            return response

        return cached_handler

    _wrap_handler(wrap)


def cache_ignores_limit() -> None:
    """A second limit gets the first limit's page (the cache keys by stream, page and search)."""
    _cache_keyed_by("id", "page", "search")


def cache_ignores_search() -> None:
    """A search gets the unfiltered page asked before it at the same page and limit, and the other way round."""
    _cache_keyed_by("id", "page", "limit")


def cache_ignores_caller() -> None:
    """A page one user read is served to any other caller, a user the stream blocks included."""
    _cache_keyed_by("id", "page", "limit", "search")


def _shift_pages(offset_of: Callable[[query.PageRequest], int]) -> None:
    """Serve unfiltered pages from an offset that the given function decides, instead of (page - 1) * limit."""
    original = live_module.LiveData.page

    def page(self: live_module.LiveData, stream: Stream, second: int, request: query.PageRequest) -> query.ViewerPage:
        offset = offset_of(request)
        served = original(self, stream, second, request)
        if offset == (request.page - 1) * request.limit or request.search:
            return served
        # The viewers from `offset` on: read through pages of one viewer each, so churn stays exact.
        total = served.total_items
        places = [original(self, stream, second, query.PageRequest(position + 1, 1, None)).places[0]
                  for position in range(offset, min(total, offset + request.limit))]
        return query.ViewerPage(places, served.viewer_at, served.current_page, served.items_per_page, total,
                                served.participant_audience_total)

    live_module.LiveData.page = page  # type: ignore[method-assign]


def offset_follows_previous_limit() -> None:
    """The offset of a page is computed with the limit of the request before it (state kept between requests)."""
    previous = {"limit": 0}

    def offset_of(request: query.PageRequest) -> int:
        with _LOCK:
            limit = previous["limit"] or request.limit
            previous["limit"] = request.limit
        return (request.page - 1) * limit

    _shift_pages(offset_of)


def cursor_drifts_after_search() -> None:
    """A shared cursor that each search moves on by one: later unfiltered pages start one viewer further."""
    cursor = {"drift": 0}

    def offset_of(request: query.PageRequest) -> int:
        with _LOCK:
            if request.search:
                cursor["drift"] += 1
            return (request.page - 1) * request.limit + cursor["drift"]

    _shift_pages(offset_of)


def counter_breaks_after_many_requests() -> None:
    """A request counter that, past a limit, skips the first viewer of every unfiltered page it serves."""
    served = {"requests": 0}

    def offset_of(request: query.PageRequest) -> int:
        with _LOCK:
            served["requests"] += 1
            broken = served["requests"] > REQUESTS_BEFORE_THE_COUNTER_BREAKS
        return (request.page - 1) * request.limit + (1 if broken else 0)

    _shift_pages(offset_of)


SEQUENCE_FAULTS: dict[str, Callable[[], None]] = {fault.__name__: fault for fault in (
    cache_ignores_limit, cache_ignores_search, cache_ignores_caller, offset_follows_previous_limit,
    cursor_drifts_after_search, counter_breaks_after_many_requests,
)}
