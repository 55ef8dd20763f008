"""create_app(settings): the Connexion app on openapi.yaml, with its error path, auth, CORS and scenarios."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import yaml
from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.core.auth import TokenVerifier
from mockserver.core.dataset import DEFAULT_CHURN, DEFAULT_LARGE_AUDIENCE, DataSet, default_dataset
from mockserver.core.fixtures import load_fixtures
from mockserver.core.live import LiveData
from mockserver.core.params import ParameterRules, ValidationFailed, query_pairs
from mockserver.settings import LOCAL_ORIGINS, Settings, clock_of
from mockserver.web.connexion_tuning import decorate_handlers_once, middlewares
from mockserver.web.errors import HANDLED, envelope_for
from mockserver.web.handlers import ViewersHandlers
from mockserver.web.media import LoggingCORSMiddleware, MediaMiddleware
from mockserver.web.scenarios import ScenarioMiddleware
from mockserver.web.watch import FixturesWatcher


def load_spec(path: Path) -> dict[str, Any]:
    """openapi.yaml as a dictionary, read once for the app and everything that reads the contract."""
    with path.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return spec


def load_dataset(settings: Settings, *, indexed: bool = True) -> DataSet:
    """The data the settings ask for: a fixtures file, else the built-in data set for the seed (with its search
    indexes built, unless `indexed` is false)."""
    if settings.fixtures is not None:
        dataset = load_fixtures(settings.fixtures)
    else:
        dataset = default_dataset(settings.seed, large_audience=settings.audience or DEFAULT_LARGE_AUDIENCE,
                                  churn=settings.churn or DEFAULT_CHURN, live_for_s=settings.live_for)
    if indexed:
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
        query, undecodable = query_pairs(scope.get("query_string", b"").decode("utf-8", "replace"))
        problems = self._rules.problems(query, scope.get("path_params", {}), undecodable)
        if problems:
            raise ValidationFailed(problems)


_NON_ASCII_BYTE = re.compile(rb"[\x80-\xff]")


class Utf8QueryMiddleware:
    """A query string sent as raw UTF-8 (curl with a pasted `?search=ayşe`) read as UTF-8, as the same query
    percent-encoded by a browser is: Starlette would otherwise read raw bytes as Latin-1 and search for mojibake."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query: bytes = scope.get("query_string", b"")
        if scope["type"] == "http" and not query.isascii():
            scope = {**scope, "query_string": _NON_ASCII_BYTE.sub(lambda byte: b"%%%02X" % byte[0][0], query)}
        await self._app(scope, receive, send)


class BearerSecurity:
    """Connexion's bearer security handler, answering with the mock's own verifier."""

    def __init__(self, verifier: TokenVerifier) -> None:
        self._verifier = verifier

    def get_fn(self, security_scheme: object, required_scopes: object) -> Any:
        async def verify(request: Any) -> dict[str, str]:
            principal = self._verifier.principal(request.headers.get("Authorization"))
            return {"sub": principal.user_id}

        return verify


def create_app(settings: Settings, dataset: DataSet | None = None) -> AsyncApp:
    """The mock server as an ASGI app: builds the data (unless given) and binds the spec's operations."""
    dataset = dataset if dataset is not None else load_dataset(settings)
    clock = clock_of(settings)
    api = ViewersHandlers(LiveData(dataset, clock), local_media=settings.media == "local", base_url=settings.base_url)
    if settings.watch and settings.fixtures is not None:
        FixturesWatcher(settings.fixtures, lambda reloaded: api.replace_data(LiveData(reloaded, clock))).start()
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
    app.add_middleware(MediaMiddleware, position=MiddlewarePosition.BEFORE_ROUTING)
    app.add_middleware(Utf8QueryMiddleware, position=MiddlewarePosition.BEFORE_ROUTING)
    app.add_middleware(ScenarioMiddleware, position=MiddlewarePosition.BEFORE_ROUTING, latency=settings.latency)
    app.add_middleware(
        LoggingCORSMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        allow_origins=list(settings.cors_origins),
        allow_origin_regex=None if settings.cors_origins else LOCAL_ORIGINS,
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["*"],  # whatever the page sends: Authorization, Prefer, and tracing headers alike
        expose_headers=["WWW-Authenticate", "Allow", "Retry-After", "Preference-Applied"],
        max_age=600,
    )
    return app
