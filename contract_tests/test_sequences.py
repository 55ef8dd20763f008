"""7. Request sequences: the contract holds across requests, whatever was asked before.

A state machine of requests (any page, limit, search and caller; repeats; walks out of order) judged after
each step by the registry's checks and its promises across answers; a failure is told with the shortest
sequence of requests that still shows it. In the campaign profile, lanes explore round after round until
the campaign's duration is up, each new finding written as it is found.
"""

from __future__ import annotations

import sys

import pytest

from contract_tests.plugin.hooks import suite_session
from contract_tests.plugin.hypothesis_profiles import SuiteProfile
from contract_tests.suite.campaign_lanes import Lane
from contract_tests.suite.endpoint_exploration import EndpointExploration
from contract_tests.suite.request_machine import run_sequences
from contract_tests.target.viewers_client import ContractClient


@pytest.mark.contract_exploration("sequences")
def test_request_sequences_keep_the_contract(api: ContractClient, suite_profile: SuiteProfile,
                                             suite_seed: int) -> None:
    run_sequences(api, suite_profile.sequence_settings(), seed=suite_seed)


@pytest.mark.contract_campaign
def test_campaign_lane(api: ContractClient, endpoint_exploration: EndpointExploration, suite_profile: SuiteProfile,
                       suite_seed: int, lane: int, pytestconfig: pytest.Config) -> None:
    """One lane of a campaign: rounds of request sequences and of single requests until the campaign's duration
    is up (one lane a worker)."""
    run = suite_session(pytestconfig)
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")

    def tell(line: str) -> None:
        with capture.global_and_fixture_disabled():
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    deadline = run.report.started + (run.settings.duration_s or 0)
    explorer = Lane(api, suite_profile.sequence_settings(), seed=suite_seed * 31 + lane, deadline=deadline,
                    started=run.report.started, name=f"lane {lane}", tell=tell,
                    on_finding=run.report.write_finding_now, lane_number=lane,
                    single_requests=lambda mode, seed, deadline: endpoint_exploration.run(
                        mode, examples=suite_profile.schemathesis_examples, seed=seed, deadline=deadline))
    findings = explorer.run()
    if findings:
        raise ExceptionGroup(f"the campaign's lane {lane} found {len(findings)} root cause(s)", findings)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One campaign lane per worker of a parallel run (-n), each in a group of its own so that every worker
    runs one; one lane otherwise."""
    if "lane" not in metafunc.fixturenames:
        return
    workers = int(getattr(metafunc.config, "workerinput", {}).get("workercount", 1))
    grouped = hasattr(metafunc.config, "workerinput")
    metafunc.parametrize("lane", [pytest.param(number, marks=[pytest.mark.xdist_group(f"contract-lane-{number}")]
                                               if grouped else []) for number in range(1, workers + 1)])
