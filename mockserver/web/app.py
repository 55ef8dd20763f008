"""create_app(settings): the Connexion app on openapi.yaml, with its error path, auth, CORS and scenarios."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import yaml
from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.core.auth import TokenVerifier
from mockserver.core.dataset import DataSet, default_dataset
from mockserver.core.fixtures import load_fixtures
from mockserver.core.params import ParameterRules, ValidationFailed
from mockserver.settings import LOCAL_ORIGINS, LatencyRange, Settings
from mockserver.web.connexion_tuning import decorate_handlers_once, middlewares
from mockserver.web.errors import HANDLED, envelope_for
from mockserver.web.handlers import ViewersApi
from mockserver.web.scenarios import parse_prefer


def load_spec(path: Path) -> dict[str, Any]:
    """openapi.yaml as a dictionary, read once for the app and everything that reads the contract."""
    with path.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return spec


def load_dataset(settings: Settings) -> DataSet:
    """The data the settings ask for: a fixtures file, else the built-in data set for the seed."""
    if settings.fixtures is not None:
        dataset = load_fixtures(settings.fixtures)
    elif settings.audience is not None:
        dataset = default_dataset(settings.seed, large_audience=settings.audience)
    else:
        dataset = default_dataset(settings.seed)
    dataset.build_indexes()
    return dataset


class SpecParameterValidator:
    """Connexion's parameter validator, replaced: every bad parameter named, rules compiled once."""

    _compiled: ClassVar[dict[int, tuple[object, ParameterRules]]] = {}

    def __init__(self, parameters: list[Mapping[str, Any]], uri_parser: object, strict_validation: bool = False,
                 security_query_params: object = None) -> None:
        cached = self._compiled.get(id(parameters))
        if cached is None or cached[0] is not parameters:
            cached = self._compiled[id(parameters)] = (parameters, ParameterRules.from_spec(parameters))
        self._rules = cached[1]

    def validate(self, scope: Scope) -> None:
        query = parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
        problems = self._rules.problems(query, scope.get("path_params", {}))
        if problems:
            raise ValidationFailed(problems)


class BearerSecurity:
    """Connexion's bearer security handler, answering with the mock's own verifier."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self._verifier = verifier

    def get_fn(self, security_scheme: object, required_scopes: object) -> Any:
        async def verify(request: Any) -> dict[str, str]:
            principal = self._verifier.principal(request.headers.get("Authorization"))
            return {"sub": principal.user_id}

        return verify


class ScenarioMiddleware:
    """`Prefer: code=…/delay=…` and the global latency, for the API's operations only."""

    def __init__(self, app: ASGIApp, latency: LatencyRange) -> None:
        self._app = app
        self._latency = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routing = scope.get("extensions", {}).get("connexion_routing", {})
        if scope["type"] != "http" or routing.get("operation_id") is None:
            await self._app(scope, receive, send)
            return
        prefer = [value.decode("latin-1") for key, value in scope["headers"] if key == b"prefer"]
        scenario = parse_prefer(prefer)
        delay_ms = scenario.delay_ms
        if delay_ms is None and not self._latency.is_zero:
            delay_ms = random.randint(self._latency.low_ms, self._latency.high_ms)
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)
        scenario.raise_forced_error()
        await self._app(scope, receive, send)


def create_app(settings: Settings, dataset: DataSet | None = None) -> AsyncApp:
    """The mock server as an ASGI app: builds the data (unless given) and binds the spec's operations."""
    dataset = dataset if dataset is not None else load_dataset(settings)
    api = ViewersApi(dataset)
    operations = api.operations()
    verifier = TokenVerifier(settings.jwt_secret, trust_unverified=settings.trust_unverified_tokens)
    app = AsyncApp(
        __name__,
        validator_map={"parameter": SpecParameterValidator},
        security_map={"bearer": lambda: BearerSecurity(verifier)},
        pythonic_params=True,
        middlewares=middlewares(validate_responses=settings.validate_responses),
    )
    decorate_handlers_once(app)
    app.add_api(
        load_spec(settings.spec_path),
        resolver=Resolver(function_resolver=operations.__getitem__),
        validate_responses=settings.validate_responses,
    )
    for error_class in HANDLED:
        app.add_error_handler(error_class, envelope_for)
    app.add_middleware(ScenarioMiddleware, position=MiddlewarePosition.BEFORE_SECURITY, latency=settings.latency)
    app.add_middleware(
        CORSMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        allow_origins=list(settings.cors_origins),
        allow_origin_regex=None if settings.cors_origins else LOCAL_ORIGINS,
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Prefer"],
        expose_headers=["WWW-Authenticate", "Allow", "Retry-After"],
        max_age=600,
    )
    return app
