"""A broken promise of the contract, told so that a person can act on it."""

from __future__ import annotations

from contract_tests.registry.exchange import Exchange


class ContractViolation(AssertionError):
    """The deployment broke one named property of the contract."""

    def __init__(self, check: str, problem: str, *, received: str, expected: str,
                 exchange: Exchange | None = None) -> None:
        self.check = check
        self.problem = problem
        self.received = received
        self.expected = expected
        self.exchange = exchange
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"[{self.check}] {self.problem}", f"  Received: {self.received}", f"  Expected: {self.expected}"]
        if self.exchange is not None:
            lines.append(f"  Response: {self.exchange.summary(300)}")
            lines.append(f"  Reproduce: {self.exchange.curl()}")
        return "\n".join(lines)
