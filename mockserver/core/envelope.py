"""The API's envelope: error envelopes, and the time stamp every envelope carries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from http import HTTPStatus

from mockserver.core.model import JsonObject, format_timestamp

# The documented first message of each error status; details follow it in `errors`.
ERROR_MESSAGES: dict[int, str] = {
    400: "Validation failed",
    401: "Authentication required",
    403: "Insufficient permissions",
    404: "Resource not found",
    405: "Method not allowed",
    500: "Internal server error",
    503: "Service unavailable",
}


def now_timestamp() -> str:
    """The current time as the API stamps its envelopes."""
    now = dt.datetime.now(dt.UTC)
    return format_timestamp(int(now.timestamp()) * 1000 + now.microsecond // 1000)


def headline(status: int) -> str:
    """The first entry of `errors` for a status: the documented message, else the HTTP phrase."""
    if status in ERROR_MESSAGES:
        return ERROR_MESSAGES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_envelope(status: int, details: Sequence[str] = (), timestamp: str | None = None) -> JsonObject:
    """An error envelope: the status's headline first, then each detail once."""
    errors = [headline(status)]
    errors.extend(detail for detail in dict.fromkeys(details) if detail and detail != errors[0])
    return {
        "isSuccess": False,
        "statusCode": status,
        "data": None,
        "errors": errors,
        "timestamp": timestamp or now_timestamp(),
    }


def to_json_bytes(document: JsonObject) -> bytes:
    """Compact UTF-8 JSON, as APIs send it."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
