"""Typed settings for the project-wide sections: ``[crs]``, ``[paths]``, ``[region]``,
``[validation]``, ``[terrain]`` and ``[maps]``.

Each section is a frozen dataclass whose defaults are *the* defaults of futiangis (no
other module repeats them), and a ``parse_*`` function that reads the section from a
:class:`~futiangis.settings.reader.Table`, checking every value.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from ..crs import RENDER_CRS, WORKING_CRS
from .reader import Table

__all__ = [
    "SHENZHEN_BBOX_WGS84",
    "FUTIAN_BBOX_WGS84",
    "MAX_SCALE_ERROR",
    "CRSSettings",
    "PathSettings",
    "RegionSettings",
    "ValidationSettings",
    "TerrainSettings",
    "MapSettings",
    "working_crs_problem",
]

#: plausibility window for input coordinates: Shenzhen with a margin (lon/lat, WGS84)
SHENZHEN_BBOX_WGS84 = (113.70, 22.35, 114.70, 22.90)
#: extent of Futian District (lon/lat, WGS84), rounded outwards from the shipped boundary
FUTIAN_BBOX_WGS84 = (113.98, 22.50, 114.11, 22.60)
#: largest point-scale error |k − 1| accepted for the working CRS over the district
MAX_SCALE_ERROR = 1e-4


@dataclass(frozen=True)
class CRSSettings:
    """``[crs]``: where measurement and rendering happen.

    ``local`` holds the ``[crs.local.NAME]`` tables (local grids fitted to control points)
    as read-only mappings.
    """

    working: str = WORKING_CRS
    render: str = RENDER_CRS
    local: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class PathSettings:
    """``[paths]``: folders, absolute (relative paths in the file are from the file's folder)."""

    layers: Path = Path("layers")
    maps: Path = Path("maps")


@dataclass(frozen=True)
class RegionSettings:
    """``[region]``: the study area.

    Attributes
    ----------
    shenzhen_bbox_wgs84 : tuple
        (min lon, min lat, max lon, max lat): input coordinates outside are implausible.
    district_bbox_wgs84 : tuple
        Extent of the district, where the working CRS's scale error is checked.
    district_layer, units_layer : str
        Catalogue kinds of the boundary and of the statistical units.
    gcj02_check_min_points : int
        Points needed before the GCJ-02-declared-as-WGS84 check runs.
    """

    shenzhen_bbox_wgs84: tuple[float, float, float, float] = SHENZHEN_BBOX_WGS84
    district_bbox_wgs84: tuple[float, float, float, float] = FUTIAN_BBOX_WGS84
    district_layer: str = "district"
    units_layer: str = "units"
    gcj02_check_min_points: int = 5


@dataclass(frozen=True)
class ValidationSettings:
    """``[validation]``: polygons smaller than ``sliver_area_m2`` are reported (warning)."""

    sliver_area_m2: float = 1.0


@dataclass(frozen=True)
class TerrainSettings:
    """``[terrain]``: DEM layer, route sampling and the cycling gradient limit."""

    dem_layer: str = "dem"
    cycling_max_grade_pct: float = 4.0
    sample_step_m: float = 25.0
    smooth_m: float = 150.0


@dataclass(frozen=True)
class MapSettings:
    """``[maps]``: defaults of ``futiangis build`` (the command's options override them)."""

    basemap: str = "osm"
    lang: str = "zh"


def working_crs_problem(crs_text: str, bbox_wgs84: tuple[float, float, float, float]) -> str | None:
    """Why ``crs_text`` cannot be the working CRS over ``bbox_wgs84``, or None if it can.

    The working CRS must be projected, in metres and conformal, with a point-scale error
    below :data:`MAX_SCALE_ERROR` everywhere in the district (checked on a 5 × 5 grid):
    EPSG:4547 (k − 1 < 1e-6 in Futian) passes; EPSG:3857 (k ≈ 1.083 at 22.5° N: areas
    17 % too large) and UTM 50N (k − 1 ≈ 7e-4 at 114° E) do not.

    Examples
    --------
    >>> working_crs_problem("EPSG:4547", FUTIAN_BBOX_WGS84) is None
    True
    >>> "too large" in working_crs_problem("EPSG:3857", FUTIAN_BBOX_WGS84)
    True
    """
    from pyproj import CRS, Proj
    from pyproj.exceptions import CRSError as PyprojCRSError

    try:
        crs = CRS.from_user_input(crs_text)
    except PyprojCRSError:
        return f"{crs_text!r} is not a known CRS; use a code such as \"EPSG:4547\"."
    if not crs.is_projected:
        return (f"{crs_text!r} is geographic (degrees); areas and buffers need a projected CRS in "
                "metres such as \"EPSG:4547\" (CGCS2000 / 3-degree GK CM 114E).")
    unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    if unit not in ("metre", "meter"):
        return f"{crs_text!r} measures in {unit!r}; use a CRS in metres such as \"EPSG:4547\"."
    lons, lats = np.meshgrid(np.linspace(bbox_wgs84[0], bbox_wgs84[2], 5),
                             np.linspace(bbox_wgs84[1], bbox_wgs84[3], 5))
    try:
        factors = Proj(crs).get_factors(lons.ravel(), lats.ravel())
    except Exception:  # noqa: BLE001 - pyproj raises several types for unusable projections
        return f"{crs_text!r}: its scale factors cannot be computed over the district."
    k_m = np.asarray(factors.meridional_scale)
    k_p = np.asarray(factors.parallel_scale)
    if not (np.isfinite(k_m).all() and np.isfinite(k_p).all()):
        return f"{crs_text!r} is not defined over the whole district."
    if np.abs(k_m / k_p - 1.0).max() > 1e-6 or np.asarray(factors.angular_distortion).max() > 1e-3:
        return (f"{crs_text!r} is not conformal over the district (shapes and buffers are "
                "distorted); use a conformal CRS such as \"EPSG:4547\".")
    error = float(np.abs(k_m - 1.0).max())
    if error >= MAX_SCALE_ERROR:
        areal = float(np.asarray(factors.areal_scale).max())
        sign = "too large" if areal > 1 else "too small"
        return (f"{crs_text!r} has a scale error of {error:.2g} over the district (limit "
                f"{MAX_SCALE_ERROR:g}): areas come out up to {abs(areal - 1) * 100:.1f} % {sign}. "
                "Use \"EPSG:4547\" (CGCS2000 / 3-degree GK CM 114E) for Futian.")
    return None


def _bbox(table: Table, key: str, default: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    values = table.numbers(key, default, length=4)
    if not (values[0] < values[2] and values[1] < values[3]):
        table.problem(key, "must be [min_lon, min_lat, max_lon, max_lat] with min < max.")
        return default
    if not (-180 <= values[0] and values[2] <= 180 and -90 <= values[1] and values[3] <= 90):
        table.problem(key, "must be longitudes and latitudes in degrees (WGS84).")
        return default
    return (values[0], values[1], values[2], values[3])


def parse_region(table: Table) -> RegionSettings:
    """Read ``[region]``."""
    d = RegionSettings()
    return RegionSettings(
        shenzhen_bbox_wgs84=_bbox(table, "shenzhen_bbox_wgs84", d.shenzhen_bbox_wgs84),
        district_bbox_wgs84=_bbox(table, "district_bbox_wgs84", d.district_bbox_wgs84),
        district_layer=table.string("district_layer", d.district_layer),
        units_layer=table.string("units_layer", d.units_layer),
        gcj02_check_min_points=table.integer("gcj02_check_min_points", d.gcj02_check_min_points,
                                             at_least=1),
    )


def parse_crs(table: Table, region: RegionSettings) -> CRSSettings:
    """Read ``[crs]``; the working CRS is checked over ``region.district_bbox_wgs84``."""
    d = CRSSettings()
    working = table.string("working", d.working)
    problem = working_crs_problem(working, region.district_bbox_wgs84)
    if problem:
        table.problem("working", problem)
        working = d.working
    render = table.string("render", d.render)
    if render.upper() not in ("EPSG:4326", "OGC:CRS84"):
        table.problem("render", f"= {render!r}: web maps are drawn in \"EPSG:4326\" only.")
        render = d.render
    local = table.raw("local", {})
    if not isinstance(local, Mapping):
        table.problem("local", "must hold tables [crs.local.NAME].")
        local = MappingProxyType({})
    return CRSSettings(working=working, render=render, local=local)


def parse_paths(table: Table, base: Path) -> PathSettings:
    """Read ``[paths]``; relative folders are resolved against ``base`` (the file's folder)."""
    d = PathSettings()
    return PathSettings(
        layers=(base / table.string("layers", str(d.layers))).resolve(),
        maps=(base / table.string("maps", str(d.maps))).resolve(),
    )


def parse_validation(table: Table) -> ValidationSettings:
    """Read ``[validation]``."""
    d = ValidationSettings()
    return ValidationSettings(
        sliver_area_m2=table.number("sliver_area_m2", d.sliver_area_m2, at_least=0.0, unit="m²"))


def parse_terrain(table: Table) -> TerrainSettings:
    """Read ``[terrain]``."""
    d = TerrainSettings()
    values = TerrainSettings(
        dem_layer=table.string("dem_layer", d.dem_layer),
        cycling_max_grade_pct=table.number("cycling_max_grade_pct", d.cycling_max_grade_pct,
                                           above=0.0, at_most=100.0, unit="%"),
        sample_step_m=table.number("sample_step_m", d.sample_step_m, above=0.0, unit="metres"),
        smooth_m=table.number("smooth_m", d.smooth_m, at_least=0.0, unit="metres"),
    )
    return values


def parse_maps(table: Table) -> MapSettings:
    """Read ``[maps]``."""
    from ..render.basemaps import BASEMAPS

    d = MapSettings()
    return MapSettings(
        basemap=table.string("basemap", d.basemap, choices=tuple(BASEMAPS)),
        lang=table.string("lang", d.lang, choices=("zh", "en")),
    )
