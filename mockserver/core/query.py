"""Pagination and search over one stream's audience, exactly as the real backend serves them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mockserver.core.model import Stream, Viewer
from mockserver.core.search import SearchIndex, is_blank


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int
    limit: int
    search: str | None = None


@dataclass(frozen=True, slots=True)
class ViewerPage:
    """A page: the places of its viewers in their audience (one place is always one viewer, so a renderer
    keys what it keeps by place), the way to each viewer, and the page's numbers."""

    places: Sequence[int]
    viewer_at: Callable[[int], Viewer]
    current_page: int
    items_per_page: int
    total_items: int
    participant_audience_total: int

    @property
    def viewers(self) -> list[Viewer]:
        return [self.viewer_at(place) for place in self.places]

    @property
    def total_pages(self) -> int:
        return -(-self.total_items // self.items_per_page)

    @property
    def has_next_page(self) -> bool:
        return self.current_page < self.total_pages

    @property
    def has_prev_page(self) -> bool:
        return self.current_page > 1


def page_of_viewers(stream: Stream, index: SearchIndex, request: PageRequest) -> ViewerPage:
    """One page of the stream's audience (or of what the search matched), in audience order."""
    if request.page < 1 or request.limit < 1:
        raise ValueError(f"page and limit start at 1, got page={request.page} limit={request.limit}")
    audience = stream.audience
    matched: Sequence[int] = range(len(audience)) if is_blank(request.search) else index.positions(
        request.search or ""
    )
    start = (request.page - 1) * request.limit
    on_page = matched[start : start + request.limit] if start < len(matched) else ()
    return ViewerPage(
        places=on_page,
        viewer_at=audience.viewer,
        current_page=request.page,
        items_per_page=request.limit,
        total_items=len(matched),
        participant_audience_total=stream.participant_audience_total,
    )
