"""No secret anywhere: text the suite shows, with every run of characters that shares 8 with a token cut out.

Curl lines show a token as the variable that holds it; this is the last line of defence for everything
else (tracebacks print the arguments of each frame, saferepr keeps a long value's start and end, a forged
token is made from the real one): any run of token-like characters sharing 8 consecutive characters with
a secret is replaced, whatever is around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FRAGMENT = 8
_RUN = re.compile(r"[A-Za-z0-9_\-.~+/=]{" + str(FRAGMENT) + ",}")
HIDDEN = "<secret hidden>"


class SecretFragments:
    """The fragments of a run's secrets, and text with them cut out."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._grams: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= FRAGMENT:
            self._grams.update(secret[start:start + FRAGMENT] for start in range(len(secret) - FRAGMENT + 1))

    def _holds(self, run: str) -> bool:
        return any(run[start:start + FRAGMENT] in self._grams for start in range(len(run) - FRAGMENT + 1))

    def redact(self, text: str) -> str:
        if not self._grams or not text:
            return text
        return _RUN.sub(lambda match: HIDDEN if self._holds(match.group(0)) else match.group(0), text)

    def __repr__(self) -> str:
        return f"SecretFragments({len(self._grams)} fragments)"
