"""Solving the siting models: exact MILPs (PuLP + bundled CBC, offline) and greedy beside them.

The formulations are stated in :mod:`futiangis.siting`; the problem and its exact
reductions are in :mod:`futiangis.siting_model`.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .siting_model import (
    SitingInputError,
    SitingProblem,
    SitingSolution,
    _prune_and_rank,
    _reduce,
    _Reduced,
    covered_by,
    rank_by_marginal,
)

__all__ = ["greedy_max_cover", "greedy_min_sites", "solve_max_cover", "solve_min_sites"]


def _capacitated_value(problem: SitingProblem, selected, *, time_limit_s: float) -> tuple[float, dict]:
    """Most demand the ``selected`` sites can serve within their capacities (an LP)."""
    import pulp

    red = _reduce(problem)
    chosen = [k for k, j in enumerate(red.cols) if j in set(selected)]
    if not chosen or not red.weight.size:
        return red.fixed, {}
    sub = red.cover[:, chosen].tocoo()
    lp = pulp.LpProblem("capacity_check", pulp.LpMaximize)
    x = [lp.add_variable(f"x{k}", 0, 1) for k in range(sub.nnz)]
    lp += pulp.lpSum(red.weight[i] * x[k] for k, i in enumerate(sub.row))
    by_row: dict[int, list] = {}
    by_col: dict[int, list] = {}
    for k, (i, c) in enumerate(zip(sub.row, sub.col)):
        by_row.setdefault(int(i), []).append(x[k])
        by_col.setdefault(int(c), []).append((red.weight[i], x[k]))
    for terms in by_row.values():
        lp += pulp.lpSum(terms) <= 1
    assert problem.capacity is not None
    for c, terms in by_col.items():
        lp += pulp.lpSum(w * v for w, v in terms) <= problem.capacity[red.cols[chosen[c]]]
    lp.solve(_solver(time_limit_s, None, False))
    served: dict[int, float] = {}
    for k, c in enumerate(sub.col):
        j = int(red.cols[chosen[c]])
        served[j] = served.get(j, 0.0) + red.weight[sub.row[k]] * (x[k].value() or 0.0)
    return red.fixed + sum(served.values()), served


# ---------------------------------------------------------------------------------------
# exact models (PuLP + bundled CBC)
# ---------------------------------------------------------------------------------------
def _solver(time_limit_s: float, threads: int | None, warm: bool):
    """CBC as bundled with PuLP 3.x (offline: no solver download). PuLP 3.3 marks the
    bundled solver deprecated for PuLP 4 (pyproject pins pulp < 4)."""
    import warnings

    import pulp

    kwargs: dict[str, Any] = {"msg": False, "timeLimit": time_limit_s, "warmStart": warm}
    if threads:
        kwargs["threads"] = int(threads)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(**kwargs)


def _build(red: _Reduced, capacity: np.ndarray | None, *, sense: str, n_sites: int | None = None,
           need: float | None = None, start: set[int] | None = None):
    """The MILP over the reduced problem; returns (model, site variables, served exprs)."""
    import pulp

    lp = pulp.LpProblem("siting", pulp.LpMaximize if sense == "max" else pulp.LpMinimize)
    n_rows, n_cols = red.cover.shape
    y = [lp.add_variable(f"y{k}", 0, 1, cat="Binary") for k in range(n_cols)]
    if start is not None:
        for k, j in enumerate(red.cols):
            y[k].setInitialValue(1 if int(j) in start else 0)
    served: list[Any] = []
    if capacity is None:
        z = [lp.add_variable(f"z{i}", 0, 1) for i in range(n_rows)]
        cover = red.cover
        for i in range(n_rows):
            cols = cover.indices[cover.indptr[i]:cover.indptr[i + 1]]
            lp += pulp.LpAffineExpression([(z[i], 1.0)] + [(y[k], -1.0) for k in cols]) <= 0, f"c{i}"
        covered = pulp.LpAffineExpression([(z[i], float(red.weight[i])) for i in range(n_rows)])
    else:
        coo = red.cover.tocoo()
        x = [lp.add_variable(f"x{k}", 0, 1) for k in range(coo.nnz)]
        rows: list[list] = [[] for _ in range(n_rows)]
        cols_: list[list] = [[] for _ in range(n_cols)]
        for k, (i, c) in enumerate(zip(coo.row, coo.col)):
            rows[i].append((x[k], 1.0))
            cols_[c].append((x[k], float(red.weight[i])))
            lp += pulp.LpAffineExpression([(x[k], 1.0), (y[c], -1.0)]) <= 0, f"p{k}"
        for i, terms in enumerate(rows):
            lp += pulp.LpAffineExpression(terms) <= 1, f"r{i}"
        for c, terms in enumerate(cols_):
            cap = float(capacity[red.cols[c]])
            lp += pulp.LpAffineExpression(terms + [(y[c], -cap)]) <= 0, f"k{c}"
            served.append(pulp.LpAffineExpression(terms))
        covered = pulp.LpAffineExpression(
            [(x[k], float(red.weight[i])) for k, i in enumerate(coo.row)])
    if sense == "max":
        lp += covered
        lp += pulp.lpSum(y) <= int(n_sites or 0), "n_sites"
    else:
        lp += pulp.lpSum(y)
        lp += covered >= float(need or 0.0), "share"
    return lp, y, served


def _status(lp) -> str:
    # PuLP: sol_status 1 optimal, 2 a solution found but not proven optimal (time limit)
    return {1: "optimal", 2: "time_limit"}.get(getattr(lp, "sol_status", lp.status), "no_solution")


def _picked(red: _Reduced, y) -> list[int]:
    return [int(red.cols[k]) for k, v in enumerate(y) if (v.value() or 0) > 0.5]


def solve_max_cover(
    problem: SitingProblem,
    n_sites: int,
    *,
    time_limit_s: float = 600.0,
    threads: int | None = None,
    warm_start: bool = True,
) -> SitingSolution:
    """Exact MCLP: at most ``n_sites`` new sites covering the most demand.

    Sites that would add nothing are not returned (so fewer than ``n_sites`` come back
    when fewer suffice to reach every demand point any candidate reaches).

    Parameters
    ----------
    problem : SitingProblem
    n_sites : int
        Number of new sites, ≥ 1.
    time_limit_s : float
        CBC stops here and returns its best set, with ``status = "time_limit"`` and the
        bound in ``info``.
    threads : int, optional
        CBC threads.
    warm_start : bool
        Give CBC the greedy answer as its first incumbent.

    Returns
    -------
    SitingSolution
        ``selected`` in rank order with ``marginal`` demand (``served`` per site when
        capacitated), ``covered_demand`` including the existing facilities' coverage.
    """
    import time

    if int(n_sites) < 1:
        raise SitingInputError(f"the number of new sites must be ≥ 1 (got {n_sites}).")
    t0 = time.perf_counter()
    red = _reduce(problem)
    start = set(greedy_max_cover(problem, n_sites).selected) if warm_start else None
    if red.cover.shape[1] == 0:
        return SitingSolution([], red.fixed, "milp", "optimal", seconds=time.perf_counter() - t0,
                              info={"note": "no candidate reaches uncovered demand"})
    lp, y, served_expr = _build(red, problem.capacity, sense="max", n_sites=int(n_sites),
                                start=start)
    lp.solve(_solver(time_limit_s, threads, warm_start))
    status = _status(lp)
    picked = _picked(red, y)
    info = {"model_rows": red.cover.shape[0], "model_candidates": red.cover.shape[1],
            "model_pairs": int(red.cover.nnz)}
    return _finish(problem, red, picked, served_expr, y, status, "milp", t0, info)


def _finish(problem, red, picked, served_expr, y, status, method, t0, info) -> SitingSolution:
    import time

    if problem.capacity is None:
        order, marginal = _prune_and_rank(problem, picked)
        covered = covered_by(problem, order)
        served: dict = {}
    else:
        served = {}
        for k, v in enumerate(y):
            if (v.value() or 0) > 0.5:
                served[int(red.cols[k])] = float(served_expr[k].value() or 0.0)
        order = sorted((j for j in served if served[j] > 1e-9), key=lambda j: (-served[j], j))
        marginal = [served[j] for j in order]
        covered = red.fixed + sum(marginal)
    return SitingSolution(order, covered, method, status, marginal, served,
                          time.perf_counter() - t0, info)


def solve_min_sites(
    problem: SitingProblem,
    share: float,
    *,
    time_limit_s: float = 600.0,
    threads: int | None = None,
) -> SitingSolution:
    """Fewest new sites bringing covered demand to ``share`` of the total (LSCP-style).

    Among the sets of that size the one covering the most demand is returned (a second,
    MCLP, solve). When even every candidate together cannot reach ``share``, the solution
    has ``status = "infeasible"``, no sites, and ``info["best_share"]``: the share reached
    with every candidate opened.
    """
    import time

    if not 0 < share <= 1:
        raise SitingInputError(f"--min-cover must be a share in (0, 1] (got {share}).")
    t0 = time.perf_counter()
    total = problem.total_demand
    need_total = share * total
    if problem.covered_before >= need_total - 1e-9 * max(total, 1.0):
        return SitingSolution([], problem.covered_before, "milp", "optimal",
                              seconds=time.perf_counter() - t0,
                              info={"note": "the existing facilities already reach the share"})
    if problem.capacity is None:
        best = problem.reachable
    else:
        best, _ = _capacitated_value(problem, range(problem.n_candidates),
                                     time_limit_s=time_limit_s)
    if best < need_total * (1 - 1e-12):
        return SitingSolution([], problem.covered_before, "milp", "infeasible",
                              seconds=time.perf_counter() - t0,
                              info={"best_share": best / total if total else 0.0,
                                    "best_covered": best})
    red = _reduce(problem)
    greedy = greedy_min_sites(problem, share)
    lp, y, _ = _build(red, problem.capacity, sense="min",
                      need=(need_total - red.fixed) * (1 - 1e-12), start=set(greedy.selected))
    lp.solve(_solver(time_limit_s, threads, True))
    status = _status(lp)
    if status == "no_solution":
        return SitingSolution([], problem.covered_before, "milp", status,
                              seconds=time.perf_counter() - t0)
    k = len(_picked(red, y))
    sol = solve_max_cover(problem, k, time_limit_s=time_limit_s, threads=threads)
    return dataclasses.replace(sol, status="time_limit" if status == "time_limit" else sol.status,
                               seconds=time.perf_counter() - t0, info={**sol.info, "min_sites": k})


# ---------------------------------------------------------------------------------------
# greedy
# ---------------------------------------------------------------------------------------
def _greedy(problem: SitingProblem, stop) -> list[int]:
    cover = problem.cover.tocsc()
    remaining = problem.weight * (~problem.existing)
    cap = problem.capacity
    chosen: list[int] = []
    got = problem.covered_before
    open_ = np.ones(problem.n_candidates, dtype=bool)
    while not stop(len(chosen), got):
        gains = cover.T @ remaining
        if cap is not None:
            gains = np.minimum(gains, cap)
        gains[~open_] = -1.0
        j = int(np.argmax(gains))
        if gains[j] <= 0:
            break
        chosen.append(j)
        open_[j] = False
        rows = cover.indices[cover.indptr[j]:cover.indptr[j + 1]]
        avail = remaining[rows].sum()
        # a capacitated site takes the same share of every demand point in its reach
        keep = 0.0 if cap is None or cap[j] >= avail else 1.0 - cap[j] / avail
        remaining[rows] *= keep
        got += float(gains[j])
    return chosen


def greedy_max_cover(problem: SitingProblem, n_sites: int) -> SitingSolution:
    """Greedy MCLP: repeatedly add the site that adds most uncovered demand.

    With capacities a site adds at most its capacity (taking the same share of each
    demand point in reach); the set's ``covered_demand`` is then re-evaluated exactly
    (the best assignment of demand to the chosen sites, an LP).
    """
    import time

    t0 = time.perf_counter()
    chosen = _greedy(problem, lambda k, got: k >= n_sites)
    return _greedy_solution(problem, chosen, t0)


def greedy_min_sites(problem: SitingProblem, share: float) -> SitingSolution:
    """Greedy: add sites until covered demand reaches ``share`` (or nothing more helps)."""
    import time

    t0 = time.perf_counter()
    need = share * problem.total_demand * (1 - 1e-12)
    chosen = _greedy(problem, lambda k, got: got >= need)
    sol = _greedy_solution(problem, chosen, t0)
    if sol.covered_demand < need:
        sol = dataclasses.replace(sol, status="infeasible")
    return sol


def _greedy_solution(problem: SitingProblem, chosen: list[int], t0: float) -> SitingSolution:
    import time

    if problem.capacity is None:
        order, marginal = rank_by_marginal(problem, chosen)
        return SitingSolution(order, covered_by(problem, chosen), "greedy", "heuristic",
                              marginal, seconds=time.perf_counter() - t0)
    covered, served = _capacitated_value(problem, chosen, time_limit_s=600.0)
    order = sorted(chosen, key=lambda j: (-served.get(j, 0.0), j))
    return SitingSolution(order, covered, "greedy", "heuristic",
                          [served.get(j, 0.0) for j in order], served, time.perf_counter() - t0)
