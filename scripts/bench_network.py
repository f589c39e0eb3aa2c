"""Benchmark network reach: a 100,000-edge grid, 2,000 facilities, 300/500/1000 m.

    python scripts/bench_network.py [--side 225] [--facilities 2000] [--sample 100]
                                    [--repeat 3] [--no-futian]

Measures, with ``time.perf_counter`` and ``tracemalloc`` (peak of Python/numpy
allocations) plus the process's peak RSS (``resource.getrusage``):

1. building the network from 100,800 separate 100 m street lines (noding, 1 mm grid);
2. snapping 2,000 facilities onto edges (edges split), one multi-source Dijkstra to
   1,000 m (:func:`scipy.sparse.csgraph.dijkstra`, virtual source) and the reached length
   at 300/500/1000 m — the core of ``futiangis access``; median of ``--repeat`` runs;
3. the same shortest paths as a per-facility loop of ``networkx.single_source_dijkstra``
   (cutoff 1,000 m) on the same split graph, run on ``--sample`` facilities and
   extrapolated linearly to all of them (the loop's cost is per facility); the minimum
   over the sample is checked against the multi-source result for the same facilities;
4. the Futian demo: ``run_lifecircle`` (4 themes × 3 circles, units and subdistricts) on
   the shipped layers, wall time and the cores available.

No number here is asserted in tests (timing belongs in benchmarks); the figures go in
docs/access.md.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
import tracemalloc

import geopandas as gpd
import numpy as np
import shapely

from futiangis.access import reach_from, reached_segments, snap_facilities
from futiangis.network import build_network

X0, Y0 = 480_000.0, 2_480_000.0


def grid_lines(side: int, step: float = 100.0) -> gpd.GeoDataFrame:
    """side × side nodes; every 100 m street segment a separate line (side·(side-1)·2 lines)."""
    i, j = np.meshgrid(np.arange(side - 1), np.arange(side), indexing="ij")
    h0 = np.c_[X0 + i.ravel() * step, Y0 + j.ravel() * step]
    h1 = h0 + [step, 0.0]
    v0 = np.c_[X0 + j.ravel() * step, Y0 + i.ravel() * step]
    v1 = v0 + [0.0, step]
    a = np.r_[h0, v0]
    b = np.r_[h1, v1]
    coords = np.stack([a, b], axis=1).reshape(-1, 2)
    lines = shapely.linestrings(coords, indices=np.repeat(np.arange(len(a)), 2))
    return gpd.GeoDataFrame({"id": [f"e{k}" for k in range(len(lines))]}, geometry=lines, crs=4547)


def random_facilities(net, n: int, seed: int = 14) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    edges = net.edges.geometry.to_numpy()
    pick = rng.integers(0, len(edges), n)
    pts = shapely.line_interpolate_point(edges[pick], rng.random(n), normalized=True)
    off = rng.normal(0, 20, (n, 2))  # up to a few tens of metres off the street
    pts = shapely.points(shapely.get_coordinates(pts) + off)
    return gpd.GeoDataFrame({"id": [f"f{k}" for k in range(n)]}, geometry=pts, crs=4547)


def core(net, fac, distances):
    snapped = snap_facilities(net, fac, max_snap_m=150)
    cost = reach_from(snapped, limit_m=max(distances))
    lengths = [float(reached_segments(snapped.network, cost, d)["length_m"].sum()) for d in distances]
    return snapped, cost, lengths


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--side", type=int, default=225)
    p.add_argument("--facilities", type=int, default=2000)
    p.add_argument("--sample", type=int, default=100)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-futian", action="store_true")
    args = p.parse_args(argv)
    distances = (300.0, 500.0, 1000.0)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"cores available: {cores}; load average {os.getloadavg()[0]:.1f}")

    lines = grid_lines(args.side)
    tracemalloc.start()
    t_build, net = timed(build_network, lines)
    _, peak_build = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"network: {len(lines):,} lines -> {len(net.edges):,} edges, {net.n_nodes:,} nodes; "
          f"build {t_build:.2f} s, peak traced {peak_build / 2**20:.0f} MiB")
    fac = random_facilities(net, args.facilities)

    times = []
    tracemalloc.start()
    for _ in range(args.repeat):
        t, (snapped, _cost, lengths) = timed(core, net, fac, distances)
        times.append(t)
    _, peak_core = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t_core = statistics.median(times)
    print(f"multi-source: {args.facilities:,} facilities ({snapped.summary()['on_network']:,} on "
          f"network), snap + 1 Dijkstra + reached length at {', '.join(f'{d:g}' for d in distances)}"
          f" m: median {t_core:.2f} s of {args.repeat} ({', '.join(f'{x:.2f}' for x in times)}), "
          f"peak traced {peak_core / 2**20:.0f} MiB")
    print("  reached km: " + ", ".join(f"{d:g} m {v / 1000:,.1f}" for d, v in zip(distances, lengths)))
    t_dij, _ = timed(reach_from, snapped, limit_m=1000.0)
    print(f"  of which the Dijkstra alone: {t_dij:.3f} s")

    import networkx as nx

    g = nx.Graph()
    e = snapped.network.edges
    for u, v, w in zip(e["u"].to_numpy(), e["v"].to_numpy(), e["cost_m"].to_numpy()):
        if u != v and (not g.has_edge(u, v) or g[u][v]["w"] > w):
            g.add_edge(int(u), int(v), w=float(w))
    rng = np.random.default_rng(7)
    on = np.flatnonzero(snapped.table["on_network"].to_numpy())
    sample = rng.choice(on, size=min(args.sample, len(on)), replace=False)
    # entry node and snap cost of each sampled facility (a point has one entry)
    src_nodes, src_cost, src_owner = (snapped.source_nodes, snapped.source_cost_m,
                                      snapped.source_owner)
    entries = {int(o): (int(n), float(c)) for o, n, c in zip(src_owner, src_nodes, src_cost)}
    t0 = time.perf_counter()
    best: dict[int, float] = {}
    for i in sample:
        node, c0 = entries[int(i)]
        dist = nx.single_source_dijkstra_path_length(g, node, cutoff=1000.0 - c0, weight="w")
        for n, dd in dist.items():
            if dd + c0 < best.get(n, np.inf):
                best[n] = dd + c0
    t_loop = time.perf_counter() - t0
    per_fac = t_loop / len(sample)
    t_loop_all = per_fac * len(on)
    # the same sample through the multi-source path, to check the loop computes the same
    from futiangis.access import SnappedFacilities
    keep = np.isin(src_owner, sample)
    sub = SnappedFacilities(snapped.network, snapped.table, src_nodes[keep], src_cost[keep],
                            snapped.max_snap_m, snapped.count_snap_distance, src_owner[keep])
    ref = reach_from(sub, limit_m=1000.0)
    diff = max(abs(ref[n] - d) for n, d in best.items())
    print(f"networkx loop: {len(sample)} facilities in {t_loop:.2f} s ({per_fac * 1000:.1f} ms "
          f"each) -> {t_loop_all:.1f} s extrapolated to {len(on):,}; max difference to the "
          f"multi-source distances on the sample {diff:.2e} m")
    other = t_core - t_dij  # snapping and reached geometry: the same work for both ways
    print(f"ratio: networkx loop / multi-source Dijkstra = {t_loop_all / t_dij:.0f}x; end to end "
          f"with the same snapping and reached geometry ({other:.2f} s) on both sides = "
          f"{(t_loop_all + other) / t_core:.1f}x")
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS of this process so far: {ru / 1024:.0f} MiB")

    if not args.no_futian:
        from pathlib import Path

        from futiangis.config import load_config
        from futiangis.lifecircle import run_lifecircle

        config = load_config(Path(__file__).resolve().parents[1] / "futiangis.toml")
        t, lc = timed(run_lifecircle, config)
        print(f"Futian demo: run_lifecircle ({len(lc.themes)} themes x {len(lc.circles)} circles, "
              f"{len(lc.units)} units"
              f"{'' if lc.subdistricts is None else f', {len(lc.subdistricts)} subdistricts'}) "
              f"{t:.1f} s on {cores} cores")


if __name__ == "__main__":
    main()
