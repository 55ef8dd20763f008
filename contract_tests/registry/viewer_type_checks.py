"""Checks of the types the schema cannot say: ObjectIds, real timestamps, non-negative counts, booleans."""

from __future__ import annotations

import re
from typing import Any

from contract_tests.registry.exchange import Exchange
from contract_tests.registry.response_checks import contract_check, fail, page_data, parse_rfc3339

_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")


def viewers_of(exchange: Exchange) -> list[dict[str, Any]]:
    data = page_data(exchange)
    return [v for v in data["list"] if isinstance(v, dict)] if data else []


@contract_check("Viewer and photo _id values are ObjectIds (24 hexadecimal digits).")
def types_object_ids(exchange: Exchange) -> None:
    for viewer in viewers_of(exchange):
        photo = viewer.get("profilePhoto")
        for where, value in (("_id", viewer.get("_id")),
                             ("profilePhoto._id", photo.get("_id") if isinstance(photo, dict) else None)):
            if value is not None and not (isinstance(value, str) and _OBJECT_ID.fullmatch(value)):
                fail("types_object_ids", f"a viewer's {where} is not an ObjectId", exchange, received=repr(value),
                     expected="24 hexadecimal digits")


@contract_check("joinedAt, createdAt and updatedAt are real RFC 3339 date-times.")
def types_timestamps(exchange: Exchange) -> None:
    for viewer in viewers_of(exchange):
        photo_value = viewer.get("profilePhoto")
        photo: dict[str, Any] = photo_value if isinstance(photo_value, dict) else {}
        for where, value in (("joinedAt", viewer.get("joinedAt")), ("profilePhoto.createdAt", photo.get("createdAt")),
                             ("profilePhoto.updatedAt", photo.get("updatedAt"))):
            if (value is not None or where == "joinedAt") and parse_rfc3339(value) is None:
                fail("types_timestamps", f"viewer {viewer.get('_id')}'s {where} is not a date-time", exchange,
                     received=repr(value), expected="an RFC 3339 date-time")


@contract_check("followersCount and followingCount are whole numbers, never negative.")
def types_counts(exchange: Exchange) -> None:
    for viewer in viewers_of(exchange):
        for key in ("followersCount", "followingCount"):
            value = viewer.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                fail("types_counts", f"viewer {viewer.get('_id')}'s {key} is not a count", exchange,
                     received=repr(value), expected="an integer >= 0")


@contract_check("isFollowing is a real boolean, not a string or a number.")
def types_is_following(exchange: Exchange) -> None:
    for viewer in viewers_of(exchange):
        if not isinstance(viewer.get("isFollowing"), bool):
            fail("types_is_following", f"viewer {viewer.get('_id')}'s isFollowing is not a boolean", exchange,
                 received=repr(viewer.get("isFollowing")), expected="true or false")
