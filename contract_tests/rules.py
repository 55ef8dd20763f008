"""What the contract says, read from openapi.yaml (the single source of truth) and its search rule."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SPEC = Path(__file__).resolve().parent.parent / "openapi.yaml"
VIEWERS_PATH = "/api/v1/live-stream/{id}/viewers"


def spec_path() -> Path:
    return Path(os.environ.get("CONTRACT_SPEC", DEFAULT_SPEC))


@cache
def load_spec() -> dict[str, Any]:
    with spec_path().open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


@dataclass(frozen=True)
class PagingRules:
    default_page: int
    default_limit: int
    max_limit: int
    id_pattern: str


@cache
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
