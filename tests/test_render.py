"""The page renderer: the bytes json.dumps would write, with isFollowing per requester."""

from __future__ import annotations

import json
import re

from mockserver.core.dataset import EXAMPLE_STREAM_ID, default_dataset
from mockserver.core.follows import follows, requester_key, viewer_key
from mockserver.core.query import PageRequest, page_of_viewers
from mockserver.core.render import PageRenderer

DATASET = default_dataset(0)
STREAM = DATASET.live_stream(EXAMPLE_STREAM_ID)


def expected_envelope(page_number: int, limit: int, requester: str) -> dict[str, object]:
    page = page_of_viewers(STREAM, DATASET.search_index(STREAM), PageRequest(page_number, limit))
    key = requester_key(0, requester)
    return {
        "isSuccess": True, "statusCode": 200,
        "data": {
            "list": [v.to_json(follows(requester, key, v.followed_by, viewer_key(v))) for v in page.viewers],
            "pagination": {"currentPage": page.current_page, "totalPages": page.total_pages,
                           "totalItems": page.total_items, "itemsPerPage": page.items_per_page,
                           "hasNextPage": page.has_next_page, "hasPrevPage": page.has_prev_page},
            "participantAudienceTotal": 128,
        },
        "errors": [], "timestamp": "2026-01-15T10:30:00.000Z",
    }


def render(page_number: int, limit: int, requester: str, renderer: PageRenderer | None = None) -> bytes:
    page = page_of_viewers(STREAM, DATASET.search_index(STREAM), PageRequest(page_number, limit))
    return (renderer or PageRenderer(0)).render(STREAM.id, page, requester, "2026-01-15T10:30:00.000Z")


def test_rendered_bytes_are_json_dumps_of_the_envelope() -> None:
    renderer = PageRenderer(0)
    for page_number, limit, requester in [(1, 20, "a"), (2, 20, "b"), (1, 45, "a"), (3, 7, "c"), (9, 20, "a")]:
        expected = json.dumps(expected_envelope(page_number, limit, requester), ensure_ascii=False,
                              separators=(",", ":")).encode()
        assert render(page_number, limit, requester, renderer) == expected


def test_follow_state_depends_on_the_requester_only() -> None:
    first = re.findall(rb'"isFollowing":(true|false)', render(1, 45, "fan"))
    assert first == re.findall(rb'"isFollowing":(true|false)', render(1, 45, "fan", PageRenderer(0)))
    assert first != re.findall(rb'"isFollowing":(true|false)', render(1, 45, "someone else"))
    assert b"true" in first and b"false" in first


def test_a_viewer_whose_values_spell_the_follow_key_renders_exactly() -> None:
    from dataclasses import replace

    from mockserver.core.render import viewer_json

    viewer = STREAM.audience.viewer(0)
    for trap in ['"isFollowing":true', 'isFollowing', '\\"isFollowing\\":', 'a"b', "Ş\u0307\U0001f600"]:
        odd = replace(viewer, name=trap, surname=trap, username=trap, expertise=trap)
        head, tail, _, _ = viewer_json(odd)
        for following in (True, False):
            expected = json.dumps(odd.to_json(following), ensure_ascii=False, separators=(",", ":")).encode()
            assert head + (b"true" if following else b"false") + tail == expected
