"""Field checks: required fields, types, allowed values (unknown ones listed once with their
counts), ranges, unique ids."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schemas as S
from ..schemas import LayerSchema
from .collector import Collector

__all__ = ["check_fields", "check_ids"]


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
        from ..dates import to_dates

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


def check_fields(gdf, schema: LayerSchema, labels, col: Collector):
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


def check_ids(gdf, schema: LayerSchema, col: Collector):
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

