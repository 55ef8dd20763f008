"""The 200 envelope of a page, rendered as bytes from each viewer's JSON, made once and kept.

A viewer's JSON only changes in `isFollowing`, so it is kept as the two byte strings around that
value; a page is then a join of cached bytes, whatever the requester. The bytes are exactly those
of `json.dumps(..., ensure_ascii=False, separators=(",", ":"))` of the envelope.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from mockserver.core.avatars import ORIGIN_PLACEHOLDER, with_local_photo
from mockserver.core.envelope import now_timestamp
from mockserver.core.follows import is_following, requester_key, viewer_key
from mockserver.core.model import Viewer
from mockserver.core.query import ViewerPage

_KEPT_VIEWERS = 200_000
_KEPT_REQUESTERS = 10_000
_PLACEHOLDER = ORIGIN_PLACEHOLDER.encode()


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class ViewerJson:
    """One viewer's JSON around its isFollowing value, its follow key, and its JSON for the last requester."""

    __slots__ = ("head", "key", "last_json", "last_requester", "tail", "viewer")

    def __init__(self, viewer: Viewer) -> None:
        following, not_following = _dumps(viewer.to_json(True)), _dumps(viewer.to_json(False))
        split = next((i for i, (a, b) in enumerate(zip(following, not_following, strict=False)) if a != b),
                     len(following))
        self.head = following[:split]
        self.tail = following[len(self.head) + len(b"true"):]
        self.viewer = viewer
        self.key = viewer_key(viewer)
        self.last_requester: str | None = None
        self.last_json = b""

    def for_requester(self, requester_id: str, requester: int) -> bytes:
        """The viewer's JSON as this requester sees it (kept for the next page of the same requester)."""
        if requester_id != self.last_requester:
            follows = is_following(requester_id, requester, self.viewer, self.key)
            self.last_json = self.head + (b"true" if follows else b"false") + self.tail
            self.last_requester = requester_id
        return self.last_json


class PageRenderer:
    """Renders pages of viewers for a requester, keeping the JSON of the viewers it has rendered."""

    def __init__(self, seed: int, *, local_media: bool = False) -> None:
        self._seed = seed
        self._local_media = local_media
        self._viewers: OrderedDict[tuple[str, str], ViewerJson] = OrderedDict()
        self._requesters: dict[str, int] = {}

    def _viewer_json(self, stream_id: str, viewer: Viewer) -> ViewerJson:
        cache_key = (stream_id, viewer.id)
        found = self._viewers.get(cache_key)
        if found is None:
            found = self._viewers[cache_key] = ViewerJson(with_local_photo(viewer) if self._local_media else viewer)
            if len(self._viewers) > _KEPT_VIEWERS:
                self._viewers.popitem(last=False)
        return found

    def _requester_key(self, requester_id: str) -> int:
        key = self._requesters.get(requester_id)
        if key is None:
            if len(self._requesters) >= _KEPT_REQUESTERS:
                self._requesters.clear()
            key = self._requesters[requester_id] = requester_key(self._seed, requester_id)
        return key

    def render(self, stream_id: str, page: ViewerPage, requester_id: str, timestamp: str | None = None,
               origin: str = "") -> bytes:
        """The page's 200 envelope, with isFollowing as the requester sees it (local photos at `origin`)."""
        requester = self._requester_key(requester_id)
        items = [self._viewer_json(stream_id, viewer).for_requester(requester_id, requester)
                 for viewer in page.viewers]
        pagination = _dumps({
            "currentPage": page.current_page,
            "totalPages": page.total_pages,
            "totalItems": page.total_items,
            "itemsPerPage": page.items_per_page,
            "hasNextPage": page.has_next_page,
            "hasPrevPage": page.has_prev_page,
        })
        listed = b",".join(items)
        if self._local_media:
            listed = listed.replace(_PLACEHOLDER, origin.encode())
        return b"".join([
            b'{"isSuccess":true,"statusCode":200,"data":{"list":[', listed, b'],"pagination":', pagination,
            b',"participantAudienceTotal":', str(page.participant_audience_total).encode(),
            b'},"errors":[],"timestamp":', _dumps(timestamp or now_timestamp()), b"}",
        ])
