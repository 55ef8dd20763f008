"""One request and its response, as the contract suite sees it, and how to reproduce it with curl."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# Tokens are secrets: reports show the variable that holds them, so the curl line still runs.
SECRET_TOKENS: dict[str, str] = {}


def remember_secret(token: str | None, variable: str) -> None:
    """Redact this token as $variable in every curl line (unless CONTRACT_REVEAL_TOKEN is set)."""
    if token:
        SECRET_TOKENS[token] = variable


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

    @classmethod
    def of(cls, method: str, url: str, request_headers: Mapping[str, str], status: int,
           headers: Mapping[str, str], content: bytes) -> Exchange:
        text = content.decode("utf-8", "replace")
        try:
            body, is_json = json.loads(text), True
        except ValueError:
            body, is_json = None, False
        query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        lowered = {key.lower(): value for key, value in headers.items()}
        return cls(method.upper(), url, query, dict(request_headers), status, lowered, text, body, is_json)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def curl(self) -> str:
        """A shell command that sends the same request."""
        reveal = os.environ.get("CONTRACT_REVEAL_TOKEN", "").lower() in {"1", "true", "yes"}
        parts = ["curl", "-sS", "-i"] + (["-X", self.method] if self.method != "GET" else [])
        for name, value in self.request_headers.items():
            if name.lower() in {"host", "content-length", "accept-encoding", "connection", "user-agent", "accept"}:
                continue
            quoted = shlex.quote(f"{name}: {value}")
            if not reveal:
                for token, variable in SECRET_TOKENS.items():
                    if token in value:
                        quoted = '"' + f"{name}: {value}".replace(token, "$" + variable).replace('"', '\\"') + '"'
            parts += ["-H", quoted]
        parts.append(shlex.quote(self.url))
        return " ".join(parts)

    def summary(self, limit: int = 600) -> str:
        """The response as a person reads it: status, content type and the start of the body."""
        body = self.text if len(self.text) <= limit else self.text[:limit] + f"... ({len(self.text)} characters)"
        return f"HTTP {self.status} ({self.header('content-type') or 'no content type'}) {body}"
