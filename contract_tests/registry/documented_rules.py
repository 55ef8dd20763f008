"""What the documentation says, read from openapi.yaml (the single source of truth), and its search rule.

What it leaves open is in open_readings.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

VIEWERS_PATH = "/api/v1/live-stream/{id}/viewers"


def shipped_spec_path() -> Path:
    """openapi.yaml as installed inside the package, or at the top of the checkout (editable installs)."""
    package = Path(__file__).resolve().parent.parent  # contract_tests/, where the build puts the spec
    shipped = package / "openapi.yaml"
    return shipped if shipped.is_file() else package.parent / "openapi.yaml"


Read = TypeVar("Read")
_chosen_spec: list[Path] = []  # the contract a program chose to check instead of the shipped one
_READINGS_OF_THE_SPEC: list[Callable[[], None]] = []  # the caches to clear when another contract is chosen


def use_spec(path: Path | None) -> None:
    """Check this version of the contract from now on (None: the shipped one). A program's settings (the
    suite's CONTRACT_SPEC) choose it once, at start, before any check runs."""
    _chosen_spec[:] = [path] if path is not None else []
    for clear in _READINGS_OF_THE_SPEC:
        clear()


def read_from_spec(function: Callable[[], Read]) -> Callable[[], Read]:
    """Cache what a function reads from the contract, until another contract is chosen (use_spec)."""
    cached = cache(function)
    _READINGS_OF_THE_SPEC.append(cached.cache_clear)
    return cached


def spec_path() -> Path:
    """The contract the checks hold answers to: the one chosen with use_spec, else the shipped one."""
    return _chosen_spec[0] if _chosen_spec else shipped_spec_path()


@read_from_spec
def load_spec() -> dict[str, Any]:
    with spec_path().open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def check_spec(given: str) -> None:
    """Raise ValueError, naming CONTRACT_SPEC, when the chosen contract cannot be read or has no viewers endpoint."""
    try:
        spec = load_spec()
    except OSError as error:
        raise ValueError(f"CONTRACT_SPEC has value {given!r}: cannot be read ({error.strerror or error})") from None
    except yaml.YAMLError as error:
        raise ValueError(f"CONTRACT_SPEC has value {given!r}: not YAML ({str(error).splitlines()[0]})") from None
    operation = spec.get("paths", {}).get(VIEWERS_PATH, {}).get("get") if isinstance(spec, dict) else None
    if not isinstance(operation, dict) or not isinstance(operation.get("parameters"), list):
        raise ValueError(f"CONTRACT_SPEC has value {given!r}: not an OpenAPI document with GET {VIEWERS_PATH} "
                         "and its parameters")


@dataclass(frozen=True)
class PagingRules:
    default_page: int
    default_limit: int
    max_limit: int
    id_pattern: str


@read_from_spec
def paging_rules() -> PagingRules:
    """The documented defaults and bounds of page, limit and id."""
    parameters = {p["name"]: p["schema"] for p in load_spec()["paths"][VIEWERS_PATH]["get"]["parameters"]}
    return PagingRules(
        default_page=parameters["page"]["default"],
        default_limit=parameters["limit"]["default"],
        max_limit=parameters["limit"]["maximum"],
        id_pattern=parameters["id"]["pattern"],
    )


def fold(text: str) -> str:
    """The contract's caseless form: NFC, Unicode case folding, and the four Turkish i's as one i."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return folded.replace("i\u0307", "i").replace("ı", "i")


def is_blank(term: str | None) -> bool:
    return term is None or not term.strip()


def matches(term: str, viewer: dict[str, Any]) -> bool:
    """Whether the viewer's name, surname or username contains the term, as the contract defines it."""
    needle = fold(term)
    return any(isinstance(viewer.get(key), str) and needle in fold(viewer[key])
               for key in ("name", "surname", "username"))


@read_from_spec
def documented_messages() -> dict[int, str]:
    """The message each documented error answer's example gives first (400 "Validation failed", ...)."""
    responses = load_spec()["paths"][VIEWERS_PATH]["get"]["responses"]
    messages: dict[int, str] = {}
    for status, response in responses.items():
        example = (response.get("content", {}).get("application/json", {}).get("example") or {}) \
            if isinstance(response, dict) else {}
        errors = example.get("errors") if isinstance(example, dict) else None
        if str(status).isdigit() and isinstance(errors, list) and errors and isinstance(errors[0], str):
            messages[int(status)] = errors[0]
    return messages
