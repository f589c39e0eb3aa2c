"""Coverage themes: the shipped theme names, scenarios and per-unit verdicts.

The configured themes (``[coverage.<theme>]``: radii, land mask, scope) are applied by the
project shell, :meth:`futiangis.project.Project.coverage`, which loads the layers and
calls :func:`~futiangis.coverage.compute.compute_coverage`; nothing here sees a config.
"""
from __future__ import annotations

import dataclasses

import geopandas as gpd

from .. import schemas as S
from ..errors import ConfigError
from .result import COVERAGE, CoverageResult, verdict_of

__all__ = ["THEMES", "SCENARIOS", "select_scenario", "with_unit_verdicts"]

THEMES = ("parks", "charging", "bike")
#: ``current``: only facilities whose status is ``completed`` (built) count;
#: ``planned``: every facility in the layer counts (the situation "after the plan").
SCENARIOS = ("current", "planned")


def select_scenario(facilities: gpd.GeoDataFrame, scenario: str) -> tuple[gpd.GeoDataFrame, str]:
    """Facilities that count in ``scenario`` and a note saying which.

    ``current`` keeps status ``completed`` (built); ``planned`` keeps every status. A
    layer without a status column (the charging stations: real, built stations of
    2022–23) counts whole in both.
    """
    if scenario not in SCENARIOS:
        raise ConfigError(f"Unknown scenario {scenario!r}; use one of {', '.join(SCENARIOS)}.")
    if S.STATUS not in facilities.columns:
        return facilities, "all facilities count (the layer has no status: built facilities)"
    if scenario == "planned":
        return facilities, "all statuses count (planned, approved, under construction, completed)"
    built = facilities[facilities[S.STATUS].astype(str) == "completed"]
    return built, f"only status 'completed' counts ({len(built)} of {len(facilities)})"


def with_unit_verdicts(result: CoverageResult) -> CoverageResult:
    """A copy of ``result`` whose unit rows say 达标/未达标 and by how many percentage points.

    The verdict uses the result's ``threshold`` and ``deadline``; ``result`` is unchanged.
    """
    v = [verdict_of(c, result.threshold, result.deadline) for c in result.units[COVERAGE]]
    units = result.units.assign(verdict=[x["verdict"] for x in v],
                                verdict_zh=[x["verdict_zh"] for x in v],
                                margin_pp=[x["margin_pp"] for x in v])
    return dataclasses.replace(result, units=units)
