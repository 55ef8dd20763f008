"""The suite's settings: every CONTRACT_* variable (or its equal option; options win), read once, at start.

A value that cannot be used is one line naming the variable and the value (exit status 4, with a report
and a JUnit file that say why); an empty variable counts as unset.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from contract_tests.plugin.hypothesis_profiles import DEFAULT_CAMPAIGN_S, PROFILE_VARIABLE, SuiteProfile, profile_named
from contract_tests.registry.allowances import parse_allowances
from contract_tests.registry.cross_answer_promises import PROMISES
from contract_tests.registry.documented_rules import check_spec, load_spec, use_spec
from contract_tests.registry.finding_names import is_known_name
from contract_tests.registry.response_checks import CHECKS
from contract_tests.target.deployment import (
    DEFAULT_TIMEOUT_S,
    VARIABLES,
    Target,
    TargetError,
    check_given,
    resolve_target,
)
from contract_tests.target.pacing import DEFAULT_TIME_BUDGET_S

# option name -> (environment variable, help)
RUN_VARIABLES = {
    "max_rps": ("CONTRACT_MAX_RPS", "the most requests a second the suite sends (default: no cap; it slows "
                                    "down by itself when throttled)"),
    "time_budget": ("CONTRACT_TIME_BUDGET", f"seconds the whole run may take (default {DEFAULT_TIME_BUDGET_S:g}); "
                                            "past it, exit 4"),
    "timeout": ("CONTRACT_TIMEOUT", f"seconds to wait for each answer (default {DEFAULT_TIMEOUT_S:g})"),
    "allow": ("CONTRACT_ALLOW", "known deviations: check names, comma-separated, or a file of `name: reason` lines"),
}
OTHER_VARIABLES = {
    "profile": (PROFILE_VARIABLE, "fast (default), deep, or campaign (explores until --contract-duration is up)"),
    "duration": ("CONTRACT_DURATION", f"how long a campaign explores: 90s, 10m, 2h, 1h30m (default "
                                      f"{DEFAULT_CAMPAIGN_S // 60:g}m)"),
    "seed": ("CONTRACT_SEED", "seed that replays a run's requests (printed in the header)"),
    "report": ("CONTRACT_REPORT", "Markdown report path (default reports/contract-report.md)"),
}
# Read from the environment only.
JUNIT_VARIABLE, SPEC_VARIABLE, REVEAL_VARIABLE = "CONTRACT_JUNIT", "CONTRACT_SPEC", "CONTRACT_REVEAL_TOKEN"
DEFAULT_REPORT = "reports/contract-report.md"
_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
LONGEST_DURATION_S = 7 * 24 * 3600
CAMPAIGN_MARGIN_S = 1800.0  # a campaign's time budget beyond its duration, unless CONTRACT_TIME_BUDGET says


def parse_duration(variable: str, text: str) -> float:
    """Seconds from `90`, `90s`, `10m`, `2h`, `1h30m`; ValueError naming the variable and the value."""
    given = text.strip().lower()
    if given.isdigit():
        seconds = float(given)
    else:
        match = _DURATION.fullmatch(given)
        if not given or match is None or not any(match.groups()):
            raise ValueError(f"{variable} has value {text!r}: not a duration (e.g. 90s, 10m, 2h, 1h30m)")
        hours, minutes, secs = (int(part or 0) for part in match.groups())
        seconds = float(hours * 3600 + minutes * 60 + secs)
    if not 0 < seconds <= LONGEST_DURATION_S:
        raise ValueError(f"{variable} has value {text!r}: a duration from 1 s to 7 days (e.g. 10m, 2h)")
    return seconds


class SuiteSettingsError(ValueError):
    """A CONTRACT_* value (or option) cannot be used; the message names it and its value. It carries where the
    run reports, so that the report and the JUnit file can say why the target could not be tested."""

    def __init__(self, message: str, report_path: Path, junit_path: Path, target_text: str) -> None:
        super().__init__(message)
        self.report_path, self.junit_path, self.target_text = report_path, junit_path, target_text


@dataclass(frozen=True)
class SuiteSettings:
    report_path: Path
    junit_path: Path
    junit_by_pytest: bool  # --junitxml given: pytest writes the JUnit file, the suite adds its properties
    target_text: str  # the target as the report names it before it is resolved
    target: Target | None  # None: the bundled mock
    profile: SuiteProfile
    seed: int | None  # None: a fresh one for the run
    max_rps: float | None = None
    time_budget_s: float = DEFAULT_TIME_BUDGET_S
    timeout_s: float = DEFAULT_TIMEOUT_S
    allowed: Mapping[str, str] = field(default_factory=dict)  # check name -> the team's reason
    spec: Path | None = None  # another version of the contract (CONTRACT_SPEC)
    reveal_token: bool = False
    duration_s: float | None = None  # how long a campaign explores (the campaign profile only)


def _positive(variable: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{variable} has value {text!r}: not a positive number")
    return value


def _duration(profile: SuiteProfile, text: str | None) -> float | None:
    """A campaign's duration (its default when not given); only a campaign takes one."""
    if profile.name != "campaign":
        if text is not None:
            raise ValueError(f"CONTRACT_DURATION has value {text!r}, but the profile is {profile.name}: a duration is "
                             "for --contract-profile campaign")
        return None
    return parse_duration("CONTRACT_DURATION", text) if text is not None else float(DEFAULT_CAMPAIGN_S)


def _reveal(text: str) -> bool:
    if text.strip().lower() not in {"", "0", "1", "true", "false", "yes", "no"}:
        raise TargetError(f"{REVEAL_VARIABLE} has value {text!r}: use 1 to show tokens in curl lines, 0 "
                          "or nothing to hide them")
    return text.strip().lower() in {"1", "true", "yes"}


def _empty_base_url(option: str | None, environ: Mapping[str, str]) -> None:
    """An empty CONTRACT_BASE_URL is an unset CI variable, not a wish to test the bundled mock."""
    if option is not None and not option.strip():
        raise TargetError("--contract-base-url is empty: give the deployment's root URL, or leave the option out "
                          "to test the bundled mock")
    if option is None and "CONTRACT_BASE_URL" in environ and not environ["CONTRACT_BASE_URL"].strip():
        raise TargetError("CONTRACT_BASE_URL is set but empty (an unset CI variable?): give the deployment's root "
                          "URL, or unset it to test the bundled mock")


def given_values(options: Mapping[str, str | None], environ: Mapping[str, str]) -> dict[str, str | None]:
    """Each target value from its option, else its CONTRACT_* variable."""
    return {name: options.get(name) or environ.get(variable) or None for name, variable in VARIABLES.items()}


def read_settings(options: Mapping[str, str | None], environ: Mapping[str, str],
                  junitxml: str | None = None) -> SuiteSettings:
    """The settings from the options (by their names: base_url, max_rps, profile, ...) and the environment.
    Choosing another contract (CONTRACT_SPEC) takes effect here, for the registry's checks."""

    def given(name: str, variable: str) -> str | None:
        value = options.get(name)
        return str(value) if value else environ.get(variable) or None

    report_path = Path(given("report", "CONTRACT_REPORT") or DEFAULT_REPORT)
    junit_path = Path(junitxml or environ.get(JUNIT_VARIABLE) or str(report_path.with_name("contract-junit.xml")))
    values = given_values(options, environ)
    target_text = f"the deployment at {values['base_url']}" if values["base_url"] else "the bundled mock"
    try:
        _empty_base_url(options.get("base_url"), environ)
        check_given(values)
        profile = profile_named(given("profile", PROFILE_VARIABLE) or "fast")
        seed_text = given("seed", "CONTRACT_SEED")
        if seed_text is not None and not seed_text.strip().isdigit():
            raise TargetError(f"CONTRACT_SEED has value {seed_text!r}: not a whole number")
        run = {name: (options.get(name) or environ.get(variable) or "").strip()
               for name, (variable, _) in RUN_VARIABLES.items()}
        max_rps = _positive("CONTRACT_MAX_RPS", run["max_rps"]) if run["max_rps"] else None
        duration_s = _duration(profile, given("duration", "CONTRACT_DURATION"))
        time_budget_s = (_positive("CONTRACT_TIME_BUDGET", run["time_budget"]) if run["time_budget"]
                         else max(DEFAULT_TIME_BUDGET_S, (duration_s or 0) + CAMPAIGN_MARGIN_S))
        if duration_s is not None and time_budget_s <= duration_s:
            raise ValueError(f"CONTRACT_TIME_BUDGET has value {run['time_budget']!r}: shorter than the campaign's "
                             f"CONTRACT_DURATION ({duration_s:g} s); raise it or leave it out")
        timeout_s = _positive("CONTRACT_TIMEOUT", run["timeout"]) if run["timeout"] else DEFAULT_TIMEOUT_S
        spec_text = environ.get(SPEC_VARIABLE) or ""
        use_spec(Path(spec_text) if spec_text else None)
        if spec_text:
            check_spec(spec_text)
        allowed = parse_allowances(run["allow"], set(CHECKS) | set(PROMISES),
                                   lambda name: is_known_name(name, (), load_spec()))
        return SuiteSettings(
            report_path=report_path,
            junit_path=junit_path,
            junit_by_pytest=junitxml is not None,
            target_text=target_text,
            target=resolve_target(values) if values["base_url"] else None,
            profile=profile,
            seed=int(seed_text) if seed_text is not None else None,
            max_rps=max_rps,
            time_budget_s=time_budget_s,
            timeout_s=timeout_s,
            allowed=allowed,
            spec=Path(spec_text) if spec_text else None,
            reveal_token=_reveal(environ.get(REVEAL_VARIABLE, "")),
            duration_s=duration_s,
        )
    except (TargetError, ValueError) as error:
        raise SuiteSettingsError(str(error), report_path, junit_path, target_text) from None
