"""The mock with one deliberate fault: a target the contract suite must catch (`tests.sequence_faults` adds
those that only a sequence of requests shows).

    python -m tests.faulty_target FAULT [mockserver options]

Each fault breaks one promise of the contract the way a real backend might, by patching the mock's
core before it serves.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import jwt

from mockserver.core import auth, dataset, envelope, live, model, params, query, render, search
from mockserver.core.follows import follows
from mockserver.core.model import Stream, StreamState
from mockserver.web import errors
from tests.sequence_faults import SEQUENCE_FAULTS


def _patch(owner: Any, name: str, replacement: Any) -> None:
    setattr(owner, name, replacement)


def leaks_email() -> None:
    original = model.Viewer.to_json
    _patch(model.Viewer, "to_json", lambda self, is_following=None: {**original(self, is_following),
                                                                       "email": f"{self.username}@example.com"})


def crashes_on_big_pages() -> None:
    original = query.page_of_viewers  # the function live.py imported, patched where live.py reads it

    def page_of_viewers(stream: Stream, index: Any, request: query.PageRequest) -> Any:
        if request.page > 1000:
            raise OverflowError("offset out of range")
        return original(stream, index, request)

    _patch(live, "page_of_viewers", page_of_viewers)


def crashes_on_big_pages_and_metacharacters() -> None:
    """Two causes of one 500: an offset past a 32-bit counter (page > 1000), and a search term spliced into a
    LIKE pattern unescaped (any regex or SQL metacharacter)."""
    original = query.page_of_viewers

    def page_of_viewers(stream: Stream, index: Any, request: query.PageRequest) -> Any:
        if request.page > 1000:
            raise OverflowError("offset out of range")
        if request.search is not None and set(request.search) & set("%_*.?+[](){}|^$\\'\";"):
            raise ValueError("unterminated LIKE pattern")
        return original(stream, index, request)

    _patch(live, "page_of_viewers", page_of_viewers)


def accepts_limit_over_max() -> None:
    original = params.ParameterRule.from_spec

    def from_spec(parameter: Any) -> params.ParameterRule:
        rule = original(parameter)
        return params.ParameterRule(**{**rule.__dict__, "maximum": None}) if rule.name == "limit" else rule

    _patch(params.ParameterRule, "from_spec", staticmethod(from_spec))


def wrong_status_in_errors() -> None:
    original = envelope.error_envelope  # patched where errors.py reads it
    _patch(errors, "error_envelope", lambda status, details=(), timestamp=None: {
        **original(status, details, timestamp), "statusCode": 400})


def problem_json_errors() -> None:
    from connexion.lifecycle import ConnexionResponse

    def envelope_for(_request: Any, error: Exception) -> ConnexionResponse:
        status, details, headers = errors.describe(error)
        body = {"type": "about:blank", "title": "Error", "status": status, "detail": "; ".join(details)}
        return ConnexionResponse(status_code=status, mimetype="application/problem+json",
                                 content_type="application/problem+json", body=envelope.to_json_bytes(body),
                                 headers=dict(headers))

    _patch(errors, "envelope_for", envelope_for)


def floor_total_pages() -> None:
    _patch(query.ViewerPage, "total_pages", property(lambda self: self.total_items // self.items_per_page))


def overlapping_pages() -> None:
    original = query.page_of_viewers

    def page_of_viewers(stream: Stream, index: Any, request: query.PageRequest) -> query.ViewerPage:
        page = original(stream, index, request)
        if request.page > 1 and page.places:
            previous = original(stream, index, query.PageRequest(request.page - 1, request.limit, request.search))
            places = [previous.places[-1], *page.places[:-1]]
            return query.ViewerPage(places, page.viewer_at, page.current_page, page.items_per_page, page.total_items,
                                    page.participant_audience_total)
        return page

    _patch(live, "page_of_viewers", page_of_viewers)


def audience_total_follows_search() -> None:
    original = query.page_of_viewers

    def page_of_viewers(stream: Stream, index: Any, request: query.PageRequest) -> query.ViewerPage:
        page = original(stream, index, request)
        return query.ViewerPage(page.places, page.viewer_at, page.current_page, page.items_per_page, page.total_items,
                                page.total_items)

    _patch(live, "page_of_viewers", page_of_viewers)


def search_ignores_surnames() -> None:
    original = search.SearchIndex.__init__
    _patch(search.SearchIndex, "__init__",
           lambda self, names: original(self, [(name, "", username) for name, _, username in names]))


def search_is_case_sensitive() -> None:
    _patch(search, "fold", lambda text: text)


def search_returns_everyone() -> None:
    original = query.page_of_viewers

    def page_of_viewers(stream: Stream, index: Any, request: query.PageRequest) -> query.ViewerPage:
        filtered = original(stream, index, request)
        unfiltered = original(stream, index, query.PageRequest(request.page, request.limit, None))
        return query.ViewerPage(unfiltered.places, unfiltered.viewer_at, filtered.current_page, filtered.items_per_page,
                                filtered.total_items, filtered.participant_audience_total)

    _patch(live, "page_of_viewers", page_of_viewers)


def accepts_alg_none() -> None:
    original = auth.TokenVerifier.principal

    def principal(self: auth.TokenVerifier, authorization: str | None) -> auth.Principal:
        token = auth.bearer_token(authorization)
        try:
            if jwt.get_unverified_header(token).get("alg") == "none":
                return auth.Principal(jwt.decode(token, options={"verify_signature": False})["sub"])
        except jwt.InvalidTokenError:
            pass
        return original(self, authorization)

    _patch(auth.TokenVerifier, "principal", principal)


def never_checks_signatures() -> None:
    original = auth.TokenVerifier.__init__
    _patch(auth.TokenVerifier, "__init__",
           lambda self, secret, trust_unverified=False: original(self, secret, trust_unverified=True))


def unknown_streams_are_empty() -> None:
    original = dataset.DataSet.live_stream

    def live_stream(self: dataset.DataSet, stream_id: str) -> Stream:
        if self.stream(stream_id) is None:
            return Stream(stream_id, "", StreamState.LIVE, 0, model.ListedAudience(()))
        return original(self, stream_id)

    _patch(dataset.DataSet, "live_stream", live_stream)


def ended_streams_are_live() -> None:
    def live_stream(self: dataset.DataSet, stream_id: str) -> Stream:
        stream = self.stream(stream_id)
        if stream is None:
            raise dataset.StreamNotFound(stream_id, ended=False)
        return stream

    _patch(dataset.DataSet, "live_stream", live_stream)


def malformed_ids_crash() -> None:
    original_rule = params.ParameterRule.from_spec
    _patch(params.ParameterRule, "from_spec", staticmethod(
        lambda parameter: params.ParameterRule(**{**original_rule(parameter).__dict__, "pattern": None})))
    original = dataset.DataSet.stream
    _patch(dataset.DataSet, "stream", lambda self, stream_id: original(self, f"{int(stream_id, 16):024x}"))


def is_following_as_text() -> None:
    original = model.Viewer.to_json
    _patch(model.Viewer, "to_json", lambda self, is_following=None: {
        **original(self, is_following), **({} if is_following is None else {"isFollowing": str(is_following).lower()})})


def follows_the_wrong_way() -> None:
    """isFollowing says whether the viewer follows the caller: the caller's own follows read backwards, so a viewer
    the caller follows is false unless it follows back (drawn here as the same share of the viewers)."""
    original = render.as_seen_by

    def as_seen_by(json: Any, requester_id: str, requester: int) -> bytes:
        head, tail, key, followed_by = json
        backwards = follows(requester_id, key ^ 0x5DEECE66D, followed_by, requester & ((1 << 64) - 1))
        return original((head, tail, key, frozenset({requester_id}) if backwards else frozenset()),
                        requester_id, requester)

    _patch(render, "as_seen_by", as_seen_by)


def impossible_join_times() -> None:
    original = model.Viewer.to_json
    _patch(model.Viewer, "to_json", lambda self, is_following=None: {
        **original(self, is_following), "joinedAt": "2026-02-30T25:61:00.000Z"})


def negative_counts() -> None:
    original = model.Viewer.to_json
    _patch(model.Viewer, "to_json", lambda self, is_following=None: {
        **original(self, is_following), "followingCount": -1})


def bad_bytes_drop_the_search() -> None:
    """A term that is not UTF-8 once percent-decoded (search=%ff) served as if no term were given: a silent
    fallback no reading allows."""
    strict = params.query_pairs
    _patch(params, "query_pairs", lambda query_string: (strict(query_string)[0], {}))  # read as U+FFFD, then
    original = query.page_of_viewers

    def page_of_viewers(stream: Stream, index: Any, request: query.PageRequest) -> query.ViewerPage:
        term = None if request.search is not None and "\ufffd" in request.search else request.search  # dropped
        return original(stream, index, query.PageRequest(request.page, request.limit, term))

    _patch(live, "page_of_viewers", page_of_viewers)


FAULTS: dict[str, Callable[[], None]] = {fault.__name__: fault for fault in (
    leaks_email, crashes_on_big_pages, crashes_on_big_pages_and_metacharacters, accepts_limit_over_max,
    wrong_status_in_errors, problem_json_errors,
    floor_total_pages, overlapping_pages, audience_total_follows_search, search_ignores_surnames,
    search_is_case_sensitive, search_returns_everyone, accepts_alg_none, never_checks_signatures,
    unknown_streams_are_empty, ended_streams_are_live, malformed_ids_crash, is_following_as_text,
    impossible_join_times, negative_counts, bad_bytes_drop_the_search, follows_the_wrong_way,
)} | SEQUENCE_FAULTS  # and those that need a sequence of requests to show


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in FAULTS:
        print(f"usage: python -m tests.faulty_target FAULT [mockserver options]; FAULT is one of {', '.join(FAULTS)}",
              file=sys.stderr)
        return 2
    FAULTS[argv[0]]()
    from mockserver.cli.main import main as mockserver_main

    return mockserver_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
