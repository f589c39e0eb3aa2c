"""Value mapping: a planner's words, dates and missing names -> the schema's vocabulary.

Pure functions over (Geo)DataFrames, applied by :mod:`futiangis.load` after the field
mapping (:mod:`futiangis.fields`) and before validation; each returns the notes or
warnings the command prints. Statuses, directions, uses, park classes and route types in
Chinese and English (:data:`VALUE_VOCABULARY`), booleans 是/否, the config's
``[values.<field>]``; dates written 2014年12月 / 2014.12 read as ISO; ``year`` derived from
the milestone dates; missing names filled from the other language or the id, said once.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import schemas as S
from .errors import ConfigError, Problem
from .schemas import LayerSchema

__all__ = ["VALUE_VOCABULARY", "BOOLEAN_WORDS", "map_values", "derive_year", "fill_names"]


def _key(name: str) -> str:
    """A name or word as compared: stripped, case-folded, ``_`` and full-width space as spaces."""
    return str(name).strip().casefold().replace("_", " ").replace("　", " ")


# ---- values ----------------------------------------------------------------------------------
def _vocab(pairs: Mapping[str, Iterable[str]]) -> Mapping[str, str]:
    return {_key(w): target for target, words in pairs.items() for w in (target, *words)}


VALUE_VOCABULARY: Mapping[str, Mapping[str, str]] = {
    S.STATUS: _vocab({
        "planned": ("规划", "拟建", "计划", "规划中", "拟实施", "proposed", "plan", "planning"),
        "approved": ("已批", "已立项", "已审批", "已获批", "已批准", "批准", "立项", "获批"),
        "under_construction": ("在建", "施工中", "已开工", "建设中", "开工", "under construction",
                               "under-construction", "construction", "building"),
        "completed": ("建成", "已建成", "竣工", "已竣工", "完成", "已完成", "existing", "运营",
                      "运营中", "已运营", "built", "complete", "operating", "open"),
    }),
    S.DIRECTION: _vocab({v: (S.DIRECTION_ZH[v], S.DIRECTION_ZH[v] + "区") for v in S.DIRECTION_VALUES}),
    S.USE: _vocab({
        "industrial": ("工业", "产业", "新型产业", "产业用房", "m0", "m1"),
        "office": ("办公", "商务办公"),
        "commercial": ("商业", "商服"),
        "mixed": ("混合", "综合", "混合用地"),
        "residential": ("居住", "住宅"),
        "public": ("公共", "公共服务", "公服"),
    }),
    S.PARK_CLASS: _vocab({
        "comprehensive": ("综合公园",), "ecological": ("生态公园",), "community": ("社区公园",),
        "mountain": ("山体公园", "郊野公园"), "wetland": ("湿地公园",),
    }),
    S.SUPPLY_TYPE: _vocab({
        "urban_renewal": ("城市更新", "更新"), "new_land": ("新增用地", "新供地", "土地出让"),
        "purchase_lease": ("购买", "租赁", "收购", "回购", "购租"), "other": ("其他",),
    }),
    S.ROUTE_TYPE: _vocab({
        "greenway": ("绿道",), "cycle_lane": ("自行车道", "自行车专用道", "单车道"),
        "footway": ("步行道", "人行道", "步道"),
    }),
}
BOOLEAN_WORDS: Mapping[str, bool] = {
    **{_key(w): True for w in ("是", "是的", "有", "对", "√", "y", "t", "true", "yes", "1")},
    **{_key(w): False for w in ("否", "不是", "无", "没有", "×", "n", "f", "false", "no", "0")},
}


def map_values(frame, schema: LayerSchema, configured: Mapping[str, Mapping[str, str]] | None = None):
    """Translate values to the schema's vocabulary (statuses, directions, booleans …).

    ``configured`` is the config's ``[values]`` table: ``{field: {word: value}}``; it wins
    over the built-in words. Values already in the vocabulary are untouched; values not
    recognised are left for validation, which lists them once with their counts.

    Returns
    -------
    (frame, notes)

    Raises
    ------
    ConfigError
        If a ``[values.<field>]`` entry maps to a value outside the field's vocabulary.
    """
    configured = configured or {}
    out = frame.copy()
    notes: list[str] = []
    for spec in schema.fields:
        if spec.name not in out.columns:
            continue
        if spec.dtype == "date":
            out[spec.name], changed = _iso_dates(out[spec.name])
            if changed:
                notes.append(f"{spec.name}: {changed} date(s) written as 年/月 or with dots read as "
                             "ISO dates (a month alone = its last day, a year = 31 December)")
            continue
        if spec.allowed is not None:
            own = {}
            for word, value in (configured.get(spec.name) or {}).items():
                if value not in spec.allowed:
                    raise ConfigError(
                        f"[values.{spec.name}] {word} = {value!r}: not one of {', '.join(spec.allowed)}."
                    )
                own[_key(word)] = value
            vocab: dict[str, Any] = {**VALUE_VOCABULARY.get(spec.name, {}), **own}
            table = {v: v for v in spec.allowed}
        elif spec.dtype == "bool":
            vocab, table = dict(BOOLEAN_WORDS), {}
        else:
            continue
        col = out[spec.name]
        if spec.dtype == "bool" and pd.api.types.is_bool_dtype(col):
            continue
        counts: dict[tuple[str, Any], int] = {}
        mapped = []
        for value in col.to_numpy(dtype=object):
            if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
                mapped.append(value)
                continue
            text = str(value)
            if text in table:
                mapped.append(text)
                continue
            new = vocab.get(_key(text))
            if new is None:
                mapped.append(value)
                continue
            mapped.append(new)
            if str(new) != text:
                counts[(text, new)] = counts.get((text, new), 0) + 1
        if counts:
            out[spec.name] = pd.Series(mapped, index=out.index, dtype=object)
            words = ", ".join(f"{w} → {v} ({n})" for (w, v), n in counts.items())
            notes.append(f"{spec.name}: {words}")
    return out, notes


_DATE = re.compile(r"^\s*(\d{4})\s*(?:[年./-]\s*(\d{1,2})\s*(?:[月./-]\s*(\d{1,2})\s*日?)?\s*月?)?\s*$")


def _iso_dates(series: pd.Series) -> tuple[pd.Series, int]:
    """``2014年12月`` / ``2014.12.31`` / ``2014/6`` -> ISO text; others untouched.

    A month alone means its last day, as a bare year means 31 December (see
    :mod:`futiangis.dates`): the conservative reading of "completed in December 2014".
    """
    import calendar

    out, changed = [], 0
    for value in series.to_numpy(dtype=object):
        if not isinstance(value, str):
            out.append(value)
            continue
        m = _DATE.match(value)
        if not m or (m.group(2) is None and value.strip().isdigit()):
            out.append(value)
            continue
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
        if month is None:
            iso = f"{year:04d}"
        else:
            mo = int(month)
            if not 1 <= mo <= 12:
                out.append(value)
                continue
            d = int(day) if day else calendar.monthrange(year, mo)[1]
            iso = f"{year:04d}-{mo:02d}-{d:02d}"
        changed += iso != value
        out.append(iso)
    return pd.Series(out, index=series.index, dtype=object), changed


# ---- derived columns -------------------------------------------------------------------------
_YEAR = re.compile(r"(19[7-9]\d|20\d\d|2100)")


def _year_of(value) -> float:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if hasattr(value, "year"):
        return float(value.year)
    if isinstance(value, (int, float, np.integer, np.floating)) and 1970 <= float(value) <= 2100:
        return float(int(value))
    m = _YEAR.search(str(value))
    return float(m.group(1)) if m else np.nan


def derive_year(frame, schema: LayerSchema):
    """Fill ``year`` (when the file has none) from 竣工时间 / 批准时间 by status.

    A completed site takes the year of its completion date, an approved or
    under-construction one its approval date, so ``target --as-of`` works on tables
    that record dates instead of a year. Returns ``(frame, notes)``.
    """
    names = {f.name for f in schema.fields}
    if S.YEAR not in names or S.YEAR in frame.columns or S.STATUS not in frame.columns:
        return frame, []
    have = [c for c in (S.COMPLETED_DATE, S.APPROVED_DATE) if c in frame.columns]
    if not have:
        return frame, []
    out = frame.copy()
    done = out[S.COMPLETED_DATE].map(_year_of) if S.COMPLETED_DATE in out else pd.Series(np.nan, index=out.index)
    appr = out[S.APPROVED_DATE].map(_year_of) if S.APPROVED_DATE in out else pd.Series(np.nan, index=out.index)
    status = out[S.STATUS].astype(str)
    year = np.where(status == "completed", done, np.where(
        status.isin(["approved", "under_construction"]), appr, np.nan))
    out[S.YEAR] = pd.Series(year, index=out.index, dtype="float64")
    n = int(pd.notna(year).sum())
    notes = [f"year: from {' / '.join(have)} by status (completed: completion year; approved / "
             f"under construction: approval year) for {n} of {len(out)} features"]
    return out, notes


def fill_names(frame, schema: LayerSchema, id_field: str = S.ID):
    """Missing names fall back: name_en → name_zh → id (and name_zh → name_en → id).

    Returns ``(frame, warnings)``: one warning per name field that had to be filled.
    """
    names = {f.name for f in schema.fields}
    if not {S.NAME_ZH, S.NAME_EN} <= names:
        return frame, []
    out = frame.copy()
    ids = (out[id_field].astype("string") if id_field in out.columns
           else pd.Series([str(i + 1) for i in range(len(out))], index=out.index, dtype="string"))
    warnings: list[Problem] = []
    empty = pd.Series(pd.NA, index=out.index, dtype="string")
    original = {n: (out[n].astype("string") if n in out.columns else empty) for n in (S.NAME_ZH, S.NAME_EN)}
    for name, other in ((S.NAME_ZH, S.NAME_EN), (S.NAME_EN, S.NAME_ZH)):
        own, alt = original[name], original[other]
        blank = own.isna() | (own.str.strip() == "")
        blank = blank.fillna(True)
        if not blank.any():
            continue
        alt_ok = alt.notna() & (alt.str.strip() != "").fillna(False)
        filled = own.where(~blank, alt.where(alt_ok, ids))
        out[name] = filled
        n_alt = int((blank & alt_ok).sum())
        n_id = int((blank & ~alt_ok).sum())
        parts = ([f"{n_alt} from {other}"] if n_alt else []) + ([f"{n_id} from the id"] if n_id else [])
        warnings.append(Problem(
            "name_fallback",
            f"{int(blank.sum())} of {len(out)} features have no {name}; shown with "
            f"{' and '.join(parts)} instead. Add a {name} column (or map one with --field "
            f"{name}=COLUMN) to name them.", field=name, severity="warning"))
    return out, warnings
