"""One request and its response, as the contract suite sees it, and how to reproduce it with curl."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Secrets:
    """The tokens a run holds, each shown in curl lines as the variable that holds it, so the line still runs
    and the secret never appears; `reveal` shows them as they are (CONTRACT_REVEAL_TOKEN)."""

    tokens: Mapping[str, str] = field(default_factory=dict, repr=False)  # token -> variable
    reveal: bool = False

    def remembering(self, token: str | None, variable: str) -> Secrets:
        """These secrets and one more (none when the token is empty)."""
        if not token:
            return self
        return Secrets({**self.tokens, token: variable}, self.reveal)

    def redacted(self, name: str, value: str) -> str:
        """`-H 'name: value'` for a curl line, each token replaced by its $VARIABLE."""
        quoted = shlex.quote(f"{name}: {value}")
        if not self.reveal:
            for token, variable in self.tokens.items():
                if token in value:
                    quoted = '"' + f"{name}: {value}".replace(token, "$" + variable).replace('"', '\\"') + '"'
        return quoted


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The bearer token of a request's Authorization header, if it sends one."""
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    return (value[7:].strip() or None) if value[:7].lower() == "bearer " else None


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    query: Mapping[str, str]
    request_headers: Mapping[str, str]
    status: int
    headers: Mapping[str, str]
    text: str
    body: Any = field(default=None)
    is_json: bool = False
    secrets: Secrets = field(default_factory=Secrets, compare=False, repr=False)

    @classmethod
    def of(cls, method: str, url: str, request_headers: Mapping[str, str], status: int,
           headers: Mapping[str, str], content: bytes, secrets: Secrets | None = None) -> Exchange:
        text = content.decode("utf-8", "replace")
        try:
            body, is_json = json.loads(text), True
        except ValueError:
            body, is_json = None, False
        query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        lowered = {key.lower(): value for key, value in headers.items()}
        return cls(method.upper(), url, query, dict(request_headers), status, lowered, text, body, is_json,
                   secrets or Secrets())

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def curl(self) -> str:
        """A shell command that sends the same request."""
        parts = ["curl", "-sS", "-i"] + (["-X", self.method] if self.method != "GET" else [])
        for name, value in self.request_headers.items():
            if name.lower() in {"host", "content-length", "accept-encoding", "connection", "user-agent", "accept"}:
                continue
            parts += ["-H", self.secrets.redacted(name, value)]
        parts.append(shlex.quote(self.url))
        return " ".join(parts)

    def summary(self, limit: int = 600) -> str:
        """The response as a person reads it: status, content type and the start of the body."""
        body = self.text if len(self.text) <= limit else self.text[:limit] + f"... ({len(self.text)} characters)"
        return f"HTTP {self.status} ({self.header('content-type') or 'no content type'}) {body}"
