"""The suite's client of the viewers endpoint: paced as the target asks, every answer held to the registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx

from contract_tests.registry.documented_rules import VIEWERS_PATH
from contract_tests.registry.exchange import Exchange, Secrets
from contract_tests.registry.reading_notes import ReadingNotes, readings_taken
from contract_tests.registry.response_checks import CHECKS, Allowances, NoAllowances, verify
from contract_tests.registry.violations import ContractViolation
from contract_tests.target.deployment import DEFAULT_TIMEOUT_S, Target, expiry_problem
from contract_tests.target.pacing import OutOfTime, Pacer
from contract_tests.target.request_log import RequestLog
from contract_tests.target.sessions import paced_httpx
from contract_tests.target.transport_words import transport_words

CONCURRENT_REQUESTS = 6  # at most this many requests in flight, where their order does not matter
Result = TypeVar("Result")


def target_secrets(target: Target, reveal: bool = False) -> Secrets:
    """The target's tokens, shown as the variables that hold them (unless revealed)."""
    return Secrets(reveal=reveal).remembering(target.token, "CONTRACT_TOKEN").remembering(
        target.forbidden_token, "CONTRACT_FORBIDDEN_TOKEN").remembering(target.expired_token, "CONTRACT_EXPIRED_TOKEN")


class ContractClient:
    """Calls the endpoint, paced as the target asks, and holds every answer to the registry's checks."""

    def __init__(self, target: Target, pacer: Pacer | None = None, timeout_s: float = DEFAULT_TIMEOUT_S, *,
                 allowances: Allowances | None = None, secrets: Secrets | None = None,
                 log: RequestLog | None = None, notes: ReadingNotes | None = None) -> None:
        self.target = target
        self.pacer = pacer or Pacer()
        self.timeout_s = timeout_s
        self.allowances = allowances or NoAllowances()
        self.secrets = secrets if secrets is not None else target_secrets(target)
        self.log = log
        self.notes = notes  # where the readings the deployment takes, and the mock does not, are noted
        self._client = httpx.Client(base_url=target.base_url, timeout=timeout_s)
        self._pool = ThreadPoolExecutor(max_workers=CONCURRENT_REQUESTS, thread_name_prefix="contract")

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._client.close()

    def gather(self, calls: Sequence[Callable[[], Result]]) -> list[Result]:
        """Independent calls at once (the pacer still caps the rate), their results in order: for requests whose
        order does not matter. The first call to fail raises, as it would one after the other."""
        futures = [self._pool.submit(call) for call in calls]
        return [future.result() for future in futures]

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.target.token}"}

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None, checked: bool = True) -> Exchange:
        try:
            # without params, a query in the path is sent as it is (httpx would drop it for an empty dict)
            response = paced_httpx(self.pacer, self._client, method, path, params=dict(params) if params else None,
                                   headers=dict(headers or {}))
        except httpx.TransportError as error:
            raise ContractViolation("target_answers", f"{method} {path} got no answer, twice",
                                    received=transport_words(error, self._client.base_url),
                                    expected="an answer within the timeout (CONTRACT_TIMEOUT)") from None
        exchange = Exchange.of(method, str(response.request.url), dict(response.request.headers),
                               response.status_code, dict(response.headers), response.content, self.secrets)
        if response.status_code == 401 and self.target.token and self.target.token in str(headers or {}):
            expired = expiry_problem("CONTRACT_TOKEN", self.target.token)
            if expired is not None:
                raise OutOfTime(expired.replace("expired at", "expired during the run, at") +
                                " that lasts the run (the answers before it were judged)")
        if self.log is not None:
            self.log.record(exchange)
        if checked:
            self.verify(exchange)
        return exchange

    def verify(self, exchange: Exchange, names: Sequence[str] | None = None) -> None:
        """Hold an answer to the named checks of the registry (all when None), minding the run's allowances."""
        if self.log is None:
            verify(exchange, names, self.allowances)
        else:
            self.log.note_judged(list(names) if names is not None else list(CHECKS))
            try:
                verify(exchange, names, self.allowances)
            except ContractViolation as violation:
                self.log.note_violation(violation)
                raise
        if self.notes is not None:
            for key in readings_taken(exchange):
                self.notes.note_reading(key, exchange)

    def viewers(self, stream_id: str | None = None, *, params: Mapping[str, Any] | None = None,
                headers: Mapping[str, str] | None = None, authorised: bool = True, checked: bool = True) -> Exchange:
        """GET the viewers of a stream (the target's by default) with the valid token unless told otherwise."""
        path = VIEWERS_PATH.format(id=stream_id if stream_id is not None else self.target.stream_id)
        all_headers = {**(self.auth() if authorised else {}), **(headers or {})}
        return self.request("GET", path, params=params, headers=all_headers, checked=checked)
