"""The 200 envelope of a page, rendered as bytes from each viewer's JSON, made once and kept.

A viewer's JSON only changes in `isFollowing`, so it is kept as the two byte strings around that
value; a page is then a join of cached bytes, whatever the requester. The bytes are exactly those
of `json.dumps(..., ensure_ascii=False, separators=(",", ":"))` of the envelope.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from mockserver.core.avatars import ORIGIN_PLACEHOLDER, local_photo_urls
from mockserver.core.envelope import now_timestamp
from mockserver.core.follows import follows, requester_key, viewer_key
from mockserver.core.model import Viewer
from mockserver.core.query import ViewerPage

_KEPT_VIEWERS = 200_000
_KEPT_REQUESTERS = 10_000
_PLACEHOLDER = ORIGIN_PLACEHOLDER.encode()
_FOLLOWING_KEY = b'"isFollowing":'


def _dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


# One viewer's JSON around its isFollowing value, its follow key, and its fixture's follower list (or None).
# A plain tuple of bytes, numbers and None, not an object: such a tuple drops out of the garbage collector's
# passes, so that a full collection does not walk the hundreds of thousands of viewers a large stream keeps.
ViewerJson = tuple[bytes, bytes, int, "frozenset[str] | None"]


def viewer_json(viewer: Viewer, *, local_media: bool = False) -> ViewerJson:
    """The viewer's JSON (its photo on the mock's origin with local media), cut at its isFollowing value.

    Encoded once and cut after the key, which cannot occur inside a string value (their quotes are escaped);
    should the value not be the plain `true` (a test's faulty target changes it), the JSON for `false` is
    encoded too and the cut is where the two part.
    """

    def encoded(follows: bool) -> bytes:
        document = viewer.to_json(follows)
        if local_media and viewer.profile_photo is not None:
            document["profilePhoto"]["url"], document["profilePhoto"]["variants"] = local_photo_urls(viewer)
        return _dumps(document)

    following = encoded(True)
    split = following.find(_FOLLOWING_KEY) + len(_FOLLOWING_KEY)
    if split < len(_FOLLOWING_KEY) or not following.startswith(b"true", split):
        parted = (i for i, (a, b) in enumerate(zip(following, encoded(False), strict=False)) if a != b)
        split = next(parted, len(following))
    return following[:split], following[split + len(b"true"):], viewer_key(viewer), viewer.followed_by


def as_seen_by(json: ViewerJson, requester_id: str, requester: int) -> bytes:
    """The viewer's JSON as this requester sees it."""
    head, tail, key, followed_by = json
    return head + (b"true" if follows(requester_id, requester, followed_by, key) else b"false") + tail


class PageRenderer:
    """Renders pages of viewers for a requester, keeping the JSON of the viewers it has rendered by place."""

    def __init__(self, seed: int, *, local_media: bool = False) -> None:
        self._seed = seed
        self._local_media = local_media
        self._viewers: OrderedDict[tuple[str, int], ViewerJson] = OrderedDict()
        self._requesters: dict[str, int] = {}
        self._seen_by: str | None = None  # the last requester, and each viewer's JSON as they saw it
        self._as_seen: dict[tuple[str, int], bytes] = {}

    def _viewer_json(self, cache_key: tuple[str, int], page: ViewerPage) -> ViewerJson:
        found = self._viewers.get(cache_key)
        if found is None:
            viewer = page.viewer_at(cache_key[1])
            found = self._viewers[cache_key] = viewer_json(viewer, local_media=self._local_media)
            if len(self._viewers) > _KEPT_VIEWERS:
                self._viewers.popitem(last=False)
        return found

    def _as_seen_by(self, cache_key: tuple[str, int], page: ViewerPage, requester_id: str, requester: int) -> bytes:
        found = self._as_seen.get(cache_key)
        if found is None:
            found = as_seen_by(self._viewer_json(cache_key, page), requester_id, requester)
            if len(self._as_seen) >= _KEPT_VIEWERS:
                self._as_seen.clear()
            self._as_seen[cache_key] = found
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
        if requester_id != self._seen_by:
            self._seen_by, self._as_seen = requester_id, {}
        items = [self._as_seen_by((stream_id, place), page, requester_id, requester) for place in page.places]
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
