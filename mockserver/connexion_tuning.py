"""Connexion, with the per-request waste taken out of its handler call (the work stays).

Connexion 3.3 re-decorates the operation's handler on every request: it builds a parameter decorator
(reading the handler's signature with `inspect`) and a response decorator each time, and throws them
away. Here they are built once per operation; what depends on the request (the operation, the URI
parser, the ASGI scope) is still read from Connexion's request context on every call, as before.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.operations import AbstractOperation


class OnceDecorated(StarletteDecorator):  # type: ignore[misc]
    """StarletteDecorator that decorates the handler once, not on every request."""

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
        self._decorated = OnceDecorated(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)

    @property
    def fn(self) -> Callable[..., Any]:
        return self._decorated


class OnceDecoratedApi(AsyncApi):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return OnceDecoratedOperation(operation.function, jsonifier=self.jsonifier,
                                      operation_id=operation.operation_id, pythonic_params=self.pythonic_params)
