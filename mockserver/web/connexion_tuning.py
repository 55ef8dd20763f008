"""Connexion, with per-request waste taken out (the work stays), found with a profiler:

- it re-decorates the operation's handler on every request: a parameter decorator (reading the
  handler's signature with `inspect`) and a response decorator, built and thrown away each time.
  Here they are built once per operation; what depends on the request (the operation, the URI
  parser, the ASGI scope) is still read from Connexion's request context on every call;
- it turns each parameter's name into a Python name with three regular expressions on every
  request; the few names of a spec are converted once;
- its Swagger UI middleware runs a router over every request; here only its own paths reach it;
- its response validation middleware wraps every request even when it validates nothing; here it is
  in the stack only when responses are validated.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from starlette.types import Receive, Scope, Send

from mockserver.web.connexion_internals import StarletteDecoratorWithParameters, undecorated_handler, use_api_class
from mockserver.web.served_spec import ServedSpecAPI

SWAGGER_PATHS = ("/ui", "/openapi.json")


class NamesConvertedOnce(AsyncParameterDecorator):  # type: ignore[misc]
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        convert: Callable[[str], str] = self.sanitize_fn  # type: ignore[has-type]
        self.sanitize_fn = functools.lru_cache(maxsize=1024)(convert)


class SwaggerUIOnItsPaths(SwaggerUIMiddleware):  # type: ignore[misc]
    """The Swagger UI middleware, consulted only for the UI and the spec (served as `served_spec` makes it)."""

    def add_api(self, specification: Any, base_path: str | None = None, arguments: dict[str, Any] | None = None,
                **kwargs: Any) -> None:
        api = ServedSpecAPI(specification, base_path=base_path, arguments=arguments, default=self.default_fn,
                            **kwargs)
        self.router.mount(api.base_path, app=api.router)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(SWAGGER_PATHS):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def middlewares(*, validate_responses: bool) -> list[Any]:
    """Connexion's default middleware stack, with the two changes above."""
    stack = [SwaggerUIOnItsPaths if layer is SwaggerUIMiddleware else layer
             for layer in ConnexionMiddleware.default_middlewares]
    return stack if validate_responses else [layer for layer in stack if layer is not ResponseValidationMiddleware]


class OnceDecorated(StarletteDecoratorWithParameters):
    """StarletteDecorator that decorates the handler once, not on every request."""

    parameter_decorator_class = NamesConvertedOnce

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        decorated = self.decorate(function)

        @functools.wraps(function)
        async def wrapper(*_args: Any, **_kwargs: Any) -> Any:
            request = self.framework.get_request(uri_parser=self.uri_parser, scope=scope, receive=receive)
            return await decorated(request)

        return wrapper


class OnceDecoratedOperation(AsyncOperation):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decorated = OnceDecorated(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(
            undecorated_handler(self))

    @property
    def fn(self) -> Callable[..., Any]:
        return self._decorated


class OnceDecoratedApi(AsyncApi):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return OnceDecoratedOperation(operation.function, jsonifier=self.jsonifier,
                                      operation_id=operation.operation_id, pythonic_params=self.pythonic_params)


def decorate_handlers_once(app: AsyncApp) -> None:
    """Make the app's APIs, added after this call, decorate their handlers once.

    Connexion 3 has no public hook for its operation class; `connexion_internals` sets the API class its ASGI
    app builds.
    """
    use_api_class(app, OnceDecoratedApi)
