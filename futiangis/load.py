"""The one door for every layer: read (``io``) + validate (``validate``) -> working CRS.

``load_layer`` is what the CLI and the analyses call for a user's file;
``load_shipped_layer`` loads one of the project's catalogue layers through the same door
(:class:`futiangis.project.Project` caches them). Settings come from a
:class:`~futiangis.config.Config` (default: the built-in defaults, EPSG:4547).

Shell-side: this module sits with :mod:`futiangis.config` in the "settings loader" layer
of the import contract (``pyproject.toml``), above the core, which never sees a Config.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd

from .config import Config
from .crs import parse_source_crs
from .encodings import mojibake_problems
from .errors import LayerReadError, LayerValidationError, Problem
from .fields import derive_year, fill_names, map_fields, map_values, parse_field_rules, rule_applies
from .io import (
    TABLE_SUFFIXES,
    RasterData,
    read_catalog,
    read_raster,
    read_vector,
)
from .io.dxf import CAD_HANDLE, CAD_LAYER, CAD_OPEN_GAP
from .io.textcheck import control_character_warnings
from .schemas import get_schema
from .validate import PreparedLayer, prepare_layer

__all__ = ["load_district_wgs84", "load_layer", "load_raster", "load_shipped_layer", "shipped_path",
           "shipped_provenance"]

def _refuse_open_outlines(raw: gpd.GeoDataFrame, schema, source: str) -> None:
    """A polygon kind read from a DXF: every open polyline is named by CAD layer and handle."""
    if "Polygon" not in schema.geometry_types:
        return
    problems = []
    for _, row in raw[raw.geom_type.isin(["LineString", "MultiLineString"])].iterrows():
        gap = row.get(CAD_OPEN_GAP)
        ends = f" (its ends are {gap:,.2f} drawing units apart)" if gap == gap and gap is not None else ""
        problems.append(Problem(
            "cad_open_outline",
            f"CAD layer {row[CAD_LAYER]!r}: {row.get('cad_entity', 'entity')} handle "
            f"{row[CAD_HANDLE]} is not closed{ends}, so it is a line, not an outline. Close it in "
            "CAD (PEDIT → Close, or tick Closed in Properties), or move lines that are not "
            "outlines to another CAD layer and choose the outlines with --layer.",
            feature_id=str(row[CAD_HANDLE]),
        ))
    if problems:
        raise LayerValidationError(source, problems)


def load_district_wgs84(config: Config | None) -> gpd.GeoDataFrame | None:
    """The project's district boundary in EPSG:4326, or None if it is not available."""
    if config is None or config.path is None:
        return None
    try:
        catalog = read_catalog(config.layers_dir)
    except LayerReadError:
        return None
    info = catalog.get(config.region.district_layer)
    if info is None or not info.path.exists():
        return None
    gdf = read_vector(info.path)
    return gdf.to_crs(4326) if gdf.crs is not None else None


def load_layer(
    path: str | Path,
    kind: str = "generic",
    *,
    config: Config | None = None,
    layer: str | None = None,
    source_crs: str | None = None,
    encoding: str | None = None,
    fix: bool = False,
    district_wgs84: gpd.GeoDataFrame | None = None,
    fields: Sequence[str] = (),
    sheet: str | None = None,
    optional_fields: Sequence[str] = (),
) -> PreparedLayer:
    """Read, validate and reproject a user's layer file.

    Parameters
    ----------
    path : path
        GeoPackage, Shapefile, GeoJSON or CSV (lon/lat columns).
    kind : str
        Layer kind (see :data:`futiangis.schemas.SCHEMAS`) whose schema applies.
    config : Config, optional
        Supplies the working CRS and the plausibility window (default: built-in defaults).
    layer, encoding : str, optional
        Layer name in a multi-layer file; text encoding of a shapefile without .cpg.
    source_crs : str, optional
        ``gcj02``, ``bd09``, ``wgs84`` or ``EPSG:n``; overrides the file's own CRS.
    fix : bool
        Repair invalid geometries (reported in ``PreparedLayer.repairs``).
    fields : sequence of str
        ``TARGET=SOURCE[:UNIT]`` mappings (``--field``); they override the config's
        ``[fields.<kind>]`` table, which overrides the built-in spellings
        (:mod:`futiangis.fields`). Every mapping applied is in ``PreparedLayer.notes``.
    sheet : str, optional
        Sheet of an Excel workbook.
    optional_fields : sequence of str
        ``--field`` mappings of a command that reads several files: each is applied only if
        this file's kind has the target field and the file has the column (a point table's
        ``lon``/``lat`` likewise); those applied are listed in ``PreparedLayer.fields_applied``.

    Raises
    ------
    LayerReadError, LayerValidationError, CRSError, ConfigError
    """
    path = Path(path)
    config = config or Config()
    schema = get_schema(kind)
    parsed_crs = parse_source_crs(source_crs, local_grids=config.crs.local)
    rules = parse_field_rules(fields, ((config.extra.get("fields") or {}).get(kind) or {}), kind=kind,
                              optional=optional_fields)
    raw = read_vector(path, layer=layer, encoding=encoding, sheet=sheet, rules=rules)
    applied = _optional_rules_applied(raw, schema, rules, optional_fields)
    notes = list(raw.attrs.get("read_notes", []))
    source = str(path) + (f" (layer {layer})" if layer else "")
    # the mojibake check runs on every read, whatever declared the encoding (no .cpg, a
    # wrong .cpg, --encoding gbk on a UTF-8 file)
    garbled = mojibake_problems(raw, encoding=raw.attrs.get("encoding"), path=path,
                                declared_by=raw.attrs.get("encoding_declared_by", "the reader"))
    if garbled:  # names and values are unreliable until the file is re-read
        raise LayerValidationError(source, garbled)
    raw, mapped, extra = map_fields(raw, schema, rules, source=source)
    raw, valued = map_values(raw, schema, config.extra.get("values") or {})
    raw, derived = derive_year(raw, schema)
    raw, named = fill_names(raw, schema, schema.id_field)
    notes += mapped + valued + derived
    extra = list(raw.attrs.get("read_warnings", [])) + control_character_warnings(raw) + extra + named
    if CAD_HANDLE in raw.columns:
        _refuse_open_outlines(raw, schema, source)
    prj = path.with_suffix(".prj")
    if path.suffix.lower() == ".shp" and raw.crs is None and parsed_crs is None and prj.exists():
        head = prj.read_bytes()[:60].decode("utf-8", errors="replace").strip()
        extra.append(Problem(
            "unknown_crs",
            f"{prj.name} is present but is not a CRS definition GDAL can read (it starts "
            f"{head!r}). Replace it with the .prj exported by your GIS, or pass --source-crs.",
        ))
    if district_wgs84 is None:
        district_wgs84 = load_district_wgs84(config)
    prepared = prepare_layer(
        raw,
        schema,
        source=source,
        working_crs=config.crs.working,
        source_crs=parsed_crs,
        shenzhen_bbox_wgs84=config.region.shenzhen_bbox_wgs84,
        district_wgs84=district_wgs84,
        gcj02_check_min_points=config.region.gcj02_check_min_points,
        fix=fix,
        is_csv=path.suffix.lower() in TABLE_SUFFIXES,
        extra_problems=extra,
    )
    prepared.notes[:0] = notes
    prepared.fields_applied = applied
    return prepared


def _optional_rules_applied(raw: gpd.GeoDataFrame, schema, rules, texts: Sequence[str]) -> list[str]:
    """Which optional ``--field`` texts fit this file (before the columns are renamed)."""
    from .fields import parse_field_rule

    used_xy = raw.attrs.get("coordinate_columns") or ()
    columns = [c for c in raw.columns if c != raw.geometry.name]
    out = []
    for text in texts:
        rule = rules.get(parse_field_rule(text).target)
        if rule is None or not rule.optional:
            continue  # overridden by a strict rule for this file
        if rule.target in ("lon", "lat", "x", "y"):
            if any(str(c).strip().casefold() == rule.source.strip().casefold() for c in used_xy):
                out.append(text)
        elif rule_applies(rule, columns, schema):
            out.append(text)
    return out


def load_shipped_layer(kind: str, *, config: Config) -> gpd.GeoDataFrame:
    """Load a layer from the catalogue in ``config.layers_dir``, validated, working CRS.

    Raises
    ------
    LayerReadError
        If the catalogue has no such layer or its file is missing.
    """
    catalog = read_catalog(config.layers_dir)
    if kind not in catalog:
        raise LayerReadError(
            f"{config.layers_dir}: no shipped layer {kind!r} (have: {', '.join(sorted(catalog))})."
        )
    info = catalog[kind]
    district = None if kind == config.region.district_layer else load_district_wgs84(config)
    return load_layer(info.path, kind, config=config, district_wgs84=district).gdf


def shipped_provenance(kind: str, *, config: Config) -> Mapping[str, Any]:
    """The provenance record of catalogue layer ``kind`` (``{}`` when it is not listed).

    It travels beside the frame :func:`load_shipped_layer` returns, never in ``gdf.attrs``.
    """
    try:
        info = read_catalog(config.layers_dir).get(kind)
    except LayerReadError:
        return {}
    return MappingProxyType(info.as_dict()) if info is not None else {}


def shipped_path(kind: str, *, config: Config) -> Path:
    """Path of a shipped layer's file (e.g. the ``dem`` GeoTIFF) from the catalogue."""
    catalog = read_catalog(config.layers_dir)
    if kind not in catalog:
        raise LayerReadError(
            f"{config.layers_dir}: no shipped layer {kind!r} (have: {', '.join(sorted(catalog))})."
        )
    return catalog[kind].path


def load_raster(
    path: str | Path,
    *,
    config: Config | None = None,
    district_wgs84: gpd.GeoDataFrame | None = None,
    band: int = 1,
) -> RasterData:
    """Read a raster and check it is usable for Futian: has a CRS and overlaps the district.

    Raises
    ------
    LayerValidationError
        If the raster has no CRS, or does not overlap the district (or Shenzhen window).
    """
    from pyproj import Transformer

    raster = read_raster(path, band=band)
    problems: list[Problem] = []
    if raster.crs is None:
        problems.append(Problem(
            "missing_crs",
            "the raster has no CRS (GeoTIFF without georeferencing keys). Assign one with "
            "`gdal_edit.py -a_srs EPSG:4326 FILE` (on a copy) or re-export it with its CRS.",
        ))
        raise LayerValidationError(str(path), problems)
    to_wgs = Transformer.from_crs(raster.crs, "EPSG:4326", always_xy=True)
    minx, miny, maxx, maxy = to_wgs.transform_bounds(*raster.bounds)
    if district_wgs84 is None:
        district_wgs84 = load_district_wgs84(config)
    if district_wgs84 is not None:
        dminx, dminy, dmaxx, dmaxy = district_wgs84.total_bounds
        where = "the Futian district"
    else:
        dminx, dminy, dmaxx, dmaxy = (config or Config()).region.shenzhen_bbox_wgs84
        where = "Shenzhen"
    if maxx <= dminx or minx >= dmaxx or maxy <= dminy or miny >= dmaxy:
        problems.append(Problem(
            "raster_no_overlap",
            f"the raster covers lon {minx:.4f}–{maxx:.4f}, lat {miny:.4f}–{maxy:.4f} "
            f"(WGS84), which does not overlap {where} (lon {dminx:.4f}–{dmaxx:.4f}, lat "
            f"{dminy:.4f}–{dmaxy:.4f}). Check the raster's CRS or supply a raster of Futian.",
        ))
    if raster.values.mask.all():
        problems.append(Problem("raster_empty", "every pixel is nodata; nothing to analyse."))
    if problems:
        raise LayerValidationError(str(path), problems)
    return raster
