"""A parallel run's order (pytest-xdist, -n): the suite's long explorations start first, on workers of their own.

The fast profile's time goes mostly to a few explorations (the request sequences, Schemathesis' two
generation modes), each one test that no worker can split. Left in collection order, the scheduler hands
out the short tests first and one worker ends with the sequences and the explorations after them, while the
other idles. Each exploration marked `contract_exploration(name)` joins the xdist group of that name (the
two Schemathesis modes one group: together they last about as long as the sequences alone), and the groups
go first. The suite's other property tests (Hypothesis examples, a couple of seconds each) come next, and the
single-request tests last, so that what is left when a worker frees up is short and both end together.
Serial runs keep the collection order.
"""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.plugin.command import end_process_now
from contract_tests.plugin.suite_items import SUITE_DIR, is_suite_item

EXPLORATION_MARKER = "contract_exploration"
DIST_KEY = "contract_dist"


def takes_groups(config: pytest.Config) -> bool:
    """Whether this process is a worker of a parallel run whose controller schedules by xdist group. A worker
    parses the command line anew (`-n` alone reads as --dist no there), so the controller says it in the
    worker's input (DistributionPlan), and the worker then names its items by group as --dist loadgroup does."""
    if getattr(config, "workerinput", {}).get(DIST_KEY) != "loadgroup":
        return False
    config.option.loadgroup = True  # what xdist's worker reads to add each item's group to its node id
    return True


class DistributionPlan:
    """Registered on the controller of a parallel run: tells each worker how the controller schedules."""

    def pytest_configure_node(self, node: Any) -> None:  # pytest-xdist's hook (a WorkerController)
        node.workerinput[DIST_KEY] = node.config.option.dist


class ExplorationsFirst:
    """Registered on the workers of a parallel run: groups the suite's explorations and moves them first."""

    @pytest.hookimpl(tryfirst=True)  # before xdist names each item by its group
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        explorations = []
        for item in items:
            marker = item.get_closest_marker(EXPLORATION_MARKER) if is_suite_item(item) else None
            if marker is not None and item.get_closest_marker("xdist_group") is None:
                item.add_marker(pytest.mark.xdist_group(f"contract-{marker.args[0]}"))
                explorations.append(item)
        chosen = set(map(id, explorations))
        rest = [item for item in items if id(item) not in chosen]
        properties = [item for item in rest if is_suite_item(item) and is_property_test(item)]
        chosen |= set(map(id, properties))
        items[:] = explorations + properties + [item for item in rest if id(item) not in chosen]


def is_property_test(item: pytest.Item) -> bool:
    """Whether a test runs many Hypothesis examples (a `@given` test), not a request or two."""
    from hypothesis import is_hypothesis_test

    return is_hypothesis_test(getattr(item, "obj", None))


def ends_quickly(config: pytest.Config) -> bool:
    """Whether this process is a worker of a parallel `contract-test` run (under the suite's own suite.ini, so
    that nothing but the suite shares the process)."""
    inipath = config.inipath
    return hasattr(config, "workerinput") and inipath is not None and inipath == SUITE_DIR / "suite.ini"


class WorkerEnd:
    """Registered on the workers of a parallel `contract-test` run: once a worker has told the controller all it
    has (pytest-xdist sends "workerfinished", with the worker's ledger, from pytest_sessionfinish), it ends
    without the interpreter's teardown of Hypothesis, Schemathesis and the rest, which the controller would
    otherwise wait for before its report (1.5-2.5 s of each parallel run here, docs/performance.md). The
    controller takes the end of a finished worker's channel as the end it expects."""

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self, config: pytest.Config) -> None:
        end_process_now(0)
