"""Operation handlers, bound to openapi.yaml by operationId: HTTP in, a core call, an envelope out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from mockserver.core.auth import Principal, may_read_audience
from mockserver.core.dataset import DataSet
from mockserver.core.query import PageRequest, page_of_viewers
from mockserver.core.render import PageRenderer


class ViewersApi:
    """The handlers of the viewers endpoint over one data set."""

    def __init__(self, dataset: DataSet) -> None:
        self._dataset = dataset
        self._renderer = PageRenderer(dataset.seed)

    def operations(self) -> dict[str, Callable[..., Any]]:
        """Handlers by operationId, for Connexion's resolver."""
        return {"listLiveStreamViewers": self.list_live_stream_viewers}

    async def list_live_stream_viewers(
        self, id_: str, user: str, page: int, limit: int, search: str | None = None
    ) -> Response:
        principal = Principal(user_id=user)
        stream = self._dataset.live_stream(id_)
        may_read_audience(principal, stream.blocked_user_ids)
        page_of = page_of_viewers(stream, self._dataset.search_index(stream), PageRequest(page, limit, search))
        body = self._renderer.render(stream.id, page_of, principal.user_id)
        return Response(body, media_type="application/json")
