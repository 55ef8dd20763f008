"""Settings: options over environment, and errors that name the key and the value."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.settings import LatencyRange, Settings, SettingsError, load_settings


def test_defaults() -> None:
    settings = load_settings({}, {})
    assert settings == Settings()
    assert settings.base_url == "http://127.0.0.1:8080"


def test_options_win_over_environment() -> None:
    settings = load_settings({"port": "9000"}, {"MOCK_PORT": "9001", "MOCK_SEED": "4"})
    assert (settings.port, settings.seed) == (9000, 4)


@pytest.mark.parametrize(("options", "environ", "message"), [
    ({}, {"MOCK_PORT": "x"}, "MOCK_PORT has value 'x': not a whole number"),
    ({"port": "70000"}, {}, "--port has value '70000': not a port"),
    ({"seed": "1.5"}, {}, "--seed has value '1.5': not a whole number"),
    ({"live_for": "99999999999h"}, {}, "--live-for has value '99999999999h': longer than a year .8760h"),
    ({"seed": "99999999999999999999"}, {}, "--seed has value '99999999999999999999': not a seed .a whole number "
     "from -9223372036854775808 to 9223372036854775807"),
    ({"latency": "500-100"}, {}, "--latency has value '500-100': the range runs backwards"),
    ({"latency": "fast"}, {}, "--latency has value 'fast': not a latency"),
    ({"latency": "999999"}, {}, "more than 60000 ms"),
    ({}, {"MOCK_JWT_SECRET": "short"}, "MOCK_JWT_SECRET has value 'short': 5 bytes"),
    ({}, {"MOCK_VALIDATE_RESPONSES": "maybe"}, "MOCK_VALIDATE_RESPONSES has value 'maybe': not a yes/no"),
    ({"cors_origins": "localhost:3000"}, {}, "is not an origin"),
    ({"audience": "-1"}, {}, "--audience has value '-1': not a count"),
    ({"audience": "20000000"}, {}, "--audience has value '20000000': more than 10,000,000 viewers"),
    ({"workers": "0"}, {}, "--workers has value '0': not a worker count"),
    ({"audience": "10", "fixtures": "f.json"}, {}, "cannot be combined with --fixtures"),
])
def test_bad_values_are_named(options: dict[str, str | None], environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(options, environ)


def test_values_are_parsed() -> None:
    settings = load_settings(
        {"latency": "100-400", "cors_origins": "http://localhost:3000, https://app.example.com/",
         "trust_unverified_tokens": "true", "fixtures": "data.json"},
        {},
    )
    assert settings.latency == LatencyRange(100, 400)
    assert settings.cors_origins == ("http://localhost:3000", "https://app.example.com")
    assert settings.trust_unverified_tokens is True
    assert settings.fixtures == Path("data.json")
    assert load_settings({"latency": "250"}, {}).latency == LatencyRange(250, 250)
