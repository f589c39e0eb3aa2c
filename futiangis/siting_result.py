"""The answer of a siting run, tabulated: :class:`SitingResult`.

The chosen sites ranked by marginal covered demand, with WGS84 and GCJ-02 coordinates
and the unit / 街道 each lies in; the demand points covered before and after; the tables
per unit and per 街道. Pure: built by :func:`assemble_result` from the solved
:class:`~futiangis.siting_model.SitingProblem` (the run is :mod:`futiangis.siting_run`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import schemas as S
from .crs import wgs84_to_gcj02
from .jsonutil import jsonable, records
from .siting_inputs import WEIGHT
from .siting_model import SitingProblem, SitingSolution

__all__ = ["SitingResult", "assemble_result"]


@dataclass(frozen=True)
class SitingResult:
    """Answer of one siting run (see :func:`run_siting`).

    Frozen: the run builds it once; the tables it holds are its own copies, shared with no
    input frame.
    """

    theme: str
    settings: dict[str, Any]
    demand_kind: str
    demand_unit: str
    total_demand: float
    covered_demand_before: float
    covered_demand: float
    exact: SitingSolution
    greedy: SitingSolution
    sites: gpd.GeoDataFrame  # ranked, working CRS
    demand: gpd.GeoDataFrame  # demand points with covered_before / covered_after
    by_unit: pd.DataFrame
    by_subdistrict: pd.DataFrame | None
    existing: gpd.GeoDataFrame
    candidates_count: int
    status: str = "optimal"
    infeasible_best_share: float | None = None
    illustrative: bool = False
    notes: tuple[str, ...] = ()

    @property
    def share_before(self) -> float | None:
        """Covered share with the existing facilities only."""
        return self.covered_demand_before / self.total_demand if self.total_demand else None

    @property
    def share_after(self) -> float | None:
        """Covered share with the new sites added."""
        return self.covered_demand / self.total_demand if self.total_demand else None

    @property
    def greedy_gap(self) -> float | None:
        """Relative shortfall of greedy's added demand versus the exact answer's."""
        added = self.covered_demand - self.covered_demand_before
        if added <= 0:
            return 0.0
        return (self.covered_demand - self.greedy.covered_demand) / added

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` (contract keys: selected, covered_demand_before,
        covered_demand, total_demand, settings)."""
        sites = []
        for row in self.sites.drop(columns="geometry").itertuples(index=False):
            sites.append({k: jsonable(v) for k, v in row._asdict().items()})
        return {
            "theme": self.theme,
            "status": self.status,
            "selected": [str(s) for s in self.sites["id"]],
            "covered_demand_before": self.covered_demand_before,
            "covered_demand": self.covered_demand,
            "total_demand": self.total_demand,
            "share_before": self.share_before,
            "share_after": self.share_after,
            "demand_kind": self.demand_kind,
            "demand_unit": self.demand_unit,
            "settings": self.settings,
            "sites": sites,
            "greedy": {
                "selected": [str(self.sites_ids_of(self.greedy.selected)[k])
                             for k in range(len(self.greedy.selected))],
                "covered_demand": self.greedy.covered_demand,
                "gap": self.greedy_gap,
                "seconds": self.greedy.seconds,
            },
            "exact": {"method": "MILP (PuLP + CBC)", "status": self.exact.status,
                      "seconds": self.exact.seconds, **{k: jsonable(v) for k, v in self.exact.info.items()}},
            "infeasible_best_share": self.infeasible_best_share,
            "candidates": self.candidates_count,
            "existing_facilities": len(self.existing),
            "units": records(self.by_unit),
            "subdistricts": None if self.by_subdistrict is None else records(self.by_subdistrict),
            "illustrative": self.illustrative,
            "notes": list(self.notes),
        }

    def sites_ids_of(self, indices) -> list[str]:
        """Candidate ids for candidate indices (``self.settings['candidate_ids']`` order)."""
        ids = self._candidate_ids
        return [str(ids[j]) for j in indices]

    _candidate_ids: np.ndarray = field(default_factory=lambda: np.array([]), repr=False)


def _locate(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame | None, *, name_col: str
            ) -> tuple[np.ndarray, np.ndarray]:
    n = len(points)
    ids = np.full(n, None, dtype=object)
    names = np.full(n, None, dtype=object)
    if zones is None or zones.empty or n == 0:
        return ids, names
    tree = shapely.STRtree(np.asarray(zones.geometry.values))
    p_idx, z_idx = tree.query(np.asarray(points.geometry.values), predicate="intersects")
    first = pd.Series(z_idx).groupby(p_idx).min()  # on a shared edge: the first zone
    ids[first.index.to_numpy()] = zones["id"].astype(str).to_numpy()[first.to_numpy()]
    if name_col in zones.columns:
        names[first.index.to_numpy()] = zones[name_col].astype(str).to_numpy()[first.to_numpy()]
    return ids, names


def _table(demand: gpd.GeoDataFrame, key: str, name: str) -> pd.DataFrame:
    frame = pd.DataFrame({
        key: demand[key].fillna("(outside)"), name: demand[name].fillna(""),
        "demand": demand[WEIGHT],
        "covered_before": demand[WEIGHT] * demand["covered_before"],
        "covered_after": demand[WEIGHT] * demand["covered_after"]})
    out = frame.groupby([key, name], sort=True, dropna=False)[
        ["demand", "covered_before", "covered_after"]].sum().reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_before"] = np.where(out["demand"] > 0, out["covered_before"] / out["demand"], np.nan)
        out["share_after"] = np.where(out["demand"] > 0, out["covered_after"] / out["demand"], np.nan)
    out["gain"] = out["covered_after"] - out["covered_before"]
    return out.sort_values(["gain", key], ascending=[False, True]).reset_index(drop=True)


def assemble_result(theme, problem: SitingProblem, exact, greedy, cands, demand_pts, units, subdistricts, existing,
                    kind, n_requested, unit) -> SitingResult:
    """The :class:`SitingResult` of a solved problem (settings and notes of the run added by
    the caller)."""
    from pyproj import Transformer

    sel = exact.selected
    sites = cands.iloc[sel].copy().reset_index(drop=True)
    sites.insert(0, "rank", np.arange(1, len(sel) + 1))
    sites["marginal_demand"] = exact.marginal
    before = problem.covered_before
    total = problem.total_demand
    sites["covered_demand_cum"] = before + np.cumsum(exact.marginal) if sel else []
    sites["share_cum"] = sites["covered_demand_cum"] / total if total else np.nan
    if problem.capacity is not None:
        sites["capacity"] = [problem.capacity[j] for j in sel]
    sites["x_m"] = sites.geometry.x
    sites["y_m"] = sites.geometry.y
    to_wgs = Transformer.from_crs(sites.crs, 4326, always_xy=True)
    lon, lat = to_wgs.transform(sites["x_m"].to_numpy(), sites["y_m"].to_numpy())
    glon, glat = wgs84_to_gcj02(np.asarray(lon), np.asarray(lat))
    sites["lon_wgs84"], sites["lat_wgs84"] = np.round(lon, 7), np.round(lat, 7)
    sites["lon_gcj02"], sites["lat_gcj02"] = np.round(glon, 7), np.round(glat, 7)
    sites["unit_id"], sites["unit_name_zh"] = _locate(sites, units, name_col=S.NAME_ZH)
    sites["subdistrict_id"], sites["subdistrict_zh"] = _locate(sites, subdistricts,
                                                               name_col=S.NAME_ZH)
    sites.insert(1, "theme", theme)
    # demand points: covered before / after
    chosen = np.zeros(problem.n_candidates, dtype=bool)
    chosen[sel] = True
    after = problem.existing | (problem.cover[:, chosen].sum(axis=1).A1 > 0)
    demand = demand_pts.copy()
    demand["covered_before"] = problem.existing
    demand["covered_after"] = after
    if problem.capacity is not None:
        demand["covered_after"] = problem.existing  # capacitated: served share not per point
    demand["unit_id"], demand["unit_name_zh"] = _locate(demand, units, name_col=S.NAME_ZH)
    demand["subdistrict_id"], demand["subdistrict_zh"] = _locate(demand, subdistricts,
                                                                 name_col=S.NAME_ZH)
    by_unit = _table(demand, "unit_id", "unit_name_zh")
    by_sub = _table(demand, "subdistrict_id", "subdistrict_zh") if subdistricts is not None else None
    notes = []
    if problem.capacity is not None:
        notes.append("Capacitated: per-unit 'after' columns count the existing coverage only; "
                     "the served demand per new site is in the sites table.")
    if n_requested is not None and not sel:
        notes.append("No new site adds demand: the existing facilities already cover every "
                     "demand point any candidate reaches.")
    elif n_requested is not None and len(sel) < n_requested:
        notes.append(f"Only {len(sel)} new site(s) add demand: every demand point a candidate "
                     f"can reach is covered with them, so fewer than {n_requested} are listed.")
    return SitingResult(
        theme=theme, settings={}, demand_kind=kind, demand_unit=unit,
        total_demand=total, covered_demand_before=before, covered_demand=exact.covered_demand,
        exact=exact, greedy=greedy, sites=sites, demand=demand, by_unit=by_unit,
        by_subdistrict=by_sub, existing=existing, candidates_count=problem.n_candidates,
        notes=tuple(notes))
