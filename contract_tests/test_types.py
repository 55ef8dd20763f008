"""7. Types the schema cannot say: ObjectIds, real timestamps, non-negative counts, real booleans."""

from __future__ import annotations

from functools import partial

from contract_tests.plugin.hypothesis_profiles import SuiteProfile
from contract_tests.target.viewers_client import ContractClient

TYPE_CHECKS = ["types_object_ids", "types_timestamps", "types_counts", "types_is_following"]


def test_viewers_on_the_first_pages_have_real_types(api: ContractClient, suite_profile: SuiteProfile) -> None:
    first = api.viewers(params={"page": 1, "limit": 100})
    last = min(first.body["data"]["pagination"]["totalPages"], 3 if suite_profile.name == "fast" else 20)
    rest = api.gather([partial(api.viewers, params={"page": page, "limit": 100}) for page in range(2, last + 1)])
    for exchange in (first, *rest):
        api.verify(exchange, TYPE_CHECKS)


def test_searched_viewers_have_real_types(api: ContractClient) -> None:
    for exchange in api.gather([partial(api.viewers, params={"search": term, "limit": 100}) for term in "ae"]):
        api.verify(exchange, TYPE_CHECKS)
