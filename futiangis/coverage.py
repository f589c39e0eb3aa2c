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

Radii and thresholds are arguments (the project shell, :mod:`futiangis.project`, takes them
from ``[coverage.<theme>]``) with the standard they implement, which every result carries
in ``standard``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from numbers import Real
from pathlib import Path
from typing import Any, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from . import schemas as S
from .crs import require_projected, require_same_crs
from .errors import ConfigError, CRSError, FutianGISError
from .io import RasterData
from .settings.coverage import RadiusRule
from .overlay import (
    clip_pieces, intersect_each, map_chunks, merge_pieces, service_pieces, union_buffers,
)
from .validate import feature_labels
from .zonal import zonal_sum

__all__ = [
    "THEMES",
    "SCENARIOS",
    "CoverageResult",
    "compute_coverage",
    "service_area",
    "park_radii",
    "select_scenario",
]

THEMES = ("parks", "charging", "bike")
#: ``current``: only facilities whose status is ``completed`` (built) count;
#: ``planned``: every facility in the layer counts (the situation "after the plan").
SCENARIOS = ("current", "planned")

COVERED_M2 = "covered_m2"
TOTAL_M2 = "total_m2"
COVERAGE = "coverage"
UNCOVERED_M2 = "uncovered_m2"
POPULATION = "population"
POPULATION_COVERED = "population_covered"
POPULATION_COVERAGE = "population_coverage"
UNIT_ID = "unit_id"
GAP_ID = "gap_id"


class CoverageInputError(FutianGISError, ValueError):
    """Facilities, radii or units cannot be used for a coverage analysis."""


@dataclass(frozen=True)
class CoverageResult:
    """Coverage of units (and the district) by facility service areas.

    Attributes
    ----------
    overall : dict
        ``covered_m2``, ``total_m2``, ``coverage`` (0–1), ``uncovered_m2`` for the whole
        district (or the union of the units when no district is given); plus
        ``population``, ``population_covered``, ``population_coverage`` with a raster.
    units : DataFrame
        Indexed like the units: ``id`` and the same keys per unit.
    service_area : shapely geometry
        Union of all buffers, EPSG:4547 (working CRS); dissolved from ``service_pieces``
        on first access.
    service_pieces : numpy array of polygons
        The same area as interior-disjoint pieces (tiles), what the statistics use.
    gaps : GeoDataFrame
        Uncovered single-part polygons (``gap_id``, ``unit_id``, ``unit_name_zh`` when the
        units have names, ``area_m2``), largest first, EPSG:4547.
    radius_m : dict
        How radii were set: ``mode`` (``constant``, ``per_facility``, ``by_park_area``),
        ``min``, ``max``, ``counts`` ({radius: number of facilities}) and ``rules``.
    standard : str
        The standard the radius/threshold comes from (empty if none given).
    has_status : bool
        True when the facility layer has a ``status`` column, so the ``current`` and
        ``planned`` scenarios can differ.
    """

    overall: dict
    units: pd.DataFrame
    service_pieces: np.ndarray
    gaps: gpd.GeoDataFrame
    radius_m: dict
    standard: str = ""
    threshold: float | None = None
    theme: str | None = None
    scenario: str | None = None
    facilities_count: int = 0
    quad_segs: int = 64
    denominator: str = "unit area"
    crs: str = "EPSG:4547"
    illustrative: bool = False
    has_status: bool = False
    notes: tuple[str, ...] = ()

    @cached_property
    def service_area(self) -> BaseGeometry:
        """Union of all buffers (one geometry), dissolved from the pieces when first used."""
        return merge_pieces(self.service_pieces)

    @property
    def meets_threshold(self) -> bool | None:
        """True if the overall coverage reaches ``threshold`` (None without a threshold)."""
        if self.threshold is None:
            return None
        return bool(self.overall[COVERAGE] >= self.threshold)

    def to_dict(self) -> dict:
        """Plain data for JSON: overall, units keyed by unit id, settings and notes."""
        units = {}
        for _, row in self.units.iterrows():
            units[str(row[S.ID])] = {k: _num(v) for k, v in row.items() if k != S.ID}
        return {
            "theme": self.theme,
            "scenario": self.scenario,
            "standard": self.standard,
            "threshold": self.threshold,
            "meets_threshold": self.meets_threshold,
            "radius_m": self.radius_m,
            "quad_segs": self.quad_segs,
            "denominator": self.denominator,
            "crs": self.crs,
            "facilities": self.facilities_count,
            "illustrative": self.illustrative,
            "notes": list(self.notes),
            "overall": {k: _num(v) for k, v in self.overall.items()},
            "units": units,
            "gaps": {
                "count": int(len(self.gaps)),
                "area_m2": float(self.gaps[S.AREA_M2].sum()) if len(self.gaps) else 0.0,
            },
        }


def _num(value: Any) -> Any:
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


# ---------------------------------------------------------------------------------------
# radii
# ---------------------------------------------------------------------------------------
def _radius_array(facilities: gpd.GeoDataFrame, radius_m) -> tuple[np.ndarray, dict]:
    n = len(facilities)
    if isinstance(radius_m, pd.Series):
        if not radius_m.index.equals(facilities.index):
            raise CoverageInputError(
                "radius_m is a Series whose index does not match the facilities' index; "
                "build it from the facilities (e.g. facilities['radius_m']) or .reindex it."
            )
        radii = pd.to_numeric(radius_m, errors="coerce").to_numpy(dtype="float64")
        mode = "per_facility"
    elif isinstance(radius_m, Real) and not isinstance(radius_m, bool):
        radii = np.full(n, float(radius_m))
        mode = "constant"
    else:
        raise CoverageInputError(
            f"radius_m must be a number of metres or a Series aligned to the facilities, "
            f"got {type(radius_m).__name__}."
        )
    bad = ~np.isfinite(radii) | (radii <= 0)
    if bad.any():
        ids = ", ".join(feature_labels(facilities)[bad].head(10))
        raise CoverageInputError(
            f"service radius must be a positive number of metres; facility(ies) {ids} have "
            f"{', '.join(str(v) for v in radii[bad][:10])}. Fix the radius (field 'radius_m')."
        )
    values, counts = np.unique(radii, return_counts=True)
    info = {
        "mode": mode,
        "min": float(radii.min()) if n else None,
        "max": float(radii.max()) if n else None,
        "counts": {f"{v:g}": int(c) for v, c in zip(values, counts)},
    }
    return radii, info


def park_radii(parks: gpd.GeoDataFrame, rules) -> pd.Series:
    """Service radius of each park from its class and area, first matching rule wins.

    Parameters
    ----------
    parks : GeoDataFrame
        Park polygons in the working CRS (``park_class`` column optional).
    rules : sequence of RadiusRule (or mappings with the same keys)
        ``[coverage.parks] radii``: each has ``radius_m`` and optionally ``min_area_m2``
        (park area ≥ this) and ``park_class`` (class equals this). Ordered from the most
        specific/largest down.

    Returns
    -------
    Series
        ``radius_m`` per park, indexed like ``parks``.

    Raises
    ------
    ConfigError
        If a rule lacks ``radius_m`` or a park matches no rule.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> parks = gpd.GeoDataFrame({"id": ["small", "big"]}, crs=4547, geometry=[
    ...     shapely.box(0, 0, 50, 50), shapely.box(0, 0, 400, 400)])
    >>> rules = [{"min_area_m2": 100_000, "radius_m": 1000}, {"min_area_m2": 0, "radius_m": 300}]
    >>> park_radii(parks, rules).tolist()
    [300.0, 1000.0]
    """
    require_projected(parks.crs, "park radii by area")
    areas = parks.geometry.area.to_numpy()
    classes = (
        parks[S.PARK_CLASS].astype(str).to_numpy()
        if S.PARK_CLASS in parks.columns else np.full(len(parks), "", dtype=object)
    )
    radii = np.full(len(parks), np.nan)
    for i, raw in enumerate(rules):
        if isinstance(raw, RadiusRule):
            rule = raw
        elif "radius_m" not in raw:
            raise ConfigError(
                f"[coverage.parks] radii rule {i + 1} has no radius_m; "
                "write e.g. { min_area_m2 = 10_000, radius_m = 500 }."
            )
        else:
            rule = RadiusRule(radius_m=float(raw["radius_m"]),
                              min_area_m2=float(raw.get("min_area_m2", 0.0)),
                              park_class=raw.get("park_class"))
        match = np.isnan(radii) & (areas >= rule.min_area_m2)
        if rule.park_class is not None:
            match &= classes == str(rule.park_class)
        radii[match] = rule.radius_m
    if np.isnan(radii).any():
        ids = ", ".join(feature_labels(parks)[np.isnan(radii)].head(10))
        raise ConfigError(
            f"parks {ids} match no [coverage.parks] radii rule; add a catch-all rule "
            "{ min_area_m2 = 0, radius_m = 300 } at the end."
        )
    return pd.Series(radii, index=parks.index, name="radius_m")


# ---------------------------------------------------------------------------------------
# the computation
# ---------------------------------------------------------------------------------------
def service_area(
    facilities: gpd.GeoDataFrame | gpd.GeoSeries, *, radius_m, quad_segs: int = 64
) -> BaseGeometry:
    """Union of the facilities' buffers (one geometry, overlaps once), working CRS."""
    frame = facilities if isinstance(facilities, gpd.GeoDataFrame) else gpd.GeoDataFrame(
        geometry=facilities)
    require_projected(frame.crs, "buffering facilities")
    radii, _ = _radius_array(frame, radius_m)
    return union_buffers(frame.geometry.to_numpy(), radii, quad_segs)


def _same_crs(a, b, what: str) -> None:
    if a is None or b is None:
        raise CRSError(f"{what}: a layer has no CRS; set one with --source-crs or .set_crs().")
    require_same_crs(a, b, what=what)


def _gap_layer(units_ids: np.ndarray, uncovered: np.ndarray, crs, min_gap_m2: float) -> gpd.GeoDataFrame:
    parts, owner = shapely.get_parts(uncovered, return_index=True)
    keep = np.isin(shapely.get_type_id(parts), (3, 6))  # Polygon, MultiPolygon
    parts, owner = parts[keep], owner[keep]
    parts, owner2 = shapely.get_parts(parts, return_index=True)  # MultiPolygons in collections
    owner = owner[owner2]
    areas = shapely.area(parts)
    keep = areas >= min_gap_m2
    parts, owner, areas = parts[keep], owner[keep], areas[keep]
    order = np.argsort(-areas, kind="stable")
    unit_ids = units_ids[owner[order]]
    gaps = gpd.GeoDataFrame(
        {
            GAP_ID: [f"gap_{i + 1}" for i in range(len(order))],
            UNIT_ID: unit_ids,
            S.AREA_M2: areas[order],
        },
        geometry=parts[order],
        crs=crs,
    )
    return gaps


def compute_coverage(
    facilities: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    *,
    radius_m,
    quad_segs: int = 64,
    district: gpd.GeoDataFrame | gpd.GeoSeries | BaseGeometry | None = None,
    residential: gpd.GeoDataFrame | None = None,
    population: RasterData | None = None,
    min_gap_m2: float = 1.0,
    standard: str = "",
    threshold: float | None = None,
) -> CoverageResult:
    """Share of each unit (and of the district) within ``radius_m`` of a facility.

    Parameters
    ----------
    facilities : GeoDataFrame
        Points (stations) or polygons (parks, buffered from their edge), working CRS.
    units : GeoDataFrame
        Statistical units (polygons with an ``id`` column), same CRS.
    radius_m : float or Series
        Service radius in metres, one for all or a Series aligned to ``facilities``.
    quad_segs : int
        Segments per quarter circle of each buffer (64: 0.01 % short of π r²).
    district : GeoDataFrame, GeoSeries or geometry, optional
        Boundary for the overall figure; without it the union of the units is used.
    residential : GeoDataFrame, optional
        Residential-land polygons; when given, the denominator is the residential land in
        each unit (the GB 55014 indicator is defined on residential land), not its area.
    population : RasterData, optional
        People per cell; adds ``population``, ``population_covered`` and
        ``population_coverage`` (exact partial-pixel sums) to units and overall.
    min_gap_m2 : float
        Gap parts smaller than this (buffer-approximation slivers) are left out of
        ``gaps`` (they still count as uncovered area).
    standard, threshold :
        Carried into the result for reporting.

    Returns
    -------
    CoverageResult

    Raises
    ------
    CRSError
        If a layer is not in a projected CRS or the layers' CRSs differ.
    CoverageInputError
        If a radius is missing, zero or negative, or not aligned to the facilities.

    Examples
    --------
    One station in the middle of a 2 km square, 500 m radius: π × 500² ≈ 785,398 m²;
    the 256-gon buffer (quad_segs=64) is 128 · sin(2π/256) · 500² ≈ 785,319 m².

    >>> import geopandas as gpd, shapely
    >>> units = gpd.GeoDataFrame({"id": ["u1"]}, crs=4547,
    ...                          geometry=[shapely.box(494000, 2492000, 496000, 2494000)])
    >>> station = gpd.GeoDataFrame({"id": ["s1"]}, crs=4547,
    ...                            geometry=[shapely.Point(495000, 2493000)])
    >>> result = compute_coverage(station, units, radius_m=500)
    >>> round(result.overall["covered_m2"])
    785319
    >>> round(float(result.units.loc[0, "coverage"]), 4)
    0.1963
    """
    require_projected(units.crs, "coverage of units")
    require_projected(facilities.crs, "buffering facilities")
    _same_crs(facilities.crs, units.crs, "coverage")
    if int(quad_segs) < 1:
        raise ConfigError(f"quad_segs must be ≥ 1 (got {quad_segs}); 64 is the default.")
    radii, radius_info = _radius_array(facilities, radius_m)
    facility_geoms = facilities.geometry.to_numpy()
    usable = ~(shapely.is_missing(facility_geoms) | shapely.is_empty(facility_geoms))
    pieces = service_pieces(facility_geoms[usable], radii[usable], int(quad_segs))

    # the land each unit is assessed on (whole unit, or its residential land)
    unit_geoms = units.geometry.to_numpy()
    denominator = "unit area"
    land_union = None
    if residential is not None:
        require_projected(residential.crs, "residential land")
        _same_crs(residential.crs, units.crs, "coverage (residential land)")
        polys = residential.geometry[residential.geom_type.isin(["Polygon", "MultiPolygon"])]
        if polys.empty:
            raise CoverageInputError(
                "the residential-land layer has no polygons; give residential land as "
                "polygons (e.g. exported from the land-use plan)."
            )
        land_union = shapely.union_all(polys.to_numpy())
        unit_geoms = shapely.intersection(unit_geoms, land_union)
        denominator = "residential land"

    # the overall extent: the district (clipped to residential land), else the units
    if district is not None:
        if isinstance(district, BaseGeometry):
            extent = district
        else:
            require_projected(district.crs, "the district boundary")
            _same_crs(district.crs, units.crs, "coverage (district)")
            extent = shapely.union_all(district.geometry.to_numpy())
        if land_union is not None:
            extent = shapely.intersection(extent, land_union)
    else:
        extent = shapely.union_all(unit_geoms)

    # one union, then intersections: nothing is counted twice
    total = shapely.area(unit_geoms)
    covered_geoms = intersect_each(unit_geoms, pieces)
    # covered ≤ total: the overlay can exceed the unit's own area by ~1e-9 m² rounding
    covered = np.minimum(shapely.area(covered_geoms), total)
    uncovered_geoms = map_chunks(shapely.difference, unit_geoms, covered_geoms)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, covered / np.where(total > 0, total, 1.0), np.nan)
    ids = feature_labels(units).to_numpy()
    table = pd.DataFrame(
        {
            S.ID: ids,
            COVERED_M2: covered,
            TOTAL_M2: total,
            COVERAGE: share,
            UNCOVERED_M2: np.maximum(total - covered, 0.0),
        },
        index=units.index,
    )
    # pieces are interior-disjoint: the covered area of the extent is the sum over pieces
    extent_pieces = clip_pieces(extent, pieces)
    total_m2 = float(extent.area)
    covered_m2 = min(float(shapely.area(extent_pieces).sum()), total_m2)
    overall = {
        COVERED_M2: covered_m2,
        TOTAL_M2: total_m2,
        COVERAGE: covered_m2 / total_m2 if total_m2 > 0 else float("nan"),
        UNCOVERED_M2: max(total_m2 - covered_m2, 0.0),
    }

    if population is not None:
        crs = units.crs
        unit_pop = zonal_sum(gpd.GeoSeries(unit_geoms, index=units.index, crs=crs), population)
        cov_pop = zonal_sum(gpd.GeoSeries(covered_geoms, index=units.index, crs=crs), population)
        table[POPULATION] = unit_pop.to_numpy()
        table[POPULATION_COVERED] = cov_pop.to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            table[POPULATION_COVERAGE] = np.where(
                unit_pop > 0, cov_pop / unit_pop.where(unit_pop > 0, 1.0), np.nan
            )
        overall_covered_geom = merge_pieces(extent_pieces)
        pops = zonal_sum(gpd.GeoSeries([extent, overall_covered_geom], crs=crs), population)
        overall[POPULATION] = float(pops.iloc[0])
        overall[POPULATION_COVERED] = float(pops.iloc[1])
        overall[POPULATION_COVERAGE] = (
            overall[POPULATION_COVERED] / overall[POPULATION] if overall[POPULATION] > 0
            else float("nan")
        )

    gaps = _gap_layer(ids, uncovered_geoms, units.crs, float(min_gap_m2))
    if S.NAME_ZH in units.columns:  # for map popups: which unit, by name
        names = dict(zip(ids, units[S.NAME_ZH].astype(str)))
        gaps.insert(2, "unit_name_zh", gaps[UNIT_ID].map(names))
    return CoverageResult(
        overall=overall,
        units=table,
        service_pieces=pieces,
        gaps=gaps,
        radius_m=radius_info,
        standard=standard,
        threshold=threshold,
        facilities_count=int(usable.sum()),
        quad_segs=int(quad_segs),
        denominator=denominator,
        crs=CRS.from_user_input(units.crs).to_string(),
    )


# ---------------------------------------------------------------------------------------
# the themes on the shipped (or given) layers
# ---------------------------------------------------------------------------------------
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
