"""The audience of the realistic targets: a live stream whose viewers join and leave while it is read."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import random
import threading
from dataclasses import dataclass
from typing import Any

FIRST_NAMES = ["Ayşe", "İlker", "Çağla", "Ömer", "Şule", "Ilgın", "Gökhan", "Zeynep", "John", "Mary", "Ahmet",
               "Elif", "Barış", "Özge", "Ümit", "Emre", "Deniz", "Sıla", "Can", "Ece"]
SURNAMES = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Doe", "Smith", "Aydın", "Arslan", "Doğan",
            "Kılıç", "Aslan", "Koç", "Kurt", "Özdemir"]


@dataclass(frozen=True)
class AudienceMember:
    id: str
    name: str
    surname: str
    username: str
    joined_ms: int
    followers: int
    following: int
    has_photo: bool

    def to_json(self, asker: str) -> dict[str, Any]:
        joined = dt.datetime.fromtimestamp(self.joined_ms / 1000, dt.UTC)
        photo = None
        if self.has_photo:
            photo_id = hashlib.md5(self.id.encode()).hexdigest()[:24]
            photo = {"_id": photo_id, "url": f"https://cdn.example.com/{photo_id}.jpg", "type": "image",
                     "variants": {"40": f"https://cdn.example.com/{photo_id}/40.webp"},
                     "createdAt": "2024-01-15T10:30:00.000Z", "updatedAt": "2024-01-15T12:30:00.000Z"}
        following = hashlib.sha256(f"{asker}:{self.id}".encode()).digest()[0] % 3 == 0
        return {"_id": self.id, "username": self.username, "name": self.name, "surname": self.surname,
                "profilePhoto": photo, "followersCount": self.followers, "followingCount": self.following,
                "expertise": "designer", "isFollowing": following,
                "joinedAt": joined.isoformat(timespec="milliseconds").replace("+00:00", "Z")}


def _newest_first(viewer: AudienceMember) -> tuple[int, str]:
    return -viewer.joined_ms, viewer.id


class LiveAudience:
    """Viewers newest first (ties by _id); join() and leave() may run while pages are read."""

    def __init__(self, size: int, seed: int = 0) -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._serial = 0
        self._clock_ms = 1_771_410_600_000
        self.viewers: list[AudienceMember] = []
        self.participants = 0
        self.viewers = [self._new_viewer(same_second=self._random.random() < 0.4) for _ in range(size)]
        self.viewers.sort(key=_newest_first)
        self.participants = size + size // 3  # with the people who took part earlier and left

    def _new_viewer(self, same_second: bool) -> AudienceMember:
        self._serial += 1
        if not same_second:
            self._clock_ms += self._random.randint(1, 9) * 1000
        name, surname = self._random.choice(FIRST_NAMES), self._random.choice(SURNAMES)
        viewer_id = f"{0x6722000000000000 + self._serial * 7919:024x}"
        username = f"{name.lower()}{self._serial}"
        return AudienceMember(viewer_id, name, surname, username, self._clock_ms, self._random.randint(0, 5000),
                      self._random.randint(0, 800), self._random.random() < 0.8)

    def _add(self, viewer: AudienceMember) -> None:
        bisect.insort(self.viewers, viewer, key=_newest_first)
        self.participants += 1

    def join(self) -> None:
        with self._lock:
            self._add(self._new_viewer(same_second=self._random.random() < 0.3))

    def leave(self) -> None:
        with self._lock:
            if len(self.viewers) > 2:
                self.viewers.pop(self._random.randrange(len(self.viewers)))

    def snapshot(self) -> tuple[list[AudienceMember], int]:
        with self._lock:
            return list(self.viewers), self.participants


class AudienceChurn:
    """Joins and leaves at about `per_second` events a second, in a thread of its own."""

    def __init__(self, audience: LiveAudience, per_second: float, seed: int = 1) -> None:
        self.audience, self.per_second = audience, per_second
        self._random = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        if self.per_second > 0:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self._random.expovariate(self.per_second)):
            if self._random.random() < 0.55:
                self.audience.join()
            else:
                self.audience.leave()
