"""The registry's one place for what the documentation leaves open: every promise has a provenance, the table
of docs/reference/open-readings.md is the registry's, and each reading (collations, numbers, finding names,
forged tokens, secrets cut out) does what it says."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests.registry.cross_answer_promises import PROMISES
from contract_tests.registry.documented_rules import load_spec
from contract_tests.registry.finding_names import is_known_name, schema_location
from contract_tests.registry.judged_spec import judged_spec
from contract_tests.registry.number_readings import echoes, read_number
from contract_tests.registry.promise_provenance import PROVENANCE, READING_KEYS, provenance_of, readings_table
from contract_tests.registry.response_checks import CHECKS
from contract_tests.registry.search_collations import found_under_every, sound_under
from contract_tests.registry.secret_fragments import HIDDEN, SecretFragments
from contract_tests.registry.token_attacks import TOKEN_ATTACKS, expires_at, parts
from contract_tests.test_search import surname_fragment
from mockserver.core.auth import mint_token
from mockserver.settings import DEVELOPMENT_SECRET

REPO = Path(__file__).resolve().parent.parent


def viewer(name: str, surname: str, username: str) -> dict[str, str]:
    return {"name": name, "surname": surname, "username": username}


def test_every_check_and_promise_says_where_it_comes_from() -> None:
    names = set(CHECKS) | set(PROMISES)
    assert names - set(PROVENANCE) == set()
    assert all(p.stated or p.basis in READING_KEYS for p in PROVENANCE.values())


def test_the_documented_readings_table_is_the_registrys() -> None:
    assert readings_table() in (REPO / "docs" / "reference" / "open-readings.md").read_text(encoding="utf-8")


def test_an_accent_insensitive_page_is_sound_and_a_page_of_everybody_is_not() -> None:
    ayse, john = viewer("Ayşe", "Yılmaz", "ayse12"), viewer("John", "Doe", "john3")
    assert sound_under(["s"], [ayse]) is not None  # plain s also in "ayse12"
    assert sound_under(["ş"], [viewer("Ayse", "Kaya", "a1")]) == ("accent", "ş")
    assert sound_under(["¯"], [ayse, john]) is None  # a term no collation folds to nothing finds nobody
    assert sound_under(["ş"], [john]) is None


def test_a_viewer_must_be_found_only_by_a_term_every_collation_matches() -> None:
    assert found_under_every("AYŞE", "Ayşe") and found_under_every("ılma", "Yılmaz")
    assert not found_under_every("YILMAZ", "Yılmaz")  # PostgreSQL ILIKE: lower('I') is i, not ı


@pytest.mark.parametrize(("surname", "fragment"), [("Işık", "şı"), ("Yılmaz", "ılma"), ("Doe", "O"),
                                                    ("Kaya", "AY"), ("Öztürk", "ZTÜR")])
def test_a_surname_is_searched_by_a_fragment_every_collation_finds_it_by(surname: str, fragment: str) -> None:
    """Not 'ŞI' for Işık: a backend on PostgreSQL ILIKE (lower('I') is i) correctly misses it by that."""
    assert surname_fragment(surname) == fragment and found_under_every(fragment, surname)


@pytest.mark.parametrize(("raw", "maximum", "served", "refusable"), [
    (None, 100, {20}, False), ("7", 100, {7}, False), ("101", 100, {100, 20}, True), ("0", 100, {1, 20}, True),
    ("1.5", 100, {1, 20}, True), ("1e1", None, {10, 1, 20}, True), ("abc", 100, {20}, True), ("", 100, {20}, True),
])
def test_page_and_limit_readings(raw: str | None, maximum: int | None, served: set[int], refusable: bool) -> None:
    reading = read_number(raw, default=20, maximum=maximum)
    assert set(reading.values) == served and reading.refusable is refusable


def test_an_echo_past_2_53_may_be_its_nearest_double() -> None:
    reading = read_number(str(2**54 + 1), default=1)
    assert echoes(float(2**54), reading) and echoes(2**54 + 1, reading) and not echoes(2**54 - 2**20, reading)
    assert echoes(20.0, read_number(None, default=20)) and not echoes(True, read_number(None, default=1))


def test_schemathesis_findings_are_named_by_the_schema_place() -> None:
    spec = load_spec()
    root = {"$ref": "#/components/schemas/ViewersEnvelope"}
    assert schema_location(spec, root, ["data", "list", 3, "expertise"]) == "Viewer.expertise"
    assert schema_location(spec, root, ["data", "pagination", "totalPages"]) == "Pagination.totalPages"
    assert schema_location(spec, root, ["data", "list", 0], "required", "'username' is a required property") \
        == "Viewer.username"
    assert is_known_name("schema:Viewer.expertise", (), spec) and is_known_name("status:422", (), spec)
    assert not is_known_name("schema:Viewer.email", (), spec) and not is_known_name("status:abc", (), spec)
    assert provenance_of("schema:Viewer.expertise").basis == "unset-attributes"  # type: ignore[union-attr]


def test_the_judged_contract_accepts_what_the_registry_accepts() -> None:
    judged = judged_spec(load_spec())
    schemas = judged["components"]["schemas"]
    assert "expertise" not in schemas["Viewer"]["required"] and "profilePhoto" not in schemas["Viewer"]["required"]
    assert "additionalProperties" not in schemas["Pagination"]
    assert schemas["Viewer"]["additionalProperties"] is False  # a viewer's extra field is a leak
    assert {"414", "429", "503"} <= set(judged["paths"]["/api/v1/live-stream/{id}/viewers"]["get"]["responses"])


def test_every_forged_token_differs_from_the_real_one() -> None:
    token = mint_token(DEVELOPMENT_SECRET, "64d15f9e2e6c8f4d5a000001")
    forged = [attack.forge(token) for attack in TOKEN_ATTACKS]
    assert token not in forged and len(set(forged)) == len(forged)
    assert {parts(f)[0]["alg"] for f in forged} >= {"none", "None", "NONE", "HS384", "HS512", "HS256"}
    assert expires_at(token) is not None and expires_at("not-a-token") is None


def test_no_fragment_of_a_secret_survives() -> None:
    token = mint_token(DEVELOPMENT_SECRET, "64d15f9e2e6c8f4d5a000001")
    fragments = SecretFragments([token])
    shown = fragments.redact(f"headers={{'Authorization': 'Bearer {token[:40]}...{token[-36:]}'}} and 12345678")
    assert token[:8] not in shown and token[-8:] not in shown and HIDDEN in shown and "12345678" in shown
