"""The data set and the rules that serve it, as one JSON document another runtime can serve from.

The npm package in `msw/` ships this document (its build step writes it), so its handlers answer with
the mock's own viewers, error texts and limits: nothing is restated by hand there. What another runtime
cannot take from a table (the hashes that derive the viewers who join a live stream, its churn) it
derives from the salts, pools and tables given here, and the differential test compares the two.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Mapping
from typing import Any

from mockserver.core import churn as churn_rules
from mockserver.core import dataset as builtin
from mockserver.core import generate, live
from mockserver.core.auth import ALGORITHM, MIN_SECRET_BYTES
from mockserver.core.avatars import (
    MEDIA_PATH,
    MEDIA_PREFIX,
    ORIGIN_PLACEHOLDER,
    PHOTO_EDGE,
    VARIANT_EDGES,
    initials,
    local_photo_urls,
)
from mockserver.core.dataset import DEFAULT_USER_ID, FORBIDDEN_USER_ID, DataSet
from mockserver.core.envelope import ERROR_MESSAGES
from mockserver.core.follows import _FOLLOW_SHARE
from mockserver.core.generate import name_pools, stream_key
from mockserver.core.model import Churn, JsonObject, Stream, Viewer
from mockserver.core.params import ParameterRules

FORMAT = "allmine-viewers-portable/1"
_SCALES = {"followersCount": 13.0, "followingCount": 9.0}


def _viewer(viewer: Viewer) -> JsonObject:
    """A viewer as the mock renders it with local media (origin placeholder), `isFollowing` left out."""
    record = viewer.to_json()
    if viewer.profile_photo is not None:
        record["profilePhoto"]["url"], record["profilePhoto"]["variants"] = local_photo_urls(viewer)
    record["joinedAtMs"] = viewer.joined_at_ms
    del record["joinedAt"]
    if viewer.followed_by is not None:
        record["followedBy"] = sorted(viewer.followed_by)
    return record


def _stream(seed: int, stream: Stream) -> JsonObject:
    return {
        "id": stream.id,
        "title": stream.title,
        "live": stream.is_live,
        "participantAudienceTotal": stream.participant_audience_total,
        "blockedUserIds": sorted(stream.blocked_user_ids),
        "churn": stream.churn.to_json() if stream.churn is not None else None,
        "liveForS": stream.live_for_s,
        "key": str(stream_key(seed, stream.id)),
        "viewers": [_viewer(stream.audience.viewer(p)) for p in range(len(stream.audience))],
    }


def _steps(scale: float) -> list[list[int]]:
    """The skewed count of each 16-bit draw as [first draw, count] steps (the count never falls)."""
    steps: list[list[int]] = []
    for bits in range(0x10000):
        count = generate._skewed_count(bits, scale)
        if not steps or steps[-1][1] != count:
            steps.append([bits, count])
    return steps


def _pools(seed: int) -> JsonObject:
    pools = name_pools(seed)
    names = {*pools.turkish.first_names, *pools.turkish.last_names, *pools.international.first_names,
             *pools.international.last_names}
    return {
        "turkish": {"firstNames": list(pools.turkish.first_names), "lastNames": list(pools.turkish.last_names)},
        "international": {"firstNames": list(pools.international.first_names),
                          "lastNames": list(pools.international.last_names)},
        "expertise": list(pools.expertise),
        "usernameParts": {name: generate.username_part(name) for name in sorted(names)},
        "initials": {name: initials(name, "").replace("-", "") for name in sorted(names)},
    }


def _text_rules() -> JsonObject:
    """Case folding and whitespace as Python has them, for the search's folding and blank terms."""
    casefold: dict[str, str] = {}
    whitespace: list[str] = []
    non_printable: list[list[int]] = []  # ranges [first, last] of what repr() escapes
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        if char.casefold() != char and not 0xD800 <= point <= 0xDFFF:
            casefold[char] = char.casefold()
        if char.isspace():
            whitespace.append(char)
        if not char.isprintable():
            if non_printable and non_printable[-1][1] == point - 1:
                non_printable[-1][1] = point
            else:
                non_printable.append([point, point])
    return {"casefold": casefold, "whitespace": "".join(whitespace), "unicodeVersion": unicodedata.unidata_version,
            "nonPrintable": non_printable}


def portable_dataset(dataset: DataSet, spec: Mapping[str, Any], *, secret: str, max_delay_ms: int,
                     forceable_codes: tuple[int, ...], max_at_seconds: int, version: str) -> JsonObject:
    """Everything the npm package's handlers serve from, for one data set under one spec."""
    operation = spec["paths"]["/api/v1/live-stream/{id}/viewers"]["get"]
    parameters = [p for p in operation.get("parameters", []) if p["in"] in {"query", "path"}]
    ParameterRules.from_spec(parameters)  # the same rules the mock enforces: beyond them, no export
    return {
        "format": FORMAT,
        "generatedBy": f"mockserver {version}",
        "seed": str(dataset.seed),
        "auth": {"algorithm": ALGORITHM, "developmentSecret": secret, "minSecretBytes": MIN_SECRET_BYTES,
                 "forbiddenUserId": FORBIDDEN_USER_ID, "defaultUserId": DEFAULT_USER_ID},
        "streamIds": {name.removesuffix("_STREAM_ID").lower(): value for name, value in vars(builtin).items()
                      if name.endswith("_STREAM_ID")},
        "parameters": [{"name": p["name"], "in": p["in"], "required": bool(p.get("required", False)),
                        **{k: v for k, v in p.get("schema", {}).items() if k not in {"description", "example"}}}
                       for p in parameters],
        "errorMessages": {str(code): text for code, text in ERROR_MESSAGES.items()},
        "scenarios": {"forceableCodes": list(forceable_codes), "maxDelayMs": max_delay_ms,
                      "maxAtSeconds": max_at_seconds},
        "media": {"placeholder": ORIGIN_PLACEHOLDER, "prefix": MEDIA_PREFIX, "path": MEDIA_PATH.pattern,
                  "photoEdge": PHOTO_EDGE, "variantEdges": list(VARIANT_EDGES)},
        "generation": {
            "turkishShare": generate._TURKISH_SHARE, "photoShare": generate._PHOTO_SHARE,
            "expertiseShare": generate._EXPERTISE_SHARE, "expertiseSalt": str(generate._EXPERTISE_SALT),
            "usernameSeparators": list(generate._USERNAME_SEPARATORS), "accountsFromS": generate._ACCOUNTS_FROM_S,
            "accountsSpanS": generate._ACCOUNTS_SPAN_S, "photoHosts": list(generate._PHOTO_HOSTS),
            "counts": {field: _steps(scale) for field, scale in _SCALES.items()},
        },
        "follows": {"share": str(_FOLLOW_SHARE)},
        "churn": {"joinSalt": str(churn_rules._JOIN_SALT), "leaveSalt": str(churn_rules._LEAVE_SALT),
                  "departureKey": str(churn_rules.Departures(0, Churn(0, 0), 0)._key),
                  "nobody": str(churn_rules._NOBODY), "joinerSalt": str(live._JOINER_SALT),
                  "baseLeadMs": live._BASE_LEAD_MS},
        "text": _text_rules(),
        "pools": _pools(dataset.seed),
        "streams": [_stream(dataset.seed, stream) for stream in dataset.streams.values()],
    }
