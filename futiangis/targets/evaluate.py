"""Evaluate targets against accounted sites: the core, on GeoDataFrames and typed targets.

:func:`account_targets` runs the steps of :mod:`.accounting` and :mod:`.timeline`, sums
each target at its evaluation date and builds the breakdowns of :mod:`.breakdown`. It reads
no file and no config: the shell (:func:`futiangis.targets.run_target_accounting`) does.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schemas as S
from ..crs import require_projected
from ..errors import ConfigError, LayerValidationError, Problem
from ..join import UNZONED, disjoint_zones
from ..validate import feature_labels
from .accounting import (
    ACCOUNT_COLUMNS,
    NOT_COUNTED,
    NOT_YET,
    assign_columns,
    estimate_gfa,
    invested_in_period,
    resolve_overlaps,
    yearly_investment,
)
from .breakdown import assign_to_areas, by_area, by_direction, by_group
from .result import TARGET_COLUMNS, TargetResult
from .spec import MILESTONE_DATE, MILESTONES, SUPPLY_TYPES, UNIT_LABELS, Target
from .timeline import date_problems, read_milestones, status_at

__all__ = ["account_targets", "evaluation_date", "verdict_text", "PROJECT_LAYERS"]

PROJECT_LAYERS = ("renewal_sites",)
_NO_END = dt.date(9999, 12, 31)


def evaluation_date(target: Target, as_of: dt.date | None) -> dt.date:
    """E = min(end, as-of); ``as_of`` defaults to the end (no end and no as-of: no limit)."""
    ends = [d for d in (target.end, as_of) if d is not None]
    return min(ends) if ends else _NO_END


def _amount(value: float, unit: str) -> str:
    base, label, per = UNIT_LABELS[unit]
    return f"{value / per:,.2f}{label}"


def verdict_text(row: dict | pd.Series) -> str:
    """``未达标 · not met: 26.03万㎡ of 100.00万㎡ (short by 73.97万㎡) by 2015-12-31``."""
    unit = str(row["unit"])
    met = row["achieved"] >= row["target"]
    head = "达标 · met" if met else "未达标 · not met"
    gap = (f"ahead by {_amount(row['achieved'] - row['target'], unit)}" if met
           else f"short by {_amount(row['target'] - row['achieved'], unit)}")
    end = row.get("end")
    when = f" by {end}" if end else ""
    interim = ""
    if end and row.get("evaluated_at") and str(row["evaluated_at"]) < str(end):
        interim = f" (evaluated at {row['evaluated_at']}, before the deadline)"
    return (f"{head}: {_amount(row['achieved'], unit)} of {_amount(row['target'], unit)} "
            f"({gap}){when}{interim}")


def _check_sites(sites: gpd.GeoDataFrame, source: str) -> None:
    """Guard the accounting against sites that did not come through the validating door."""
    problems: list[Problem] = []
    if not sites.index.is_unique:
        problems.append(Problem(
            "duplicate_index", "the sites' index has duplicate labels, so results could not keep "
            "it; call sites.reset_index(drop=True) first."))
    for col in (S.ID, S.STATUS, S.GFA_NEW_M2, S.PLOT_RATIO):
        if col not in sites.columns:
            problems.append(Problem(
                "missing_field", f"required field is missing; add a column named '{col}'.", field=col))
    if problems:
        raise LayerValidationError(source, problems)
    labels = feature_labels(sites)
    for i, status in enumerate(sites[S.STATUS].to_numpy(dtype=object)):
        if pd.isna(status) or status not in MILESTONES:
            problems.append(Problem(
                "unknown_value", f"status {status!r} is not one of {', '.join(S.STATUS_VALUES)}; correct it.",
                labels.iloc[i], S.STATUS))
    if "supply_type" in sites.columns:
        for i, v in enumerate(sites["supply_type"].to_numpy(dtype=object)):
            if not pd.isna(v) and v not in SUPPLY_TYPES:
                problems.append(Problem(
                    "unknown_value", f"supply_type {v!r} is not one of {', '.join(SUPPLY_TYPES)}; "
                    "correct it (empty = urban_renewal).", labels.iloc[i], "supply_type"))
    for col in (S.GFA_NEW_M2, S.PLOT_RATIO, S.INDUSTRIAL_SHARE, S.INVESTMENT_100M_CNY):
        if col in sites.columns:
            vals = pd.to_numeric(sites[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            for i in np.flatnonzero(vals < 0):  # type: ignore[assignment]
                problems.append(Problem(
                    "negative_value", f"value {vals[i]:g} is negative; {col} must be ≥ 0.", labels.iloc[i], col))
    if problems:
        raise LayerValidationError(source, problems)


def _measure(sites, target: Target, gfa: np.ndarray, warned: set, warnings: list) -> np.ndarray:
    if target.measure == S.GFA_NEW_M2:
        return gfa
    if target.measure not in sites.columns:
        raise ConfigError(
            f"target {target.id!r}: measure {target.measure!r} is not a column of the sites "
            f"(have: {', '.join(c for c in sites.columns if c != sites.geometry.name)})."
        )
    vals = pd.to_numeric(sites[target.measure], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    labels = feature_labels(sites)
    for i in np.flatnonzero(np.isnan(vals)):
        if (target.measure, labels.iloc[i]) not in warned:
            warned.add((target.measure, labels.iloc[i]))
            warnings.append(Problem(
                "value_missing", f"{target.measure} is missing; the site contributes 0 to target "
                f"{target.id!r}. Fill it in if the amount is known.", labels.iloc[i], target.measure, "warning"))
    return vals


def _now(milestones: pd.DataFrame, sites, when: dt.date) -> pd.Series:
    """Status at ``when``: from the dates, or the recorded status for a site without dates."""
    dated = milestones[[MILESTONE_DATE[m] for m in MILESTONES]].notna().any(axis=1)
    at = status_at(milestones, when)
    return at.where(dated, sites[S.STATUS].astype(str)).astype(object)


def account_targets(
    sites: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    targets: Sequence[Target],
    *,
    as_of: dt.date | None = None,
    areas: gpd.GeoDataFrame | None = None,
    area_kind: str | None = None,
    source: str = "sites",
) -> TargetResult:
    """Evaluate ``targets`` against ``sites`` (one row per target, breakdowns, warnings).

    Parameters
    ----------
    sites : GeoDataFrame
        Project sites (schema ``renewal_sites``) in a projected CRS in metres.
    zones : GeoDataFrame
        CBD zones (``id``, ``direction``), same CRS.
    targets : sequence of Target
        From :func:`futiangis.targets.parse_targets`.
    as_of : date, optional
        Evaluation date; each target is evaluated at min(end, as_of).
    areas : GeoDataFrame, optional
        街道 or traffic-zone polygons for ``by_area`` (``area_kind`` names them).

    Returns
    -------
    TargetResult
    """
    require_projected(sites.crs, "accounting site land areas")
    _check_sites(sites, source)
    labels = feature_labels(sites)
    gfa_table, warnings = estimate_gfa(sites)
    milestones = read_milestones(sites, source=source)
    warnings += date_problems(sites, milestones)
    duplicate_of, duplicates, overlaps, overlap_warnings = resolve_overlaps(sites)
    warnings += overlap_warnings
    yearly = yearly_investment(sites, source=source)
    gfa = gfa_table["gfa_m2"].to_numpy()
    budget = (pd.to_numeric(sites[S.INVESTMENT_100M_CNY], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
              if S.INVESTMENT_100M_CNY in sites.columns else np.full(len(sites), np.nan))

    out = sites.copy()
    for c in gfa_table.columns:
        out[c] = gfa_table[c]
    out["supply_type"] = (sites["supply_type"].astype("string").fillna("urban_renewal")
                          if "supply_type" in sites.columns else "urban_renewal")
    for c in MILESTONE_DATE.values():
        out[c] = milestones[c]
    out["duplicate_of"] = duplicate_of
    rows: list = []
    undated_rows: list = []
    warned: set = set()
    headline = next((t for t in targets if t.unit == "m2"), targets[0] if targets else None)
    for t in targets:
        when = evaluation_date(t, as_of)
        for name in t.layers:
            if name not in PROJECT_LAYERS:
                warnings.append(Problem(
                    "layer_not_accounted", f"target {t.id!r} lists layer {name!r}, but futiangis "
                    f"accounts {', '.join(PROJECT_LAYERS)} only; {name!r} adds 0.", None, "layers", "warning"))
        cols = assign_columns(sites, milestones, t, when, duplicate_of=duplicate_of)
        if not any(n in PROJECT_LAYERS for n in t.layers):
            cols[:] = NOT_COUNTED
        if t.measure == S.INVESTMENT_100M_CNY:
            per = invested_in_period(yearly, budget, cols, _now(milestones, sites, when), t, when)
        else:
            vals = np.nan_to_num(_measure(sites, t, gfa, warned, warnings))
            per = pd.DataFrame({c: np.where(cols.to_numpy() == c, vals, 0.0) for c in ACCOUNT_COLUMNS},
                               index=sites.index)
        sums = {c: float(per[c].sum()) for c in ACCOUNT_COLUMNS}
        row = {"id": t.id, "name_zh": t.name_zh, "name_en": t.name_en, "target": t.target, **sums,
               "progress": 100.0 * sums["achieved"] / t.target,
               "shortfall": max(t.target - sums["achieved"], 0.0), "unit": t.unit,
               "start": t.start.isoformat() if t.start else None,
               "end": t.end.isoformat() if t.end else None,
               "evaluated_at": when.isoformat() if when != _NO_END else None,
               "verdict": "met" if sums["achieved"] >= t.target else "not met",
               "verdict_zh": "达标" if sums["achieved"] >= t.target else "未达标",
               "margin": sums["achieved"] - t.target}
        row["verdict_text"] = verdict_text(row)
        rows.append(row)
        out[f"column_{t.id}"] = cols
        for i in np.flatnonzero(per["undated"].to_numpy() > 0):
            undated_rows.append({"target_id": t.id, "site_id": labels.iloc[i],
                                 "status": str(sites[S.STATUS].iloc[i]), "value": float(per["undated"].iloc[i]),
                                 "unit": t.unit})
        if t is headline:
            for c in ACCOUNT_COLUMNS:
                out[f"{c}_m2"] = per[c].to_numpy()
            out["gfa_counted_m2"] = per.sum(axis=1).to_numpy()
            out["gfa_estimated_m2"] = np.where(gfa_table["gfa_estimated"], out["gfa_counted_m2"], 0.0)
            out["column"] = cols
            out["status_at_evaluation"] = _now(milestones, sites, when).where(
                lambda s: s.notna(), NOT_YET)
            delivered = milestones[MILESTONE_DATE[t.counts]]
            out["delivered_year"] = [
                str(d.year) if d is not None and c in ("achieved", "before_period") else
                ("undated" if c == "undated" else "not delivered")
                for d, c in zip(delivered, cols)]
    table = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))

    counted = out[out["duplicate_of"].isna()]
    _, zone_problems = disjoint_zones(zones)
    warnings += zone_problems
    zone_of, splits = assign_to_areas(counted, zones)
    out["zone_id_assigned"] = zone_of.reindex(out.index)
    warnings += _zone_warnings(counted, zone_of, splits)
    zone_table = by_area(counted, zone_of, zones)
    area_table = area_splits = None
    if areas is not None:
        area_of, area_splits = assign_to_areas(counted, areas)
        out["area_id_assigned"] = area_of.reindex(out.index)
        area_table = by_area(counted, area_of, areas)
    status_key = counted["status_at_evaluation"] if "status_at_evaluation" in counted else counted[S.STATUS]
    by_status = by_group(counted, status_key.astype(str), S.STATUS, order=[*S.STATUS_VALUES, NOT_YET])
    by_status.insert(1, "status_zh", [S.STATUS_ZH.get(s, "尚未规划") for s in by_status[S.STATUS]])
    year_key = counted["delivered_year"] if "delivered_year" in counted else pd.Series("", index=counted.index)
    by_year = by_group(counted, year_key, "year")
    by_year = by_year.sort_values("year", key=lambda s: s.map(lambda v: (not str(v).isdigit(), str(v)))) \
        .reset_index(drop=True)
    undated = pd.DataFrame(undated_rows, columns=["target_id", "site_id", "status", "value", "unit"])
    return TargetResult(
        targets=table, sites=out, by_zone=zone_table, by_direction=by_direction(zone_table),
        by_status=by_status, by_year=by_year, splits=splits, duplicates=duplicates,
        overlaps=overlaps, undated=undated, by_area=area_table, area_splits=area_splits,
        area_kind=area_kind, headline=headline.id if headline else None, warnings=tuple(warnings),
        as_of=as_of, deadlines={t.id: t.end for t in targets},
    )


def _zone_warnings(sites: gpd.GeoDataFrame, zone_of: pd.Series, splits: pd.DataFrame) -> list[Problem]:
    warnings = []
    labels = feature_labels(sites)
    out_share = (splits.loc[splits["zone_id"] == UNZONED, "land_share"].groupby(level=0).sum()
                 .reindex(sites.index, fill_value=0.0).to_numpy())
    for pos in range(len(sites)):
        outside = out_share[pos]
        if outside >= 1 - 1e-9:
            warnings.append(Problem(
                "site_outside_zones", "the site lies outside every CBD zone; it still counts toward "
                "the district total under 'unzoned'. Check its location or the zone boundaries.",
                labels.iloc[pos], None, "warning"))
        elif outside > 0:
            warnings.append(Problem(
                "site_partly_outside_zones", f"{outside:.1%} of the site's land lies outside every "
                f"CBD zone; the site belongs to {zone_of.iloc[pos]!r}, where most of its land is.",
                labels.iloc[pos], None, "warning"))
        if S.ZONE_ID in sites.columns:
            recorded, main = sites[S.ZONE_ID].iloc[pos], zone_of.iloc[pos]
            if pd.notna(recorded) and str(recorded) != main and main != UNZONED:
                warnings.append(Problem(
                    "zone_id_mismatch", f"zone_id is {recorded!r} but most of the site's land lies in "
                    f"zone {main!r}; the accounting uses the geometry. Correct zone_id.",
                    labels.iloc[pos], S.ZONE_ID, "warning"))
    return warnings
