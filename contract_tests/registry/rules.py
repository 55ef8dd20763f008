"""What the contract says, read from openapi.yaml (the single source of truth) and its search rule."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

VIEWERS_PATH = "/api/v1/live-stream/{id}/viewers"


def shipped_spec_path() -> Path:
    """openapi.yaml as installed inside the package, or at the top of the checkout (editable installs)."""
    package = Path(__file__).resolve().parent.parent  # contract_tests/, where the build puts the spec
    shipped = package / "openapi.yaml"
    return shipped if shipped.is_file() else package.parent / "openapi.yaml"


def spec_path() -> Path:
    """The contract the suite checks: CONTRACT_SPEC when set (another version of it), else the shipped one."""
    return Path(os.environ.get("CONTRACT_SPEC") or shipped_spec_path())


@cache
def load_spec() -> dict[str, Any]:
    with spec_path().open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def check_spec() -> None:
    """Raise ValueError, naming CONTRACT_SPEC, when the contract cannot be read or has no viewers endpoint."""
    given = os.environ.get("CONTRACT_SPEC")
    if not given:
        return
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
