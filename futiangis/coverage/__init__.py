"""Service-radius coverage: what share of each unit (and of Futian) lies within reach.

Method (the one QGIS users do by hand, without the double counting):

1. buffer every facility by its service radius in the working CRS (EPSG:4547, metres),
   with ``quad_segs`` segments per quarter circle (config ``[coverage] quad_segs``,
   default 64: the polygon is 0.01 % short of π r²; shapely's default 8 is 0.6 % short);
2. **union the buffers once** into the service area, *before* any area is measured, so
   overlapping buffers are counted once;
3. intersect the service area with each unit (the denominator: the unit's area, or its
   residential land when a residential layer is given) and with the district;
4. the uncovered remainder of each unit is the gap layer, largest part first;
5. with a population raster, people are summed per unit and per covered part with exact
   partial-pixel weights (:mod:`futiangis.zonal`).

Radii and thresholds come from the config (``[coverage.parks|charging|bike]``) with the
standard they implement, which every result carries in ``standard``.

Modules: :mod:`.result` (the result, verdicts), :mod:`.radii` (radius rules, GB/T 50563-2010
park sizes), :mod:`.compute` (guards, denominators, per unit, overall, population, gaps),
:mod:`.themes` (theme names, scenarios, verdicts); the configured themes (land mask,
scope) are applied by :meth:`futiangis.project.Project.coverage`.

Examples
--------
>>> from futiangis.coverage import verdict_of
>>> verdict_of(0.9, 0.8)["verdict_zh"]
'达标'
"""
from __future__ import annotations

from .compute import compute_coverage, service_area
from .radii import park_exclusions, park_radii
from .result import (
    COVERAGE,
    COVERED_M2,
    GAP_ID,
    POPULATION,
    POPULATION_COVERAGE,
    POPULATION_COVERED,
    TOTAL_M2,
    UNCOVERED_M2,
    UNIT_ID,
    CoverageInputError,
    CoverageResult,
    verdict_of,
)
from .themes import SCENARIOS, THEMES, select_scenario, with_unit_verdicts

__all__ = [
    "THEMES",
    "SCENARIOS",
    "CoverageInputError",
    "CoverageResult",
    "compute_coverage",
    "service_area",
    "park_radii",
    "park_exclusions",
    "verdict_of",
    "with_unit_verdicts",
    "select_scenario",
    # column names of the results
    "COVERAGE", "COVERED_M2", "GAP_ID", "POPULATION", "POPULATION_COVERAGE", "POPULATION_COVERED",
    "TOTAL_M2", "UNCOVERED_M2", "UNIT_ID",
]
