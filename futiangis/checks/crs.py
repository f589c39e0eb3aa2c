"""CRS checks at the door: the declared CRS, zone prefixes and old datums, where the data lie.

Beijing 1954 / Xian 1980 are accepted with a warning; a CGCS2000 zone prefix that does not
match the eastings is an error suggesting the right code; data outside Shenzhen, lon/lat
swapped and GCJ-02 declared as WGS84 are named by feature.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from ..crs import old_datum_name, suggest_plane_crs, transform_geometries, zone_prefix_mismatch
from ..localgrid import LocalGrid
from .collector import Collector

__all__ = ["resolve_crs", "check_plane_grid", "check_location", "check_gcj02"]


def resolve_crs(gdf, source_crs, col: Collector, *, is_csv: bool):
    """Return (gdf with a pyproj CRS, description) or (None, _) after reporting."""
    if source_crs in ("gcj02", "bd09"):
        if gdf.crs is not None and not CRS(gdf.crs).is_geographic:
            col.add(
                "crs_conflict",
                f"--source-crs {source_crs} needs lon/lat degrees but the file is in "
                f"{CRS(gdf.crs).to_string()}; drop --source-crs or export lon/lat.",
            )
            return None, ""
        geoms = transform_geometries(gdf.geometry.values, source_crs, "wgs84")
        out = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index), crs=4326)
        return out, f"{source_crs} (converted to WGS84 by futiangis)"
    if isinstance(source_crs, LocalGrid):
        if gdf.crs is not None and CRS(gdf.crs).is_geographic:
            col.add(
                "crs_conflict",
                f"--source-crs local:{source_crs.name} is a plane grid in metres but the file "
                f"is in lon/lat ({CRS(gdf.crs).to_string()}); drop --source-crs.",
            )
            return None, ""
        geoms = source_crs.transform_geometries(gdf.geometry.values)
        out = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index), crs=source_crs.target_crs)
        return out, source_crs.describe()
    if source_crs is not None:
        return gdf.set_crs(source_crs, allow_override=True), CRS(source_crs).to_string()
    if gdf.crs is None:
        hint = (
            "a CSV has no CRS" if is_csv else "the file declares no CRS (a shapefile without .prj?)"
        )
        x, y = _median_xy(gdf)
        guess = suggest_plane_crs(x, y) if x == x else None
        col.add(
            "missing_crs",
            f"{hint}. Say what the coordinates are with --source-crs: wgs84 (GPS), gcj02 "
            "(Gaode/Tencent web maps), bd09 (Baidu), local:NAME (a city grid fitted with "
            "`futiangis crs fit`), or EPSG:n (e.g. EPSG:4547)."
            + (f" Hint: {guess}." if guess else ""),
        )
        return None, ""
    try:
        crs = CRS(gdf.crs)
        if crs.to_epsg() is None and crs.name.lower() in ("unknown", "unnamed", ""):
            raise PyprojCRSError("unnamed")
    except PyprojCRSError:
        col.add(
            "unknown_crs",
            f"the file's CRS is not recognised ({str(gdf.crs)[:80]}…). Re-export with a "
            "standard .prj or give --source-crs EPSG:n.",
        )
        return None, ""
    return gdf, crs.to_string()


def _median_xy(gdf) -> tuple[float, float]:
    """Median vertex-bounds centre of the layer, in its own coordinates (nan if empty)."""
    b = gdf.geometry.bounds
    if len(b) == 0 or b.isna().all().all():
        return float("nan"), float("nan")
    return float(((b.minx + b.maxx) / 2).median()), float(((b.miny + b.maxy) / 2).median())


def check_plane_grid(resolved, source_crs, col: Collector, working_crs: str) -> bool:
    """Zone-prefix mismatch (error) and Beijing 1954 / Xian 1980 datums (warning).

    Returns True when the coordinates cannot be in the declared CRS (skip location checks).
    """
    crs = CRS(resolved.crs)
    x, y = _median_xy(resolved)
    if x != x:
        return False
    mismatch = zone_prefix_mismatch(crs, x)
    if mismatch:
        col.add("zone_prefix", mismatch)
        return True
    label = old_datum_name(crs)
    if label and not isinstance(source_crs, LocalGrid):
        shift = _datum_shift_m(crs, x, y, working_crs)
        col.add(
            "old_datum",
            f"the data are on {label} ({crs.to_string()}), which differs from CGCS2000 by tens "
            f"of metres; PROJ's default {label.split(' (')[0]} -> CGCS2000 transformation moved "
            f"them {shift:.1f} m here, and it is only approximate. For survey accuracy give the "
            "planner's own transformation: measure control points in both systems, fit them "
            "with `futiangis crs fit POINTS.csv --name NAME` (x, y in CGCS2000) and read with "
            "--source-crs local:NAME.",
            severity="warning",
        )
    return False


def _datum_shift_m(crs, x: float, y: float, working_crs: str) -> float:
    """How far PROJ moves (x, y) into the working CRS: for a Gauss-Krüger grid with the
    working CRS's projection (Beijing 1954 / Xian 1980 GK CM 114E vs EPSG:4547) this is the
    shift a planner sees against the same numbers read as CGCS2000."""
    from pyproj import Transformer

    try:
        tx, ty = Transformer.from_crs(crs, working_crs, always_xy=True).transform(x, y)
        return float(np.hypot(tx - x, ty - y))
    except Exception:  # pragma: no cover - PROJ cannot transform
        return float("nan")


def check_location(gdf_wgs84, labels, bbox, col: Collector, declared: str):
    """Flag features outside the Shenzhen window; diagnose swapped axes and wrong CRS."""
    minx, miny, maxx, maxy = bbox
    b = gdf_wgs84.geometry.bounds
    ok_rows = gdf_wgs84.geometry.notna() & ~gdf_wgs84.geometry.is_empty
    inside = (b.minx >= minx) & (b.maxx <= maxx) & (b.miny >= miny) & (b.maxy <= maxy)
    swapped = (b.miny >= minx) & (b.maxy <= maxx) & (b.minx >= miny) & (b.maxx <= maxy)
    for i in np.flatnonzero((ok_rows & ~inside).to_numpy()):
        cx = (b.minx.iloc[i] + b.maxx.iloc[i]) / 2
        cy = (b.miny.iloc[i] + b.maxy.iloc[i]) / 2
        if bool(swapped.iloc[i]):
            msg = (
                f"coordinates ({cx:.5f}, {cy:.5f}) lie outside Shenzhen but inside it with "
                "x and y swapped: longitude and latitude are exchanged. Swap the columns "
                "(x = longitude ≈ 114, y = latitude ≈ 22.5)."
            )
            code = "lonlat_swapped"
        elif abs(cx) > 180 or abs(cy) > 90:
            msg = (
                f"coordinates ({cx:.1f}, {cy:.1f}) are not degrees although the file declares "
                f"{declared}: they look like metres of a projected CRS. Re-run with the right "
                "--source-crs (e.g. EPSG:4547 for CGCS2000 GK CM 114E) or fix the .prj."
            )
            code = "outside_shenzhen"
        else:
            msg = (
                f"feature lies outside Shenzhen (centre {cx:.5f}, {cy:.5f} in WGS84 after "
                f"reading it as {declared}); the declared CRS is probably wrong — check the "
                ".prj or pass the right --source-crs."
            )
            code = "outside_shenzhen"
        col.add(code, msg, labels.iloc[i])


def check_gcj02(gdf_wgs84, labels, district_wgs84, min_points: int, col: Collector):
    """Warn when features fit the district boundary better after GCJ-02 -> WGS84."""
    if district_wgs84 is None or len(gdf_wgs84) < 1:
        return
    pts = gdf_wgs84.geometry.representative_point()
    pts = pts[pts.notna() & ~pts.is_empty]
    if len(pts) < min_points:
        return
    boundary = shapely.union_all(np.asarray(district_wgs84.geometry.values, dtype=object))
    metric = pts.to_crs(3857)  # only to select points within ~2 km, not to measure
    ring = gpd.GeoSeries([boundary], crs=4326).to_crs(3857).iloc[0]
    near = pts[(metric.distance(ring) < 2000 / np.cos(np.radians(22.5))).to_numpy()]
    if len(near) < min_points:
        return
    converted = gpd.GeoSeries(
        transform_geometries(near.values, "gcj02", "wgs84"), index=near.index, crs=4326
    )
    as_is = near.within(boundary)
    after = converted.within(boundary)
    gained = after & ~as_is
    lost = as_is & ~after
    if gained.sum() >= max(2, 3 * lost.sum()) and gained.sum() >= 0.05 * len(near):
        ids = ", ".join(labels.loc[gained[gained].index].astype(str).head(8))
        col.add(
            "gcj02_suspected",
            f"{int(gained.sum())} of {len(near)} features near Futian fall inside the district "
            f"boundary only after a GCJ-02 -> WGS84 conversion (e.g. {ids}), and "
            f"{int(lost.sum())} the other way: the data look like GCJ-02 (Gaode/Tencent) "
            "declared as WGS84. If they came from a Chinese web map, re-read with "
            "--source-crs gcj02.",
            severity="warning",
        )

