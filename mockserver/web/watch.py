"""`--watch`: reload a fixtures file when it changes; a broken edit keeps the data served and says why."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from mockserver.core.dataset import DataSet
from mockserver.core.fixtures import FixtureError, load_fixtures

logger = logging.getLogger("mockserver")
POLL_SECONDS = 0.5


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class FixturesWatcher:
    """Polls a file's modification time and size; on a change, loads it and hands the data on."""

    def __init__(self, path: Path, on_reload: Callable[[DataSet], None], poll_seconds: float = POLL_SECONDS) -> None:
        self._path = path
        self._on_reload = on_reload
        self._poll_seconds = poll_seconds
        self._seen = _signature(path)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fixtures-watcher", daemon=True)

    def start(self) -> FixturesWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopped.wait(self._poll_seconds):
            self.check()

    def check(self) -> bool:
        """Reload when the file changed since the last look; True when new data is served."""
        signature = _signature(self._path)
        if signature == self._seen:
            return False
        self._seen = signature
        try:
            dataset = load_fixtures(self._path)
            dataset.build_indexes()
        except FixtureError as error:
            logger.warning("mockserver: %s; still serving the data loaded before", error)
            return False
        self._on_reload(dataset)
        logger.warning("mockserver: reloaded %s (%d streams)", self._path, len(dataset.streams))
        return True
