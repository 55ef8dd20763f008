"""Who follows whom: `isFollowing` depends on the requester and is stable for each pair."""

from __future__ import annotations

import hashlib

from mockserver.model import Viewer

_FOLLOW_SHARE = 0.3


def is_following(seed: int, requester_id: str, viewer: Viewer) -> bool:
    """Whether the requester follows the viewer: the fixture's list when it has one, else a stable draw."""
    if viewer.followed_by is not None:
        return requester_id in viewer.followed_by
    digest = hashlib.blake2b(
        f"{requester_id}\x00{viewer.id}".encode(), digest_size=8, key=seed.to_bytes(8, "big", signed=True)
    ).digest()
    return int.from_bytes(digest, "big") < _FOLLOW_SHARE * 2**64
