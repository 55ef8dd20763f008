"""Each private name of Connexion the mock relies on still takes effect in the installed release.

A failure here names the release: `mockserver/web/connexion_internals.py` needs updating for it, or
pyproject.toml's range must stop below it. Nothing else in the repository touches Connexion's privates.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import pytest
from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.jsonifier import Jsonifier
from connexion.operations import AbstractOperation
from starlette.requests import Request
from starlette.testclient import TestClient

from mockserver.web.connexion_internals import (
    IncompatibleConnexion,
    StarletteDecoratorWithParameters,
    SwaggerUIAPIServing,
    undecorated_handler,
    use_api_class,
)
from mockserver.web.connexion_tuning import SwaggerUIOnItsPaths

RELEASE = f"connexion {version('connexion')}"
SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "probe", "version": "1"},
    "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "pong"}}}}},
}


async def ping() -> dict[str, str]:
    return {"answer": "pong"}


def resolved_app(**options: Any) -> AsyncApp:
    from connexion.resolver import Resolver

    app = AsyncApp(__name__, **options)
    app.add_api(SPEC, resolver=Resolver(function_resolver=lambda _name: ping))
    return app


def test_the_api_class_of_an_app_is_the_one_set(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []

    class RecordingApi(AsyncApi):  # type: ignore[misc]
        def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
            made.append(operation.operation_id)
            return super().make_operation(operation)

    from connexion.resolver import Resolver

    app = AsyncApp(__name__)
    use_api_class(app, RecordingApi)
    app.add_api(SPEC, resolver=Resolver(function_resolver=lambda _name: ping))
    with TestClient(app) as client:
        assert client.get("/ping").json() == {"answer": "pong"}
    assert made == ["ping"], f"{RELEASE}: AsyncApp._middleware_app.api_cls no longer chooses the API class"


def test_an_app_without_the_api_class_hook_is_named_not_an_attribute_error() -> None:
    class Bare:
        pass

    with pytest.raises(IncompatibleConnexion, match=r"connexion \S+ has no AsyncApp\._middleware_app\.api_cls"):
        use_api_class(Bare(), AsyncApi)


def test_an_operation_keeps_the_handler_it_was_made_with() -> None:
    operation = AsyncOperation(ping, jsonifier=Jsonifier(), operation_id="ping", pythonic_params=True)
    assert undecorated_handler(operation) is ping, f"{RELEASE}: AsyncOperation._fn is no longer the handler"


def test_the_parameter_decorator_class_is_the_one_decorate_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[type[Any]] = []

    class Recording(AsyncParameterDecorator):  # type: ignore[misc]
        def __init__(self, **kwargs: Any) -> None:
            built.append(type(self))
            super().__init__(**kwargs)

    class Decorator(StarletteDecoratorWithParameters):
        parameter_decorator_class = Recording

    Decorator(pythonic_params=True).decorate(ping)
    assert built == [Recording], f"{RELEASE}: BaseDecorator.decorate no longer reads _parameter_decorator_cls"


def test_the_spec_served_is_what_serve_spec_makes_of_it() -> None:
    class Marking(SwaggerUIAPIServing):
        def serve_spec(self, spec: dict[str, Any], request: Request) -> dict[str, Any]:
            return {**spec, "x-served-by": request.url.path}

    class MarkingSwaggerUI(SwaggerUIOnItsPaths):
        def add_api(self, specification: Any, base_path: str | None = None,
                    arguments: dict[str, Any] | None = None, **kwargs: Any) -> None:
            api = Marking(specification, base_path=base_path, arguments=arguments, default=self.default_fn, **kwargs)
            self.router.mount(api.base_path, app=api.router)

    from connexion.middleware.main import ConnexionMiddleware
    from connexion.middleware.swagger_ui import SwaggerUIMiddleware

    stack = [MarkingSwaggerUI if layer is SwaggerUIMiddleware else layer
             for layer in ConnexionMiddleware.default_middlewares]
    with TestClient(resolved_app(middlewares=stack)) as client:
        served = client.get("/openapi.json").json()
    assert served.get("x-served-by") == "/openapi.json", \
        f"{RELEASE}: SwaggerUIAPI._spec_for_prefix no longer makes the spec /openapi.json serves"

