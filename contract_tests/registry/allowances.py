"""Known deviations: CONTRACT_ALLOW names checks whose violations a team accepts, for a reason.

The value is a comma-separated list of check names (`envelope_timestamp,search_blank`) or the path of a
small file with one `check_name: reason` a line (`#` starts a comment). A violation of an allowed check
becomes an "allowed deviation" line in the report instead of a failure; an allowed check that no longer
fails is reported as stale. An unknown name stops the run before it starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from pathlib import Path

ALLOW_VARIABLE = "CONTRACT_ALLOW"
# a check or promise (`search_soundness`), or a Schemathesis finding (`schema:Viewer.expertise`, `status:422`)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(:[^\s,:#]+)?")
_ENTRY = re.compile(r"(\S+?):\s+(.*)")


class AllowanceError(ValueError):
    """CONTRACT_ALLOW cannot be used; the message names the bad value."""


def parse_allowances(value: str, known: Collection[str], is_known: Callable[[str], bool] | None = None,
                     listed_by: str = "contract-test --list-findings") -> dict[str, str]:
    """Check name -> reason, from a list of names or from a file of `name: reason` lines."""
    text = value.strip()
    if not text:
        return {}
    looks_like_file = "/" in text or Path(text).suffix in {".txt", ".md", ".cfg", ".allow"} or Path(text).is_file()
    entries = _from_file(Path(text)) if looks_like_file else _from_list(text)
    unknown = [name for name in entries if name not in known and not (is_known and is_known(name))]
    if unknown:
        raise AllowanceError(f"{ALLOW_VARIABLE} names {', '.join(repr(n) for n in unknown)}, which "
                             f"{'is not a check' if len(unknown) == 1 else 'are not checks'} of the suite "
                             f"(`{listed_by}` lists every name: {', '.join(sorted(known)[:8])}, ...)")
    return entries


def _from_list(text: str) -> dict[str, str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    bad = [name for name in names if not _NAME.fullmatch(name)]
    if bad:
        raise AllowanceError(f"{ALLOW_VARIABLE} has value {text!r}: {bad[0]!r} is not a check name")
    return {name: "allowed by CONTRACT_ALLOW" for name in names}


def _from_file(path: Path) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise AllowanceError(f"{ALLOW_VARIABLE} names the file {str(path)!r}, which cannot be read "
                             f"({error.strerror or error})") from None
    entries: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        entry = _ENTRY.fullmatch(content)
        name, reason = (entry.group(1), entry.group(2).strip()) if entry else (content, "")
        if not _NAME.fullmatch(name) or not reason:
            raise AllowanceError(f"{path}:{number}: {line.strip()!r} is not `check_name: reason` "
                                 "(every allowed deviation needs its reason)")
        entries[name] = reason
    return entries
