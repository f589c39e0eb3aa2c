"""Areas and lengths in metres, and overlap-safe totals.

Every function requires a projected CRS in metres (the working CRS, EPSG:4547);
degrees are never measured. Results are Series aligned to the input index.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .crs import require_projected
from .schemas import AREA_M2, ID, LENGTH_M

__all__ = ["measure_area", "measure_length", "union_area_m2", "summarize_measures"]


def measure_area(features: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Planar area of each feature in m² (working CRS), named ``area_m2``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> box = gpd.GeoSeries([shapely.box(500000, 2490000, 500100, 2490100)], crs=4547)
    >>> float(measure_area(box).iloc[0])
    10000.0
    """
    require_projected(features.crs, "measuring areas")
    geoms = features.geometry if isinstance(features, gpd.GeoDataFrame) else features
    return pd.Series(geoms.area.to_numpy(), index=geoms.index, name=AREA_M2)


def measure_length(features: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Length of each feature in metres (working CRS), named ``length_m``."""
    require_projected(features.crs, "measuring lengths")
    geoms = features.geometry if isinstance(features, gpd.GeoDataFrame) else features
    return pd.Series(geoms.length.to_numpy(), index=geoms.index, name=LENGTH_M)


def union_area_m2(features: gpd.GeoDataFrame | gpd.GeoSeries) -> float:
    """Area of the union of all polygons, m²: overlaps are counted once."""
    require_projected(features.crs, "measuring areas")
    geoms = features.geometry if isinstance(features, gpd.GeoDataFrame) else features
    polys = np.asarray(geoms[geoms.geom_type.isin(["Polygon", "MultiPolygon"])].values, dtype=object)
    if len(polys) == 0:
        return 0.0
    return float(shapely.union_all(polys).area)


def summarize_measures(features: gpd.GeoDataFrame) -> dict:
    """Per-feature ``area_m2`` / ``length_m`` and layer totals, as plain data.

    Returns a dict with ``features`` (list of ``{"id", "geometry_type", "area_m2" or
    "length_m"}``), ``total_area_m2`` (sum, overlaps counted each time),
    ``union_area_m2`` (overlaps counted once), ``overlap_area_m2`` (the difference),
    ``total_length_m`` and ``crs``.
    """
    require_projected(features.crs, "measuring")
    ids = features[ID].astype(str) if ID in features.columns else pd.Series(
        [str(i + 1) for i in range(len(features))], index=features.index
    )
    gtype = features.geometry.geom_type
    is_poly = gtype.isin(["Polygon", "MultiPolygon"]).to_numpy()
    is_line = gtype.isin(["LineString", "MultiLineString", "LinearRing"]).to_numpy()
    areas = measure_area(features).to_numpy()
    lengths = measure_length(features).to_numpy()
    rows = []
    for i in range(len(features)):
        row = {"id": ids.iloc[i], "geometry_type": gtype.iloc[i]}
        if is_poly[i]:
            row[AREA_M2] = float(areas[i])
        elif is_line[i]:
            row[LENGTH_M] = float(lengths[i])
        rows.append(row)
    total = float(areas[is_poly].sum())
    union = union_area_m2(features)
    return {
        "crs": features.crs.to_string(),
        "count": len(features),
        "features": rows,
        "total_area_m2": total,
        "union_area_m2": union,
        "overlap_area_m2": max(total - union, 0.0),
        "total_length_m": float(lengths[is_line].sum()),
    }
