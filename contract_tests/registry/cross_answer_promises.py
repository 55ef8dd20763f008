"""Promises checked across several answers (by the tests), beside the per-answer checks of checks.py.

Their names appear in reports and may be listed in CONTRACT_ALLOW like the registry's checks.
"""

from __future__ import annotations

PROMISES: dict[str, str] = {
    "accepts_valid_input": "Valid boundaries (limit 1 and the maximum, a far page, an empty search) are accepted.",
    "auth_accepts_valid": "The valid token reads the stream.",
    "auth_forbidden": "A user who may not read the stream is refused with 403.",
    "auth_rejects_alg_none": "A token re-encoded with alg none, in any spelling (None, NONE), is refused with 401.",
    "auth_rejects_expired": "An expired token (CONTRACT_EXPIRED_TOKEN) is refused with 401.",
    "auth_rejects_other_algorithms": "A token signed or labelled with another HMAC algorithm (HS384, HS512) and a key "
                                     "the deployment does not hold is refused with 401.",
    "auth_rejects_garbage": "Malformed credentials are refused with 401.",
    "auth_required": "A request without a token is refused with 401.",
    "auth_verifies_signature": "A token with a changed, cut off or foreign signature, or changed claims, is refused "
                               "with 401.",
    "ended_stream": "A stream that has ended is not found (404).",
    "error_envelope_400": "A bad parameter is answered with 400 in the error envelope.",
    "error_envelope_401": "A request without a token is answered with 401 in the error envelope.",
    "error_envelope_403": "A forbidden user is answered with 403 in the error envelope.",
    "error_envelope_404": "An unknown stream is answered with 404 in the error envelope.",
    "is_following_known": "isFollowing is true for the viewers the caller follows (CONTRACT_FOLLOWED_IDS) and false "
                          "for those it does not (CONTRACT_UNFOLLOWED_IDS), whoever follows the caller.",
    "identical_requests_agree": "Two identical requests, one after the other, get the same viewers in the same order "
                                "with the same isFollowing (but for what the audience's movement explains).",
    "malformed_stream_id": "A malformed stream id is refused (400, or 404 where the router cannot match it).",
    "pagination_any_page": "Any page and limit in range is answered with 200.",
    "pagination_audience_total_stable": "participantAudienceTotal is one value for every page and search "
                                        "(on a live stream: it never shrinks).",
    "pagination_defaults": "Without page and limit the documented defaults apply.",
    "pagination_partition": "Walking the pages at any limit yields every viewer once (churn aside).",
    "pagination_past_the_end": "A page past the end is a 200 with an empty list.",
    "pagination_stable_totals": "Pages of one query agree on totalItems unless the audience moved between them.",
    "pagination_stable_order": "Pages at different limits agree on the order: a page deep in a query (a search or "
                               "none), at any limit, is the slice of the order its walk served (churn aside).",
    "rejects_malformed_id": "A malformed stream id is refused with 400.",
    "search_any_term": "Any search term is answered with 200 or 400, never a 5xx.",
    "search_blank": "A blank search term is no filter.",
    "search_completeness": "A viewer's own name, surname or username, in any case, finds it.",
    "search_literal": "Regular-expression and SQL metacharacters are plain characters.",
    "search_long_term": "A very long search term is answered, never with a 5xx.",
    "search_not_utf8": "A search term that is not UTF-8 once percent-decoded (%ff) is refused with 400 in the error "
                       "envelope, or searched as read, each bad byte U+FFFD.",
    "search_totals": "Walking a search's pages, at limits chosen from its total, yields totalItems viewers, each "
                     "once (churn aside).",
    "success_envelope": "A valid request for a live stream is answered with 200.",
    "target_answers": "The target answers each request within the timeout.",
    "undeclared_method": "A write method the contract does not declare is refused with 405.",
    "unknown_stream": "An unknown stream is not found (404).",
    "walk_pages": "The first page of a walk is answered with 200.",
}
