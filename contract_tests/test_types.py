"""7. Types the schema cannot say: ObjectIds, real timestamps, non-negative counts, real booleans."""

from __future__ import annotations

from functools import partial

import pytest

from contract_tests.plugin.hypothesis_profiles import SuiteProfile
from contract_tests.plugin.ledger import Ledger
from contract_tests.registry.response_checks import fail
from contract_tests.registry.viewer_type_checks import follow_state_mismatches
from contract_tests.target.deployment import not_run
from contract_tests.target.viewers_client import ContractClient

FOLLOW_PAGES = 30  # pages of 100 a follow-state check walks at most, looking for the viewers it was told of

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


def test_is_following_is_whether_the_caller_follows_the_viewer(api: ContractClient, ledger: Ledger) -> None:
    """The viewers the caller is known to follow are served with isFollowing true, those it is known not to
    follow (users who follow it among them: the direction is the caller's) with false."""
    target = api.target
    if not (target.followed_ids or target.unfollowed_ids):
        pytest.skip(not_run("followed_ids"))
    wanted, seen = {*target.followed_ids, *target.unfollowed_ids}, set()
    for page in range(1, FOLLOW_PAGES + 1):
        exchange = api.viewers(params={"page": page, "limit": 100})
        viewers = exchange.body["data"]["list"]
        seen |= {viewer.get("_id") for viewer in viewers} & wanted
        wrong = follow_state_mismatches(viewers, target.followed_ids, target.unfollowed_ids)
        if wrong:
            fail("is_following_known", "isFollowing is not whether the caller follows the viewer", exchange,
                 received=f"isFollowing {'; '.join(wrong[:5])}", expected="true for CONTRACT_FOLLOWED_IDS, false for "
                 "CONTRACT_UNFOLLOWED_IDS")
        if seen == wanted or not exchange.body["data"]["pagination"]["hasNextPage"]:
            break
    if not seen:
        ledger.note_not_verifiable(f"is_following_known: none of the {len(wanted)} ids of CONTRACT_FOLLOWED_IDS and "
                                   f"CONTRACT_UNFOLLOWED_IDS is among the stream's viewers (first {FOLLOW_PAGES} "
                                   "pages): the follow state was not judged")
