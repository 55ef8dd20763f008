"""openapi.yaml is a valid spec, its examples hold, and it says what the documentation says."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate as validate_spec

from tests.conftest import REPO

DOCUMENTATION = REPO / "fixtures" / "documented" / "live-stream-viewers.txt"
EXAMPLES = REPO / "fixtures" / "documented" / "examples"
OPERATION = ("/api/v1/live-stream/{id}/viewers", "get")


def resolve(node: Any, spec: dict[str, Any]) -> Any:
    """The node with every local $ref replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolve(target, spec)
        return {key: resolve(value, spec) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(item, spec) for item in node]
    return node


def documented_json_blocks(text: str) -> list[Any]:
    """Every top-level JSON object in the documentation's text, in order."""
    decoder = json.JSONDecoder()
    blocks, position = [], 0
    while (start := text.find("{\n", position)) != -1:
        block, end = decoder.raw_decode(text, start)
        blocks.append(block)
        position = end
    return blocks


@pytest.fixture(scope="module")
def operation(spec: dict[str, Any]) -> dict[str, Any]:
    path, method = OPERATION
    return resolve(spec["paths"][path][method], spec)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def documentation() -> str:
    return DOCUMENTATION.read_text(encoding="utf-8")


def test_spec_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate_spec(spec)


def test_every_example_validates_against_its_schema(spec: dict[str, Any], operation: dict[str, Any]) -> None:
    checked = 0
    for response in operation["responses"].values():
        media = response["content"]["application/json"]
        OAS30Validator(media["schema"]).validate(media["example"])
        checked += 1
    for parameter in operation["parameters"]:
        if "example" in parameter:
            OAS30Validator(parameter["schema"]).validate(parameter["example"])
    assert checked == 5


def test_examples_are_the_documentations(operation: dict[str, Any], documentation: str) -> None:
    documented = documented_json_blocks(documentation)
    by_status = {block["statusCode"]: block for block in documented}
    assert sorted(by_status) == [200, 400, 401, 403, 404]
    for status, response in operation["responses"].items():
        assert response["content"]["application/json"]["example"] == by_status[int(status)]
        assert json.loads((EXAMPLES / f"{status}.json").read_text()) == by_status[int(status)]


def test_path_and_summary_are_the_documentations(spec: dict[str, Any], documentation: str) -> None:
    path, method = OPERATION
    assert f"{method.upper()}\n{path}" in documentation
    operation = spec["paths"][path][method]
    assert "Canlı yayın izleyicilerini getir" in operation["summary"]
    turkish = next(part for part in documentation.split("\n\n") if part.startswith("Belirli"))
    assert normalized(turkish) in normalized(operation["description"])


def normalized(text: str) -> str:
    return " ".join(text.replace("`", "").split())


def documented_parameters(text: str) -> dict[str, dict[str, str]]:
    """name -> {type, required, description, default, range} as the documentation lists them."""
    section = text[text.index("Path Parameters"):text.index("Response Body")]
    found: dict[str, dict[str, str]] = {}
    entry_pattern = r"^(\w+)(\??|\*)(number|string)\n\n(.+?)\n(?=\n\w+[?*]|\Z|\n*$)"
    for match in re.finditer(entry_pattern, section, re.M | re.S):
        name, marker, kind, rest = match.groups()
        entry = {"type": kind, "required": str(marker == "*"), "description": rest.split("\n")[0].strip()}
        default = re.search(r"Default(\S+)", rest)
        value_range = re.search(r"Range(.+)", rest)
        if default:
            entry["default"] = default.group(1)
        if value_range:
            entry["range"] = value_range.group(1).strip()
        found[name] = entry
    return found


def test_parameters_are_the_documentations(operation: dict[str, Any], documentation: str) -> None:
    documented = documented_parameters(documentation)
    assert set(documented) == {"id", "page", "limit", "search"}
    declared = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert set(declared) == set(documented)
    for name, doc in documented.items():
        parameter, schema = declared[name], declared[name]["schema"]
        assert parameter.get("required", False) == (doc["required"] == "True"), name
        assert doc["description"] in parameter["description"], name
        # The documentation says "number" for whole-number ranges: the contract declares integers.
        assert schema["type"] == ("integer" if doc["type"] == "number" else "string"), name
        if "default" in doc:
            assert schema["default"] == int(doc["default"]), name
        if "range" in doc:
            bounds = re.fullmatch(r"(\d+) <= value(?: <= (\d+))?", doc["range"])
            assert bounds, doc["range"]
            assert schema["minimum"] == int(bounds.group(1)), name
            assert schema.get("maximum") == (int(bounds.group(2)) if bounds.group(2) else None), name
    assert declared["id"]["in"] == "path"
    assert declared["id"]["schema"]["pattern"] == "^[0-9a-fA-F]{24}$"


def test_security_is_the_documented_bearer_jwt(spec: dict[str, Any], operation: dict[str, Any],
                                              documentation: str) -> None:
    assert "JWT-auth" in documentation and "Bearer <token>" in documentation
    assert operation["security"] == [{"JWT-auth": []}]
    scheme = spec["components"]["securitySchemes"]["JWT-auth"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert "without the Bearer prefix" in scheme["description"]


def field_paths(value: Any, prefix: str = "") -> set[str]:
    """Every field path of a JSON value, lists collapsed to [] and map keys (variants) to *."""
    if isinstance(value, dict):
        paths = set()
        for key, item in value.items():
            name = "*" if prefix.endswith("variants") else key
            paths |= {f"{prefix}.{name}"} | field_paths(item, f"{prefix}.{name}")
        return paths
    if isinstance(value, list):
        return set().union(*(field_paths(item, f"{prefix}[]") for item in value)) if value else set()
    return set()


def schema_paths(schema: dict[str, Any], prefix: str = "") -> set[str]:
    """Every field path a schema declares, in the same notation."""
    paths: set[str] = set()
    for key, sub in schema.get("properties", {}).items():
        paths.add(f"{prefix}.{key}")
        paths |= schema_paths(sub, f"{prefix}.{key}")
    if isinstance(schema.get("additionalProperties"), dict):
        paths.add(f"{prefix}.*")
    if schema.get("type") == "array":
        paths |= schema_paths(schema["items"], f"{prefix}[]")
    return paths


def test_every_documented_field_is_declared_required_and_no_more(operation: dict[str, Any],
                                                                 documentation: str) -> None:
    for block in documented_json_blocks(documentation):
        schema = operation["responses"][str(block["statusCode"])]["content"]["application/json"]["schema"]
        assert field_paths(block) == schema_paths(schema)


@pytest.mark.parametrize("schema_name", ["ViewersEnvelope", "ViewersPage", "Viewer", "ProfilePhoto",
                                         "Pagination", "ErrorEnvelope"])
def test_objects_are_strict(spec: dict[str, Any], schema_name: str) -> None:
    schema = spec["components"]["schemas"][schema_name]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(schema["properties"])


@pytest.mark.parametrize(("leak", "where"), [
    ("email", ["data", "list", 0]), ("phone", ["data", "list", 0, "profilePhoto"]),
    ("cursor", ["data", "pagination"]), ("debug", []),
])
def test_a_leaked_field_breaks_the_contract(operation: dict[str, Any], leak: str, where: list[Any]) -> None:
    media = operation["responses"]["200"]["content"]["application/json"]
    example = json.loads(json.dumps(media["example"]))
    target = example
    for step in where:
        target = target[step]
    target[leak] = "x"
    assert not OAS30Validator(media["schema"]).is_valid(example)


@pytest.mark.parametrize(("field", "bad"), [
    ("_id", "64d15f9e2e6c8f4d5a65432"), ("followersCount", -1), ("isFollowing", "true"),
    ("joinedAt", "yesterday"), ("followingCount", 1.5),
])
def test_viewer_types_are_enforced(operation: dict[str, Any], field: str, bad: Any) -> None:
    media = operation["responses"]["200"]["content"]["application/json"]
    example = json.loads(json.dumps(media["example"]))
    example["data"]["list"][0][field] = bad
    assert not OAS30Validator(media["schema"], format_checker=FormatChecker()).is_valid(example)


def test_example_files_exist_for_every_documented_status() -> None:
    assert sorted(Path(p).stem for p in EXAMPLES.glob("*.json")) == ["200", "400", "401", "403", "404"]
