"""Validation at the door: check a layer against its schema and report every problem.

:func:`prepare_layer` takes a GeoDataFrame as read from a file (any CRS, possibly none),
checks it against a :class:`~futiangis.schemas.LayerSchema`, and returns it in the
working CRS with typed columns — or raises one :class:`LayerValidationError` that lists
every problem with feature id and field. Nothing is repaired silently: invalid
geometries are fixed only with ``fix=True`` and each repair is reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from . import schemas as S
from .crs import old_datum_name, suggest_plane_crs, transform_geometries, zone_prefix_mismatch
from .errors import LayerValidationError, Problem
from .labels import row_labels
from .localgrid import LocalGrid
from .schemas import LayerSchema

__all__ = ["PreparedLayer", "prepare_layer", "feature_labels"]

_MAX_LISTED = 20  # per problem code; the rest are summarised


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


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._counts: dict[str, int] = {}

    def add(self, code, message, feature_id=None, field=None, severity="error"):
        n = self._counts.get(code, 0)
        self._counts[code] = n + 1
        if n < _MAX_LISTED:
            self.problems.append(Problem(code, message, feature_id, field, severity))
        elif n == _MAX_LISTED:
            self.problems.append(
                Problem(code, "further problems of this kind not listed", None, field, severity)
            )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


# ---------------------------------------------------------------------------------------
def _resolve_crs(gdf, source_crs, col: _Collector, *, is_csv: bool):
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


def _check_plane_grid(resolved, source_crs, col: _Collector, working_crs: str) -> bool:
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


def _check_geometries(gdf, schema: LayerSchema, labels, col: _Collector, *, fix: bool):
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
    nonfinite = _nonfinite_rows(geoms, present)
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


def _nonfinite_rows(geoms, present) -> np.ndarray:
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


def _check_location(gdf_wgs84, labels, bbox, col: _Collector, declared: str):
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


def _check_gcj02(gdf_wgs84, labels, district_wgs84, min_points: int, col: _Collector):
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


def _coerce(series: pd.Series, spec: S.FieldSpec):
    """Return (typed series, mask of values that could not be converted)."""
    notna = series.notna()
    if spec.dtype == "str":
        out = series.astype("string")
        out = out.where(notna, pd.NA)
        return out, pd.Series(False, index=series.index)
    if spec.dtype in ("int", "float"):
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            stripped = series.astype("string").str.strip()
            num = pd.to_numeric(stripped.where(stripped != "", pd.NA), errors="coerce")
        else:
            num = pd.to_numeric(series, errors="coerce")
        bad = notna & num.isna() & series.astype("string").str.strip().ne("").fillna(False)
        num = num.astype("float64")
        if spec.dtype == "int":
            frac = num.notna() & np.isfinite(num) & (num != np.round(num))
            bad = bad | frac
            num = num.round().astype("Int64", errors="ignore") if not frac.any() else num
        return num, bad
    if spec.dtype == "date":  # YYYY-MM-DD, a year (= 31 December), or a date type
        from .dates import to_dates

        dates, bad = to_dates(series)
        return dates, pd.Series(bad, index=series.index)
    if spec.dtype == "bool":
        mapping = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
        if pd.api.types.is_bool_dtype(series):
            return series.astype("boolean"), pd.Series(False, index=series.index)
        lowered = series.astype("string").str.strip().str.lower()
        out = lowered.map(mapping).astype("boolean")
        bad = notna & out.isna()
        return out, bad
    raise ValueError(f"unknown dtype {spec.dtype}")


def _check_fields(gdf, schema: LayerSchema, labels, col: _Collector):
    out = gdf.copy()
    for spec in schema.fields:
        if spec.name not in gdf.columns:
            if spec.required:
                cut = spec.name[:10]
                hint = (
                    f" Column '{cut}' looks like '{spec.name}' cut to 10 characters by the "
                    "shapefile format: rename it, or deliver a GeoPackage."
                    if len(spec.name) > 10 and cut in gdf.columns else ""
                )
                col.add(
                    "missing_field",
                    f"required field is missing ({spec.dtype}{': ' + spec.description if spec.description else ''}); "
                    f"add a column named '{spec.name}'. Columns present: "
                    f"{', '.join(c for c in gdf.columns if c != gdf.geometry.name) or 'none'}.{hint}",
                    field=spec.name,
                )
            continue
        raw = gdf[spec.name]
        typed, bad = _coerce(raw, spec)
        for i in np.flatnonzero(bad.to_numpy()):
            col.add(
                "wrong_type",
                f"value {str(raw.iloc[i])[:40]!r} is not a valid {spec.dtype}; "
                f"correct it in the attribute table.",
                labels.iloc[i],
                spec.name,
            )
        isna = typed.isna().to_numpy() & ~bad.to_numpy()
        if spec.dtype in ("int", "float"):
            vals = typed.astype("float64")
            isna = isna | (np.isnan(vals.to_numpy(dtype="float64", na_value=np.nan)) & ~bad.to_numpy())
            inf = np.isinf(vals.to_numpy(dtype="float64", na_value=np.nan))
            for i in np.flatnonzero(inf):
                col.add("nonfinite_value", "value is infinite; enter a finite number.", labels.iloc[i], spec.name)
            if spec.minimum is not None:
                below = (vals < spec.minimum).fillna(False).to_numpy()
                for i in np.flatnonzero(below):
                    word = "negative" if spec.minimum == 0 else f"below {spec.minimum:g}"
                    col.add(
                        "negative_value" if spec.minimum == 0 else "out_of_range",
                        f"value {vals.iloc[i]:g} is {word}; {spec.name} must be ≥ {spec.minimum:g}.",
                        labels.iloc[i],
                        spec.name,
                    )
            if spec.maximum is not None:
                above = (vals > spec.maximum).fillna(False).to_numpy()
                for i in np.flatnonzero(above):
                    col.add(
                        "out_of_range",
                        f"value {vals.iloc[i]:g} is above the maximum {spec.maximum:g}.",
                        labels.iloc[i],
                        spec.name,
                    )
        if not spec.nullable and spec.required:
            for i in np.flatnonzero(isna):
                what = "NaN/missing" if spec.dtype in ("int", "float") else "missing"
                col.add(
                    "missing_value",
                    f"value is {what}; {spec.name} is required for every feature.",
                    labels.iloc[i],
                    spec.name,
                )
        if spec.allowed is not None:
            vals = typed.astype("string")
            unknown = (vals.notna() & ~vals.isin(spec.allowed)).fillna(False).to_numpy()
            # each unknown word once, with its count (a 300-row table with one new word
            # is one line, not 300)
            for value in pd.unique(vals[unknown]):
                rows = np.flatnonzero(unknown & (vals == value).fillna(False).to_numpy())
                more = (f" ({len(rows)} features: {', '.join(labels.iloc[rows[:5]])}"
                        f"{' …' if len(rows) > 5 else ''})" if len(rows) > 1 else "")
                col.add(
                    "unknown_value",
                    f"value {value!r} is not one of {', '.join(spec.allowed)}{more}. Correct "
                    f"it, or say what it means in futiangis.toml: [values.{spec.name}] "
                    f"{_toml_key(value)} = \"{spec.allowed[0]}\".",
                    labels.iloc[rows[0]],
                    spec.name,
                )
        out[spec.name] = typed
    for group in schema.one_of:
        if not any(name in gdf.columns for name in group):
            col.add(
                "missing_field",
                f"needs at least one of {' or '.join(group)}; add one of these columns (or "
                f"map yours with --field {group[0]}=COLUMN). Columns present: "
                f"{', '.join(c for c in gdf.columns if c != gdf.geometry.name) or 'none'}.",
                field=group[0],
            )
    specs = schema.field_map()
    for name in schema.unknown_ok:
        spec = specs[name]
        if name not in out.columns:
            out[name] = pd.Series(pd.NA if spec.dtype == "int" else np.nan, index=out.index,
                                  dtype="Int64" if spec.dtype == "int" else "float64")
        if name in (S.PILES, S.DOCKS):
            n = int(out[name].isna().sum())
            if n:
                col.add(
                    "unknown_quantity",
                    f"{n} of {len(out)} features have no {name} count: shown as unknown "
                    f"(未知); totals and densities count only the known ones.",
                    field=name, severity="warning",
                )
    return out


def _toml_key(value: str) -> str:
    text = str(value)
    return text if text.replace("_", "").replace("-", "").isalnum() and text.isascii() else '"' + text.replace('"', '\\"') + '"'


def _check_ids(gdf, schema: LayerSchema, col: _Collector):
    if schema.id_field not in gdf.columns:
        return
    ids = gdf[schema.id_field].astype("string")
    dup = ids[ids.notna() & ids.duplicated(keep=False)]
    for value in pd.unique(dup):
        rows = [str(i + 1) for i in np.flatnonzero((ids == value).fillna(False).to_numpy())]
        col.add(
            "duplicate_id",
            f"id {value!r} is used by {len(rows)} features (rows {', '.join(rows[:10])}); "
            "ids must be unique — renumber the duplicates.",
            str(value),
            schema.id_field,
        )


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
    col = _Collector()
    for p in extra_problems or []:
        col.add(p.code, p.message, p.feature_id, p.field, p.severity)
    labels = feature_labels(gdf, schema.id_field)
    if len(gdf) == 0 and not schema.allow_empty:
        col.add("empty_layer", "the layer has no features; check that the right file/layer was exported.")
        raise LayerValidationError(source, col.problems)

    typed = _check_fields(gdf, schema, labels, col)
    _check_ids(typed, schema, col)
    geometry, repairs = _check_geometries(typed, schema, labels, col, fix=fix)
    typed = typed.set_geometry(geometry)

    resolved, declared = _resolve_crs(typed, source_crs, col, is_csv=is_csv)
    if resolved is not None and CRS(resolved.crs).is_projected and _check_plane_grid(resolved, source_crs, col, working_crs):
        resolved = None  # the coordinates cannot be in the declared CRS: skip the location checks
    if resolved is not None:
        geoms = np.asarray(resolved.geometry.values, dtype=object)
        usable = ~(pd.isna(geoms) | shapely.is_empty(geoms))
        usable &= ~_nonfinite_rows(geoms, usable)  # no NaN vertex
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
            _check_location(wgs84, wlabels, shenzhen_bbox_wgs84, col, declared)
            gcj_applicable = not isinstance(source_crs, (str, LocalGrid)) and not any(
                p.code in ("outside_shenzhen", "lonlat_swapped") for p in col.problems
            )
            if gcj_applicable:
                _check_gcj02(wgs84, wlabels, district_wgs84, gcj02_check_min_points, col)

    if col.errors:
        raise LayerValidationError(source, col.problems + repairs)
    out = resolved.to_crs(working_crs)
    if schema.id_field in out.columns:
        out[schema.id_field] = out[schema.id_field].astype("string")
    else:
        out.insert(0, schema.id_field, [str(i + 1) for i in range(len(out))])
        out[schema.id_field] = out[schema.id_field].astype("string")
    return PreparedLayer(out, source, schema.kind, col.warnings, repairs, declared)
