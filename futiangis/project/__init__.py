"""The project shell: a project folder (config + layer catalogue) -> loaded layers -> results.

A *project* is what a planner owns: a ``futiangis.toml`` and a ``layers/`` folder of
layers with ``*.meta.toml`` provenance sidecars (``futiangis init DIR`` writes one from
the Futian sample). :class:`Project` is the only place that knows about the config file,
the catalogue and paths; it loads layers through the one door (:mod:`futiangis.load`)
and hands GeoDataFrames and typed settings to the pure analysis modules
(:mod:`~futiangis.coverage`, :mod:`~futiangis.targets`, :mod:`~futiangis.terrain`,
:mod:`~futiangis.join`), which never see a :class:`~futiangis.config.Config`. The CLI, the
build and ``import futiangis as fg`` all stand on it.

The package, by purpose: :mod:`.shell` (the :class:`Project`, its catalogue and
layers, :func:`open_project`), :mod:`.coverage_rules` (coverage with the project's
rules), :mod:`.analyses` (targets, terrain, stats), :mod:`.scaffold`
(``futiangis init``) and :mod:`.runners` (the ``run_*`` functions: the same calls with a
config in front, for scripts). Everything is importable from ``futiangis.project``.
"""
from __future__ import annotations

from .analyses import StatsSummary
from .runners import load_build_layers, run_coverage, run_target_accounting, run_terrain, stats_by
from .scaffold import PROJECT_README, init_project
from .shell import _OPTIONAL_LAYERS as _OPTIONAL_LAYERS
from .shell import REQUIRED_LAYERS as REQUIRED_LAYERS
from .shell import THEME_LAYERS as THEME_LAYERS
from .shell import Project, open_project

__all__ = [
    "Project",
    "StatsSummary",
    "open_project",
    "init_project",
    "run_coverage",
    "run_target_accounting",
    "run_terrain",
    "stats_by",
    "load_build_layers",
    "PROJECT_README",
]
