"""Checks of what the contract does not document: other methods, and fields it does not list.

Methods other than the contract's are not held to the envelope: 405 with Allow is right, and so are the
answers frameworks give to OPTIONS (200/204, CORS headers, no body) and HEAD (GET's status, no body).
Still wrong: a 5xx (no_server_error), or a write method served as if it worked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contract_tests.registry.documented_rules import VIEWERS_PATH, load_spec, read_from_spec
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.response_checks import contract_check, envelope, fail, is_documented

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@contract_check("A write method the contract does not document (POST, PUT, PATCH, DELETE) never succeeds.")
def undocumented_method(exchange: Exchange) -> None:
    if is_documented(exchange) or exchange.method not in WRITE_METHODS:
        return
    if 200 <= exchange.status < 300:
        fail("undocumented_method", f"{exchange.method}, which the contract does not document, was served as if "
             "it worked", exchange, received=f"HTTP {exchange.status}",
             expected="HTTP 405 Method Not Allowed with Allow: GET (or another 4xx)")


def _resolve(schema: Any) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = load_spec()
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


@dataclass(eq=False)
class _Fields:
    """What one schema documents of a value's fields, worked out once (every answer is checked against it)."""

    properties: dict[str, _Fields] = field(default_factory=dict)
    closed: bool = False  # additionalProperties: false, and no allOf that could add fields
    others: _Fields | None = None  # the schema of the fields not in properties, when it has one
    items: _Fields | None = None
    parts: list[_Fields] = field(default_factory=list)  # allOf


def _compiled(schema: Any, made: dict[int, _Fields]) -> _Fields:
    schema = _resolve(schema)
    if not isinstance(schema, dict):
        return _Fields()
    if id(schema) in made:
        return made[id(schema)]
    fields = made[id(schema)] = _Fields()
    fields.parts = [_compiled(part, made) for part in schema.get("allOf", [])]
    fields.properties = {key: _compiled(value, made) for key, value in schema.get("properties", {}).items()}
    others = schema.get("additionalProperties", True)
    fields.closed = others is False and "allOf" not in schema
    fields.others = _compiled(others, made) if isinstance(others, dict) else None
    fields.items = _compiled(schema["items"], made) if "items" in schema else None
    return fields


def _undocumented(value: Any, fields: _Fields, where: str, found: list[str]) -> None:
    for part in fields.parts:
        _undocumented(value, part, where, found)
    if isinstance(value, dict):
        for key, item in value.items():
            below = fields.properties.get(key)
            if below is None:
                if fields.closed:
                    found.append(f"{where}.{key}" if where else key)
                    continue
                below = fields.others
            if below is not None and isinstance(item, dict | list):  # plain values have no fields
                _undocumented(item, below, f"{where}.{key}" if where else key, found)
    elif isinstance(value, list) and fields.items is not None:
        for index, item in enumerate(value):
            if isinstance(item, dict | list):
                _undocumented(item, fields.items, f"{where}[{index}]", found)


@read_from_spec
def _documented_fields() -> dict[int, _Fields]:
    responses = load_spec()["paths"][VIEWERS_PATH]["get"]["responses"]
    made: dict[int, _Fields] = {}
    documented = {}
    for status, response in responses.items():
        media = _resolve(response).get("content", {}).get("application/json")
        if str(status).isdigit() and media and "schema" in media:
            documented[int(status)] = _compiled(media["schema"], made)
    return documented


def undocumented_places(exchange: Exchange) -> list[str]:
    """Where an answer of the documented endpoint carries a field openapi.yaml does not document (`data.pagingCounter`,
    `data.list[3].email`)."""
    body = envelope(exchange)
    fields = _documented_fields().get(exchange.status)
    if body is None or fields is None or not is_documented(exchange):
        return []
    found: list[str] = []
    _undocumented(body, fields, "", found)
    return found


@contract_check("Viewers and their photos carry only the fields the contract documents (no leaked field such as "
                "email).")
def no_undocumented_fields(exchange: Exchange) -> None:
    # Fields beside the envelope's, data's or pagination's are a reading (extra-fields: a paginator's
    # pagingCounter, a gateway's requestId); a viewer's or a photo's are personal data the contract never shows.
    leaked = [path for path in undocumented_places(exchange) if path.startswith("data.list[")]
    if leaked:
        names = sorted({path.rsplit(".", 1)[-1] for path in leaked})
        fail("no_undocumented_fields", f"the answer carries {len(leaked)} undocumented field(s): "
             f"{', '.join(names[:5])}", exchange, received=", ".join(leaked[:5]) + (" ..." if len(leaked) > 5 else ""),
             expected="only the fields openapi.yaml documents")
