"""The private names of Connexion this mock relies on, each reached here and nowhere else.

Connexion 3 has no public hook for the API class an app builds, the parameter decorator of an operation, the
handler an operation wraps, or the spec its Swagger UI serves. `connexion_tuning` and `served_spec` reach them
through this module; `tests/test_connexion_internals.py` proves each one still takes effect, and fails naming the
Connexion release that changed it (pyproject.toml's range stops below the next minor release for that reason).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version
from typing import Any

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.middleware.swagger_ui import SwaggerUIAPI
from starlette.requests import Request


class IncompatibleConnexion(RuntimeError):
    """The installed Connexion lacks a private name this module relies on."""

    def __init__(self, name: str) -> None:
        super().__init__(f"connexion {version('connexion')} has no {name}, which the mock relies on; "
                         "install a release within the range allmine-viewers-mock declares")


def use_api_class(app: AsyncApp, api_class: type[AsyncApi]) -> None:
    """Make the APIs added to the app from now on instances of `api_class` (its ASGI app's `api_cls`)."""
    middleware_app = getattr(app, "_middleware_app", None)
    if middleware_app is None or not isinstance(getattr(middleware_app, "api_cls", None), type):
        raise IncompatibleConnexion("AsyncApp._middleware_app.api_cls")
    middleware_app.api_cls = api_class


def undecorated_handler(operation: AsyncOperation) -> Callable[..., Any]:
    """The handler an operation was made with, before Connexion decorates it (`AsyncOperation._fn`)."""
    handler: Callable[..., Any] | None = getattr(operation, "_fn", None)
    if not callable(handler):
        raise IncompatibleConnexion("AsyncOperation._fn")
    return handler


class StarletteDecoratorWithParameters(StarletteDecorator):  # type: ignore[misc]
    """Connexion's Starlette decorator with the parameter decorator of `parameter_decorator_class`
    (`_parameter_decorator_cls`, which `decorate` instantiates)."""

    parameter_decorator_class: type[AsyncParameterDecorator] = AsyncParameterDecorator

    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return self.parameter_decorator_class


class SwaggerUIAPIServing(SwaggerUIAPI):  # type: ignore[misc]
    """Connexion's spec and Swagger UI routes, serving what `serve_spec` makes of the spec
    (`_spec_for_prefix`, which the /openapi.json and /openapi.yaml routes call)."""

    def serve_spec(self, spec: dict[str, Any], request: Request) -> dict[str, Any]:
        return spec

    def _spec_for_prefix(self, request: Request) -> dict[str, Any]:
        spec: dict[str, Any] = super()._spec_for_prefix(request)
        return self.serve_spec(spec, request)

