"""What kind of request shows a finding, told by the parameter classes of the requests that showed it.

Where what came back is a status and nothing else (`HTTP 500`), its words cannot tell two causes apart: a
500 on deep pages and a 500 on searches with SQL metacharacters read alike. The requests can: each class
the failing requests have in common, and that the answers which could have shown the finding and did not
lack, tells one cause. A class is taken when most answers of that class that got as far show the finding
(for a server error, as far as a 2xx; otherwise, the same status), the class whose answers show it most
often first, then the next for the failing requests it leaves. A 500 on every deep page is one kind (the
page numbers differ, the class does not); a 500 on every request, where no answer got through, is one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from contract_tests.registry.parameter_classes import CLASSES

Signature = tuple[str, ...]  # the parameter classes of one request
NO_CLASS = ""  # the failing requests no class of their own explains (or where no answer tells classes apart)
MOST_OF = 0.5  # share of a class's comparable answers that must show the finding for the class to tell it
_STATUS = re.compile(r"\b(?:HTTP\s*)?[1-5][0-9]{2}\b")
_PARTICULAR = re.compile(r"[0-9]|'[^']*'|\"[^\"]*\"")


def told_by_status(received: str) -> bool:
    """Whether what was received is a status and fixed words only (`HTTP 500`, `statusCode 400 on HTTP 401`):
    then only the kind of request tells its causes apart."""
    return not _PARTICULAR.search(_STATUS.sub("", received))


def signature(classes: Iterable[str]) -> Signature:
    rank = {name: number for number, name in enumerate(CLASSES)}
    return tuple(sorted(set(classes), key=lambda name: (rank.get(name, len(rank)), name)))


def comparable(by_class_status: Mapping[tuple[str, int], int], failing: Mapping[Signature, int],
               status: int) -> dict[str, int]:
    """By class, the answers that could have shown a finding of this status and did not: for a server error,
    the 2xx answers (what a correct deployment answers); otherwise, the others of the same status."""
    if status >= 500:
        counted: Counter[str] = Counter()
        for (name, answered), count in by_class_status.items():
            if 200 <= answered < 300:
                counted[name] += count
        return dict(counted)
    shown: Counter[str] = Counter()
    for classes, count in failing.items():
        shown.update({name: count for name in classes})
    return {name: max(count - shown[name], 0) for (name, answered), count in by_class_status.items()
            if answered == status}


def request_kinds(failing: Mapping[Signature, int], others: Mapping[str, int]) -> dict[Signature, str]:
    """The kind of each failing request (by its classes): the class that tells its cause, or NO_CLASS."""
    kinds: dict[Signature, str] = {}
    remaining = {classes: count for classes, count in failing.items() if count > 0}
    rank = {name: number for number, name in enumerate(CLASSES)}
    while remaining and any(others.values()):
        covered: Counter[str] = Counter()
        for classes, count in remaining.items():
            covered.update({name: count for name in classes})
        telling = [name for name, count in covered.items() if count >= MOST_OF * (count + others.get(name, 0))]
        if not telling:
            break
        # the class that tells them best: the largest share of its answers, counted so that one request in
        # an odd class does not outweigh twenty in a class of their own
        best = max(telling, key=lambda name: (covered[name] / (covered[name] + others.get(name, 0) + 1),
                                              covered[name], -rank.get(name, len(rank))))
        for classes in [classes for classes in remaining if best in classes]:
            kinds[classes] = best
            del remaining[classes]
    return kinds | dict.fromkeys(remaining, NO_CLASS)
