"""Geometry checks: types, empty and invalid shapes, NaN vertices; repairs only with fix=True,
each reported with its area change."""
from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from ..errors import Problem
from ..schemas import LayerSchema
from .collector import Collector

__all__ = ["check_geometries", "nonfinite_rows"]


def check_geometries(gdf, schema: LayerSchema, labels, col: Collector, *, fix: bool):
    geoms = gdf.geometry.values
    missing = pd.isna(geoms) | shapely.is_empty(np.asarray(geoms, dtype=object))
    for i in np.flatnonzero(missing):
        col.add(
            "empty_geometry",
            "geometry is missing or empty; delete the feature or digitize its shape.",
            labels.iloc[i],
        )
    types = gdf.geometry.geom_type.to_numpy()
    for i in np.flatnonzero(~missing):
        if types[i] not in schema.geometry_types:
            col.add(
                "wrong_geometry_type",
                f"geometry is {types[i]}; a {schema.kind} layer takes "
                f"{' / '.join(schema.geometry_types)}. Split mixed layers by type "
                "(e.g. `gdf[gdf.geom_type == 'Polygon']`).",
                labels.iloc[i],
            )
    present = ~missing
    nonfinite = nonfinite_rows(geoms, present)
    for i in np.flatnonzero(nonfinite):
        col.add(
            "nonfinite_coordinates",
            "geometry has NaN or infinite coordinates (a vertex without a number); neither "
            "--fix nor any GIS can repair that. Correct or delete the vertex, or delete the feature.",
            labels.iloc[i],
        )
    present = present & ~nonfinite
    valid = np.ones(len(gdf), dtype=bool)
    valid[present] = shapely.is_valid(np.asarray(geoms[present], dtype=object))
    repaired = gdf.geometry.copy()
    repairs: list[Problem] = []
    metres = _is_metric(gdf.crs)
    for i in np.flatnonzero(~valid):
        reason = shapely.is_valid_reason(geoms[i])
        if fix:
            fixed = shapely.make_valid(geoms[i])
            area_note = ""
            if schema.geometry_types and types[i] in ("Polygon", "MultiPolygon"):
                fixed = _polygonal_part(fixed)
                grown, extent_area = _growth(geoms[i], fixed)
                if grown > _AREA_TOLERANCE * max(extent_area, 1e-12):
                    col.add(
                        "repair_grows_polygon",
                        f"invalid geometry: {reason}; --fix refuses the repair because make_valid "
                        f"would grow the polygon beyond its outer ring (area "
                        f"{_area_text(extent_area, metres)} inside the outer ring, "
                        f"{_area_text(fixed.area, metres)} after the repair, "
                        f"{_area_text(grown, metres)} of it outside: typically a hole larger "
                        "than its shell, which make_valid turns into a ring around it). Redraw "
                        "the feature in your GIS (e.g. delete or shrink the hole).",
                        labels.iloc[i],
                    )
                    continue
                area_note = _area_change(geoms[i].area, fixed.area, metres)
            if fixed.is_empty or fixed.geom_type not in schema.geometry_types:
                # e.g. a zero-area polygon (nothing left) or a zero-length route (a Point)
                col.add(
                    "invalid_geometry",
                    f"invalid geometry: {reason}; --fix cannot repair it into a "
                    f"{' / '.join(schema.geometry_types)} (make_valid leaves "
                    f"{'nothing' if fixed.is_empty else fixed.geom_type}: zero area or "
                    "length). Delete the feature or redraw it.",
                    labels.iloc[i],
                )
                continue
            repaired.iloc[i] = fixed
            repairs.append(
                Problem(
                    "repaired_geometry",
                    f"invalid geometry ({reason}) repaired with make_valid: "
                    f"{types[i]} -> {fixed.geom_type}, {shapely.get_num_geometries(fixed)} part(s)"
                    f"{area_note}.",
                    labels.iloc[i],
                    None,
                    "warning",
                )
            )
        else:
            col.add(
                "invalid_geometry",
                f"invalid geometry: {reason}. Repair it in your GIS (QGIS: Fix geometries) "
                "or re-run with --fix to repair with make_valid (the repair is reported).",
                labels.iloc[i],
            )
    return repaired, repairs


_AREA_TOLERANCE = 1e-3  # 0.1 %: area changes of a repair above this are reported


def nonfinite_rows(geoms, present) -> np.ndarray:
    """Rows whose geometry has a NaN or infinite x/y coordinate."""
    out = np.zeros(len(geoms), dtype=bool)
    rows = np.flatnonzero(present)
    if not len(rows):
        return out
    coords, index = shapely.get_coordinates(np.asarray(geoms[present], dtype=object), return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    out[rows[np.unique(index[bad])]] = True
    return out


def _is_metric(crs) -> bool:
    try:
        c = CRS(crs) if crs is not None else None
    except PyprojCRSError:
        return False
    return bool(c is not None and c.is_projected and c.axis_info
                and c.axis_info[0].unit_name in ("metre", "meter"))


def _area_text(area: float, metres: bool) -> str:
    return f"{area:,.1f} m²" if metres else f"{area:.3g} (square CRS units)"


def _outer_extent(geom):
    """What the outer rings enclose, holes ignored (each ring made valid)."""
    shells = [shapely.Polygon(p.exterior) for p in shapely.get_parts(geom)
              if p.geom_type == "Polygon" and not p.is_empty]
    if not shells:
        return shapely.Polygon()
    return shapely.union_all([_polygonal_part(shapely.make_valid(s)) for s in shells])


def _growth(original, fixed) -> tuple[float, float]:
    """(area of ``fixed`` outside the original's outer rings, area inside those rings)."""
    extent = _outer_extent(original)
    return float(shapely.difference(fixed, extent).area), float(extent.area)


def _area_change(before: float, after: float, metres: bool) -> str:
    """", area X -> Y (+p %)" when the repair changes the area by more than 0.1 %."""
    if abs(after - before) <= _AREA_TOLERANCE * max(abs(before), abs(after), 1e-12):
        return ""
    pct = f" ({(after - before) / abs(before) * 100:+.1f} %)" if before else ""
    return (f"; area {_area_text(before, metres)} as drawn (a self-intersecting ring's "
            f"parts cancel out) -> {_area_text(after, metres)}{pct}" if before <= 0 else
            f"; area {_area_text(before, metres)} -> {_area_text(after, metres)}{pct}")


def _polygonal_part(geom):
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()

