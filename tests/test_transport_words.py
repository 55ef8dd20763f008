"""A request that got no answer is told in plain words (refused, unknown host, timed out), never an exception's repr."""

from __future__ import annotations

import socket

import httpx

from contract_tests.target.transport_words import transport_words


def _error_of(url: str, timeout_s: float = 2.0) -> httpx.TransportError:
    try:
        httpx.get(url, timeout=timeout_s)
    except httpx.TransportError as error:
        return error
    raise AssertionError(f"{url} answered")


def test_a_closed_port_is_told_as_refused() -> None:
    words = transport_words(_error_of("http://127.0.0.1:9/x"), "http://127.0.0.1:9")
    assert words == "connection refused (nothing listens on 127.0.0.1:9?)"


def test_a_port_that_never_answers_is_told_as_timed_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # the connection is queued, never answered
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        words = transport_words(_error_of(url, timeout_s=0.3), url)
    assert words == "timed out: no answer within the timeout"


def test_a_name_that_does_not_resolve_is_told_as_unknown() -> None:
    error = httpx.ConnectError("[Errno -2] Name or service not known")
    error.__context__ = socket.gaierror(-2, "Name or service not known")  # what a failed lookup raises, no lookup sent
    words = transport_words(error, "http://api.example.invalid")
    assert words == "the host name api.example.invalid is not known (DNS found no address for it)"
    assert "Errno" not in words and "ConnectError" not in words
