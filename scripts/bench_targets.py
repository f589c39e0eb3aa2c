"""Benchmark target accounting, joins and report building (prints seconds; no assertions).

Run: python scripts/bench_targets.py
"""
from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import shapely

from futiangis.config import load_config
from futiangis.join import join_lines_to_units, join_points_to_units, join_polygons_to_units
from futiangis.load import load_shipped_layer
from futiangis.project import run_target_accounting, stats_by
from futiangis.report import build_markdown, build_progress_chart, build_xlsx, report_tables


def timed(label, fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<58} {best * 1000:9.1f} ms (best of {repeat})")
    return out


def synthetic_sites(n, zones, rng):
    minx, miny, maxx, maxy = zones.total_bounds
    x = rng.uniform(minx, maxx, n)
    y = rng.uniform(miny, maxy, n)
    w = rng.uniform(50, 300, n)
    h = rng.uniform(50, 300, n)
    statuses = np.array(["planned", "approved", "under_construction", "completed"])
    gfa = rng.uniform(1e4, 2e5, n)
    gfa[rng.random(n) < 0.15] = np.nan
    return gpd.GeoDataFrame({
        "id": [f"s{i}" for i in range(n)],
        "status": statuses[rng.integers(0, 4, n)],
        "year": rng.integers(2010, 2021, n),
        "plot_ratio": rng.uniform(2, 8, n),
        "industrial_share": rng.uniform(0.1, 1, n),
        "gfa_new_m2": gfa,
        "investment_100m_cny": rng.uniform(1, 20, n),
    }, geometry=shapely.box(x, y, x + w, y + h), crs=zones.crs)


def main():
    config = load_config()
    rng = np.random.default_rng(0)
    result = timed("run_target_accounting, shipped (30 sites, 5 zones, 10 街道)", lambda: run_target_accounting(config))
    zones = load_shipped_layer("cbd_zones", config=config)
    units = load_shipped_layer("units", config=config)
    for n in (500, 2000):
        sites = synthetic_sites(n, zones, rng)
        timed(f"run_target_accounting, {n} synthetic sites (overlapping)",
              lambda: run_target_accounting(config, sites=sites, zones=zones), repeat=1)
    tables = report_tables(result)
    timed("build_xlsx + build_markdown (shipped)", lambda: (build_xlsx(tables), build_markdown(result)))
    timed("build_progress_chart (PNG)", lambda: build_progress_chart(result))
    minx, miny, maxx, maxy = units.total_bounds
    pts = gpd.GeoDataFrame({"id": [f"p{i}" for i in range(20_000)], "piles": rng.integers(1, 20, 20_000)},
                           geometry=gpd.points_from_xy(rng.uniform(minx, maxx, 20_000),
                                                       rng.uniform(miny, maxy, 20_000)), crs=units.crs)
    timed("join_points_to_units, 20,000 points x 54 units", lambda: join_points_to_units(pts, units, value_col="piles"))
    routes = load_shipped_layer("slow_routes", config=config)
    timed(f"join_lines_to_units, {len(routes)} shipped routes x 54 units", lambda: join_lines_to_units(routes, units))
    parks = load_shipped_layer("parks", config=config)
    timed(f"join_polygons_to_units, {len(parks)} shipped parks x 54 units", lambda: join_polygons_to_units(parks, units))
    timed("stats_by(units), shipped layers (incl. loading)", lambda: stats_by(config, by="units"), repeat=1)


if __name__ == "__main__":
    main()
