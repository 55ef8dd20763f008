"""Schemathesis' private `Case(_meta=...)` and its undocumented CaseMetadata, as the suite uses them, still make
a rebuilt case one that its positive_data_acceptance and negative_data_rejection judge.

`contract_tests/target/schemathesis_internals.py` is the one module that reaches them. A failure here names the
release: that module needs updating for it, or pyproject.toml's range must stop below it.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from importlib.metadata import version
from typing import Any

import httpx
import pytest
import schemathesis

from contract_tests.registry.documented_rules import VIEWERS_PATH, load_spec
from contract_tests.registry.judged_spec import judged_spec
from contract_tests.target.schemathesis_internals import case_generated_as

RELEASE = f"schemathesis {version('schemathesis')}"
STREAM = "64d15f9e2e6c8f4d5a123456"


def answered(query: dict[str, str], status: int) -> httpx.Response:
    body = ({"isSuccess": True, "statusCode": 200, "errors": [], "timestamp": "2026-01-01T00:00:00Z",
             "data": {"list": [], "participantAudienceTotal": 0,
                      "pagination": {"currentPage": 1, "itemsPerPage": 5, "totalItems": 0, "totalPages": 0,
                                     "hasNextPage": False}}} if status == 200 else
            {"isSuccess": False, "statusCode": status, "data": None, "errors": ["no"],
             "timestamp": "2026-01-01T00:00:00Z"})
    request = httpx.Request("GET", f"http://127.0.0.1{VIEWERS_PATH.format(id=STREAM)}", params=query)
    response = httpx.Response(status, headers={"content-type": "application/json"},
                              content=json.dumps(body).encode(), request=request)
    response.elapsed = timedelta(0)
    return response


def failures(mode: str, query: dict[str, str], status: int) -> list[str]:
    operation = schemathesis.openapi.from_dict(judged_spec(load_spec()))[VIEWERS_PATH]["GET"]
    case: Any = case_generated_as(operation, schemathesis.GenerationMode(mode), path_parameters={"id": STREAM},
                                  query=query, headers={"Authorization": "Bearer x"})
    wanted = {"positive": "positive_data_acceptance", "negative": "negative_data_rejection"}[mode]
    excluded = [check for check in schemathesis.checks.CHECKS.get_all() if check.__name__ != wanted]
    try:
        case.validate_response(answered(query, status), excluded_checks=excluded)
    except (AssertionError, BaseExceptionGroup) as error:
        return [type(failure).__name__ for failure in getattr(error, "exceptions", [error])]
    return []


@pytest.mark.parametrize(("mode", "query", "status", "found"), [
    ("negative", {"limit": "101"}, 200, ["AcceptedNegativeData"]), ("negative", {"limit": "101"}, 400, []),
    ("negative", {"limit": "5"}, 200, []),  # not negative after all: Schemathesis re-reads the values
    ("positive", {"page": "3"}, 400, ["RejectedPositiveData"]), ("positive", {"page": "3"}, 200, []),
])
def test_a_rebuilt_case_is_judged_by_the_check_of_its_mode(mode: str, query: dict[str, str], status: int,
                                                             found: list[str]) -> None:
    assert failures(mode, query, status) == found, (
        f"{RELEASE}: a case built with Case(_meta=CaseMetadata(...)) is no longer judged as one generated "
        f"{mode}ly; contract_tests/target/schemathesis_internals.py needs updating")


def test_a_release_without_the_names_is_told_by_its_number_and_the_suite_still_loads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Schemathesis 4.1 (the range's floor) has no schemathesis.core.parameters: the suite imports the adapter's
    names only when it rebuilds a case, and says which release lacks them."""
    from contract_tests.target.schemathesis_internals import UnsupportedRelease

    monkeypatch.setitem(sys.modules, "schemathesis.core.parameters", None)  # what an import of a missing one meets
    operation = schemathesis.openapi.from_dict(judged_spec(load_spec()))[VIEWERS_PATH]["GET"]
    with pytest.raises(UnsupportedRelease, match=rf"^{RELEASE} has no schemathesis.core.parameters, which a negative "
                                                 "case is rebuilt with"):
        case_generated_as(operation, schemathesis.GenerationMode.NEGATIVE, path_parameters={"id": STREAM},
                          query={"limit": "101"}, headers={})
