"""Targets as data, and the accounting of renewal sites against them.

The plan's headline 「拓展产业空间突破100万平方米（其中城市更新拓展60万平方米），城市更新投资
突破100亿元」 lives in ``futiangis.toml`` as ``[[targets]]`` tables (id, name_zh, name_en,
target, unit, measure, layers, deadline); :func:`parse_targets` reads them and
:func:`run_target_accounting` evaluates every target against the sites.

Accounting rules (stated in :data:`ACCOUNTING_RULES`, the docs and every report):

1. **GFA, not footprint.** A site contributes its new industrial floor area
   ``gfa_new_m2``. Where that is missing it is **estimated** as land area (measured from
   the geometry in the working CRS, EPSG:4547) × ``plot_ratio`` × ``industrial_share``
   and flagged ``gfa_estimated``; if plot ratio or share is missing too, the site cannot
   be estimated, contributes 0 and a warning names it.
2. **Status decides the column:** completed → achieved; under construction / approved →
   pipeline; planned → proposed.
3. **As of a date:** a site's ``year`` is the year it reached its recorded status, taken
   as 31 December of that year (conservative). Evaluated at ``as_of`` earlier than that,
   the site moves back one column: achieved → pipeline, pipeline → proposed (proposed
   stays). A site without a year keeps its recorded status. Statuses are never moved
   forward (no forecasting).
4. **Overlaps are counted once.** Overlapping sites are detected and reported (pair and
   overlap m²). Shared land belongs to one site only: the one counted furthest along at
   ``as_of`` (achieved before pipeline before proposed), then the more advanced recorded
   status, then the earlier year, then the smaller id. Every other site's GFA is reduced
   in proportion to the land it keeps: ``gfa_counted = gfa × counted_land / land``.
   Investment is a per-project amount and is not reduced (a warning flags pairs that
   overlap almost completely, which are likely the same project entered twice).
5. **Zones.** A site straddling a zone border has its counted GFA split by the share of
   its counted land in each zone (its investment by the share of its whole land), and the
   split is reported. Land outside every zone is counted under ``unzoned`` and a warning
   names the site.
6. **Which sites count.** Every feature of ``renewal_sites`` is an urban-renewal
   (城市更新) site. A target counts the project layers named in its ``layers``; today the
   only project layer futiangis holds is ``renewal_sites``, so the total-industrial-space
   target equals the urban-renewal one until other project layers are added.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import schemas as S
from .settings.targets import Target
from .crs import require_projected, require_same_crs
from .errors import ConfigError, CRSError, LayerValidationError, Problem
from .join import UNZONED, apportion_to_zones, disjoint_zones
from .validate import feature_labels

__all__ = [
    "ACCOUNTING_RULES",
    "COLUMNS",
    "TARGET_COLUMNS",
    "UNIT_LABELS",
    "Target",
    "TargetResult",
    "parse_targets",
    "parse_as_of",
    "column_for_status",
    "account_sites",
    "evaluate_targets",
]

ACCOUNTING_RULES = (
    "GFA, not footprint: each site contributes its new industrial floor area gfa_new_m2 "
    "(计容建筑面积, not land area).",
    "Missing gfa_new_m2 is estimated as land area (measured in EPSG:4547) × plot_ratio × "
    "industrial_share and flagged gfa_estimated; a site without plot_ratio or "
    "industrial_share cannot be estimated, contributes 0 and is named in a warning.",
    "Status decides the column: completed (建成) = achieved; under_construction (在建) and "
    "approved (已批) = pipeline; planned (规划) = proposed.",
    "As of a date: a site's year is when it reached its recorded status, taken as 31 "
    "December of that year; evaluated before then it moves back one column (achieved → "
    "pipeline, pipeline → proposed). Sites without a year keep their status; nothing moves "
    "forward.",
    "Overlapping sites are reported and counted once: shared land belongs to the site "
    "furthest along (then more advanced status, earlier year, smaller id); the other site's "
    "GFA is reduced in proportion to the land it keeps. Investment is per project and not "
    "reduced.",
    "A site straddling a zone border has its GFA split by the share of its land in each "
    "zone (reported in the splits table); land outside every zone counts under 'unzoned'.",
    "All renewal_sites are urban-renewal (城市更新) sites. A target counts the project "
    "layers in its `layers`; with only renewal_sites available, the total new industrial "
    "space equals the urban-renewal part.",
)

#: accounting columns, in order, and the statuses that feed each (as recorded)
COLUMNS = ("achieved", "pipeline", "proposed")
_COLUMN_OF_STATUS = {
    "completed": "achieved",
    "under_construction": "pipeline",
    "approved": "pipeline",
    "planned": "proposed",
}
_STATUS_RANK = {"completed": 0, "under_construction": 1, "approved": 2, "planned": 3}
TARGET_COLUMNS = (
    "id", "name_zh", "name_en", "target", "achieved", "pipeline", "proposed",
    "progress", "shortfall", "unit",
)
#: unit code -> (base label, planners' label, base units per planners' unit)
UNIT_LABELS: Mapping[str, tuple[str, str, float]] = {
    "m2": ("m²", "万㎡", 1e4),
    "100m_cny": ("亿元", "亿元", 1.0),
}
_PROJECT_LAYERS = ("renewal_sites",)
# overlaps below this (m²) are digitizing noise, not overlaps
_OVERLAP_TOLERANCE_M2 = 0.01
_DUPLICATE_SHARE = 0.95

# output columns of the sites table
LAND_AREA_M2 = "land_area_m2"
COUNTED_LAND_M2 = "counted_land_m2"
GFA_REPORTED_M2 = "gfa_reported_m2"
GFA_M2 = "gfa_m2"
GFA_ESTIMATED = "gfa_estimated"
GFA_COUNTED_M2 = "gfa_counted_m2"
OVERLAP_DEDUCTION_M2 = "overlap_deduction_m2"
COLUMN = "column"
MOVED_BACK = "moved_back"


# ---------------------------------------------------------------------------------------
# targets as data
# ---------------------------------------------------------------------------------------
def parse_targets(items, *, where: str = "config") -> tuple[Target, ...]:
    """Check ``[[targets]]`` tables (a list of mappings) and return them as :class:`Target`.

    The settings loader does this once at load (:func:`futiangis.config.load_config`);
    this is for targets built in code.

    Raises
    ------
    ConfigError
        Listing every problem, each naming the target and key.
    """
    from .settings.reader import Problems
    from .settings.targets import parse_targets as _parse

    problems = Problems(where)
    out = _parse(list(items), problems)
    if problems:
        raise ConfigError(f"{where}: " + "; ".join(problems.messages))
    return out


def parse_as_of(value: Any) -> dt.date | None:
    """Turn ``None``, a date, ``"YYYY-MM-DD"`` or ``"YYYY"`` (= 31 December) into a date.

    Raises
    ------
    ConfigError
        If the value is not a date in one of those forms.
    """
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    text = str(value).strip()
    try:
        if len(text) == 4 and text.isdigit():
            return dt.date(int(text), 12, 31)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"as-of date {value!r} is not a date; write YYYY-MM-DD (e.g. 2015-12-31) or a year."
        ) from None


def column_for_status(status: str, year: float | None, as_of: dt.date | None) -> tuple[str, bool]:
    """Accounting column of a site with ``status`` reached in ``year``, evaluated at ``as_of``.

    Returns ``(column, moved_back)``.

    Examples
    --------
    >>> import datetime as dt
    >>> column_for_status("completed", 2014, None)
    ('achieved', False)
    >>> column_for_status("completed", 2014, dt.date(2013, 12, 31))
    ('pipeline', True)
    >>> column_for_status("approved", 2014, dt.date(2014, 6, 30))
    ('proposed', True)
    >>> column_for_status("completed", 2014, dt.date(2014, 12, 31))
    ('achieved', False)
    """
    column = _COLUMN_OF_STATUS[status]
    if as_of is None or year is None or pd.isna(year):
        return column, False
    if as_of < dt.date(int(year), 12, 31) and column != "proposed":
        return COLUMNS[COLUMNS.index(column) + 1], True
    return column, False


# ---------------------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------------------
@dataclass
class TargetResult:
    """Everything :func:`run_target_accounting` works out.

    Attributes
    ----------
    targets : DataFrame
        One row per target: ``id, name_zh, name_en, target, achieved, pipeline, proposed,
        progress, shortfall, unit``. ``progress`` is 100 × achieved / target (percent);
        ``shortfall`` is max(target − achieved, 0); values are in ``unit`` (m² or 亿元).
    by_zone, by_direction, by_status, by_year : DataFrame
        Breakdowns of the counted GFA (m²) and investment (亿元).
    sites : GeoDataFrame
        The sites with ``land_area_m2``, ``counted_land_m2``, ``gfa_reported_m2``,
        ``gfa_m2``, ``gfa_estimated``, ``overlap_deduction_m2``, ``gfa_counted_m2``,
        ``column``, ``moved_back``, ``achieved_m2``, ``pipeline_m2``, ``proposed_m2``.
    splits : DataFrame
        Site × zone pieces with land and the GFA / investment apportioned to each.
    overlaps : DataFrame
        Overlapping site pairs: ``site_a, site_b, overlap_area_m2, kept_by``.
    warnings : list of Problem
        Everything the accounting had to flag, each naming the site.
    as_of : date or None
        Evaluation date (None = status as recorded).
    illustrative : bool
        True if the sites or zones are illustrative, not official, data.
    deadlines : dict
        Target id -> deadline (date or None).
    sources : dict
        ``sites`` / ``zones`` -> short provenance description.
    """

    targets: pd.DataFrame
    by_zone: pd.DataFrame
    by_direction: pd.DataFrame
    by_status: pd.DataFrame
    by_year: pd.DataFrame
    sites: gpd.GeoDataFrame
    splits: pd.DataFrame
    overlaps: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)
    as_of: dt.date | None = None
    illustrative: bool = False
    deadlines: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain-data (JSON-ready) view: ``targets`` list plus breakdowns and warnings."""
        def records(df: pd.DataFrame) -> list[dict]:
            clean = df.astype(object).where(pd.notna(df), None)
            return [{k: _plain(v) for k, v in row.items()} for row in clean.to_dict("records")]

        targets = records(self.targets)
        for row in targets:
            deadline = self.deadlines.get(row["id"])
            row["deadline"] = deadline.isoformat() if deadline else None
            row["progress_unit"] = "percent"
        sites = pd.DataFrame(self.sites.drop(columns=self.sites.geometry.name))
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "illustrative": self.illustrative,
            "sources": self.sources,
            "accounting_rules": list(ACCOUNTING_RULES),
            "targets": targets,
            "by_zone": records(self.by_zone),
            "by_direction": records(self.by_direction),
            "by_status": records(self.by_status),
            "by_year": records(self.by_year),
            "overlaps": records(self.overlaps),
            "splits": records(self.splits),
            "sites": records(sites),
            "warnings": [
                {"code": p.code, "feature_id": p.feature_id, "field": p.field,
                 "severity": p.severity, "message": p.message}
                for p in self.warnings
            ],
        }


def _plain(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------------------
# per-site accounting
# ---------------------------------------------------------------------------------------
def _check_sites(sites: gpd.GeoDataFrame, source: str) -> None:
    """Guard the accounting against sites that did not come through the validating door."""
    problems: list[Problem] = []
    if not sites.index.is_unique:
        problems.append(Problem(
            "duplicate_index", "the sites' index has duplicate labels, so results could not keep "
            "it; call sites.reset_index(drop=True) first."))
    labels = feature_labels(sites)
    for col in (S.ID, S.STATUS, S.GFA_NEW_M2, S.PLOT_RATIO):
        if col not in sites.columns:
            problems.append(Problem(
                "missing_field", f"required field is missing; add a column named '{col}'.", field=col
            ))
    if problems:
        raise LayerValidationError(source, problems)
    for i, status in enumerate(sites[S.STATUS].to_numpy()):
        if pd.isna(status) or status not in _COLUMN_OF_STATUS:
            problems.append(Problem(
                "unknown_value",
                f"status {status!r} is not one of {', '.join(S.STATUS_VALUES)}; correct it.",
                labels.iloc[i], S.STATUS,
            ))
    for col in (S.GFA_NEW_M2, S.PLOT_RATIO, S.INDUSTRIAL_SHARE, S.INVESTMENT_100M_CNY):
        if col not in sites.columns:
            continue
        vals = pd.to_numeric(sites[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        for i in np.flatnonzero(vals < 0):
            problems.append(Problem(
                "negative_value", f"value {vals[i]:g} is negative; {col} must be ≥ 0.",
                labels.iloc[i], col,
            ))
    if problems:
        raise LayerValidationError(source, problems)


def account_sites(
    sites: gpd.GeoDataFrame, *, as_of: dt.date | None = None
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, list[Problem]]:
    """Per-site land, GFA (reported or estimated), column at ``as_of`` and overlap deduction.

    Parameters
    ----------
    sites : GeoDataFrame
        Renewal sites in a projected CRS in metres (see :mod:`futiangis.schemas`).
    as_of : date, optional
        Evaluation date (see :func:`column_for_status`).

    Returns
    -------
    (sites, overlaps, warnings)
        ``sites`` is a new GeoDataFrame indexed like the input with the accounting columns
        added; ``counted_geometry`` holds the land each site keeps after overlaps.
        ``overlaps`` lists the overlapping pairs.
    """
    require_projected(sites.crs, "accounting site land areas")
    warnings: list[Problem] = []
    out = sites.copy()
    labels = feature_labels(out)
    land = out.geometry.area.to_numpy(dtype=float)
    out[LAND_AREA_M2] = land
    reported = pd.to_numeric(out[S.GFA_NEW_M2], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ratio = pd.to_numeric(out[S.PLOT_RATIO], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if S.INDUSTRIAL_SHARE in out.columns:
        share = pd.to_numeric(out[S.INDUSTRIAL_SHARE], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    else:
        share = np.full(len(out), np.nan)
    estimated = np.isnan(reported)
    estimate = land * ratio * share
    gfa = np.where(estimated, estimate, reported)
    for i in np.flatnonzero(estimated):
        if np.isnan(estimate[i]):
            lacking = [c for c, v in ((S.PLOT_RATIO, ratio[i]), (S.INDUSTRIAL_SHARE, share[i])) if np.isnan(v)]
            warnings.append(Problem(
                "gfa_not_estimable",
                f"gfa_new_m2 is missing and cannot be estimated (no {' or '.join(lacking)}); the "
                "site contributes 0 m². Fill in gfa_new_m2, or plot_ratio and industrial_share.",
                labels.iloc[i], S.GFA_NEW_M2, "warning",
            ))
    gfa = np.where(np.isnan(gfa), 0.0, gfa)
    out[GFA_REPORTED_M2] = reported
    out[GFA_ESTIMATED] = estimated & ~np.isnan(estimate)
    out[GFA_M2] = gfa

    years = pd.to_numeric(out[S.YEAR], errors="coerce") if S.YEAR in out.columns else pd.Series(np.nan, index=out.index)
    cols, moved = [], []
    for status, year in zip(out[S.STATUS].to_numpy(), years.to_numpy(dtype=float, na_value=np.nan)):
        c, m = column_for_status(str(status), None if np.isnan(year) else year, as_of)
        cols.append(c)
        moved.append(m)
    out[COLUMN] = cols
    out[MOVED_BACK] = moved

    # overlaps: priority order decides who keeps shared land
    order = sorted(
        range(len(out)),
        key=lambda i: (
            COLUMNS.index(cols[i]),
            _STATUS_RANK[str(out[S.STATUS].iloc[i])],
            np.inf if np.isnan(years.iloc[i]) else years.iloc[i],
            labels.iloc[i],
        ),
    )
    rank = np.empty(len(out), dtype=int)
    rank[order] = np.arange(len(out))
    geoms = out.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    pairs = []
    counted = list(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    higher: dict[int, list[int]] = {}
    for a, b in zip(left, right):
        if a >= b:
            continue
        area = float(shapely.intersection(geoms[a], geoms[b]).area)
        if area <= _OVERLAP_TOLERANCE_M2:
            continue
        keeper, loser = (a, b) if rank[a] < rank[b] else (b, a)
        higher.setdefault(loser, []).append(keeper)
        pairs.append({
            "site_a": labels.iloc[a], "site_b": labels.iloc[b], "overlap_area_m2": area,
            "kept_by": labels.iloc[keeper],
        })
        if area >= _DUPLICATE_SHARE * min(land[a], land[b]):
            warnings.append(Problem(
                "possible_duplicate",
                f"overlaps site {labels.iloc[b]} on {area:,.0f} m² (≥ {_DUPLICATE_SHARE:.0%} of the "
                "smaller site): probably the same project entered twice. Its GFA is counted once, "
                "but investment is counted for both; remove the duplicate if it is one.",
                labels.iloc[a], None, "warning",
            ))
    for loser, keepers in higher.items():
        counted[loser] = shapely.difference(geoms[loser], shapely.union_all([geoms[k] for k in keepers]))
    counted_land = np.array([0.0 if g is None else g.area for g in counted])
    factor = np.divide(counted_land, land, out=np.zeros_like(land), where=land > 0)
    factor = np.clip(factor, 0.0, 1.0)
    gfa_counted = gfa * factor
    out[COUNTED_LAND_M2] = counted_land
    out[OVERLAP_DEDUCTION_M2] = gfa - gfa_counted
    out[GFA_COUNTED_M2] = gfa_counted
    for c in COLUMNS:
        out[f"{c}_m2"] = np.where(np.array(cols) == c, gfa_counted, 0.0)
    out["counted_geometry"] = gpd.GeoSeries(counted, index=out.index, crs=out.crs)
    overlaps = pd.DataFrame(pairs, columns=["site_a", "site_b", "overlap_area_m2", "kept_by"])
    return out, overlaps, warnings


# ---------------------------------------------------------------------------------------
# the whole run
# ---------------------------------------------------------------------------------------
def _source(gdf: gpd.GeoDataFrame, default: str) -> str:
    prov = gdf.attrs.get("provenance") or {}
    if prov:
        title = prov.get("title_en") or prov.get("kind", default)
        return f"{prov.get('path', default)} — {title}; accuracy: {prov.get('accuracy_class', '?')}"
    return gdf.attrs.get("source", default)


def _measure_values(sites: gpd.GeoDataFrame, target: Target, warned: set, warnings: list) -> np.ndarray:
    """Per-site value of a target's measure (accounted GFA for gfa_new_m2)."""
    if target.measure == S.GFA_NEW_M2:
        return sites[GFA_COUNTED_M2].to_numpy(dtype=float)
    if target.measure not in sites.columns:
        raise ConfigError(
            f"target {target.id!r}: measure {target.measure!r} is not a column of the sites "
            f"(have: {', '.join(c for c in sites.columns if c != sites.geometry.name)})."
        )
    vals = pd.to_numeric(sites[target.measure], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    labels = feature_labels(sites)
    for i in np.flatnonzero(np.isnan(vals)):
        key = (target.measure, labels.iloc[i])
        if key not in warned:
            warned.add(key)
            warnings.append(Problem(
                "value_missing",
                f"{target.measure} is missing; the site contributes 0 to target {target.id!r}. "
                "Fill it in if the amount is known.",
                labels.iloc[i], target.measure, "warning",
            ))
    return np.where(np.isnan(vals), 0.0, vals)


def _target_table(sites, targets, warnings) -> pd.DataFrame:
    rows = []
    warned: set = set()
    for t in targets:
        counted = [name for name in t.layers if name in _PROJECT_LAYERS]
        for name in t.layers:
            if name not in _PROJECT_LAYERS:
                warnings.append(Problem(
                    "layer_not_accounted",
                    f"target {t.id!r} lists layer {name!r}, but futiangis can only account "
                    f"{', '.join(_PROJECT_LAYERS)} today; {name!r} adds 0.",
                    None, "layers", "warning",
                ))
        values = _measure_values(sites, t, warned, warnings) if counted else np.zeros(len(sites))
        sums = {c: float(values[(sites[COLUMN] == c).to_numpy()].sum()) for c in COLUMNS}
        rows.append({
            "id": t.id, "name_zh": t.name_zh, "name_en": t.name_en, "target": t.target,
            **sums,
            "progress": 100.0 * sums["achieved"] / t.target,
            "shortfall": max(t.target - sums["achieved"], 0.0),
            "unit": t.unit,
        })
    return pd.DataFrame(rows, columns=list(TARGET_COLUMNS))


def _splits(sites: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    gfa_cols = [GFA_COUNTED_M2] + [f"{c}_m2" for c in COLUMNS]
    inv = S.INVESTMENT_100M_CNY if S.INVESTMENT_100M_CNY in sites.columns else None
    whole_cols = [inv] if inv else []
    whole_sites = sites[[S.ID, *whole_cols, sites.geometry.name]]
    whole = apportion_to_zones(whole_sites, zones, value_cols=whole_cols)
    whole = whole.rename(columns={"share": "land_share"})
    counted_sites = gpd.GeoDataFrame(
        sites[[S.ID, *gfa_cols]], geometry=sites["counted_geometry"], crs=sites.crs
    )
    has_land = sites[COUNTED_LAND_M2].to_numpy() > 0
    counted = apportion_to_zones(counted_sites[has_land], zones, value_cols=gfa_cols)
    counted = counted.rename(columns={"land_m2": "counted_land_m2", "share": "counted_share"})
    whole["_idx"] = whole.index
    counted["_idx"] = counted.index
    merged = whole.merge(counted, on=["_idx", "site_id", "zone_id"], how="outer")
    for c in ["counted_land_m2", "counted_share", *gfa_cols]:
        merged[c] = merged[c].fillna(0.0)
    merged = merged.set_index("_idx")
    merged.index.name = sites.index.name
    cols = ["site_id", "zone_id", "land_m2", "land_share", "counted_land_m2", "counted_share",
            *gfa_cols, *whole_cols]
    return merged[cols].sort_index(kind="stable")


def _zone_attrs(zones: gpd.GeoDataFrame) -> pd.DataFrame:
    z = pd.DataFrame({"zone_id": zones[S.ID].astype(str).to_numpy()})
    for col in (S.NAME_ZH, S.NAME_EN, S.DIRECTION):
        z[col] = zones[col].astype(str).to_numpy() if col in zones.columns else ""
    z[S.DIRECTION_ZH_COL] = [S.DIRECTION_ZH.get(d, d) for d in z[S.DIRECTION]]
    return z


def _sum_cols(splits: pd.DataFrame) -> list[str]:
    return [c for c in splits.columns if c.endswith("_m2") or c == S.INVESTMENT_100M_CNY]


def _by_zone(splits: pd.DataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    attrs = _zone_attrs(zones)
    unz = pd.DataFrame([{"zone_id": UNZONED, S.NAME_ZH: "区外/未分区", S.NAME_EN: "outside every zone",
                         S.DIRECTION: UNZONED, S.DIRECTION_ZH_COL: "未分区"}])
    attrs = pd.concat([attrs, unz], ignore_index=True)
    value_cols = _sum_cols(splits)
    sums = splits.groupby("zone_id")[value_cols].sum()
    n = splits[splits["land_m2"] > 0].groupby("zone_id")["site_id"].nunique().rename("n_sites")
    out = attrs.merge(sums, left_on="zone_id", right_index=True, how="left")
    out = out.merge(n, left_on="zone_id", right_index=True, how="left")
    out[value_cols] = out[value_cols].fillna(0.0)
    out["n_sites"] = out["n_sites"].fillna(0).astype(int)
    if not (out["zone_id"] == UNZONED).any() or out.loc[out["zone_id"] == UNZONED, "land_m2"].sum() == 0:
        out = out[out["zone_id"] != UNZONED]
    front = ["zone_id", S.NAME_ZH, S.NAME_EN, S.DIRECTION, S.DIRECTION_ZH_COL, "n_sites"]
    return out[front + value_cols].reset_index(drop=True)


def _by_direction(by_zone: pd.DataFrame) -> pd.DataFrame:
    value_cols = [c for c in by_zone.columns if c.endswith("_m2") or c == S.INVESTMENT_100M_CNY]
    g = by_zone.groupby(S.DIRECTION, sort=False)
    out = g[["n_sites"] + value_cols].sum()
    out.insert(0, "zones", g["zone_id"].agg(lambda s: ", ".join(s)))
    order = [d for d in (*S.DIRECTION_VALUES, UNZONED) if d in out.index]
    out = out.loc[order + [d for d in out.index if d not in order]].reset_index()
    out.insert(1, S.DIRECTION_ZH_COL, [S.DIRECTION_ZH.get(d, "未分区" if d == UNZONED else d) for d in out[S.DIRECTION]])
    return out


def _group_table(sites: gpd.GeoDataFrame, key: pd.Series, name: str) -> pd.DataFrame:
    cols = [LAND_AREA_M2, GFA_M2, GFA_COUNTED_M2, *[f"{c}_m2" for c in COLUMNS]]
    frame = pd.DataFrame(sites[cols])
    frame["gfa_estimated_m2"] = np.where(sites[GFA_ESTIMATED], sites[GFA_COUNTED_M2], 0.0)
    if S.INVESTMENT_100M_CNY in sites.columns:
        frame[S.INVESTMENT_100M_CNY] = pd.to_numeric(sites[S.INVESTMENT_100M_CNY], errors="coerce").fillna(0.0)
    frame[name] = key.to_numpy()
    g = frame.groupby(name, sort=False, dropna=False)
    out = g.sum()
    out.insert(0, "n_sites", g.size())
    return out.reset_index()


def _by_status(sites: gpd.GeoDataFrame) -> pd.DataFrame:
    out = _group_table(sites, sites[S.STATUS].astype(str), S.STATUS)
    out = out.set_index(S.STATUS).reindex(list(S.STATUS_VALUES)).reset_index()
    out["n_sites"] = out["n_sites"].fillna(0).astype(int)
    out = out.fillna(0.0)
    out.insert(1, "status_zh", [S.STATUS_ZH[s] for s in out[S.STATUS]])
    out.insert(2, "column_as_recorded", [_COLUMN_OF_STATUS[s] for s in out[S.STATUS]])
    return out


def _by_year(sites: gpd.GeoDataFrame) -> pd.DataFrame:
    if S.YEAR in sites.columns:
        years = pd.to_numeric(sites[S.YEAR], errors="coerce")
        key = years.map(lambda y: "unknown" if pd.isna(y) else str(int(y)))
    else:
        key = pd.Series("unknown", index=sites.index)
    out = _group_table(sites, key, S.YEAR)
    return out.sort_values(S.YEAR, key=lambda s: s.map(lambda v: (v == "unknown", v))).reset_index(drop=True)


def _zone_warnings(sites: gpd.GeoDataFrame, splits: pd.DataFrame) -> list[Problem]:
    warnings = []
    labels = feature_labels(sites)
    for pos, idx in enumerate(sites.index):
        pieces = splits.loc[[idx]] if idx in splits.index else splits.iloc[0:0]
        outside = pieces.loc[pieces["zone_id"] == UNZONED, "land_share"].sum()
        if outside >= 1 - 1e-9:
            warnings.append(Problem(
                "site_outside_zones",
                "the site lies outside every CBD zone; it still counts toward the district total "
                "under 'unzoned'. Check its location or the zone boundaries.",
                labels.iloc[pos], None, "warning",
            ))
        elif outside > 0:
            warnings.append(Problem(
                "site_partly_outside_zones",
                f"{outside:.1%} of the site's land lies outside every CBD zone; that share counts "
                "under 'unzoned'.",
                labels.iloc[pos], None, "warning",
            ))
        if S.ZONE_ID in sites.columns and len(pieces):
            recorded = sites[S.ZONE_ID].iloc[pos]
            main = pieces.sort_values("land_m2", ascending=False)["zone_id"].iloc[0]
            if pd.notna(recorded) and str(recorded) != main and main != UNZONED:
                warnings.append(Problem(
                    "zone_id_mismatch",
                    f"zone_id is {recorded!r} but most of the site's land lies in zone {main!r}; "
                    "the accounting uses the geometry. Correct zone_id.",
                    labels.iloc[pos], S.ZONE_ID, "warning",
                ))
    return warnings


def evaluate_targets(
    sites: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    targets: tuple[Target, ...],
    *,
    as_of: Any = None,
) -> TargetResult:
    """Evaluate ``targets`` against the renewal ``sites``, broken down by ``zones``.

    Parameters
    ----------
    sites : GeoDataFrame
        Renewal sites (schema ``renewal_sites``), projected CRS in metres.
    zones : GeoDataFrame
        CBD zones (schema ``cbd_zones``), the same CRS.
    targets : tuple of Target
        The plan's targets (``Config.targets``, or :func:`parse_targets`).
    as_of : date or str, optional
        Evaluation date (``YYYY-MM-DD`` or a year); default: statuses as recorded.

    Returns
    -------
    TargetResult

    Raises
    ------
    ConfigError
        If there are no targets or one names a measure the sites do not have.
    CRSError
        If sites and zones are not in the same projected CRS (never reprojected here).
    LayerValidationError
        If a site has an unknown status or a negative value (naming the site).
    """
    as_of = parse_as_of(as_of)
    if not targets:
        raise ConfigError(
            "no [[targets]] tables; add one per target (id, name_zh, name_en, target, "
            "unit, measure, layers, deadline) — see docs/targets.md."
        )
    for frame, what in ((sites, "sites"), (zones, "zones")):
        if frame.crs is None:
            raise CRSError(f"{what} have no CRS; load them with futiangis.load.load_layer (--source-crs).")
    require_same_crs(sites, zones, what="target accounting (sites and zones)")
    _check_sites(sites, _source(sites, "sites"))
    if S.ID not in zones.columns:
        raise LayerValidationError(_source(zones, "zones"), [Problem(
            "missing_field", "zones need an 'id' column.", field=S.ID)])

    accounted, overlaps, warnings = account_sites(sites, as_of=as_of)
    _, zone_problems = disjoint_zones(zones)
    warnings.extend(zone_problems)
    splits = _splits(accounted, zones)
    warnings.extend(_zone_warnings(accounted, splits))
    table = _target_table(accounted, targets, warnings)
    by_zone = _by_zone(splits, zones)
    result_sites = accounted.drop(columns=["counted_geometry"])
    return TargetResult(
        targets=table,
        by_zone=by_zone,
        by_direction=_by_direction(by_zone),
        by_status=_by_status(accounted),
        by_year=_by_year(accounted),
        sites=result_sites,
        splits=splits,
        overlaps=overlaps,
        warnings=warnings,
        as_of=as_of,
        illustrative=S.is_illustrative(sites) or S.is_illustrative(zones),
        deadlines={t.id: t.deadline for t in targets},
        sources={"sites": _source(sites, "sites"), "zones": _source(zones, "zones")},
    )
