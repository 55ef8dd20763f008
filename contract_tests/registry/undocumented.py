"""Checks of what the contract does not document: other methods, and fields it does not list.

Methods other than the contract's are not held to the envelope: 405 with Allow is right, and so are the
answers frameworks give to OPTIONS (200/204, CORS headers, no body) and HEAD (GET's status, no body).
Still wrong: a 5xx (no_server_error), or a write method served as if it worked.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from contract_tests.registry.checks import contract_check, envelope, fail, is_documented
from contract_tests.registry.exchange import Exchange
from contract_tests.registry.rules import VIEWERS_PATH, load_spec

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


@cache
def _documented_schemas() -> dict[int, Any]:
    responses = load_spec()["paths"][VIEWERS_PATH]["get"]["responses"]
    schemas = {}
    for status, response in responses.items():
        media = _resolve(response).get("content", {}).get("application/json")
        if str(status).isdigit() and media and "schema" in media:
            schemas[int(status)] = media["schema"]
    return schemas


def undocumented_fields(value: Any, schema: Any, where: str = "") -> list[str]:
    """Paths of the fields in value that its schema does not document (where it forbids other fields)."""
    schema = _resolve(schema)
    if not isinstance(schema, dict):
        return []
    found: list[str] = []
    for part in schema.get("allOf", []):
        found += undocumented_fields(value, part, where)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        others = schema.get("additionalProperties", True)
        for key, item in value.items():
            path = f"{where}.{key}" if where else key
            if key in properties:
                found += undocumented_fields(item, properties[key], path)
            elif others is False and "allOf" not in schema:
                found.append(path)
            elif isinstance(others, dict):
                found += undocumented_fields(item, others, path)
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += undocumented_fields(item, schema["items"], f"{where}[{index}]")
    return found


@contract_check("Answers carry only the fields the contract documents (no leaked field such as email).")
def no_undocumented_fields(exchange: Exchange) -> None:
    body = envelope(exchange)
    schema = _documented_schemas().get(exchange.status)
    if body is None or schema is None or not is_documented(exchange):
        return
    leaked = undocumented_fields(body, schema)
    if leaked:
        names = sorted({path.rsplit(".", 1)[-1] for path in leaked})
        fail("no_undocumented_fields", f"the answer carries {len(leaked)} undocumented field(s): "
             f"{', '.join(names[:5])}", exchange, received=", ".join(leaked[:5]) + (" ..." if len(leaked) > 5 else ""),
             expected="only the fields openapi.yaml documents")
