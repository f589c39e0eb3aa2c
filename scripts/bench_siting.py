"""Benchmark siting: exact MCLP (PuLP + CBC) and greedy at planning scale.

    python scripts/bench_siting.py [--candidates 2000] [--demand 5000] [--n 20]
                                   [--radius-m 500 900] [--seeds 3] [--threads 2]

Synthetic case over a Futian-sized area (10 km x 8 km in EPSG:4547): demand points
clustered around 12 centres (70 %) plus a uniform background (30 %), weights log-normal;
candidates uniform; 60 existing facilities (``--existing``) (their coverage is fixed, as in `futiangis
site`). For each radius and seed it times the exact MILP (build + solve) and greedy, and
reports the optimality gap of greedy (share of the exact answer's added demand that greedy
misses). Peak memory: Python's (tracemalloc) for the model building, and the CBC child
process's peak resident set (resource.getrusage(RUSAGE_CHILDREN)), which is a high-water
mark over all children run so far. Uses only the public futiangis API.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc

import numpy as np

from futiangis.siting import (
    build_coverage_matrix,
    greedy_max_cover,
    make_problem,
    solve_max_cover,
)


def make_case(n_cand: int, n_demand: int, seed: int, n_existing: int = 60):
    rng = np.random.default_rng(seed)
    w, h = 10_000.0, 8_000.0
    centres = rng.uniform([0, 0], [w, h], size=(12, 2))
    n_cl = int(0.7 * n_demand)
    which = rng.integers(0, len(centres), n_cl)
    clustered = centres[which] + rng.normal(0, 600, size=(n_cl, 2))
    uniform = rng.uniform([0, 0], [w, h], size=(n_demand - n_cl, 2))
    demand = np.clip(np.vstack([clustered, uniform]), [0, 0], [w, h])
    weight = rng.lognormal(2.0, 1.0, n_demand)
    cands = rng.uniform([0, 0], [w, h], size=(n_cand, 2))
    existing = rng.uniform([0, 0], [w, h], size=(n_existing, 2))
    return demand, weight, cands, existing


def run_one(n_cand, n_demand, n, radius, seed, threads, n_existing=60):
    demand, weight, cands, existing = make_case(n_cand, n_demand, seed, n_existing)
    t0 = time.perf_counter()
    cover = build_coverage_matrix(demand, cands, radius_m=radius)
    ex = np.asarray(build_coverage_matrix(demand, existing, radius_m=radius).sum(axis=1)).ravel() > 0
    problem = make_problem(weight, ex, cover)
    t_matrix = time.perf_counter() - t0
    t0 = time.perf_counter()
    greedy = greedy_max_cover(problem, n)
    t_greedy = time.perf_counter() - t0
    tracemalloc.start()
    t0 = time.perf_counter()
    exact = solve_max_cover(problem, n, threads=threads, time_limit_s=600)
    t_exact = time.perf_counter() - t0
    _, peak_py = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    child_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    added = exact.covered_demand - problem.covered_before
    gap = (exact.covered_demand - greedy.covered_demand) / added if added > 0 else 0.0
    return {
        "radius_m": radius, "seed": seed, "pairs": int(cover.nnz),
        "model_rows": exact.info.get("model_rows"), "status": exact.status,
        "t_matrix_s": t_matrix, "t_greedy_s": t_greedy, "t_exact_s": t_exact,
        "peak_python_mb": peak_py / 2**20, "cbc_peak_rss_mb": child_rss_mb,
        "share_before": problem.covered_before / problem.total_demand,
        "share_exact": exact.covered_demand / problem.total_demand,
        "share_greedy": greedy.covered_demand / problem.total_demand,
        "gap": gap,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--demand", type=int, default=5000)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--radius-m", type=float, nargs="+", default=[500.0, 900.0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--existing", type=int, default=60,
                        help="existing facilities (0: green field, the hardest case)")
    args = parser.parse_args()
    print(f"{args.candidates} candidates x {args.demand} demand points, N = {args.n}, "
          f"{args.existing} existing, CBC threads {args.threads}")
    header = (f"{'radius':>7}{'seed':>5}{'pairs':>9}{'rows':>7}{'matrix s':>9}{'greedy s':>9}"
              f"{'exact s':>9}{'py MB':>7}{'CBC MB':>8}{'before':>8}{'exact':>8}{'greedy':>8}"
              f"{'gap':>8}  status")
    print(header)
    for radius in args.radius_m:
        rows = []
        for seed in range(args.seeds):
            r = run_one(args.candidates, args.demand, args.n, radius, seed, args.threads, args.existing)
            rows.append(r)
            print(f"{radius:>7.0f}{seed:>5}{r['pairs']:>9,}{r['model_rows']:>7}{r['t_matrix_s']:>9.2f}"
                  f"{r['t_greedy_s']:>9.3f}{r['t_exact_s']:>9.2f}{r['peak_python_mb']:>7.0f}"
                  f"{r['cbc_peak_rss_mb']:>8.0f}{r['share_before']:>8.1%}{r['share_exact']:>8.2%}"
                  f"{r['share_greedy']:>8.2%}{r['gap']:>8.2%}  {r['status']}")
        med = statistics.median
        print(f"  median over {len(rows)} seeds at {radius:g} m: exact {med(r['t_exact_s'] for r in rows):.2f} s, "
              f"greedy {med(r['t_greedy_s'] for r in rows):.3f} s, gap "
              f"{med(r['gap'] for r in rows):.2%} (max {max(r['gap'] for r in rows):.2%})")


if __name__ == "__main__":
    main()
