"""Build step: ship the Futian sample project (futiangis.toml + layers/) inside the wheel.

The repository's top-level ``futiangis.toml`` and ``layers/`` stay the editable sources;
a regular build copies them into ``futiangis/_sample/`` of the built package, which
:func:`futiangis.config.sample_root` finds in an installed wheel. An editable install
(``pip install -e .``) reads them from the repository instead.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithSample(build_py):
    """``build_py`` that also copies the sample project into the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        dest = Path(self.build_lib) / "futiangis" / "_sample"
        if dest.exists():
            shutil.rmtree(dest)
        (dest / "layers").mkdir(parents=True)
        shutil.copy2(ROOT / "futiangis.toml", dest / "futiangis.toml")
        for path in sorted((ROOT / "layers").iterdir()):
            if path.is_file() and not path.name.startswith("."):
                shutil.copy2(path, dest / "layers" / path.name)


setup(cmdclass={"build_py": BuildPyWithSample})
