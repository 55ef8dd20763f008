"""The classes a request tried, for the run's summary: each token attack, Unicode classes, boundaries."""

from __future__ import annotations

import base64
import json

from contract_tests.registry.parameter_classes import classes_of, search_classes, token_class

URL = "http://127.0.0.1:1/api/v1/live-stream/64d15f9e2e6c8f4d5a123456/viewers"


def _b64(data: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


VALID = f"{_b64({'alg': 'HS256'})}.{_b64({'sub': 'me'})}.c2lnbmF0dXJl"


def test_each_token_attack_has_its_class() -> None:
    head, claims, signature = VALID.split(".")
    assert token_class(None, VALID, None) == "token: none"
    assert token_class("Basic dXNlcjpwYXNz", VALID, None) == "token: garbage credentials"
    assert token_class(f"Bearer {VALID}", VALID, None) == "token: valid"
    assert token_class("Bearer f.o.r", VALID, "f.o.r") == "token: forbidden user"
    assert token_class("Bearer e.x.p", VALID, "f.o.r", "e.x.p") == "token: expired"
    assert token_class(f"Bearer {head}.{claims}.QUJD", VALID, None) == "token: tampered signature"
    assert token_class(f"Bearer {head}.{_b64({'sub': 'you'})}.{signature}", VALID, None) == "token: forged claims"
    assert token_class(f"Bearer {_b64({'alg': 'none'})}.{claims}.", VALID, None) == "token: alg none"


def test_search_terms_are_classed_by_what_they_hold() -> None:
    assert search_classes("  ") == ["search: blank"]
    assert search_classes("ŞİMŞEK") == ["search: Turkish letters"]
    assert "search: combining marks" in search_classes("i\u0307")
    assert "search: other scripts" in search_classes("Ива")
    assert "search: emoji and astral" in search_classes("\U0001F600")
    assert "search: control and format characters" in search_classes("a\u200bb")
    assert "search: regex or SQL metacharacters" in search_classes("a%' OR 1=1")
    assert "search: long term (over 256 characters)" in search_classes("a" * 300)


def test_pages_and_limits_are_classed_by_value_and_spelling() -> None:
    classes = classes_of("GET", f"{URL}?page=0&limit=101", None, stream_id="64d15f9e2e6c8f4d5a123456",
                         valid_token=VALID)
    assert {"page: boundary (0, 1, negative)", "limit: boundary (0, 1, max, max + 1)", "token: none",
            "stream id: the target's", "search: none"} <= set(classes)
    assert "page or limit: fraction or exponent" in classes_of("GET", f"{URL}?limit=1.5", None, stream_id="x",
                                                               valid_token=VALID)
    assert "page: deep (over 1000)" in classes_of("GET", f"{URL}?page=5000", None, stream_id="x", valid_token=VALID)
    assert "method: undeclared" in classes_of("DELETE", URL, None, stream_id="x", valid_token=VALID)
