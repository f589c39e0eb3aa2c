"""Spatial joins in metres: sites → zones, stations / routes / parks → statistical units.

Every function takes GeoDataFrames in the working CRS (EPSG:4547, checked) and returns a
new :class:`pandas.DataFrame`; inputs are never modified.

* :func:`join_points_to_units`, :func:`join_lines_to_units` and
  :func:`join_polygons_to_units` return one row per unit, **indexed like** ``units``,
  with the unit ``id`` kept and the unit of measure in every column name
  (``count``, ``piles``, ``count_per_km2``, ``length_km``, ``km_per_km2``,
  ``park_area_m2``, ``park_share`` …); :func:`join_points` is the point join as a frozen
  :class:`PointsJoin` that also names the points in no unit.
* :func:`apportion_to_zones` returns one row per (site, zone) piece, **indexed like**
  ``sites`` (a site that straddles a border has one row per zone it touches), with the
  site's values split by the share of its land in each zone.

Nothing is counted twice: a point on a border between two units goes to the first of
them (layer order); a route running along a shared border is measured once; parks that
overlap are unioned before their area is measured; overlapping zones are made disjoint
in layer order (the earlier zone keeps the shared land) and reported.

(Over 400 lines on purpose: the joins share these border rules and their helpers, and
one module states them once.)
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import schemas as S
from .crs import require_projected, require_same_crs
from .errors import LayerValidationError, Problem
from .labels import row_labels

__all__ = [
    "UNZONED",
    "PointsJoin",
    "join_points",
    "join_points_to_units",
    "join_lines_to_units",
    "join_polygons_to_units",
    "apportion_to_zones",
    "disjoint_zones",
    "summarize_units",
    "STATS_LAYERS",
]

#: zone id given to the part of a site that lies in no zone
UNZONED = "unzoned"
# Land pieces smaller than this (m²) are treated as boundary noise, not as a split.
_PIECE_TOLERANCE_M2 = 0.01
_M2_PER_KM2 = 1_000_000.0


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------
def _check_same_crs(left: gpd.GeoDataFrame, right: gpd.GeoDataFrame, what: str) -> None:
    require_same_crs(left, right, what=what)


def _ids(gdf: gpd.GeoDataFrame) -> pd.Series:
    """The ``id`` column as strings, or ``row N`` labels when there is none."""
    if S.ID in gdf.columns:
        return gdf[S.ID].astype(str)
    return row_labels(gdf)


def _unit_frame(units: gpd.GeoDataFrame) -> pd.DataFrame:
    """Id and area of each unit, indexed like ``units``."""
    area_m2 = units.geometry.area.to_numpy()
    return pd.DataFrame(
        {S.ID: _ids(units).to_numpy(), "area_km2": area_m2 / _M2_PER_KM2},
        index=units.index,
    )


def _per_km2(values: pd.Series, area_km2: pd.Series) -> pd.Series:
    area = area_km2.to_numpy(dtype=float)
    out = np.divide(values.to_numpy(dtype=float), area, out=np.full(len(area), np.nan), where=area > 0)
    return pd.Series(out, index=values.index)


def disjoint_zones(zones: gpd.GeoDataFrame) -> tuple[gpd.GeoSeries, list[Problem]]:
    """Make zone polygons disjoint in layer order; report every overlap removed.

    The earlier zone keeps land two zones share, so a site's land is never counted in
    two zones. Returns the new geometries (indexed like ``zones``) and one warning per
    overlapping pair.
    """
    require_projected(zones.crs, "making zones disjoint")
    ids = _ids(zones)
    geoms = list(zones.geometry.to_numpy())
    problems: list[Problem] = []
    taken = None
    out = []
    for i, geom in enumerate(geoms):
        if taken is not None and geom is not None and shapely.intersects(geom, taken):
            overlap = shapely.intersection(geom, taken).area
            if overlap > _PIECE_TOLERANCE_M2:
                earlier = [
                    ids.iloc[j] for j in range(i)
                    if geoms[j] is not None and shapely.intersection(geom, geoms[j]).area > _PIECE_TOLERANCE_M2
                ]
                problems.append(Problem(
                    "zones_overlap",
                    f"zone overlaps earlier zone(s) {', '.join(earlier)} by {overlap:,.1f} m²; "
                    "the earlier zone keeps the shared land so sites are not counted twice. "
                    "Fix the zone boundaries so they do not overlap.",
                    feature_id=ids.iloc[i],
                    severity="warning",
                ))
                geom = shapely.difference(geom, taken)
        out.append(geom)
        if geom is not None:
            taken = geom if taken is None else shapely.union(taken, geom)
    return gpd.GeoSeries(out, index=zones.index, crs=zones.crs), problems


# ---------------------------------------------------------------------------------------
# points, lines, polygons → units
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PointsJoin:
    """Points counted per unit (:func:`join_points`): the table and the points in no unit.

    ``table`` is the result's own frame (copy it before editing); ``unmatched_ids`` are the
    ids (or ``row N`` labels) of the points that lie in no unit, in layer order.
    """

    table: pd.DataFrame
    unmatched_ids: tuple[str, ...] = ()


def join_points_to_units(
    points: gpd.GeoDataFrame, units: gpd.GeoDataFrame, *, value_col: str | None = None
) -> pd.DataFrame:
    """Count points (and sum one of their columns) per unit, with densities per km².

    The table of :func:`join_points`, which also names the points that lie in no unit.

    Parameters
    ----------
    points : GeoDataFrame
        Point layer in the working CRS (charging or bike stations).
    units : GeoDataFrame
        Polygon layer in the same CRS (statistical units or zones).
    value_col : str, optional
        Numeric column of ``points`` to sum as well (``"piles"``, ``"docks"``).

    Returns
    -------
    DataFrame
        Indexed like ``units``: ``id``, ``area_km2``, ``count``, ``count_per_km2`` and,
        with ``value_col``, ``<value_col>`` and ``<value_col>_per_km2``. A point on a
        border counts for the first unit in layer order only. Points in no unit count
        nowhere; :func:`join_points` lists them (``unmatched_ids``).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> units = gpd.GeoDataFrame({"id": ["u1"]}, geometry=[shapely.box(0, 0, 1000, 1000)],
    ...                          crs="EPSG:4547")
    >>> pts = gpd.GeoDataFrame({"id": ["a", "b"], "piles": [4, 6]},
    ...                        geometry=gpd.points_from_xy([10, 20], [10, 20]), crs="EPSG:4547")
    >>> join_points_to_units(pts, units, value_col="piles")[["count", "piles", "piles_per_km2"]]
       count  piles  piles_per_km2
    0      2     10           10.0
    """
    return join_points(points, units, value_col=value_col).table


def join_points(
    points: gpd.GeoDataFrame, units: gpd.GeoDataFrame, *, value_col: str | None = None
) -> PointsJoin:
    """:func:`join_points_to_units` with the ids of the points that lie in no unit.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> units = gpd.GeoDataFrame({"id": ["u1"]}, geometry=[shapely.box(0, 0, 1000, 1000)],
    ...                          crs="EPSG:4547")
    >>> pts = gpd.GeoDataFrame({"id": ["in", "out"]}, crs="EPSG:4547",
    ...                        geometry=gpd.points_from_xy([10, 5000], [10, 10]))
    >>> join_points(pts, units).unmatched_ids
    ('out',)
    """
    _check_same_crs(points, units, "joining points to units")
    if value_col is not None and value_col not in points.columns:
        raise LayerValidationError("points", [Problem(
            "missing_field",
            f"no column {value_col!r} to sum; columns present: "
            f"{', '.join(c for c in points.columns if c != points.geometry.name)}.",
            field=value_col,
        )])
    out = _unit_frame(units)
    pts = points[[points.geometry.name]].copy()
    pts["_value"] = points[value_col].astype("float64").to_numpy() if value_col else 1.0
    pts = pts.reset_index(drop=True)
    pts["_pos"] = np.arange(len(pts))
    left = units[[units.geometry.name]].copy()
    left["_unit_order"] = np.arange(len(units))
    joined = gpd.sjoin(pts, left, how="left", predicate="intersects")
    # a point on a shared border matches two units: keep the first unit in layer order
    joined = joined.sort_values(["_pos", "_unit_order"]).drop_duplicates("_pos", keep="first")
    matched = joined[joined["_unit_order"].notna()]
    unit_index = units.index[matched["_unit_order"].astype(int).to_numpy()]
    counts = pd.Series(1, index=unit_index).groupby(level=0).sum()
    out["count"] = counts.reindex(units.index, fill_value=0).astype("int64")
    out["count_per_km2"] = _per_km2(out["count"], out["area_km2"])
    if value_col is not None:
        sums = pd.Series(matched["_value"].to_numpy(), index=unit_index).groupby(level=0).sum()
        total = sums.reindex(units.index, fill_value=0.0)
        if pd.api.types.is_integer_dtype(points[value_col]) or (total == total.round()).all():
            total = total.round().astype("int64")
        out[value_col] = total
        out[f"{value_col}_per_km2"] = _per_km2(out[value_col], out["area_km2"])
    unmatched = joined.loc[joined["_unit_order"].isna(), "_pos"].astype(int).to_numpy()
    return PointsJoin(out, tuple(str(i) for i in _ids(points).iloc[unmatched]))


def join_lines_to_units(routes: gpd.GeoDataFrame, units: gpd.GeoDataFrame) -> pd.DataFrame:
    """Length of routes inside each unit in km, and km per km² of unit area.

    Overlapping routes are each counted (two routes on one street are two routes); a
    route running exactly along a border between units is counted once, for the first
    unit in layer order.

    Returns
    -------
    DataFrame
        Indexed like ``units``: ``id``, ``area_km2``, ``length_km``, ``km_per_km2``.
    """
    _check_same_crs(routes, units, "joining routes to units")
    out = _unit_frame(units)
    unit_geoms = units.geometry.to_numpy()
    tree = shapely.STRtree(unit_geoms)
    length_m = np.zeros(len(units))
    for route in routes.geometry.to_numpy():
        if route is None or route.is_empty:
            continue
        hits = np.sort(tree.query(route, predicate="intersects"))
        remaining = route
        for j in hits:
            if remaining.is_empty:
                break
            piece = shapely.intersection(remaining, unit_geoms[j])
            if piece.length > 0:
                length_m[j] += piece.length
                remaining = shapely.difference(remaining, piece)
    out["length_km"] = length_m / 1000.0
    out["km_per_km2"] = _per_km2(out["length_km"], out["area_km2"])
    return out


def join_polygons_to_units(
    polygons: gpd.GeoDataFrame, units: gpd.GeoDataFrame, *, prefix: str = "park"
) -> pd.DataFrame:
    """Area of (unioned) polygons inside each unit and its share of the unit's area.

    Overlapping polygons are unioned first so shared land counts once.

    Returns
    -------
    DataFrame
        Indexed like ``units``: ``id``, ``area_km2``, ``area_m2``, ``<prefix>_area_m2`` and
        ``<prefix>_share`` (0–1 of the unit's area).
    """
    _check_same_crs(polygons, units, "joining polygons to units")
    out = _unit_frame(units)
    geoms = polygons.geometry[polygons.geometry.notna()].to_numpy()
    union = shapely.union_all(geoms) if len(geoms) else shapely.Polygon()
    unit_geoms = units.geometry.to_numpy()
    inside = shapely.intersection(unit_geoms, union)
    area_m2 = shapely.area(unit_geoms)
    out["area_m2"] = area_m2
    out[f"{prefix}_area_m2"] = shapely.area(inside)
    out[f"{prefix}_share"] = _per_km2(out[f"{prefix}_area_m2"], out["area_m2"])
    return out


# ---------------------------------------------------------------------------------------
# sites → zones
# ---------------------------------------------------------------------------------------
def apportion_to_zones(
    sites: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    value_cols: Iterable[str],
) -> pd.DataFrame:
    """Split each site's values between zones by the share of its land in each zone.

    Zones are made disjoint first (:func:`disjoint_zones`); land outside every zone goes
    to the pseudo-zone :data:`UNZONED` so district totals are kept.

    Parameters
    ----------
    sites : GeoDataFrame
        Polygons in the working CRS with an ``id`` column.
    zones : GeoDataFrame
        Polygons in the same CRS with an ``id`` column.
    value_cols : iterable of str
        Numeric columns of ``sites`` to split (e.g. ``gfa_counted_m2``).

    Returns
    -------
    DataFrame
        One row per (site, zone) piece, **indexed like** ``sites`` (a site repeated once
        per zone it touches): ``site_id``, ``zone_id``, ``land_m2`` (land of the site in
        the zone), ``share`` (``land_m2`` / site land; the shares of a site sum to 1) and
        each value column multiplied by ``share``. A site with no land (empty geometry)
        gets one ``UNZONED`` row with share 1 so its values are not lost.

    Examples
    --------
    A 100 m × 100 m site lying 30 m in zone A and 70 m in zone B:

    >>> import geopandas as gpd, shapely
    >>> zones = gpd.GeoDataFrame({"id": ["A", "B"]}, crs="EPSG:4547",
    ...     geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)])
    >>> sites = gpd.GeoDataFrame({"id": ["s1"], "gfa": [10000.0]}, crs="EPSG:4547",
    ...     geometry=[shapely.box(970, 0, 1070, 100)])
    >>> apportion_to_zones(sites, zones, value_cols=["gfa"])[["zone_id", "land_m2", "share", "gfa"]]
      zone_id  land_m2  share     gfa
    0       A   3000.0    0.3  3000.0
    0       B   7000.0    0.7  7000.0
    """
    _check_same_crs(sites, zones, "apportioning sites to zones")
    value_cols = list(value_cols)
    missing = [c for c in value_cols if c not in sites.columns]
    if missing:
        raise LayerValidationError("sites", [Problem(
            "missing_field", f"no column {c!r} to apportion; add it or drop it from value_cols.",
            field=c) for c in missing])
    zone_geoms, _ = disjoint_zones(zones)
    zone_ids = _ids(zones).to_numpy()
    zg = zone_geoms.to_numpy()
    tree = shapely.STRtree(zg)
    site_ids = _ids(sites)
    rows: list[dict] = []
    index: list = []
    for pos, (idx, geom) in enumerate(zip(sites.index, sites.geometry.to_numpy())):
        land = 0.0 if geom is None else float(geom.area)
        values = {c: sites[c].iloc[pos] for c in value_cols}
        if land <= 0:
            rows.append({"site_id": site_ids.iloc[pos], "zone_id": UNZONED, "land_m2": 0.0,
                         "share": 1.0, **values})
            index.append(idx)
            continue
        pieces: list[tuple[str, float]] = []
        for j in np.sort(tree.query(geom, predicate="intersects")):
            a = float(shapely.intersection(geom, zg[j]).area)
            if a > _PIECE_TOLERANCE_M2:
                pieces.append((zone_ids[j], a))
        outside = land - sum(a for _, a in pieces)
        if outside > _PIECE_TOLERANCE_M2:
            pieces.append((UNZONED, outside))
        if not pieces:  # only slivers everywhere: keep the whole site together
            pieces = [(UNZONED, land)]
        total = sum(a for _, a in pieces)
        for zone_id, a in pieces:
            share = a / total
            row = {"site_id": site_ids.iloc[pos], "zone_id": zone_id, "land_m2": a, "share": share}
            for c in value_cols:
                v = values[c]
                row[c] = np.nan if pd.isna(v) else float(v) * share
            rows.append(row)
            index.append(idx)
    columns = ["site_id", "zone_id", "land_m2", "share", *value_cols]
    return pd.DataFrame(rows, index=pd.Index(index, name=sites.index.name), columns=columns)


# ---------------------------------------------------------------------------------------
# one table per unit (or zone) from the shipped layers
# ---------------------------------------------------------------------------------------
_STATS_LAYERS = (
    ("charging_stations", "points", S.PILES, "charging"),
    ("bike_stations", "points", S.DOCKS, "bike"),
    ("slow_routes", "lines", None, "routes"),
    ("parks", "polygons", None, "park"),
)
#: catalogue kinds summarised per unit by :func:`summarize_units`, in column order
STATS_LAYERS = tuple(kind for kind, *_ in _STATS_LAYERS)


def summarize_units(units: gpd.GeoDataFrame, layers) -> pd.DataFrame:
    """Stations, routes and parks per unit (or zone): one table for the ``stats`` command.

    Parameters
    ----------
    units : GeoDataFrame
        Statistical units or (disjoint) zones, working CRS, with an ``id``.
    layers : Mapping[str, GeoDataFrame]
        Any of ``charging_stations``, ``bike_stations``, ``slow_routes``, ``parks``, in
        the same CRS; a kind that is absent gives no columns.

    Returns
    -------
    DataFrame
        Indexed like ``units``: ``id``, ``name_zh`` (when the units have names),
        ``area_km2`` and, per layer given, ``charging_count``, ``charging_piles``,
        ``charging_per_km2``, ``charging_piles_per_km2``, ``bike_count``, ``bike_docks``,
        ``bike_per_km2``, ``bike_docks_per_km2``, ``routes_length_km``,
        ``routes_km_per_km2``, ``park_area_m2``, ``park_share``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> units = gpd.GeoDataFrame({"id": ["u"]}, crs=4547, geometry=[shapely.box(0, 0, 1000, 1000)])
    >>> parks = gpd.GeoDataFrame({"id": ["p"]}, crs=4547, geometry=[shapely.box(0, 0, 100, 100)])
    >>> summarize_units(units, {"parks": parks})[["area_km2", "park_area_m2", "park_share"]].iloc[0].tolist()
    [1.0, 10000.0, 0.01]
    """
    out = _unit_frame(units)
    if S.NAME_ZH in units.columns:
        out.insert(1, S.NAME_ZH, units[S.NAME_ZH].astype(str).to_numpy())
    for kind, shape, value_col, prefix in _STATS_LAYERS:
        layer = layers.get(kind)
        if layer is None:
            continue
        if shape == "points":
            res = join_points_to_units(layer, units, value_col=value_col)
            out[f"{prefix}_count"] = res["count"]
            out[f"{prefix}_{value_col}"] = res[value_col]
            out[f"{prefix}_per_km2"] = res["count_per_km2"]
            out[f"{prefix}_{value_col}_per_km2"] = res[f"{value_col}_per_km2"]
        elif shape == "lines":
            res = join_lines_to_units(layer, units)
            out[f"{prefix}_length_km"] = res["length_km"]
            out[f"{prefix}_km_per_km2"] = res["km_per_km2"]
        else:
            res = join_polygons_to_units(layer, units, prefix=prefix)
            out[f"{prefix}_area_m2"] = res[f"{prefix}_area_m2"]
            out[f"{prefix}_share"] = res[f"{prefix}_share"]
    return out
