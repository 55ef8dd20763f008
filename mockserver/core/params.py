"""Request parameters checked against the rules openapi.yaml declares, every bad one named.

Connexion stops at the first bad parameter and re-validates with a fresh JSON Schema validator on
every request; these rules are compiled once per operation and report each bad parameter, so the
400 envelope lists them all ("Validation failed", then one entry a parameter).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

_INTEGER = re.compile(r"[+-]?[0-9]+")
_SHOWN_CHARACTERS = 40
_SUPPORTED_KEYWORDS = {"type", "minimum", "maximum", "pattern", "minLength", "maxLength", "default", "format",
                       "description", "example"}


class ValidationFailed(Exception):
    """One or more request parameters break the contract: 400."""

    status_code = 400

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def shown(value: str) -> str:
    """A received value, quoted and cut short, for an error message."""
    if len(value) > _SHOWN_CHARACTERS:
        return repr(value[:_SHOWN_CHARACTERS]) + f"... ({len(value)} characters)"
    return repr(value)


def _compile_pattern(pattern: str) -> re.Pattern[str]:
    """A JSON Schema pattern in Python: a final `$` ends the text, not a line (as in ECMA 262)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _percent_decoded(text: str) -> tuple[str, str | None]:
    """A query name or value percent-decoded as UTF-8 (`+` a space), and the first bytes that are not UTF-8,
    percent-encoded (%FF), or None: what parse_qsl reads, each bad byte U+FFFD, and what it read so."""
    raw = unquote_to_bytes(text.replace("+", " "))
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        return raw.decode("utf-8", "replace"), "".join(f"%{byte:02X}" for byte in raw[error.start:error.end])


def query_pairs(query_string: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """A query string's (name, value) pairs, as parse_qsl(keep_blank_values=True) reads them, and the problem of
    each parameter one of whose values is not UTF-8 once percent-decoded (its bytes named, not read as U+FFFD)."""
    pairs: list[tuple[str, str]] = []
    undecodable: dict[str, str] = {}
    for piece in query_string.split("&"):
        if not piece:
            continue
        raw_name, _, raw_value = piece.partition("=")
        name, _ = _percent_decoded(raw_name)
        value, bad = _percent_decoded(raw_value)
        pairs.append((name, value))
        if bad is not None:
            undecodable.setdefault(name, f"{name}: must be UTF-8 text once percent-decoded, got {shown(raw_value)} "
                                         f"({bad} is not UTF-8)")
    return pairs, undecodable


@dataclass(frozen=True)
class ParameterRule:
    name: str
    location: str
    required: bool
    type: str
    minimum: int | None = None
    maximum: int | None = None
    pattern: re.Pattern[str] | None = None
    pattern_text: str | None = None
    min_length: int | None = None
    max_length: int | None = None

    @classmethod
    def from_spec(cls, parameter: Mapping[str, Any]) -> ParameterRule:
        schema = parameter.get("schema", {})
        unsupported = set(schema) - _SUPPORTED_KEYWORDS
        if unsupported or schema.get("type") not in {"integer", "string"}:
            raise ValueError(f"parameter {parameter['name']!r}: schema {dict(schema)} is beyond these rules")
        return cls(
            name=parameter["name"],
            location=parameter["in"],
            required=bool(parameter.get("required", False)),
            type=schema["type"],
            minimum=schema.get("minimum"),
            maximum=schema.get("maximum"),
            pattern=_compile_pattern(schema["pattern"]) if "pattern" in schema else None,
            pattern_text=schema.get("pattern"),
            min_length=schema.get("minLength"),
            max_length=schema.get("maxLength"),
        )

    def problem(self, values: Sequence[str]) -> str | None:
        """What is wrong with the values received for this parameter, or None."""
        if not values:
            return f"{self.name}: is required" if self.required else None
        if len(values) > 1:
            return f"{self.name}: was given {len(values)} times; send it once"
        value = values[0]
        return self._integer_problem(value) if self.type == "integer" else self._string_problem(value)

    def _integer_problem(self, value: str) -> str | None:
        if not _INTEGER.fullmatch(value):
            return f"{self.name}: must be an integer, got {shown(value)}"
        number = int(value)
        if self.minimum is not None and number < self.minimum:
            return f"{self.name}: must be at least {self.minimum}, got {shown(value)}"
        if self.maximum is not None and number > self.maximum:
            return f"{self.name}: must be at most {self.maximum}, got {shown(value)}"
        return None

    def _string_problem(self, value: str) -> str | None:
        if self.pattern is not None and not self.pattern.search(value):
            return f"{self.name}: must match {self.pattern_text}, got {shown(value)}"
        if self.min_length is not None and len(value) < self.min_length:
            return f"{self.name}: must have at least {self.min_length} characters, got {shown(value)}"
        if self.max_length is not None and len(value) > self.max_length:
            return f"{self.name}: must have at most {self.max_length} characters, got {len(value)}"
        return None


@dataclass(frozen=True)
class ParameterRules:
    """The rules of one operation's query and path parameters."""

    rules: tuple[ParameterRule, ...]

    @classmethod
    def from_spec(cls, parameters: Iterable[Mapping[str, Any]]) -> ParameterRules:
        return cls(tuple(ParameterRule.from_spec(p) for p in parameters if p["in"] in {"query", "path"}))

    def problems(self, query: Iterable[tuple[str, str]], path: Mapping[str, str],
                 undecodable: Mapping[str, str] | None = None) -> list[str]:
        """Every bad parameter of a request, one message each, in the spec's order; a query parameter in
        `undecodable` (see query_pairs) by that problem."""
        received: dict[tuple[str, str], list[str]] = {}
        for name, value in query:
            received.setdefault(("query", name), []).append(value)
        for name, value in path.items():
            received[("path", name)] = [value]
        bad = undecodable or {}
        found = (bad[rule.name] if rule.location == "query" and rule.name in bad else
                 rule.problem(received.get((rule.location, rule.name), [])) for rule in self.rules)
        return [problem for problem in found if problem is not None]
