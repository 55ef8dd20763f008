"""7. Types the schema cannot say: ObjectIds, real timestamps, non-negative counts, real booleans."""

from __future__ import annotations

from contract_tests.checks import verify
from contract_tests.profiles import SuiteProfile
from contract_tests.target import ViewersApi

TYPE_CHECKS = ["types_object_ids", "types_timestamps", "types_counts", "types_is_following"]


def test_viewers_on_the_first_pages_have_real_types(api: ViewersApi, suite_profile: SuiteProfile) -> None:
    for page in range(1, 4 if suite_profile.name == "fast" else 21):
        exchange = api.viewers(params={"page": page, "limit": 100})
        verify(exchange, TYPE_CHECKS)
        if not exchange.body["data"]["pagination"]["hasNextPage"]:
            break


def test_searched_viewers_have_real_types(api: ViewersApi) -> None:
    for term in ("a", "e"):
        verify(api.viewers(params={"search": term, "limit": 100}), TYPE_CHECKS)
