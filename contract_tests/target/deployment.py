"""The deployment under test, as the suite's settings describe it (CONTRACT_* variables or equal options).

With no base URL, the suite tests the bundled mock (bundled_mock.py).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from contract_tests.registry.token_attacks import expires_at

VARIABLES = {
    "base_url": "CONTRACT_BASE_URL",
    "token": "CONTRACT_TOKEN",
    "stream_id": "CONTRACT_STREAM_ID",
    "forbidden_token": "CONTRACT_FORBIDDEN_TOKEN",
    "ended_stream_id": "CONTRACT_ENDED_STREAM_ID",
    "expired_token": "CONTRACT_EXPIRED_TOKEN",
    "followed_ids": "CONTRACT_FOLLOWED_IDS",
    "unfollowed_ids": "CONTRACT_UNFOLLOWED_IDS",
}

DEFAULT_TIMEOUT_S = 30.0

# The optional values: what each is, the checks that need it (by name, as the report lists them) and their name.
OPTIONAL_VALUES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "forbidden_token": ("the token of a user the stream blocks", "the 403 checks", ("auth_forbidden",
                                                                                    "error_envelope_403")),
    "ended_stream_id": ("the id of a stream that has ended", "the ended-stream check", ("ended_stream",)),
    "expired_token": ("a token of the deployment's that has expired", "the expired-token check",
                      ("auth_rejects_expired",)),
    "followed_ids": ("the ids of viewers of the stream CONTRACT_TOKEN's user follows, comma-separated (and "
                     "CONTRACT_UNFOLLOWED_IDS: some it does not, such as users who follow it)",
                     "the follow-state check", ("is_following_known",)),
}


class TargetError(Exception):
    """The target is not described well enough to test; the message says what is missing."""


@dataclass(frozen=True)
class Target:
    base_url: str
    token: str = field(repr=False)  # secrets: never in a repr (pytest's long tracebacks print arguments)
    stream_id: str
    forbidden_token: str | None = field(default=None, repr=False)
    ended_stream_id: str | None = None
    description: str = ""
    expired_token: str | None = field(default=None, repr=False)
    followed_ids: tuple[str, ...] = ()  # viewers CONTRACT_TOKEN's user follows
    unfollowed_ids: tuple[str, ...] = ()  # viewers it does not follow


def _check_token(variable: str, token: str | None) -> None:
    """A token as a header can carry it, named without its value (it is a secret)."""
    if not token:
        return
    if token.lower().startswith("bearer "):
        raise TargetError(f"{variable} starts with 'Bearer ': give the token alone; the suite adds 'Bearer '")
    if any(character.isspace() or not character.isprintable() for character in token):
        raise TargetError(f"{variable} holds a space, line break or control character (a secret pasted with its "
                          "newline?): give the token alone, on one line")


def _moment(seconds: int) -> str:
    """A token's `exp` as a UTC date-time; as seconds since 1970 where no date-time holds it (year 10000)."""
    try:
        return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    except (OverflowError, ValueError, OSError):
        return f"exp {seconds} (no date-time)"


def expiry_problem(variable: str, token: str, now: float | None = None) -> str | None:
    """Why a token cannot serve the run because it has expired (its `exp`, read without verifying it), or None."""
    expires = expires_at(token)
    moment = time.time() if now is None else now
    if expires is None or expires > moment:
        return None
    when = _moment(expires)
    return f"{variable} expired at {when} ({moment - expires:.0f} s ago): give a fresh token"


def expiry_warning(variable: str, token: str, budget_s: float, now: float | None = None) -> str | None:
    """A warning when a token that is valid now expires before the run's time budget is up, or None."""
    expires = expires_at(token)
    moment = time.time() if now is None else now
    if expires is None or expires <= moment or expires >= moment + budget_s:
        return None
    when = _moment(expires)
    return (f"warning: {variable} expires at {when}, in {expires - moment:.0f} s, before the time budget of "
            f"{budget_s:g} s is up: a run that outlasts it stops with exit 4 naming the expiry")


def not_run(name: str) -> str:
    """Why the checks that need an optional value were not run, and how to run them (their tests' skip reason)."""
    what, checks, promises = OPTIONAL_VALUES[name]
    return (f"not run: {checks} ({', '.join(promises)}), as {VARIABLES[name]} is not set; set it (or "
            f"--contract-{name.replace('_', '-')}) to {what} to run {'them' if len(promises) > 1 else 'it'}")


def promises_not_run(reasons: Iterable[str]) -> dict[str, str]:
    """The promises the skip reasons say were not run (each reason one of not_run's), each with its reason."""
    given = set(reasons)
    return {promise: not_run(name) for name, (_, _, promises) in OPTIONAL_VALUES.items() if not_run(name) in given
            for promise in promises}


def check_given(values: Mapping[str, str | None]) -> None:
    """A base URL needs a token and a stream: say which are missing, once; a forbidden token is another one."""
    if not values["base_url"]:
        return
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", values["base_url"] or ""):
        raise TargetError(f"CONTRACT_BASE_URL has value {values['base_url']!r}: not an http(s) URL")
    missing = [VARIABLES[name] for name in ("token", "stream_id") if not values[name]]
    if missing:
        raise TargetError(
            f"CONTRACT_BASE_URL is {values['base_url']}, but {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set: the suite needs a valid bearer token and a live "
            "stream with at least one viewer (or the options --contract-token / --contract-stream-id)"
        )
    for name in ("token", "forbidden_token", "expired_token"):
        _check_token(VARIABLES[name], values.get(name))
    if values.get("forbidden_token") and values["forbidden_token"] == values["token"]:
        raise TargetError("CONTRACT_FORBIDDEN_TOKEN is the same token as CONTRACT_TOKEN: give the token of a user "
                          "the stream blocks, or leave it unset to skip the 403 checks")
    if values.get("expired_token") and values["expired_token"] == values["token"]:
        raise TargetError("CONTRACT_EXPIRED_TOKEN is the same token as CONTRACT_TOKEN: give a token that has expired, "
                          "or leave it unset to skip that check")
    both = set(id_list(VARIABLES["followed_ids"], values.get("followed_ids"))) & set(
        id_list(VARIABLES["unfollowed_ids"], values.get("unfollowed_ids")))
    if both:
        raise TargetError(f"CONTRACT_FOLLOWED_IDS and CONTRACT_UNFOLLOWED_IDS both hold {sorted(both)[0]!r}: a user is "
                          "followed or not")
    if values.get("ended_stream_id") and str(values["ended_stream_id"]).lower() == str(values["stream_id"]).lower():
        raise TargetError("CONTRACT_ENDED_STREAM_ID is CONTRACT_STREAM_ID: give a stream that has ended, or leave it "
                          "unset to skip that check")


def id_list(variable: str, raw: str | None) -> tuple[str, ...]:
    """A comma-separated list of user ids; a blank or spaced one is named."""
    if not raw:
        return ()
    ids = tuple(part.strip() for part in raw.split(","))
    bad = next((part for part in ids if not part or not re.fullmatch(r"[\w.:-]+", part)), None)
    if bad is not None:
        raise TargetError(f"{variable} holds {bad!r}: give user ids separated by commas (64d15f9e...,64d15fa0...)")
    return ids


def resolve_target(values: Mapping[str, str | None]) -> Target:
    """The deployment named by the values (already checked)."""
    base_url = (values["base_url"] or "").rstrip("/")
    return Target(base_url, values["token"] or "", values["stream_id"] or "", values["forbidden_token"],
                  values["ended_stream_id"], description=f"the deployment at {base_url}",
                  expired_token=values.get("expired_token"),
                  followed_ids=id_list(VARIABLES["followed_ids"], values.get("followed_ids")),
                  unfollowed_ids=id_list(VARIABLES["unfollowed_ids"], values.get("unfollowed_ids")))
