"""The run's own settings besides the target: rate cap, time budget, timeout, allowed deviations."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from contract_tests.deployment.pacing import DEFAULT_TIME_BUDGET_S
from contract_tests.deployment.target import DEFAULT_TIMEOUT_S

# option name -> (environment variable, help)
RUN_VARIABLES = {
    "max_rps": ("CONTRACT_MAX_RPS", "the most requests a second the suite sends (default: no cap; it slows "
                                    "down by itself when throttled)"),
    "time_budget": ("CONTRACT_TIME_BUDGET", f"seconds the whole run may take (default {DEFAULT_TIME_BUDGET_S:g}); "
                                            "past it, exit 4"),
    "timeout": ("CONTRACT_TIMEOUT", f"seconds to wait for each answer (default {DEFAULT_TIMEOUT_S:g})"),
    "allow": ("CONTRACT_ALLOW", "known deviations: check names, comma-separated, or a file of `name: reason` lines"),
}


@dataclass(frozen=True)
class RunSettings:
    max_rps: float | None = None
    time_budget_s: float = DEFAULT_TIME_BUDGET_S
    timeout_s: float = DEFAULT_TIMEOUT_S
    allow: str = ""
    given: dict[str, str] = field(default_factory=dict)


def _positive(variable: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{variable} has value {text!r}: not a positive number")
    return value


def run_settings(options: Mapping[str, str | None], environ: Mapping[str, str]) -> RunSettings:
    """From options (which win) and CONTRACT_* variables; an empty variable counts as unset."""
    given = {name: (options.get(name) or environ.get(variable) or "").strip()
             for name, (variable, _) in RUN_VARIABLES.items()}
    return RunSettings(
        max_rps=_positive("CONTRACT_MAX_RPS", given["max_rps"]) if given["max_rps"] else None,
        time_budget_s=(_positive("CONTRACT_TIME_BUDGET", given["time_budget"]) if given["time_budget"]
                       else DEFAULT_TIME_BUDGET_S),
        timeout_s=_positive("CONTRACT_TIMEOUT", given["timeout"]) if given["timeout"] else DEFAULT_TIMEOUT_S,
        allow=given["allow"],
        given=given,
    )
