"""Operation handlers, bound to openapi.yaml by operationId: HTTP in, a core call, an envelope out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connexion.context import scope as request_scope
from starlette.responses import Response

from mockserver.core.auth import Principal, may_read_audience
from mockserver.core.live import LiveData
from mockserver.core.query import PageRequest
from mockserver.core.render import PageRenderer
from mockserver.web.media import request_origin
from mockserver.web.scenarios import requested_second


class ViewersHandlers:
    """The handlers of the viewers endpoint over one data set on the mock's clock."""

    def __init__(self, live: LiveData, *, local_media: bool, base_url: str) -> None:
        self._local_media = local_media
        self._base_url = base_url
        self.replace_data(live)

    def replace_data(self, live: LiveData) -> None:
        """Serve other data from the next request on (a reloaded fixtures file)."""
        self._state = (live, PageRenderer(live.dataset.seed, local_media=self._local_media))

    @property
    def live(self) -> LiveData:
        return self._state[0]

    def operations(self) -> dict[str, Callable[..., Any]]:
        """Handlers by operationId, for Connexion's resolver."""
        return {"listLiveStreamViewers": self.list_live_stream_viewers}

    async def list_live_stream_viewers(
        self, id_: str, user: str, page: int, limit: int, search: str | None = None
    ) -> Response:
        live, renderer = self._state
        principal = Principal(user_id=user)
        asked = requested_second(request_scope)
        second = live.clock.second() if asked is None else asked
        stream = live.live_stream(id_, second)
        may_read_audience(principal, stream.blocked_user_ids)
        page_of = live.page(stream, second, PageRequest(page, limit, search))
        origin = request_origin(request_scope, self._base_url) if self._local_media else ""
        body = renderer.render(stream.id, page_of, principal.user_id, origin=origin)
        return Response(body, media_type="application/json")
