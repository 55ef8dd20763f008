"""The private names of Schemathesis the suite relies on, each reached here and nowhere else.

Schemathesis' `positive_data_acceptance` and `negative_data_rejection` judge a case by how it was generated
(a request openapi.yaml allows, refused; one it forbids, served), which a case carries in its metadata and a
case rebuilt from a stored request does not. A replayed `positive:`/`negative:` finding is judged by those
very checks on a case rebuilt with the metadata of its mode: `APIOperation.Case(_meta=...)` is private, and
`CaseMetadata` and its parts (schemathesis.generation.meta) are undocumented. `tests/test_schemathesis_internals.py`
fails, naming the release, when either changes.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from schemathesis import GenerationMode


class UnsupportedRelease(ValueError):
    """The installed Schemathesis lacks what a case of one generation mode is rebuilt with."""


def case_generated_as(operation: Any, mode: GenerationMode, *, path_parameters: dict[str, Any],
                      query: dict[str, Any], headers: dict[str, Any]) -> Any:
    """A case of these values, as the fuzzing phase generates one of `mode` (its query in that mode).
    UnsupportedRelease, naming the release, where these names are missing (the older releases the suite's
    range allows: 4.1 has no schemathesis.core.parameters); imported here, so that the suite runs on them."""
    try:
        from schemathesis.core.parameters import ParameterLocation
        from schemathesis.generation.meta import (
            CaseMetadata,
            ComponentInfo,
            GenerationInfo,
            PhaseInfo,
            TestPhase,
            build_phase_data,
        )
    except ImportError as missing:
        raise UnsupportedRelease(f"schemathesis {version('schemathesis')} has no {missing.name}, which a "
                                 f"{mode.value} case is rebuilt with; a newer release judges this finding") from None
    meta = CaseMetadata(generation=GenerationInfo(time=0.0, mode=mode),
                        components={ParameterLocation.QUERY: ComponentInfo(mode=mode)},
                        phase=PhaseInfo(name=TestPhase.FUZZING, data=build_phase_data(TestPhase.FUZZING, None)))
    return operation.Case(path_parameters=path_parameters, query=query, headers=headers, _meta=meta)
