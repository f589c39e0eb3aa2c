"""Siting on the project's layers: ``run_siting(theme, config, ...)`` -> :class:`SitingResult`.

Turns a theme (``charging``, ``bike``, ``parks``), the shipped or given layers and the
``[siting]`` settings into a :class:`~futiangis.siting.SitingProblem`, solves it exactly
and greedily, and tabulates the answer (:mod:`futiangis.siting_result`): the chosen sites
ranked by marginal covered demand with WGS84 and GCJ-02 coordinates and the unit / 街道
each lies in, and the coverage of the demand before and after, overall, per unit and per
街道.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import schemas as S
from .config import Config
from .coverage import park_radii, select_scenario
from .errors import ConfigError
from .io import RasterData
from .load import shipped_provenance
from .siting import (
    SitingInputError,
    SitingProblem,
    build_coverage_matrix,
    greedy_max_cover,
    greedy_min_sites,
    make_problem,
    solve_max_cover,
    solve_min_sites,
)
from .siting_inputs import (
    WEIGHT,
    candidate_grid,
    candidates_from_layer,
    demand_from_points,
    demand_from_polygons,
    demand_from_raster,
)
from .siting_result import SitingResult, assemble_result

__all__ = [
    "DEMAND_KINDS", "THEMES", "SitingResult", "compute_siting_page", "existing_coverage", "run_siting",
]

THEMES = ("charging", "bike", "parks")
DEMAND_KINDS = ("land", "residential", "population", "points", "polygons")
_FACILITY_LAYER = S.THEME_LAYER  # theme -> facility layer: the one copy in schemas
_DEMAND_UNIT = {"land": "m²", "residential": "m²", "population": "people"}


# ---------------------------------------------------------------------------------------
# coverage by the existing facilities
# ---------------------------------------------------------------------------------------
def existing_coverage(demand_points: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame,
                      radius_m) -> np.ndarray:
    """Which demand points lie within ``radius_m`` of an existing facility.

    Distance to the facility's geometry (points: the point; parks: the park's edge, so
    anything inside a park is covered), inclusive, working CRS. ``radius_m`` is one value
    or one per facility (a Series aligned to ``facilities``).
    """
    if facilities.empty or demand_points.empty:
        return np.zeros(len(demand_points), dtype=bool)
    radii = (np.asarray(radius_m, dtype=float) if np.ndim(radius_m)
             else np.full(len(facilities), float(radius_m)))
    pts = np.asarray(demand_points.geometry.values)
    geoms = np.asarray(facilities.geometry.values)
    hit = np.zeros(len(pts), dtype=bool)
    tree = shapely.STRtree(pts)
    for r in np.unique(radii):
        sub = geoms[radii == r]
        _, idx = tree.query(sub, predicate="dwithin", distance=r * (1 + 1e-12))
        hit[idx] = True
    return hit


# ---------------------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------------------
def _settings(config: Config, theme: str) -> Mapping[str, Any]:
    """The typed ``[siting]`` section and its ``[siting.<theme>]`` table, as one mapping."""
    if theme not in THEMES:
        raise ConfigError(f"Unknown siting theme {theme!r}; use one of {', '.join(THEMES)}.")
    s = config.siting
    t = s.theme(theme)
    merged: dict[str, Any] = {
        "candidate_spacing_m": s.candidate_spacing_m, "demand_cell_m": s.demand_cell_m,
        "exclude_layers": s.exclude_layers, "time_limit_s": s.time_limit_s, "threads": s.threads,
        "demand": t.demand, "weight": t.weight,
    }
    if t.new_radius_m is not None:
        merged["new_radius_m"] = t.new_radius_m
    return merged


def _shipped(kind: str, config: Config) -> gpd.GeoDataFrame | None:
    from .io import read_catalog
    from .load import load_shipped_layer

    try:
        catalog = read_catalog(config.layers_dir)
    except Exception:  # noqa: BLE001 - no catalogue: nothing shipped
        return None
    return load_shipped_layer(kind, config=config) if kind in catalog else None


def _radius(theme: str, config: Config, radius_m: float | None, settings: Mapping[str, Any]) -> float:
    if radius_m is not None:
        return float(radius_m)
    if "new_radius_m" in settings:
        return float(settings["new_radius_m"])
    cov = config.coverage.theme(theme)
    if cov is None or cov.service_radius_m is None:
        raise ConfigError(
            f"{config.path}: no radius for new {theme} sites; set [siting.{theme}] new_radius_m "
            f"or [coverage.{theme}] radius_m, or pass --radius-m.")
    return float(cov.service_radius_m)


def _existing_radii(theme: str, existing: gpd.GeoDataFrame, config: Config, radius: float,
                    override: bool):
    if theme == "parks" and not override and not existing.empty:
        parks = config.coverage.theme("parks")
        # GB/T 50563-2010 sizes; parks too small or not public park green space get NaN (not counted)
        return park_radii(existing, parks.radii if parks is not None else (),
                          exclude_classes=parks.exclude_classes if parks is not None else ("nature_reserve",))
    return radius


def run_siting(
    theme: str,
    config: Config,
    *,
    add: int | None = None,
    min_cover: float | None = None,
    candidates: gpd.GeoDataFrame | None = None,
    existing: gpd.GeoDataFrame | None = None,
    no_existing: bool = False,
    demand=None,
    demand_kind: str | None = None,
    demand_source: str | None = None,
    weight: str | None = None,
    radius_m: float | None = None,
    capacity: float | None = None,
    capacity_field: str | None = None,
    spacing_m: float | None = None,
    cell_m: float | None = None,
    units: gpd.GeoDataFrame | None = None,
    time_limit_s: float | None = None,
) -> SitingResult:
    """Choose new THEME sites: ``add`` sites covering the most demand, or the fewest
    reaching ``min_cover``; existing facilities kept and counted first.

    Parameters
    ----------
    theme : {"charging", "bike", "parks"}
    config : Config
        ``[siting]`` (and ``[siting.<theme>]``): ``candidate_spacing_m``, ``demand_cell_m``,
        ``exclude_layers``, ``time_limit_s``, ``threads``, ``demand``, ``weight``,
        ``new_radius_m``; radii default to ``[coverage.<theme>]``.
    add, min_cover : int or float
        Exactly one: the number of new sites (MCLP), or the share of demand to reach with
        the fewest new sites.
    candidates, existing, units : GeoDataFrame, optional
        Working-CRS layers (from :func:`futiangis.load.load_layer`); default: a grid over
        land, the shipped facility layer (built ones), the shipped units.
    no_existing : bool
        Count no existing facility (a green-field answer).
    demand : GeoDataFrame or RasterData, optional
        Points (weighted by ``weight`` or 1 each), polygons (area, or ``weight`` spread by
        area) or a population raster. Default: ``[siting.<theme>] demand``.
    demand_kind : str, optional
        ``"residential"`` marks polygon demand as residential land (a label; same method).
    radius_m : float, optional
        Service radius of new sites (and of existing ones, overriding the config).
    capacity, capacity_field : optional
        Demand each new site can serve: one number, or a column of the candidates.
    """
    if (add is None) == (min_cover is None):
        raise SitingInputError("give either the number of new sites (--add N) or --min-cover P.")
    settings = _settings(config, theme)
    radius = _radius(theme, config, radius_m, settings)
    spacing = float(spacing_m or settings.get("candidate_spacing_m", 100.0))
    cell = float(cell_m or settings.get("demand_cell_m", 50.0))
    limit = float(time_limit_s or settings.get("time_limit_s", 600.0))
    threads = int(settings.get("threads", 2))
    notes: list[str] = []
    district = _shipped(config.district_layer, config)
    if units is None:
        units = _shipped(config.units_layer, config)
    subdistricts = _shipped("subdistricts", config)
    land, land_note = _land(config, district if district is not None else units)
    notes.append(land_note)
    # ---- existing facilities
    illustrative = False
    if no_existing:
        existing = gpd.GeoDataFrame({"id": []}, geometry=[], crs=land.crs)
        existing_source = "none (--no-existing)"
    elif existing is None:
        layer = _shipped(_FACILITY_LAYER[theme], config)
        if layer is None:
            existing = gpd.GeoDataFrame({"id": []}, geometry=[], crs=land.crs)
            existing_source = "none shipped"
        else:
            illustrative = S.is_illustrative(layer, shipped_provenance(_FACILITY_LAYER[theme], config=config))
            existing, note = select_scenario(layer, "current")
            existing_source = f"shipped {_FACILITY_LAYER[theme]} ({note})"
    else:
        illustrative = S.is_illustrative(existing)
        existing_source = "file"
    # ---- demand
    kind, dsource, dweight = _demand_spec(theme, settings, demand, demand_kind, weight)
    if demand is None:
        demand = _shipped(dsource, config) if dsource not in ("land",) else None
        if dsource != "land" and demand is None:
            raise ConfigError(f"[siting.{theme}] demand = {dsource!r} is not a shipped layer.")
        if demand is not None:
            illustrative |= S.is_illustrative(demand, shipped_provenance(dsource, config=config))
    demand_pts = _make_demand(kind, demand, land, cell, dweight, config,
                              area=district if district is not None else units)
    # ---- candidates
    if candidates is None:
        exclude = [g for g in (_shipped(k, config) for k in settings.get("exclude_layers", ()))
                   if g is not None]
        ban = shapely.union_all([shapely.union_all(np.asarray(g.geometry.values)) for g in exclude]) \
            if exclude else None
        cands = candidate_grid(land, spacing_m=spacing, exclude=ban)
        cand_source = (f"grid every {spacing:g} m over land, excluding "
                       f"{', '.join(settings.get('exclude_layers', ())) or 'nothing'}")
    else:
        cands = candidates_from_layer(candidates)
        cand_source = "file"
    cap = None
    if capacity_field is not None:
        if capacity_field not in cands.columns:
            raise SitingInputError(f"candidates: no capacity field {capacity_field!r}.")
        cap = pd.to_numeric(cands[capacity_field], errors="coerce").to_numpy(dtype=float)
    elif capacity is not None:
        cap = float(capacity)
    # ---- the problem
    ex_radii = _existing_radii(theme, existing, config, radius, radius_m is not None)
    covered0 = existing_coverage(demand_pts, existing, ex_radii)
    xy_d = np.column_stack([demand_pts.geometry.x, demand_pts.geometry.y])
    xy_c = np.column_stack([cands.geometry.x, cands.geometry.y])
    problem = make_problem(demand_pts[WEIGHT].to_numpy(), covered0,
                           build_coverage_matrix(xy_d, xy_c, radius_m=radius), capacity=cap)
    exact, greedy, status, best_share = _solve(problem, add, min_cover, limit, threads)
    result = assemble_result(theme, problem, exact, greedy, cands, demand_pts, units, subdistricts,
                       existing, kind, add, _DEMAND_UNIT.get(kind, dweight or "points"))
    run_settings = {
        "theme": theme, "add": add, "min_cover": min_cover, "radius_m": radius,
        "distance": "straight line (EPSG:4547)", "candidates": cand_source,
        "candidate_spacing_m": spacing if candidates is None else None,
        "existing": existing_source, "demand": kind, "demand_source": demand_source or _label(dsource, demand),
        "weight": dweight, "demand_cell_m": cell if kind in ("land", "residential", "population",
                                                              "polygons") else None,
        "capacity": capacity_field or capacity, "time_limit_s": limit, "threads": threads,
        "crs": str(config.working_crs), "solver": "PuLP + CBC (bundled)",
    }
    if illustrative:
        notes.append("ILLUSTRATIVE: an input layer is illustrative, not official data; the "
                     "chosen sites show the method, not a recommendation.")
    if subdistricts is None:
        notes.append("No 街道 layer is shipped: per-街道 tables are left out (units only).")
    elif S.NAME_ZH in subdistricts.columns and (subdistricts[S.NAME_ZH] == "福田保税区").any():
        notes.append("The 街道 polygon named 福田保税区 most likely stands for the 福保街道 jurisdiction "
                     "(the source has no separate 福保 polygon; see the subdistricts layer notes).")
    if status == "infeasible":
        notes.append(f"INFEASIBLE: even every candidate together covers only "
                     f"{best_share:.1%} of the demand, short of {min_cover:.1%}.")
    return dataclasses.replace(result, status=status, infeasible_best_share=best_share,
                               illustrative=illustrative, settings=run_settings,
                               _candidate_ids=cands["id"].to_numpy(),
                               notes=(*notes, *result.notes))


def _label(source: str, demand) -> str:
    if demand is None or isinstance(demand, str):
        return source
    path = getattr(demand, "path", None)  # a raster knows its file; a frame's is given by the caller
    return str(path) if path else source


def _demand_spec(theme, settings, demand, demand_kind, weight):
    if demand is None:
        source = str(settings.get("demand", "land"))
        w = weight or settings.get("weight")
        if source == "land":
            return "land", "land", None
        return "points", source, w
    if isinstance(demand, RasterData):
        return "population", "file", None
    types = set(demand.geometry.geom_type.dropna())
    if types <= {"Point"}:
        return "points", "file", weight
    if demand_kind == "residential" and weight is None:
        return "residential", "file", None
    return ("polygons" if weight else "residential" if demand_kind == "residential" else "area"), \
        "file", weight


def _land(config: Config, area: gpd.GeoDataFrame | None) -> tuple[gpd.GeoDataFrame, str]:
    """Where demand and generated sites may be: the district (or units) minus water.

    The land mask is the ``[coverage] land_mask`` layer (the shipped 街道 polygons, land
    only), clipped to the district, as the coverage indicators use it; without it the whole
    district counts (Shenzhen Bay water and the river channel included, and said so).
    """
    if area is None:
        raise ConfigError("no district or units layer to site on; ship one or pass --units.")
    geom = shapely.union_all(np.asarray(area.geometry.values))
    source = str(config.coverage.land_mask or "")
    mask = _shipped(source, config) if source else None
    if mask is None:
        note = ("No land mask layer shipped: demand and generated sites cover the whole district "
                "polygon, water included.")
    else:
        geom = shapely.intersection(geom, shapely.union_all(np.asarray(mask.geometry.values)))
        note = (f"Land: the district within the shipped {source!r} polygons (land only: Shenzhen "
                "Bay and the river channel carry no demand and get no generated site).")
    return gpd.GeoDataFrame({"id": ["land"]}, geometry=[geom], crs=area.crs), note


def _make_demand(kind, demand, land, cell, weight, config, *, area):
    """Demand points of ``kind``. Point demand is kept inside the district (``area``), not
    only on the land mask: a trip end is on land by definition, and the simplified 街道
    edges (±50–150 m) would drop real demand along the coast and the river."""
    if kind == "land":
        return demand_from_polygons(land, cell_m=cell)
    if kind == "population":
        return demand_from_raster(demand, cell_m=cell, land=land, working_crs=config.working_crs)
    if kind == "points":
        pts = demand_from_points(demand, weight_field=weight)
        inside = shapely.intersects(np.asarray(pts.geometry.values),
                                    shapely.union_all(np.asarray(area.geometry.values)))
        return pts[inside].reset_index(drop=True)
    return demand_from_polygons(demand, cell_m=cell, land=land, weight_field=weight)


def _solve(problem: SitingProblem, add, min_cover, limit, threads):
    if add is not None:
        exact = solve_max_cover(problem, int(add), time_limit_s=limit, threads=threads)
        greedy = greedy_max_cover(problem, int(add))
        return exact, greedy, exact.status, None
    exact = solve_min_sites(problem, float(min_cover), time_limit_s=limit, threads=threads)
    greedy = greedy_min_sites(problem, float(min_cover))
    best = exact.info.get("best_share")
    return exact, greedy, exact.status, best


def compute_siting_page(config: Any, layers: Mapping[str, Any]) -> dict[str, Any]:
    """Run the siting of each theme in ``[siting.build]`` (theme = number of new sites).

    A theme whose demand layer (``[siting.<theme>] demand``, e.g. ``bike_demand``) is not
    shipped is left out of the page (the build notes that the page has no such theme).
    """
    from .io import read_catalog

    plan = dict(config.siting.build)
    catalog = read_catalog(config.layers_dir)
    out = {}
    for theme, n in plan.items():
        demand = config.siting.theme(theme).demand
        if int(n) > 0 and (demand == "land" or demand in catalog):
            out[theme] = run_siting(theme, config, add=int(n))
    return out
