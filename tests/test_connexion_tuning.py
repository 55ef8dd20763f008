"""The waste taken out of Connexion stays out, and nothing else changes."""

from __future__ import annotations

from typing import Any

import pytest
from connexion.middleware.response_validation import ResponseValidationMiddleware
from starlette.testclient import TestClient

from mockserver.settings import Settings
from mockserver.web import connexion_tuning
from mockserver.web.app import create_app
from tests.conftest import VIEWERS


def test_handlers_are_decorated_once_not_per_request(monkeypatch: pytest.MonkeyPatch, auth: dict[str, str]) -> None:
    calls = []
    original = connexion_tuning.OnceDecorated.decorate

    def counting(self: Any, function: Any) -> Any:
        calls.append(function)
        return original(self, function)

    monkeypatch.setattr(connexion_tuning.OnceDecorated, "decorate", counting)
    with TestClient(create_app(Settings())) as client:
        for page in range(1, 6):
            assert client.get(VIEWERS.format("64d15f9e2e6c8f4d5a123456"), params={"page": page},
                              headers=auth).status_code == 200
    assert len(calls) == 1


def test_response_validation_is_in_the_stack_only_when_asked() -> None:
    assert ResponseValidationMiddleware in connexion_tuning.middlewares(validate_responses=True)
    assert ResponseValidationMiddleware not in connexion_tuning.middlewares(validate_responses=False)


def test_names_are_converted_once_and_as_before() -> None:
    from connexion.frameworks.starlette import Starlette as StarletteFramework

    decorator = connexion_tuning.NamesConvertedOnce(framework=StarletteFramework, pythonic_params=True)
    assert decorator.sanitize_fn("id") == "id_"
    assert decorator.sanitize_fn("pageSize") == "page_size"
    assert decorator.sanitize_fn.cache_info().misses == 2
    decorator.sanitize_fn("id")
    assert decorator.sanitize_fn.cache_info().hits == 1
