"""One stable name per finding, the same in the terminal, the report, the JUnit, CONTRACT_ALLOW and the proxy.

A check of the registry, or a promise the tests hold across requests, is named by itself
(`search_soundness`). What Schemathesis finds is named KIND:DETAIL: `schema:COMPONENT.FIELD` for an answer
that breaks openapi.yaml's schema there (`schema:Viewer.expertise`), `status:CODE` for a status the
documentation does not list, `content-type:TYPE`, `headers:NAME`, `positive:CODE` (a request openapi.yaml
allows, refused) and `negative:CODE` (one it forbids, served). Its server errors are `no_server_error`, as
the registry's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_SCHEMATHESIS_NAME = re.compile(r"(schema|status|content-type|headers|positive|negative):(\S+)")
_QUOTED = re.compile(r"'([^']+)'")


def schema_components(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    components: dict[str, dict[str, Any]] = spec.get("components", {}).get("schemas", {})
    return components


def schema_locations(spec: dict[str, Any]) -> list[str]:
    """Every place of openapi.yaml's schemas a finding may name: each component, and each of its fields."""
    locations = []
    for name, schema in schema_components(spec).items():
        locations.append(name)
        locations += [f"{name}.{field}" for field in schema.get("properties", {})]
    return locations


def _resolve(spec: dict[str, Any], node: Any) -> tuple[Any, str | None]:
    """The node behind a $ref, and the component's name when it was one."""
    name = None
    while isinstance(node, dict) and "$ref" in node:
        name = str(node["$ref"]).rsplit("/", 1)[-1]
        node = schema_components(spec).get(name, {})
    return node, name


def schema_location(spec: dict[str, Any], root: Any, instance_path: Iterable[Any], keyword: str | None = None,
                    message: str = "") -> str:
    """COMPONENT.FIELD of the place an answer broke the schema: the instance path walked through the
    schema, named by the last component it passed (a viewer's field is Viewer.FIELD on every page)."""
    node, component = _resolve(spec, root)
    component = component or "response"
    fields: list[str] = []
    for key in instance_path:
        node, name = _resolve(spec, node)
        if name:
            component, fields = name, []
        if isinstance(key, int):
            node = node.get("items", {}) if isinstance(node, dict) else {}
            continue
        properties = node.get("properties", {}) if isinstance(node, dict) else {}
        fields.append(str(key))
        node = properties.get(key, node.get("additionalProperties", {}) if isinstance(node, dict) else {})
    if keyword in {"required", "additionalProperties"}:
        node, name = _resolve(spec, node)
        if name:
            component, fields = name, []
        quoted = _QUOTED.findall(message)
        if quoted:
            fields.append(quoted[0])
    return ".".join([component, *fields[:1]]) if fields else component


def schemathesis_name(failure: Any, spec: dict[str, Any], response_schema: Any) -> str:
    """The stable name of one of Schemathesis' failures."""
    kind = type(failure).__name__
    if kind == "JsonSchemaError":
        schema_path = list(getattr(failure, "schema_path", []))
        keyword = str(schema_path[-1]) if schema_path else None
        return "schema:" + schema_location(spec, response_schema, list(getattr(failure, "instance_path", [])),
                                           keyword, str(getattr(failure, "message", "")))
    if kind == "UndefinedStatusCode":  # a 5xx is a server error first: one root cause, one name
        return "no_server_error" if int(failure.status_code) >= 500 else f"status:{failure.status_code}"
    if kind in {"UndefinedContentType", "MalformedMediaType"}:
        return f"content-type:{getattr(failure, 'content_type', None) or getattr(failure, 'media_type', 'none')}"
    if kind == "MissingContentType":
        return "content-type:none"
    if kind == "MissingHeaders":
        return "headers:" + ",".join(failure.missing_headers)
    if kind in {"ServerError", "ContentTypeServerError"}:
        return "no_server_error"
    if kind in {"MalformedJson", "ContentDeserializationError"}:
        return "envelope_shape"
    if kind == "AcceptedNegativeData":
        return f"negative:{failure.status_code}"
    if kind == "RejectedPositiveData":
        return f"positive:{failure.status_code}"
    if kind in {"UnsupportedMethodResponse", "AllowHeaderMismatch"}:
        return "undeclared_method"
    if kind == "IgnoredAuth":
        return "auth_required"
    return "schemathesis:" + str(getattr(failure, "code", kind))


def is_schemathesis_name(name: str) -> bool:
    """Whether a finding is one of Schemathesis' (KIND:DETAIL), judged by its checks rather than the registry's."""
    return _SCHEMATHESIS_NAME.fullmatch(name) is not None


def is_known_name(name: str, registry_names: Iterable[str], spec: dict[str, Any]) -> bool:
    """Whether CONTRACT_ALLOW may name this: a check or promise, or a finding Schemathesis can make."""
    if name in set(registry_names):
        return True
    match = _SCHEMATHESIS_NAME.fullmatch(name)
    if not match:
        return False
    kind, detail = match.groups()
    if kind == "schema":
        return detail in schema_locations(spec)
    if kind in {"status", "positive", "negative"}:
        return bool(re.fullmatch(r"[1-5][0-9][0-9]", detail))
    return True


def name_patterns() -> Iterator[tuple[str, str]]:
    yield "status:CODE", "a status the documentation does not list (`status:422`)"
    yield "content-type:TYPE", "an answer in another media type than application/json (`content-type:text/html`)"
    yield "headers:NAME", "a response header openapi.yaml requires is missing"
    yield "positive:CODE", "a request openapi.yaml allows, refused with CODE"
    yield "negative:CODE", "a request openapi.yaml forbids, served with CODE"
