"""Build step: ship the one hand-written openapi.yaml inside each package that reads it.

The spec stays at the top of the repository; wheels (and wheels built from the sdist) carry a byte-identical
copy in `mockserver/` and in `contract_tests/`, so that neither package reaches outside itself or into the
other. Editable installs read it from the checkout instead.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SPEC = "openapi.yaml"
PACKAGES_READING_THE_SPEC = ("mockserver", "contract_tests")


class BuildPyWithSpec(build_py):
    """build_py that also copies openapi.yaml into each package that reads it."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for package in PACKAGES_READING_THE_SPEC:
            self.copy_file(SPEC, str(Path(self.build_lib, package, SPEC)), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        shipped = [] if self.editable_mode else [str(Path(self.build_lib, p, SPEC)) for p in PACKAGES_READING_THE_SPEC]
        return [*super().get_outputs(include_bytecode), *shipped]


setup(cmdclass={"build_py": BuildPyWithSpec})
