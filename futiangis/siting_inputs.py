"""Demand and candidate sets for siting, built from layers in the working CRS (pure).

Every kind of demand becomes the same thing: weighted demand points (``demand_id``,
``weight``, point geometry) in the working CRS, each standing for a small piece of the
study area, so one coverage model serves them all.

* **land area** — the land is cut into square cells of ``cell_m`` (aligned to multiples of
  ``cell_m`` in EPSG:4547); each piece of a cell on land is one demand point at the piece's
  centre (a point on the piece), weighing its area in m². A piece counts as covered when
  that point is within the radius: with 50 m cells and a 300 m radius the covered share is
  within a fraction of a per cent of the exact buffer overlay (``docs/siting.md``).
* **residential land** — the same over the residential polygons (overlaps counted once).
* **population raster** — each pixel's people are spread evenly over the pixel, cut by the
  same cells and by the land (water holds nobody); exact partial pixels.
* **weighted points** — a point layer with a weight column (trip ends, households, ...),
  or weight 1 per point.
* **weighted polygons** — a polygon layer with a weight column (people per block): each
  polygon's weight spread over its land by area.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from .crs import require_projected
from .siting import SitingInputError

__all__ = [
    "DEMAND_ID",
    "WEIGHT",
    "candidate_grid",
    "candidates_from_layer",
    "demand_from_points",
    "demand_from_polygons",
    "demand_from_raster",
]

DEMAND_ID = "demand_id"
WEIGHT = "weight"
CELL_AREA_M2 = "cell_area_m2"


def _land_geometry(land) -> BaseGeometry | None:
    if land is None:
        return None
    if isinstance(land, BaseGeometry):
        return land
    return shapely.union_all(np.asarray(land.geometry.values))


def demand_from_points(points: gpd.GeoDataFrame, *, weight_field: str | None = None,
                       source: str = "demand") -> gpd.GeoDataFrame:
    """Weighted demand points from a point layer (weight 1 per point without a field).

    Raises
    ------
    SitingInputError
        If the layer is not points, has no such field, or a weight is missing, negative or
        not a number (every bad feature listed).
    """
    require_projected(points.crs, "siting demand")
    types = set(points.geometry.geom_type.dropna())
    if not types <= {"Point"}:
        raise SitingInputError(
            f"{source}: weighted demand points must be Points (found {', '.join(sorted(types))}); "
            "give polygons without --weight for area demand, or explode MultiPoints first.")
    ids = _ids(points)
    if weight_field is None:
        weight = np.ones(len(points))
    else:
        weight = _weights(points, weight_field, ids, source)
    return gpd.GeoDataFrame({DEMAND_ID: ids, WEIGHT: weight},
                            geometry=points.geometry.values, crs=points.crs)


def _ids(layer: gpd.GeoDataFrame) -> np.ndarray:
    if "id" in layer.columns:
        return layer["id"].astype(str).to_numpy()
    return np.array([f"d{i + 1}" for i in range(len(layer))], dtype=object)


def _weights(layer: gpd.GeoDataFrame, field: str, ids: np.ndarray, source: str) -> np.ndarray:
    if field not in layer.columns:
        cols = ", ".join(c for c in layer.columns if c != layer.geometry.name)
        raise SitingInputError(
            f"{source}: no weight field {field!r} (fields: {cols}). Pass --weight with one of them.")
    values = pd.to_numeric(layer[field], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        listed = ", ".join(f"{ids[i]} ({_show(layer[field].iloc[i])})" for i in np.flatnonzero(bad)[:10])
        more = "" if bad.sum() <= 10 else f" and {int(bad.sum()) - 10} more"
        raise SitingInputError(
            f"{source}: field {field!r} must be a number ≥ 0 in every feature; bad in {listed}"
            f"{more}. Fix those values (0 for no demand).")
    return values


def _show(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "missing"
    return repr(value.item() if hasattr(value, "item") else value)


def _cells(extent: BaseGeometry, cell_m: float) -> np.ndarray:
    minx, miny, maxx, maxy = extent.bounds
    x0, y0 = np.floor(minx / cell_m) * cell_m, np.floor(miny / cell_m) * cell_m
    xs = np.arange(x0, maxx, cell_m)
    ys = np.arange(y0, maxy, cell_m)
    gx, gy = np.meshgrid(xs, ys)
    return shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + cell_m, gy.ravel() + cell_m)


def _cut(polygons: np.ndarray, cell_m: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Pieces of ``polygons`` cut by the cell grid, and the polygon each piece came from."""
    if cell_m is None:
        return polygons, np.arange(len(polygons))
    cells = _cells(shapely.union_all(polygons) if len(polygons) else shapely.Polygon(), cell_m)
    tree = shapely.STRtree(cells)
    poly_idx, cell_idx = tree.query(polygons, predicate="intersects")
    pieces = shapely.intersection(polygons[poly_idx], cells[cell_idx])
    return pieces, poly_idx


def demand_from_polygons(
    polygons: gpd.GeoDataFrame,
    *,
    cell_m: float | None,
    land=None,
    weight_field: str | None = None,
    source: str = "demand",
) -> gpd.GeoDataFrame:
    """Demand points from polygons: their land area, or a weight spread over their land.

    Parameters
    ----------
    polygons : GeoDataFrame
        Land, residential land, blocks with people..., working CRS.
    cell_m : float or None
        Cell size for cutting the polygons (None: one point per polygon piece).
    land : GeoDataFrame, GeoSeries or geometry, optional
        Land mask: only demand on land counts (water and out-of-district parts do not).
    weight_field : str, optional
        Without it the demand is area (m²) and overlapping polygons count once; with it,
        each polygon's weight is spread over its land by area (a polygon with no land left
        after the mask is reported).
    """
    require_projected(polygons.crs, "siting demand")
    if cell_m is not None and not cell_m > 0:
        raise SitingInputError(f"the demand cell size must be > 0 m (got {cell_m}).")
    mask = _land_geometry(land)
    geoms = np.asarray(polygons.geometry.values)
    if weight_field is None:
        geoms = np.array([shapely.union_all(geoms)]) if len(geoms) else geoms
        ids = np.array(["area"], dtype=object)
        weight = None
    else:
        ids = _ids(polygons)
        weight = _weights(polygons, weight_field, ids, source)
    if mask is not None:
        geoms = shapely.intersection(geoms, mask)
    pieces, owner = _cut(geoms, cell_m)
    pieces = shapely.make_valid(pieces)
    areas = shapely.area(pieces)
    keep = areas > 0
    pieces, owner, areas = pieces[keep], owner[keep], areas[keep]
    if weight is None:
        w = areas
    else:
        own_area = shapely.area(geoms)
        empty = (own_area <= 0) & (weight > 0)
        if empty.any():
            listed = ", ".join(str(ids[i]) for i in np.flatnonzero(empty)[:10])
            raise SitingInputError(
                f"{source}: polygon(s) {listed} carry demand but no land inside the study area "
                "(all water or outside Futian); check their CRS or remove them.")
        w = weight[owner] * areas / own_area[owner]
    points = shapely.point_on_surface(pieces)
    centroid = shapely.centroid(pieces)
    inside = shapely.contains_xy(pieces, shapely.get_x(centroid), shapely.get_y(centroid))
    points = np.where(inside, centroid, points)
    demand_ids = [f"{ids[o]}:{k}" for k, o in enumerate(owner)]
    return gpd.GeoDataFrame({DEMAND_ID: demand_ids, WEIGHT: w, CELL_AREA_M2: areas},
                            geometry=points, crs=polygons.crs)


def demand_from_raster(raster, *, cell_m: float | None, land=None, working_crs,
                       source: str = "population raster") -> gpd.GeoDataFrame:
    """Demand points from a raster of people (or any count) per pixel.

    Each pixel becomes a square in the raster's CRS, reprojected to the working CRS,
    carrying its value; its value is spread over its land by area (partial pixels exact).
    Nodata pixels and zeros carry no demand.
    """
    values = raster.values
    t = raster.transform
    rows, cols = np.nonzero(~np.ma.getmaskarray(values) & (np.ma.filled(values, 0) > 0))
    if not len(rows):
        raise SitingInputError(f"{source}: no pixel holds demand (all nodata or 0).")
    xs0 = t.c + cols * t.a + rows * t.b
    ys0 = t.f + cols * t.d + rows * t.e
    boxes = shapely.polygons(np.stack([
        np.stack([xs0, ys0], -1),
        np.stack([xs0 + t.a, ys0 + t.d], -1),
        np.stack([xs0 + t.a + t.b, ys0 + t.d + t.e], -1),
        np.stack([xs0 + t.b, ys0 + t.e], -1),
    ], axis=1))
    pixels = gpd.GeoDataFrame(
        {"id": [f"px_r{r}_c{c}" for r, c in zip(rows, cols)],
         "people": np.asarray(values[rows, cols], dtype=float)},
        geometry=boxes, crs=raster.crs).to_crs(working_crs)
    mask = _land_geometry(land)
    if mask is not None:
        inside = shapely.intersects(np.asarray(pixels.geometry.values), mask)
        pixels = pixels[inside]
        if pixels.empty:
            raise SitingInputError(f"{source}: no pixel with demand lies on the study area's land.")
    return demand_from_polygons(pixels, cell_m=cell_m, land=mask, weight_field="people",
                                source=source)


def candidate_grid(land, *, spacing_m: float, exclude=None) -> gpd.GeoDataFrame:
    """Candidate sites on a square grid over land, outside the excluded areas.

    Grid nodes are at odd multiples of ``spacing_m / 2`` in the working CRS (cell centres
    of a grid aligned to multiples of ``spacing_m``), so the same spacing always gives the
    same nodes; ids say where they are: ``g{x}_{y}`` in whole metres.

    Parameters
    ----------
    land : GeoDataFrame, GeoSeries or geometry
        Where a site may go (district land), working CRS.
    spacing_m : float
        Grid spacing in metres (> 0).
    exclude : GeoDataFrame, GeoSeries or geometry, optional
        Areas where no site may go (water, parks, nature reserve).
    """
    if not spacing_m > 0:
        raise SitingInputError(f"the candidate spacing must be > 0 m (got {spacing_m}).")
    area = _land_geometry(land)
    if area is None or area.is_empty:
        raise SitingInputError("no land to place candidate sites on.")
    crs = getattr(land, "crs", None)
    cells = _cells(area, spacing_m)
    centres = shapely.centroid(cells)
    shapely.prepare(area)
    keep = shapely.contains(area, centres)
    ban = _land_geometry(exclude)
    if ban is not None and not ban.is_empty:
        shapely.prepare(ban)
        keep &= ~shapely.intersects(ban, centres)
    pts = centres[keep]
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    ids = [f"g{round(a)}_{round(b)}" for a, b in zip(x, y)]
    if not len(ids):
        raise SitingInputError(
            f"no candidate grid node at {spacing_m:g} m spacing lies on land outside the "
            "excluded areas; use a finer --spacing-m or give --candidates FILE.")
    return gpd.GeoDataFrame({"id": ids}, geometry=pts, crs=crs)


def candidates_from_layer(layer: gpd.GeoDataFrame, *, source: str = "candidates") -> gpd.GeoDataFrame:
    """Candidate sites from a planner's layer: points as they are, polygons (parcels, car
    parks) at a point on their surface; ids and attributes kept."""
    require_projected(layer.crs, "siting candidates")
    if layer.empty:
        raise SitingInputError(f"{source}: the candidate layer has no features.")
    out = layer.copy()
    if "id" not in out.columns:
        out["id"] = [f"c{i + 1}" for i in range(len(out))]
    out["id"] = out["id"].astype(str)
    dup = out["id"][out["id"].duplicated()].unique()
    if len(dup):
        raise SitingInputError(
            f"{source}: candidate ids must be unique; repeated: {', '.join(map(str, dup[:10]))}.")
    geoms = np.asarray(out.geometry.values)
    is_point = shapely.get_type_id(geoms) == 0
    out["site_geometry"] = np.where(is_point, "point", "point on polygon")
    out = out.set_geometry(np.where(is_point, geoms, shapely.point_on_surface(geoms)), crs=layer.crs)
    return out
