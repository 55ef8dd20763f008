"""The `mockserver` command: serve the mock, list its streams, mint tokens, export fixtures."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from mockserver.cli.record import add_record_parser, record
from mockserver.cli.stream_listing import format_stream_table, stream_rows
from mockserver.core.auth import mint_token, token_expiry
from mockserver.core.dataset import DEFAULT_CHURN, DEFAULT_USER_ID, FORBIDDEN_USER_ID, DataSet
from mockserver.core.fixtures import FixtureError, dump_fixtures
from mockserver.core.live import LiveData
from mockserver.settings import (
    CALLER_DIRECTORY_VARIABLE,
    DEFAULT_SPEC_PATH,
    Settings,
    SettingsError,
    clock_of,
    ignored_options,
    load_settings,
    parse_integer,
)

_SERVE_OPTIONS: list[tuple[str, str, str]] = [
    ("host", "HOST", "address to listen on (default 127.0.0.1; env MOCK_HOST)"),
    ("port", "PORT", "port to listen on, 0 for any free one (default 8080; env MOCK_PORT)"),
    ("latency", "MS", "added latency in ms: 200 fixed, or 100-400 for jitter (default 0; env MOCK_LATENCY)"),
    ("cors_origins", "ORIGINS", "comma-separated origins allowed by CORS, or *; default any http(s) origin on "
                     "localhost/127.0.0.1 at any port (env MOCK_CORS_ORIGINS)"),
    ("workers", "N", "worker processes sharing the port; all serve identical data (default 1; env MOCK_WORKERS)"),
]
_SERVE_LIVE_OPTIONS: list[tuple[str, str, str]] = [
    ("clock", "INSTANT", "the instant the mock's clock starts at, e.g. 2026-11-28T12:00:00Z: with the same seed, "
              "every run answers the same at each second of it (default: the top of the current UTC hour, so "
              "mocks started in the same hour agree; env MOCK_CLOCK)"),
    ("media", "MODE", "local: photos point at the mock's own /media/ avatars (default); documented: the data's "
              "example.com URLs (env MOCK_MEDIA)"),
]
_SERVE_FLAGS: list[tuple[str, str, str]] = [
    ("trust_unverified_tokens", "", "also accept well-formed, unexpired JWTs whose signature the mock cannot "
                                "check, e.g. from the real identity provider (env MOCK_TRUST_UNVERIFIED_TOKENS)"),
    ("validate_responses", "", "check every response against openapi.yaml (env MOCK_VALIDATE_RESPONSES)"),
    ("access_log", "", "log every request (env MOCK_ACCESS_LOG)"),
    ("watch", "", "reload the --fixtures file when it changes; a broken edit keeps the data served "
              "(env MOCK_WATCH)"),
]
_DATA_OPTIONS: list[tuple[str, str, str]] = [
    ("seed", "N", "seed of the generated data: the same seed, the same people (default 0; env MOCK_SEED)"),
    ("fixtures", "FILE", "serve this fixtures file instead of generated data (env MOCK_FIXTURES)"),
    ("audience", "N", "viewers in the built-in large stream, e.g. 1000000 (default 2500; env MOCK_AUDIENCE)"),
    ("churn", "J/L", "viewers joining/leaving per minute on the built-in live and large streams; 0/0 freezes them "
              f"(default {DEFAULT_CHURN}; env MOCK_CHURN)"),
    ("live_for", "DURATION", "end the built-in live stream after this long, e.g. 15m: then it is a 404 "
                 "(default: never; env MOCK_LIVE_FOR)"),
]
_AUTH_OPTIONS: list[tuple[str, str, str]] = [
    ("jwt_secret", "SECRET", "HS256 secret for tokens, 32 bytes or more (default: the development secret; "
                   "env MOCK_JWT_SECRET)"),
]


def _add(parser: argparse.ArgumentParser, options: list[tuple[str, str, str]], *, flags: bool = False) -> None:
    """Options given as (setting name, metavar, help); every default is left to the settings."""
    for name, metavar, help_text in options:
        option = "--" + name.replace("_", "-")
        if flags:
            parser.add_argument(option, dest=name, action="store_const", const="true", default=argparse.SUPPRESS,
                                help=help_text)
        else:
            parser.add_argument(option, dest=name, metavar=metavar, default=argparse.SUPPRESS, help=help_text)


def build_parser() -> argparse.ArgumentParser:
    serve_options = argparse.ArgumentParser(add_help=False)
    _add(serve_options, _SERVE_OPTIONS)
    _add(serve_options, _SERVE_LIVE_OPTIONS)
    _add(serve_options, _SERVE_FLAGS, flags=True)
    data_options = argparse.ArgumentParser(add_help=False)
    _add(data_options, _DATA_OPTIONS)
    auth_options = argparse.ArgumentParser(add_help=False)
    _add(auth_options, _AUTH_OPTIONS)
    parser = argparse.ArgumentParser(
        prog="mockserver",
        description="Mock of the Allmine API's GET /api/v1/live-stream/{id}/viewers, served from openapi.yaml.",
        epilog="Without a command, serves the mock. Options given on the command line win over MOCK_* variables.",
        parents=[serve_options, data_options, auth_options],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}",
                        help="print the version of the installed package and exit")

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("serve", parents=[serve_options, data_options, auth_options], help="serve the mock (default)")
    streams = commands.add_parser("streams", parents=[data_options], help="list the streams the mock serves")
    _add(streams, _SERVE_LIVE_OPTIONS[:1])
    streams.add_argument("--json", action="store_true", help="print JSON instead of a table")
    streams.add_argument("--follows-of", default=None, metavar="USER", nargs="?", const=DEFAULT_USER_ID,
                         help="with --json: for each stream whose audience does not move, viewers USER follows and "
                              f"some it does not (USER defaults to the default token's, {DEFAULT_USER_ID})"),
    token = commands.add_parser("token", parents=[auth_options],
                                help="print a valid bearer token and nothing else: $(mockserver token)")
    token.add_argument("--user", default=None, help=f"the token's subject (default {DEFAULT_USER_ID})")
    token.add_argument("--expires-in", default="86400", metavar="SECONDS",
                       help="lifetime in seconds; negative for an expired token (default 86400)")
    token.add_argument("--forbidden", action="store_true",
                       help=f"a token of a user every built-in stream blocks ({FORBIDDEN_USER_ID}): 403")
    spec = commands.add_parser("spec", help="print the installed openapi.yaml (for openapi-typescript and friends)")
    spec.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")
    fixtures = commands.add_parser("fixtures", help="work with fixtures files")
    fixture_commands = fixtures.add_subparsers(dest="fixtures_command", metavar="ACTION", required=True)
    export = fixture_commands.add_parser("export", parents=[data_options], help="write the data set as JSON")
    export.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")
    add_record_parser(fixture_commands)
    return parser


def settings_from(arguments: argparse.Namespace) -> Settings:
    names = {field.name for field in fields(Settings)}
    options = {name: value for name, value in vars(arguments).items() if name in names}
    settings = load_settings(options, os.environ)
    for line in ignored_options(options, os.environ):
        print(f"mockserver: {line}", file=sys.stderr)
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        settings = settings_from(arguments)
        command = arguments.command or "serve"
        if command == "serve":
            from mockserver.cli.serve import serve

            return serve(settings)
        if command == "token":
            return print_token(settings, arguments)
        if command == "spec":
            return write_spec(arguments.output)
        if command == "fixtures" and arguments.fixtures_command == "record":
            return record(arguments)
        dataset = _dataset(settings)
        if command == "streams":
            return print_streams(LiveData(dataset, clock_of(settings)), as_json=arguments.json,
                                 follows_of=arguments.follows_of)
        return export_fixtures(dataset, arguments.output)
    except (SettingsError, FixtureError) as error:
        print(f"mockserver: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `mockserver fixtures export | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def package_version() -> str:
    """The installed distribution's version (pyproject.toml's, for an editable install)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("allmine-viewers-mock")
    except PackageNotFoundError:  # run from a source tree that was never installed
        from mockserver import __version__

        return __version__


def write_spec(output: str) -> int:
    """The openapi.yaml shipped with the package, byte for byte, to standard output or a file."""
    if output == "-":
        with DEFAULT_SPEC_PATH.open("rb") as spec:
            shutil.copyfileobj(spec, sys.stdout.buffer)
        sys.stdout.flush()
        return 0
    caller_directory = os.environ.get(CALLER_DIRECTORY_VARIABLE)
    path = Path(caller_directory) / output if caller_directory else Path(output)
    try:
        shutil.copyfile(DEFAULT_SPEC_PATH, path)
    except OSError as error:
        raise SettingsError(f"--output has value {output!r}: cannot write it ({error.strerror})") from None
    print(f"wrote openapi.yaml to {output}", file=sys.stderr)
    return 0


def _dataset(settings: Settings) -> DataSet:
    from mockserver.web.app import load_dataset

    return load_dataset(settings)


def print_token(settings: Settings, arguments: argparse.Namespace) -> int:
    try:
        lifetime = parse_integer(arguments.expires_in)
        token_expiry(int(time.time()), lifetime)
    except ValueError as error:
        raise SettingsError(f"--expires-in has value {arguments.expires_in!r}: {error}") from None
    if arguments.forbidden and arguments.user is not None:
        raise SettingsError("--forbidden names its own user; leave out --user")
    user = FORBIDDEN_USER_ID if arguments.forbidden else (
        DEFAULT_USER_ID if arguments.user is None else arguments.user)
    if not user.strip():
        raise SettingsError(f"--user has value {user!r}: not a user id")
    print(mint_token(settings.jwt_secret, user, expires_in_s=lifetime))
    return 0


def print_streams(live: LiveData, *, as_json: bool, follows_of: str | None = None) -> int:
    if follows_of is not None and not (as_json and follows_of.strip()):
        raise SettingsError(f"--follows-of has value {follows_of!r}: give a user id, with --json")
    print(json.dumps(stream_rows(live, follows_of), indent=2) if as_json else format_stream_table(live))
    return 0


def export_fixtures(dataset: DataSet, output: str) -> int:
    text = dump_fixtures(dataset)
    if output == "-":
        sys.stdout.write(text)
        return 0
    caller_directory = os.environ.get(CALLER_DIRECTORY_VARIABLE)
    path = Path(caller_directory) / output if caller_directory else Path(output)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise SettingsError(f"--output has value {output!r}: cannot write it ({error.strerror})") from None
    print(f"wrote {len(dataset.streams)} streams to {output}", file=sys.stderr)
    return 0
