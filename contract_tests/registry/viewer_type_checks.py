"""Checks of the types the schema cannot say: ObjectIds, real timestamps, non-negative counts, booleans."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from contract_tests.registry.exchange import Exchange
from contract_tests.registry.response_checks import contract_check, envelope, fail, page_data, parse_rfc3339, whole

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


def follow_state_mismatches(viewers: list[dict[str, Any]], followed: Iterable[str],
                            unfollowed: Iterable[str]) -> list[str]:
    """The served viewers whose isFollowing is not what the caller's known follows say: `id: true, not false`."""
    known = {**dict.fromkeys(unfollowed, False), **dict.fromkeys(followed, True)}
    return [f"{viewer['_id']}: {str(viewer.get('isFollowing')).lower()}, not {str(known[viewer['_id']]).lower()}"
            for viewer in viewers
            if viewer.get("_id") in known and viewer.get("isFollowing") is not known[viewer["_id"]]]


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
            count = whole(value)
            if count is None or count < 0:
                fail("types_counts", f"viewer {viewer.get('_id')}'s {key} is not a count", exchange,
                     received=repr(value), expected="an integer >= 0")


@contract_check("isFollowing is a real boolean, not a string or a number.")
def types_is_following(exchange: Exchange) -> None:
    for viewer in viewers_of(exchange):
        if not isinstance(viewer.get("isFollowing"), bool):
            fail("types_is_following", f"viewer {viewer.get('_id')}'s isFollowing is not a boolean", exchange,
                 received=repr(viewer.get("isFollowing")), expected="true or false")


CLOCK_SKEW_S = 300  # a deployment's clocks may differ by a few minutes (timestamps)


@contract_check("joinedAt and a photo's createdAt are not after the answer's own timestamp (beyond a few minutes of "
                "clock skew), and a photo's updatedAt is not before its createdAt.")
def times_plausible(exchange: Exchange) -> None:
    body = envelope(exchange)
    now = parse_rfc3339(body.get("timestamp")) if body is not None else None
    if now is None:
        return
    latest = now + dt.timedelta(seconds=CLOCK_SKEW_S)
    for viewer in viewers_of(exchange):
        photo_value = viewer.get("profilePhoto")
        photo: dict[str, Any] = photo_value if isinstance(photo_value, dict) else {}
        for where, value in (("joinedAt", viewer.get("joinedAt")), ("profilePhoto.createdAt", photo.get("createdAt"))):
            moment = parse_rfc3339(value)
            if moment is not None and moment > latest:
                fail("times_plausible", f"viewer {viewer.get('_id')}'s {where} is after the answer was given",
                     exchange, received=f"{where} {value} in an answer stamped {body['timestamp'] if body else ''}",
                     expected=f"at most {CLOCK_SKEW_S // 60} minutes after the answer's timestamp")
        created, updated = parse_rfc3339(photo.get("createdAt")), parse_rfc3339(photo.get("updatedAt"))
        if created is not None and updated is not None and updated < created:
            fail("times_plausible", f"viewer {viewer.get('_id')}'s photo was updated before it was created", exchange,
                 received=f"createdAt {photo.get('createdAt')}, updatedAt {photo.get('updatedAt')}",
                 expected="updatedAt at or after createdAt")
