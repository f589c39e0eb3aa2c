"""Validation at the door: check a layer against its schema and report every problem.

:func:`prepare_layer` takes a GeoDataFrame as read from a file (any CRS, possibly none),
checks it against a :class:`~futiangis.schemas.LayerSchema`, and returns it in the
working CRS with typed columns — or raises one :class:`LayerValidationError` that lists
every problem with feature id and field. Nothing is repaired silently: invalid
geometries are fixed only with ``fix=True`` and each repair is reported.

The checks themselves live in :mod:`futiangis.checks` (CRS and location, geometry, fields
and ids); this module is the door that runs them in order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from . import schemas as S
from .checks.collector import Collector
from .checks.crs import check_gcj02, check_location, check_plane_grid, resolve_crs
from .checks.fields import check_fields, check_ids
from .checks.geometry import check_geometries, nonfinite_rows
from .errors import LayerValidationError, Problem
from .labels import row_labels
from .localgrid import LocalGrid
from .schemas import LayerSchema

__all__ = ["PreparedLayer", "prepare_layer", "feature_labels"]


@dataclass
class PreparedLayer:
    """A validated layer in the working CRS plus the warnings and repairs made."""

    gdf: gpd.GeoDataFrame
    source: str
    kind: str
    warnings: list[Problem] = field(default_factory=list)
    repairs: list[Problem] = field(default_factory=list)
    source_crs: str = ""
    # what was mapped or converted on the way in ("mapped 名称 → name_zh"), to be printed
    notes: list[str] = field(default_factory=list)
    # the optional --field rules (TARGET=SOURCE[:UNIT] as given) that fitted this file
    fields_applied: list[str] = field(default_factory=list)


def feature_labels(gdf: gpd.GeoDataFrame, id_field: str = S.ID) -> pd.Series:
    """Human label per row: the id if present and non-empty, else ``row N`` (1-based)."""
    rows = row_labels(gdf)
    if id_field in gdf.columns:
        ids = gdf[id_field]
        ok = ids.notna() & (ids.astype(str).str.strip() != "")
        return ids.astype(str).where(ok, rows)
    return rows



def prepare_layer(
    gdf: gpd.GeoDataFrame,
    schema: LayerSchema,
    *,
    source: str,
    working_crs: str = "EPSG:4547",
    source_crs=None,
    shenzhen_bbox_wgs84=(113.70, 22.35, 114.70, 22.90),
    district_wgs84: gpd.GeoDataFrame | None = None,
    gcj02_check_min_points: int = 5,
    fix: bool = False,
    is_csv: bool = False,
    extra_problems: list[Problem] | None = None,
) -> PreparedLayer:
    """Validate ``gdf`` against ``schema`` and return it in the working CRS.

    Parameters
    ----------
    gdf : GeoDataFrame
        As read from the file (not modified).
    schema : LayerSchema
        The declared schema of the layer kind.
    source : str
        File (and layer) name used in messages.
    source_crs : None, "gcj02", "bd09" or pyproj CRS
        Overrides the file's CRS (see :func:`futiangis.crs.parse_source_crs`).
    district_wgs84 : GeoDataFrame, optional
        District boundary in EPSG:4326, for the GCJ-02-declared-as-WGS84 check.
    fix : bool
        Repair invalid geometries with ``make_valid`` (each repair reported).

    Raises
    ------
    LayerValidationError
        Listing every error found (and the warnings), if any error is found.
    """
    col = Collector()
    for p in extra_problems or []:
        col.add(p.code, p.message, p.feature_id, p.field, p.severity)
    labels = feature_labels(gdf, schema.id_field)
    if len(gdf) == 0 and not schema.allow_empty:
        col.add("empty_layer", "the layer has no features; check that the right file/layer was exported.")
        raise LayerValidationError(source, col.problems)

    typed = check_fields(gdf, schema, labels, col)
    check_ids(typed, schema, col)
    geometry, repairs = check_geometries(typed, schema, labels, col, fix=fix)
    typed = typed.set_geometry(geometry)

    resolved, declared = resolve_crs(typed, source_crs, col, is_csv=is_csv)
    if resolved is not None and CRS(resolved.crs).is_projected and check_plane_grid(resolved, source_crs, col, working_crs):
        resolved = None  # the coordinates cannot be in the declared CRS: skip the location checks
    if resolved is not None:
        geoms = np.asarray(resolved.geometry.values, dtype=object)
        usable = ~(pd.isna(geoms) | shapely.is_empty(geoms))
        usable &= ~nonfinite_rows(geoms, usable)  # no NaN vertex
        usable = pd.Series(usable, index=resolved.index)
        try:
            wgs84 = resolved.loc[usable].to_crs(4326)
        except Exception as exc:  # PROJ failure, e.g. a CAD drawing's engineering CRS
            col.add(
                "unknown_crs",
                f"cannot transform from the file's CRS {CRS(resolved.crs).name!r} to WGS84 "
                f"({exc}); it is probably a local/CAD grid without a datum. Georeference the "
                "data in your GIS, or give --source-crs EPSG:n if the coordinates are in a "
                "known CRS (e.g. EPSG:4547).",
            )
            wgs84 = None
        if wgs84 is not None:
            wlabels = labels.loc[usable]
            check_location(wgs84, wlabels, shenzhen_bbox_wgs84, col, declared)
            gcj_applicable = not isinstance(source_crs, (str, LocalGrid)) and not any(
                p.code in ("outside_shenzhen", "lonlat_swapped") for p in col.problems
            )
            if gcj_applicable:
                check_gcj02(wgs84, wlabels, district_wgs84, gcj02_check_min_points, col)

    if col.errors:
        raise LayerValidationError(source, col.problems + repairs)
    out = resolved.to_crs(working_crs)
    if schema.id_field in out.columns:
        out[schema.id_field] = out[schema.id_field].astype("string")
    else:
        out.insert(0, schema.id_field, [str(i + 1) for i in range(len(out))])
        out[schema.id_field] = out[schema.id_field].astype("string")
    return PreparedLayer(out, source, schema.kind, col.warnings, repairs, declared)
