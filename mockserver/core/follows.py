"""Who follows whom: `isFollowing` depends on the requester and is stable for each pair."""

from __future__ import annotations

import hashlib

from mockserver.core.generate import mix64
from mockserver.core.model import Viewer

_FOLLOW_SHARE = int(0.3 * 2**64)
_MASK64 = (1 << 64) - 1


def viewer_key(viewer: Viewer) -> int:
    """A viewer's 64-bit key for the follow draw: the last 16 hex digits of its ObjectId."""
    return int(viewer.id[-16:], 16) & _MASK64


def requester_key(seed: int, requester_id: str) -> int:
    """A requester's 64-bit key under a seed (a keyed hash, so it is stable across processes)."""
    digest = hashlib.blake2b(requester_id.encode(), digest_size=8, key=seed.to_bytes(8, "big", signed=True))
    return int.from_bytes(digest.digest(), "big")


def follows(requester_id: str, requester: int, followed_by: frozenset[str] | None, key: int) -> bool:
    """Whether the requester follows the viewer: the fixture's follower list when it has one (None: it has
    none), else a stable draw from the requester's and the viewer's keys."""
    if followed_by is not None:
        return requester_id in followed_by
    return mix64(requester ^ key) < _FOLLOW_SHARE
