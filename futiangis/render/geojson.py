"""Geometry → compact GeoJSON for the web pages (the only step out of the working CRS).

Coordinates are rounded to 6 decimals (≤ 0.08 m in Futian, below every layer's
accuracy); layers with many vertices are simplified in metres with a tolerance of a tenth
of the layer's stated accuracy (at most 5 m), topology kept (a coverage such as the
statistical units is simplified as a coverage, so neighbours keep sharing edges). The
page format (:func:`encode_collection`) stores integer, delta-encoded coordinates.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..crs import transform_geometries
from .popups import feature_properties

if TYPE_CHECKING:  # pragma: no cover
    from .model import LayerSpec

__all__ = [
    "COORD_DECIMALS",
    "SIMPLIFY_MIN_VERTICES",
    "QUANTUM",
    "simplify_for_web",
    "render_geojson",
    "encode_collection",
]

#: 1e-6 degree ≈ 0.11 m north–south, 0.10 m east–west at 22.5° N: rounding moves a
#: vertex by at most ~0.08 m (≤ 1 m, below every layer's accuracy).
COORD_DECIMALS = 6
#: layers with more vertices than this are simplified
SIMPLIFY_MIN_VERTICES = 2_000
#: simplification tolerance as a share of the layer's stated accuracy, and its cap (m)
SIMPLIFY_SHARE_OF_ACCURACY = 0.1
SIMPLIFY_MAX_M = 5.0
DEFAULT_ACCURACY_M = 10.0


def _simplify_tolerance_m(provenance: Mapping[str, Any]) -> float:
    acc = provenance.get("accuracy_m")
    try:
        acc = float(acc) if acc is not None else DEFAULT_ACCURACY_M
    except (TypeError, ValueError):
        acc = DEFAULT_ACCURACY_M
    return min(acc * SIMPLIFY_SHARE_OF_ACCURACY, SIMPLIFY_MAX_M)


def simplify_for_web(geoms: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Topology-preserving simplification in metres (working CRS).

    Polygons that form a valid coverage (no overlaps) are simplified together with
    :func:`shapely.coverage_simplify`, so shared edges stay shared; otherwise each
    geometry is simplified with ``preserve_topology=True``.
    """
    geoms = np.asarray(geoms, dtype=object)
    kinds = shapely.get_type_id(geoms)
    polygonal = np.isin(kinds, (3, 6))
    out = geoms.copy()
    if polygonal.all() and len(geoms) > 1:
        try:
            if bool(shapely.coverage_is_valid(geoms)):
                return shapely.coverage_simplify(geoms, tolerance_m)
        except shapely.errors.GEOSException:
            pass
    out = shapely.simplify(geoms, tolerance_m, preserve_topology=True)
    return out


def render_geojson(
    layer: LayerSpec, *, lang: str = "zh", datum: str = "wgs84"
) -> tuple[dict, dict]:
    """The layer as a compact GeoJSON FeatureCollection in EPSG:4326 (or GCJ-02).

    Returns
    -------
    (collection, stats)
        ``stats`` has ``features``, ``vertices_in``, ``vertices_out`` and
        ``simplify_m`` (0 when not simplified).
    """
    frame = layer.frame
    geoms = np.asarray(frame.geometry.values, dtype=object)
    n_in = int(shapely.get_num_coordinates(geoms).sum()) if len(geoms) else 0
    tol = 0.0
    if n_in > SIMPLIFY_MIN_VERTICES and not (shapely.get_type_id(geoms) == 0).all():
        tol = _simplify_tolerance_m(layer.provenance)
        geoms = simplify_for_web(geoms, tol)
    wgs = gpd.GeoSeries(geoms, crs=frame.crs).to_crs(4326).values
    wgs = np.asarray(wgs, dtype=object)
    if datum != "wgs84":
        wgs = transform_geometries(wgs, "wgs84", datum)
    wgs = shapely.transform(wgs, lambda c: np.round(c, COORD_DECIMALS))
    wgs = shapely.remove_repeated_points(wgs, 0.0)
    n_out = int(shapely.get_num_coordinates(wgs).sum()) if len(wgs) else 0
    props = feature_properties(frame, layer.fields, lang=lang, provenance=layer.provenance)
    style_idx, styles = _style_index(layer)
    dash_idx, dashes = _dash_index(layer)
    radii = _radii(layer)
    years = _years(layer)
    label_points = _label_points(layer, datum) if layer.label_min_zoom is not None else None
    timeline_codes, timeline = _timeline(layer)
    features = []
    geo_json = shapely.to_geojson(wgs)
    for i in range(len(frame)):
        p = props[i]
        if style_idx[i]:
            p["s"] = int(style_idx[i])
        if radii is not None:
            p["r"] = radii[i]
        if dash_idx is not None and dash_idx[i]:
            p["d"] = int(dash_idx[i])
        if years is not None and years[i] is not None:
            p["y"] = years[i]
        if label_points is not None and label_points[i] is not None:
            p["lp"] = label_points[i]
        if timeline_codes is not None:
            p["ys"] = timeline_codes[i]
        features.append({"type": "Feature", "id": i, "properties": p,
                         "geometry": json.loads(geo_json[i]) if geo_json[i] else None})
    collection = {"type": "FeatureCollection", "features": features}
    stats = {"features": len(features), "vertices_in": n_in, "vertices_out": n_out,
             "simplify_m": tol, "styles": styles, "dashes": dashes, "timeline": timeline}
    return collection, stats


#: quantum of the page's integer coordinates: 1e-6 degree (the rounding above)
QUANTUM = 10 ** COORD_DECIMALS


def _encode_ring(coords, origin: tuple[int, int]) -> list[int]:
    q = np.round(np.asarray(coords, dtype="float64")[:, :2] * QUANTUM).astype("int64")
    q -= np.asarray(origin, dtype="int64")
    return np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype="int64")).ravel().tolist()


def _encode_geometry(geometry: dict | None, origin: tuple[int, int]):
    if geometry is None:
        return None
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return _encode_ring([coords], origin)
    if kind in ("LineString", "MultiPoint"):
        return _encode_ring(coords, origin)
    if kind in ("Polygon", "MultiLineString"):
        return [_encode_ring(r, origin) for r in coords]
    if kind == "MultiPolygon":
        return [[_encode_ring(r, origin) for r in poly] for poly in coords]
    raise ValueError(f"cannot encode geometry type {kind!r}")


def encode_collection(collection: dict) -> dict:
    """Compact form of a FeatureCollection for the page (decoded by ``futiangisDecode``).

    Coordinates become integers in 1e-6 degree, each ring/line delta-encoded from a
    per-layer origin and flattened (``[dx0, dy0, dx1, dy1, ...]``), the way TopoJSON
    quantizes arcs; each feature becomes ``[properties, type, coordinates]``. Decoding
    is exact: it gives back the rounded coordinates.
    """
    feats = collection["features"]
    xs, ys = [], []
    for f in feats:
        g = f.get("geometry")
        if g is not None:
            arr = np.asarray(shapely.get_coordinates(shapely.geometry.shape(g)))
            if len(arr):
                xs.append(arr[:, 0].min())
                ys.append(arr[:, 1].min())
    origin = (int(round(min(xs) * QUANTUM)), int(round(min(ys) * QUANTUM))) if xs else (0, 0)
    out = []
    for f in feats:
        g = f.get("geometry")
        out.append([f["properties"], g["type"] if g else None, _encode_geometry(g, origin)])
    return {"q": QUANTUM, "o": list(origin), "f": out}


def _style_index(layer: LayerSpec) -> tuple[np.ndarray, list[dict]]:
    n = len(layer.frame)
    colors = (
        layer.colors.reindex(layer.frame.index).fillna(layer.color).astype(str).to_numpy()
        if layer.colors is not None else np.full(n, layer.color, dtype=object)
    )
    fills = (layer.fill_colors.reindex(layer.frame.index).fillna(layer.color).astype(str).to_numpy()
             if layer.fill_colors is not None else colors)
    uniq: list[tuple[str, str]] = []
    idx = np.zeros(n, dtype="int64")
    for i, pair in enumerate(zip(colors, fills)):
        if pair not in uniq:
            uniq.append(pair)
        idx[i] = uniq.index(pair)
    if not uniq:
        uniq = [(layer.color, layer.color)]
    styles = []
    for c, fc in uniq:
        style = {"color": c, "weight": layer.weight, "opacity": 0.9,
                 "fill": layer.fill, "fillColor": fc, "fillOpacity": layer.fill_opacity}
        if layer.dash:
            style["dashArray"] = layer.dash
        styles.append(style)
    return idx, styles


def _radii(layer: LayerSpec) -> list[float] | None:
    if isinstance(layer.radius, pd.Series):
        return [round(float(v), 1) for v in layer.radius.reindex(layer.frame.index).fillna(5.0)]
    return None


def _dash_index(layer: LayerSpec) -> tuple[np.ndarray | None, list[str | None]]:
    """Per-feature index into the layer's dash patterns (0 = the layer's own ``dash``)."""
    if layer.dashes is None:
        return None, [layer.dash]
    values = layer.dashes.reindex(layer.frame.index).to_numpy()
    uniq: list[str | None] = [layer.dash]
    idx = np.zeros(len(values), dtype="int64")
    for i, v in enumerate(values):
        v = None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
        if v not in uniq:
            uniq.append(v)
        idx[i] = uniq.index(v)
    return idx, uniq


def _years(layer: LayerSpec) -> list[int | None] | None:
    if layer.years is None:
        return None
    values = pd.to_numeric(layer.years.reindex(layer.frame.index), errors="coerce")
    return [None if pd.isna(v) else int(v) for v in values]


def _label_points(layer: LayerSpec, datum: str) -> list[list[float] | None]:
    """Where each feature's name is drawn: a point inside it (lon, lat, WGS84 or datum)."""
    geoms = np.asarray(layer.frame.geometry.values, dtype=object)
    pts = shapely.point_on_surface(geoms)
    wgs = np.asarray(gpd.GeoSeries(pts, crs=layer.frame.crs).to_crs(4326).values, dtype=object)
    if datum != "wgs84":
        wgs = transform_geometries(wgs, "wgs84", datum)
    out: list[list[float] | None] = []
    for g in wgs:
        if g is None or g.is_empty:
            out.append(None)
        else:
            out.append([round(g.x, COORD_DECIMALS), round(g.y, COORD_DECIMALS)])
    return out


def _timeline(layer: LayerSpec) -> tuple[list[list[int]] | None, dict | None]:
    """Per feature, its style code in each slider year (-1: not there yet), and the styles."""
    tl = layer.timeline
    if tl is None:
        return None, None
    keys = list(tl.styles)
    codes = tl.codes.reindex(layer.frame.index)
    out = [[keys.index(v) if v in keys else -1 for v in row] for row in codes.itertuples(index=False)]
    styles = [{"color": tl.styles[k][0], "weight": layer.weight, "opacity": 0.9, "fill": layer.fill,
               "fillColor": tl.styles[k][1], "fillOpacity": layer.fill_opacity} for k in keys]
    return out, {"years": [int(y) for y in codes.columns], "styles": styles}
