"""Per-site accounting: GFA, duplicates and overlaps, the column of each site per target.

Three steps, each a plain function over GeoDataFrames (index kept, inputs never changed):

* :func:`estimate_gfa` — floor area, not footprint: ``gfa_new_m2``, or land × plot ratio
  × industrial share when missing (flagged);
* :func:`resolve_overlaps` — overlaps are data problems: near-duplicates (≥ 95 % mutual
  overlap, or equal names) are counted once; any other overlap leaves both sites counted
  in full and is reported with the shared m². GFA is never prorated by land;
* :func:`assign_columns` — the column of each site for one target at the evaluation
  date: achieved / pipeline / proposed / before_period / undated, or not counted.
"""
from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import schemas as S
from ..crs import require_projected
from ..errors import LayerValidationError, Problem
from ..validate import feature_labels
from .spec import MILESTONE_DATE, MILESTONES, Target
from .timeline import status_at

__all__ = [
    "ACCOUNT_COLUMNS",
    "estimate_gfa",
    "resolve_overlaps",
    "assign_columns",
    "yearly_investment",
    "invested_in_period",
]

#: the columns a site can land in for a target
ACCOUNT_COLUMNS = ("achieved", "pipeline", "proposed", "before_period", "undated")
NOT_COUNTED = "not_counted"   # supply type not counted by the target, or a duplicate
NOT_YET = "not_yet"           # the site does not exist yet at the evaluation date
DUPLICATE_SHARE = 0.95
_OVERLAP_TOLERANCE_M2 = 0.01
_RANK = {m: i for i, m in enumerate(MILESTONES)}
INVESTMENT_BY_YEAR = "investment_by_year"


def estimate_gfa(sites: gpd.GeoDataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Land area and GFA per site: reported ``gfa_new_m2``, else land × plot ratio × share.

    Returns
    -------
    (table, warnings)
        ``table`` (index of ``sites``): ``land_area_m2``, ``gfa_reported_m2``, ``gfa_m2``,
        ``gfa_estimated``. A site that cannot be estimated has ``gfa_m2`` 0 and a warning.
    """
    require_projected(sites.crs, "accounting site land areas")
    labels = feature_labels(sites)
    land = sites.geometry.area.to_numpy(dtype=float)

    def num(col):
        if col not in sites.columns:
            return np.full(len(sites), np.nan)
        return pd.to_numeric(sites[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    reported, ratio, share = num(S.GFA_NEW_M2), num(S.PLOT_RATIO), num(S.INDUSTRIAL_SHARE)
    estimated = np.isnan(reported)
    estimate = land * ratio * share
    warnings = []
    for i in np.flatnonzero(estimated & np.isnan(estimate)):
        lacking = [c for c, v in ((S.PLOT_RATIO, ratio[i]), (S.INDUSTRIAL_SHARE, share[i])) if np.isnan(v)]
        warnings.append(Problem(
            "gfa_not_estimable",
            f"gfa_new_m2 is missing and cannot be estimated (no {' or '.join(lacking)}); the "
            "site contributes 0 m². Fill in gfa_new_m2, or plot_ratio and industrial_share.",
            labels.iloc[i], S.GFA_NEW_M2, "warning"))
    gfa = np.where(estimated, estimate, reported)
    table = pd.DataFrame({
        "land_area_m2": land,
        "gfa_reported_m2": reported,
        "gfa_m2": np.where(np.isnan(gfa), 0.0, gfa),
        "gfa_estimated": estimated & ~np.isnan(estimate),
    }, index=sites.index)
    return table, warnings


def _priority(sites: gpd.GeoDataFrame, labels: pd.Series) -> np.ndarray:
    """Which of two duplicates is kept: further along, then more dates given, then smaller id."""
    rank = np.array([-_RANK.get(str(s), -1) for s in sites[S.STATUS]])
    n_dates = np.zeros(len(sites))
    for col in MILESTONE_DATE.values():
        if col in sites.columns:
            n_dates += sites[col].notna().to_numpy()
    order = sorted(range(len(sites)), key=lambda i: (rank[i], -n_dates[i], labels.iloc[i]))
    out = np.empty(len(sites), dtype=int)
    out[order] = np.arange(len(sites))
    return out


def resolve_overlaps(
    sites: gpd.GeoDataFrame, *, duplicate_share: float = DUPLICATE_SHARE
) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Find duplicate records and overlapping projects.

    Two sites are **near-duplicates** when their shared land is ≥ ``duplicate_share`` of
    *each* site's land, or when their ``name_zh`` are equal (after trimming spaces). The
    one further along (then with more dates, then the smaller id) is kept; the other is
    counted nowhere (``duplicate_of`` names the kept site). Any **other overlap** leaves
    both sites counted in full — GFA is floor space on a permit, not a density over land —
    and a warning names the pair and the shared m².

    Returns
    -------
    (duplicate_of, duplicates, overlaps, warnings)
        ``duplicate_of``: Series (index of ``sites``) with the kept site's id or None;
        ``duplicates``: ``site_id, duplicate_of, reason, overlap_area_m2``;
        ``overlaps``: ``site_a, site_b, overlap_area_m2, share_a, share_b``.
    """
    require_projected(sites.crs, "site overlaps")
    labels = feature_labels(sites)
    geoms = sites.geometry.to_numpy()
    land = shapely.area(geoms)
    prio = _priority(sites, labels)
    names = (sites[S.NAME_ZH].astype("string").str.strip().to_numpy(dtype=object, na_value=None)
             if S.NAME_ZH in sites.columns else np.full(len(sites), None, dtype=object))
    candidates: dict[tuple[int, int], float] = {}
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    for a, b in zip(left, right):
        if a < b:
            candidates[(a, b)] = float(shapely.intersection(geoms[a], geoms[b]).area)
    by_name: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if name:
            by_name.setdefault(name, []).append(i)
    for group in by_name.values():
        for j, a in enumerate(group):
            for b in group[j + 1:]:
                candidates.setdefault((min(a, b), max(a, b)), 0.0)
    parent = list(range(len(sites)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    dup_rows, overlap_rows, warnings = [], [], []
    for (a, b), area in sorted(candidates.items(), key=lambda kv: (min(prio[kv[0][0]], prio[kv[0][1]]),
                                                                   max(prio[kv[0][0]], prio[kv[0][1]]))):
        share_a = area / land[a] if land[a] > 0 else 0.0
        share_b = area / land[b] if land[b] > 0 else 0.0
        same_name = names[a] is not None and names[a] == names[b]
        mutual = min(share_a, share_b) >= duplicate_share
        if same_name or mutual:
            keep, lose = (a, b) if prio[a] < prio[b] else (b, a)
            keep, lose = root(keep), root(lose)
            if keep == lose:
                continue
            if prio[lose] < prio[keep]:
                keep, lose = lose, keep
            parent[lose] = keep
            reason = (f"equal names and {min(share_a, share_b):.0%} mutual overlap" if same_name and mutual
                      else "equal names" if same_name else f"{min(share_a, share_b):.1%} mutual overlap")
            dup_rows.append({"site_id": labels.iloc[lose], "duplicate_of": labels.iloc[keep],
                             "reason": reason, "overlap_area_m2": area})
            warnings.append(Problem(
                "duplicate_site",
                f"is a duplicate of site {labels.iloc[keep]} ({reason}); counted once, as "
                f"{labels.iloc[keep]}. Remove the duplicate record, or give it its own outline "
                "and name if it is a separate project.",
                labels.iloc[lose], None, "warning"))
        elif area > _OVERLAP_TOLERANCE_M2:
            overlap_rows.append({"site_a": labels.iloc[a], "site_b": labels.iloc[b],
                                 "overlap_area_m2": area, "share_a": share_a, "share_b": share_b})
            warnings.append(Problem(
                "sites_overlap",
                f"overlaps site {labels.iloc[b]} on {area:,.0f} m² ({share_a:.0%} of this site, "
                f"{share_b:.0%} of the other); both count in full (GFA is not prorated by land). "
                "If it is a digitizing error, correct the outlines; if the same project, remove one.",
                labels.iloc[a], None, "warning"))
    duplicate_of = pd.Series(
        [labels.iloc[root(i)] if root(i) != i else None for i in range(len(sites))],
        index=sites.index, dtype=object, name="duplicate_of")
    duplicates = pd.DataFrame(dup_rows, columns=["site_id", "duplicate_of", "reason", "overlap_area_m2"])
    overlaps = pd.DataFrame(overlap_rows, columns=["site_a", "site_b", "overlap_area_m2", "share_a", "share_b"])
    return duplicate_of, duplicates, overlaps, warnings


def assign_columns(
    sites: gpd.GeoDataFrame,
    milestones: pd.DataFrame,
    target: Target,
    when: dt.date,
    *,
    duplicate_of: pd.Series | None = None,
) -> pd.Series:
    """The column of each site for ``target`` evaluated at ``when`` (E = min(end, as-of)).

    * ``achieved``: the counted milestone (``target.counts``) is dated in [start, E];
    * ``before_period``: it is dated before ``start`` (reported, not counted);
    * ``pipeline``: approved or under construction at E and not yet delivered;
    * ``proposed``: planned at E;
    * ``undated``: delivered by its recorded status but the milestone has no date (never
      counted as achieved; listed);
    * ``not_yet``: the site does not exist yet at E (every date later than E);
    * ``not_counted``: its supply type is not the target's, or it duplicates another site.

    A site with no dates at all keeps its recorded status (approved or under construction
    → pipeline; planned → proposed; delivered → undated).
    """
    counted_rank = _RANK[target.counts]
    at = status_at(milestones, when)
    delivered_on = milestones[MILESTONE_DATE[target.counts]]
    date_cols = [MILESTONE_DATE[m] for m in MILESTONES]
    any_date = milestones[date_cols].notna().any(axis=1).to_numpy()
    supply = _supply_types(sites)
    statuses = sites[S.STATUS].astype(str).to_numpy()
    dups = duplicate_of.to_numpy(dtype=object) if duplicate_of is not None else [None] * len(sites)
    delivered_on = delivered_on.to_numpy(dtype=object)
    at = at.to_numpy(dtype=object)
    out = []
    for i in range(len(sites)):
        status = statuses[i]
        if dups[i] is not None or supply[i] not in target.supply_types:
            out.append(NOT_COUNTED)
            continue
        d = delivered_on[i]
        if d is not None and d <= when:
            out.append("before_period" if target.start is not None and d < target.start else "achieved")
            continue
        if d is None and _RANK.get(status, -1) >= counted_rank:
            out.append("undated")  # delivered by its status, but when is not known
            continue
        now = at[i] if any_date[i] else status
        if now is None:
            out.append(NOT_YET)
        elif now == "planned":
            out.append("proposed")
        else:
            out.append("pipeline")
    return pd.Series(out, index=sites.index, dtype=object, name=target.id)


def _supply_types(sites: gpd.GeoDataFrame) -> np.ndarray:
    if "supply_type" not in sites.columns:
        return np.full(len(sites), "urban_renewal", dtype=object)
    return sites["supply_type"].astype("string").fillna("urban_renewal").to_numpy(dtype=object)


def yearly_investment(sites: gpd.GeoDataFrame, *, source: str = "sites") -> list[dict[int, float] | None]:
    """Per-site ``{year: 亿元}`` from ``investment_by_year`` or ``investment_<YYYY>_100m_cny`` columns.

    ``investment_by_year`` is JSON (``{"2014": 3.2, "2015": 4.1}``) or ``2014=3.2; 2015=4.1``.
    None for a site with neither (its total budget cannot be placed in time).

    Raises
    ------
    LayerValidationError
        Naming the site whose table cannot be read or holds a negative amount.
    """
    labels = feature_labels(sites)
    year_cols = {}
    for c in sites.columns:
        parts = str(c).split("_")
        if len(parts) == 4 and parts[0] == "investment" and parts[1].isdigit() and "_".join(parts[2:]) == "100m_cny":
            year_cols[int(parts[1])] = c
    problems: list = []
    out: list = []
    texts = (sites[INVESTMENT_BY_YEAR].to_numpy(dtype=object) if INVESTMENT_BY_YEAR in sites.columns
             else [None] * len(sites))
    per_year = {y: pd.to_numeric(sites[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                for y, c in year_cols.items()}
    for i in range(len(sites)):
        table: dict[int, float] = {}
        raw = texts[i]
        if not isinstance(raw, dict) and (raw is None or pd.isna(raw)):
            raw = None
        if raw is not None and str(raw).strip() not in ("", "{}"):
            try:
                if isinstance(raw, dict):
                    pairs = list(raw.items())
                else:
                    text = str(raw).strip()
                    if text.startswith("{"):  # JSON; a driver may hand back a Python repr
                        try:
                            pairs = list(json.loads(text).items())
                        except ValueError:
                            pairs = list(json.loads(text.replace("'", '"')).items())
                    else:
                        pairs = [p.split("=") for p in text.replace(",", ";").split(";")  # type: ignore[misc]
                                 if p.strip()]
                for y, v in pairs:
                    table[int(str(y).strip())] = float(v)
            except (ValueError, TypeError, AttributeError):
                problems.append(Problem(
                    "wrong_type", f"investment_by_year {str(raw)[:60]!r} is not a year table; write "
                    "{\"2014\": 3.2, \"2015\": 4.1} or 2014=3.2; 2015=4.1 (亿元 per year).",
                    labels.iloc[i], INVESTMENT_BY_YEAR))
                out.append(None)
                continue
        for y, values in per_year.items():
            if not np.isnan(values[i]):
                table[y] = table.get(y, 0.0) + float(values[i])
        if any(v < 0 or not np.isfinite(v) for v in table.values()):
            problems.append(Problem("negative_value", "a yearly investment is negative or not finite.",
                                    labels.iloc[i], INVESTMENT_BY_YEAR))
        out.append(table or None)
    if problems:
        raise LayerValidationError(source, problems)
    return out


def invested_in_period(
    yearly: list[dict[int, float] | None],
    budget: np.ndarray,
    columns: pd.Series,
    status_now: pd.Series,
    target: Target,
    when: dt.date,
) -> pd.DataFrame:
    """Investment per site and column for an investment target.

    Rule: a yearly amount is dated 31 December of its year (the same reading as a year
    given for a milestone). **achieved** = amounts dated in [start, E]; **before_period**
    = amounts dated before start; **pipeline** / **proposed** = the budget not yet
    invested by E of sites that are pipeline / proposed at E; **undated** = the budget of
    a site that has started (or is delivered) by E but has no yearly breakdown — a total
    budget is not a year's investment. A site not counted adds nothing.

    Parameters
    ----------
    yearly : list
        From :func:`yearly_investment`.
    budget : array
        Each site's total ``investment_100m_cny`` (NaN = unknown, counts 0).
    columns : Series
        From :func:`assign_columns` for this target.
    status_now : Series
        Status of each site at E (dates, else the recorded status).
    """
    rows = []
    now = status_now.to_numpy(dtype=object)
    for i, col in enumerate(columns.to_numpy(dtype=object)):
        row = dict.fromkeys(ACCOUNT_COLUMNS, 0.0)
        total = 0.0 if np.isnan(budget[i]) else float(budget[i])
        table = yearly[i]
        if col in (NOT_COUNTED, NOT_YET):
            pass
        elif table is None:
            started = now[i] in ("under_construction", "completed")
            if started or col not in ("pipeline", "proposed"):
                row["undated"] = total
            else:
                row[col] = total
        else:
            spent = 0.0
            for year, amount in table.items():
                on = dt.date(year, 12, 31)
                if on > when:
                    continue
                spent += amount
                if target.start is not None and on < target.start:
                    row["before_period"] += amount
                else:
                    row["achieved"] += amount
            if col in ("pipeline", "proposed"):
                row[col] = max(total - spent, 0.0)
        rows.append(row)
    return pd.DataFrame(rows, index=columns.index, columns=list(ACCOUNT_COLUMNS))
