"""Terrain from the DEM: gradients along slow routes and elevation ranges of parks.

Routes are densified in the working CRS (EPSG:4547, metres) with a spacing of at most
``sample_step_m`` (``[terrain] sample_step_m``, default 25 m, ≤ the SRTM cell of ≈ 30 m),
the sample points are transformed to the DEM's CRS (the shipped DEM is EPSG:4326) and
the DEM is read there by **bilinear interpolation** between the four surrounding cell
centres. (Nearest-cell sampling turns a smooth slope into steps: flat runs and
one-cell jumps, so maximum grades come out far too high.) Each segment between two
samples gets a grade ``|Δz| / horizontal length × 100``; a route's mean grade is the
length-weighted mean, its steep length the total length of segments steeper than
``cycling_max_grade_pct``.

Park elevation min/max come from every DEM cell the park covers at all (exactextract,
:mod:`futiangis.zonal`), so a park smaller than a cell still gets its cell's height.

Read the numbers with the DEM in mind: SRTM heights carry ±10 m noise and include
buildings and trees; over 30 m segments that noise alone can read as several percent.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from . import schemas as S
from .crs import require_projected
from .errors import ConfigError, CRSError
from .io import RasterData
from .jsonutil import records
from .labels import row_labels
from .settings.core import TerrainSettings
from .zonal import zonal_stats

__all__ = ["INTERPOLATION", "TerrainResult", "sample_dem", "route_gradients", "park_elevation", "analyse_terrain"]

INTERPOLATION = "bilinear"
_DEFAULTS = TerrainSettings()

MEAN_GRADE_PCT = "mean_grade_pct"
MAX_GRADE_PCT = "max_grade_pct"
STEEP_LENGTH_M = "steep_length_m"
ELEV_MIN_M = "elev_min_m"
ELEV_MAX_M = "elev_max_m"
ELEV_RANGE_M = "elev_range_m"
ELEV_MEAN_M = "elev_mean_m"
SAMPLES = "samples"


def sample_dem(dem: RasterData, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bilinear DEM heights at points given in the DEM's own CRS (NaN off-grid/nodata).

    The value at a cell centre is the cell's value; between centres it is the bilinear
    blend of the four neighbours, so a plane is reproduced exactly. Points in the outer
    half cell are clamped to the edge row/column.
    """
    t = dem.transform
    if t.b != 0 or t.d != 0:
        raise CRSError(f"{dem.path}: rotated DEMs are not supported; warp it north-up first.")
    values = np.ma.filled(dem.values.astype("float64"), np.nan)
    ny, nx = values.shape
    col = (np.asarray(x, dtype="float64") - t.c) / t.a - 0.5  # fractional index of centres
    row = (np.asarray(y, dtype="float64") - t.f) / t.e - 0.5
    inside = (col >= -0.5) & (col <= nx - 0.5) & (row >= -0.5) & (row <= ny - 0.5)
    col = np.clip(col, 0.0, nx - 1.0)
    row = np.clip(row, 0.0, ny - 1.0)
    c0 = np.minimum(np.floor(col).astype(int), max(nx - 2, 0))
    r0 = np.minimum(np.floor(row).astype(int), max(ny - 2, 0))
    c1 = np.minimum(c0 + 1, nx - 1)
    r1 = np.minimum(r0 + 1, ny - 1)
    fc = col - c0
    fr = row - r0
    z = (
        values[r0, c0] * (1 - fc) * (1 - fr)
        + values[r0, c1] * fc * (1 - fr)
        + values[r1, c0] * (1 - fc) * fr
        + values[r1, c1] * fc * fr
    )
    return np.where(inside, z, np.nan)


def _densify(line, step_m: float) -> np.ndarray:
    """Distances along ``line`` every ≤ step_m, ends included."""
    length = line.length
    n = max(1, int(np.ceil(length / step_m - 1e-9)))
    return np.linspace(0.0, length, n + 1)


def _smooth(z: np.ndarray, k: int) -> np.ndarray:
    """Centred moving average over ``k`` samples (shorter windows at the ends, NaN-aware)."""
    if k <= 1 or len(z) < 3:
        return z
    ok = np.isfinite(z)
    kernel = np.ones(k)
    num = np.convolve(np.where(ok, z, 0.0), kernel, mode="same")
    den = np.convolve(ok.astype(float), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    return np.where(ok, out, np.nan)


def route_gradients(
    routes: gpd.GeoDataFrame,
    dem: RasterData,
    *,
    step_m: float,
    max_grade_pct: float,
    smooth_m: float = 0.0,
) -> pd.DataFrame:
    """Grade along each route from the DEM.

    Parameters
    ----------
    routes : GeoDataFrame
        (Multi)LineStrings in a projected CRS in metres (the working CRS).
    dem : RasterData
        Elevation raster in metres, any CRS (sample points are transformed to it).
    step_m : float
        Maximum spacing of samples along the route; keep it ≤ the DEM cell size.
    max_grade_pct : float
        Segments steeper than this count towards ``steep_length_m``.
    smooth_m : float
        0 (default): grades straight from the sampled profile. Otherwise the profile is
        first smoothed by a centred moving average over about ``smooth_m`` metres, which
        damps the ±10 m noise of a surface model such as SRTM.

    Returns
    -------
    DataFrame
        Indexed like ``routes``: ``id``, ``length_m``, ``mean_grade_pct``
        (length-weighted mean of |grade|), ``max_grade_pct``, ``steep_length_m``,
        ``elev_min_m``, ``elev_max_m``, ``samples``. Segments with an end off the DEM or
        on nodata are left out (NaN grades if nothing is left).

    Raises
    ------
    CRSError
        If the routes are not in a projected CRS or the DEM has no CRS.
    ConfigError
        If ``step_m`` is not positive.
    """
    require_projected(routes.crs, "route gradients")
    if not step_m or step_m <= 0:
        raise ConfigError(f"[terrain] sample_step_m must be a positive number of metres, got {step_m}.")
    if dem.crs is None:
        raise CRSError(f"{dem.path}: the DEM has no CRS; assign one before sampling it.")
    to_dem = Transformer.from_crs(CRS.from_user_input(routes.crs), dem.crs, always_xy=True)
    ids = routes[S.ID].astype(str) if S.ID in routes.columns else row_labels(routes)
    rows = []
    for label, geom in zip(ids, routes.geometry.to_numpy()):
        lengths, grades, elevs = [], [], []
        n_samples = 0
        parts = [] if geom is None or geom.is_empty else shapely.get_parts(geom)
        for part in parts:
            if part.geom_type != "LineString" or part.length == 0:
                continue
            dist = _densify(part, float(step_m))
            pts = shapely.line_interpolate_point(part, dist)
            x, y = to_dem.transform(shapely.get_x(pts), shapely.get_y(pts))
            z = sample_dem(dem, np.asarray(x), np.asarray(y))
            if smooth_m and smooth_m > 0 and len(dist) > 1:
                z = _smooth(z, int(round(smooth_m / (dist[1] - dist[0]))) + 1)
            n_samples += len(z)
            seg_len = np.diff(dist)
            seg_grade = np.abs(np.diff(z)) / seg_len * 100.0
            ok = np.isfinite(seg_grade)
            lengths.append(seg_len[ok])
            grades.append(seg_grade[ok])
            elevs.append(z[np.isfinite(z)])
        seg_len = np.concatenate(lengths) if lengths else np.array([])
        seg_grade = np.concatenate(grades) if grades else np.array([])
        z_all = np.concatenate(elevs) if elevs else np.array([])
        has = seg_len.sum() > 0
        rows.append({
            S.ID: label,
            S.LENGTH_M: float(geom.length) if geom is not None else 0.0,
            MEAN_GRADE_PCT: float(np.average(seg_grade, weights=seg_len)) if has else np.nan,
            MAX_GRADE_PCT: float(seg_grade.max()) if has else np.nan,
            STEEP_LENGTH_M: float(seg_len[seg_grade > max_grade_pct].sum()),
            ELEV_MIN_M: float(z_all.min()) if len(z_all) else np.nan,
            ELEV_MAX_M: float(z_all.max()) if len(z_all) else np.nan,
            SAMPLES: n_samples,
        })
    return pd.DataFrame(rows, index=routes.index)


def park_elevation(parks: gpd.GeoDataFrame, dem: RasterData) -> pd.DataFrame:
    """Elevation minimum, maximum, range and mean over each park from the DEM.

    Every cell the park covers at all counts for min/max; the mean is weighted by the
    covered fraction of each cell.

    Returns
    -------
    DataFrame
        Indexed like ``parks``: ``id``, ``elev_min_m``, ``elev_max_m``,
        ``elev_range_m``, ``elev_mean_m``.
    """
    require_projected(parks.crs, "park elevation")
    stats = zonal_stats(parks, dem, ["min", "max", "mean"])
    ids = parks[S.ID].astype(str) if S.ID in parks.columns else row_labels(parks)
    return pd.DataFrame({
        S.ID: ids.to_numpy(),
        ELEV_MIN_M: stats["min"].to_numpy(),
        ELEV_MAX_M: stats["max"].to_numpy(),
        ELEV_RANGE_M: (stats["max"] - stats["min"]).to_numpy(),
        ELEV_MEAN_M: stats["mean"].to_numpy(),
    }, index=parks.index)


@dataclass(frozen=True)
class TerrainResult:
    """Route gradients and park elevations on the shipped layers, with the settings."""

    routes: pd.DataFrame
    parks: pd.DataFrame
    step_m: float
    max_grade_pct: float
    smooth_m: float
    interpolation: str
    dem: str
    dem_res_m: float
    illustrative: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Plain data for JSON (NaN as null)."""
        return {
            "dem": self.dem,
            "dem_res_m": self.dem_res_m,
            "interpolation": self.interpolation,
            "sample_step_m": self.step_m,
            "smooth_m": self.smooth_m,
            "cycling_max_grade_pct": self.max_grade_pct,
            "illustrative": self.illustrative,
            "notes": list(self.notes),
            "routes": records(self.routes),
            "parks": records(self.parks),
        }


def _dem_res_m(dem: RasterData) -> float:
    """The DEM's smaller cell side in metres (for a lon/lat grid, at its mid-latitude)."""
    if dem.crs is not None and CRS.from_user_input(dem.crs).is_geographic:
        lat = math.radians((dem.bounds[1] + dem.bounds[3]) / 2.0)
        # metres per degree on the WGS84 ellipsoid (series to 1 m per degree)
        m_lat = 111_132.92 - 559.82 * math.cos(2 * lat) + 1.175 * math.cos(4 * lat)
        m_lon = 111_412.84 * math.cos(lat) - 93.5 * math.cos(3 * lat)
        return float(min(dem.res[0] * m_lon, dem.res[1] * m_lat))
    return float(min(dem.res))


def analyse_terrain(
    routes: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    dem: RasterData,
    *,
    sample_step_m: float = _DEFAULTS.sample_step_m,
    max_grade_pct: float = _DEFAULTS.cycling_max_grade_pct,
    smooth_m: float = _DEFAULTS.smooth_m,
    provenance: Mapping[str, Mapping[str, Any]] | None = None,
) -> TerrainResult:
    """Route gradients and park elevations from ``dem``.

    Parameters
    ----------
    routes, parks : GeoDataFrame
        Slow routes (lines) and parks (polygons) in the working CRS.
    dem : RasterData
        Elevation raster (any CRS; samples are transformed to it).
    sample_step_m : float
        Upper bound on the sample spacing: never coarser than the DEM's smaller cell side.
    max_grade_pct : float
        Segments steeper than this are "steep" for cyclists.
    smooth_m : float
        Moving-average window along each profile before grading (0: raw samples).
    provenance : mapping, optional
        ``slow_routes`` / ``parks`` → the layer's provenance record (from the shell), which
        can mark a layer illustrative beside its own ``accuracy_class`` column.
    """
    step_m = float(sample_step_m)
    max_grade = float(max_grade_pct)
    res_m = _dem_res_m(dem)
    notes = []
    if step_m > res_m:
        notes.append(f"[terrain] sample_step_m = {step_m:g} m is coarser than the DEM's smaller "
                     f"cell side ({res_m:.1f} m); sampled every ≤ {res_m:.1f} m instead.")
        step_m = res_m
    notes += [
        f"DEM sampled by {INTERPOLATION} interpolation every ≤ {step_m:.1f} m along each route "
        f"(DEM cell ≥ {res_m:.1f} m); grades are |Δz| / horizontal length.",
        "SRTM heights (February 2000) include buildings and trees and carry ±10 m noise: "
        "short steep segments may be artefacts.",
    ]
    if smooth_m > 0:
        notes.append(f"Profiles smoothed by a {smooth_m:g} m moving average before grading.")
    illustrative = {}
    for name, layer in (("slow_routes", routes), ("parks", parks)):
        flag = S.is_illustrative(layer, (provenance or {}).get(name))
        illustrative[name] = bool(flag)
        if flag:
            notes.append(f"ILLUSTRATIVE: the {name} layer is illustrative, not official data.")
    route_table = route_gradients(
        routes, dem, step_m=step_m, max_grade_pct=max_grade, smooth_m=smooth_m)
    park_table = park_elevation(parks, dem)
    for table, layer in ((route_table, routes), (park_table, parks)):
        if S.NAME_ZH in layer.columns:
            table.insert(1, S.NAME_ZH, layer[S.NAME_ZH].astype(str).to_numpy())
    return TerrainResult(
        routes=route_table,
        parks=park_table,
        step_m=step_m,
        max_grade_pct=max_grade,
        smooth_m=smooth_m,
        interpolation=INTERPOLATION,
        dem=str(dem.path),
        dem_res_m=res_m,
        illustrative=illustrative,
        notes=tuple(notes),
    )
