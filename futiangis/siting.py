"""Where next: choose new facility sites that cover the most demand (MCLP) or reach a share.

Pure functions over arrays: a demand set (weights at points in the working CRS), the
demand already covered by the existing facilities, and a sparse coverage matrix
(demand × candidate: candidate ``j`` covers demand ``i`` when ``i`` lies within the
service radius of ``j``). The models are solved exactly as mixed-integer programmes with
PuLP and its bundled CBC (offline), and by greedy beside them; the greedy answer and its
gap are always reported.

Existing facilities are **fixed**: the demand they already cover counts as covered
before any site is chosen and is removed from the model, so it is counted once and no
existing facility is ever "chosen" (pysal/spopt#217 asks for exactly this).

Models
------
* **Maximal covering (MCLP, Church & ReVelle 1974)** — open at most ``N`` candidates,
  maximise the demand covered: ``max Σ w_i z_i`` s.t. ``z_i ≤ Σ_{j∈N_i} y_j``,
  ``Σ y_j ≤ N``, ``0 ≤ z_i ≤ 1``, ``y_j ∈ {0,1}``.
* **Fewest sites to reach a share (partial set covering, LSCP-style)** —
  ``min Σ y_j`` s.t. ``Σ w_i z_i ≥ P·W − W_existing``; then, among the sets of that size,
  the one covering the most (a second MCLP).
* **Capacitated** (optional, a capacity per new site) — a site serves at most its
  capacity: assignment ``x_ij ≥ 0`` on the coverage pairs, ``Σ_j x_ij ≤ 1``,
  ``Σ_i w_i x_ij ≤ c_j y_j``, ``x_ij ≤ y_j``; covered demand = ``Σ w_i x_ij``.

Reductions before solving are exact: demand covered by existing facilities, demand no
candidate reaches and zero-weight demand are taken out (as constants); demand points with
the same set of covering candidates are merged (weights summed); candidates that reach no
remaining demand are dropped.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from .errors import FutianGISError

__all__ = [
    "SitingInputError",
    "SitingProblem",
    "SitingSolution",
    "build_coverage_matrix",
    "covered_by",
    "greedy_max_cover",
    "greedy_min_sites",
    "make_problem",
    "rank_by_marginal",
    "solve_max_cover",
    "solve_min_sites",
]


class SitingInputError(FutianGISError, ValueError):
    """The siting inputs cannot make a problem (no candidates, bad N or share, ...)."""


@dataclass(frozen=True)
class SitingProblem:
    """A siting problem in matrix form.

    Attributes
    ----------
    weight : ndarray, shape (n_demand,)
        Demand at each demand point (m² of land, people, trip ends, ...), ≥ 0.
    existing : ndarray of bool, shape (n_demand,)
        Demand already covered by an existing facility (fixed as covered).
    cover : scipy.sparse.csr_matrix of bool, shape (n_demand, n_candidates)
        ``cover[i, j]``: candidate ``j`` covers demand ``i``.
    capacity : ndarray, shape (n_candidates,), or None
        Demand each new site can serve (same unit as ``weight``); None: unlimited.
    """

    weight: np.ndarray
    existing: np.ndarray
    cover: sp.csr_matrix
    capacity: np.ndarray | None = None

    @property
    def n_candidates(self) -> int:
        """Number of candidate sites."""
        return int(self.cover.shape[1])

    @property
    def total_demand(self) -> float:
        """All demand (the denominator of every share)."""
        return float(self.weight.sum())

    @property
    def covered_before(self) -> float:
        """Demand covered by the existing facilities alone."""
        return float(self.weight[self.existing].sum())

    @property
    def reachable(self) -> float:
        """Demand covered with the existing facilities and *every* candidate opened."""
        reach = self.existing | (np.asarray(self.cover.sum(axis=1)).ravel() > 0)
        return float(self.weight[reach].sum())


@dataclass(frozen=True)
class SitingSolution:
    """Chosen candidate indices (rank order) and the demand they bring (frozen)."""

    selected: list[int]
    covered_demand: float
    method: str
    status: str = "optimal"
    marginal: list[float] = field(default_factory=list)
    served: dict[int, float] = field(default_factory=dict)
    seconds: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# coverage matrix
# ---------------------------------------------------------------------------------------
def build_coverage_matrix(
    demand_xy: np.ndarray, candidate_xy: np.ndarray, *, radius_m: float
) -> sp.csr_matrix:
    """Sparse boolean matrix: ``[i, j]`` true when demand ``i`` is within ``radius_m`` of ``j``.

    Straight-line (Euclidean) distance in the working CRS (metres); the radius is
    inclusive (a point exactly ``radius_m`` away is covered).

    Parameters
    ----------
    demand_xy, candidate_xy : ndarray, shape (n, 2)
        Coordinates in metres (EPSG:4547).
    radius_m : float
        Service radius, > 0.
    """
    if not radius_m > 0:
        raise SitingInputError(f"radius_m must be > 0 (got {radius_m}).")
    demand_xy = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    candidate_xy = np.asarray(candidate_xy, dtype=float).reshape(-1, 2)
    n_d, n_c = len(demand_xy), len(candidate_xy)
    if n_d == 0 or n_c == 0:
        return sp.csr_matrix((n_d, n_c), dtype=bool)
    # a hair of slack so a point exactly on the circle is covered despite float rounding
    eps = 1e-9 * max(1.0, radius_m)
    dist = cKDTree(demand_xy).sparse_distance_matrix(
        cKDTree(candidate_xy), radius_m + eps, output_type="coo_matrix"
    )
    rows, cols = dist.row, dist.col
    # sparse_distance_matrix omits exact zero distances from .data but keeps the pairs
    mat = sp.csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n_d, n_c))
    return mat


def make_problem(
    weight, existing, cover: sp.spmatrix, *, capacity=None
) -> SitingProblem:
    """Check and assemble a :class:`SitingProblem`.

    Raises
    ------
    SitingInputError
        If shapes disagree, a weight is negative or not finite, or a capacity is negative.
    """
    weight = np.asarray(weight, dtype=float).ravel()
    existing = np.asarray(existing, dtype=bool).ravel()
    cover = sp.csr_matrix(cover, dtype=bool)
    if len(existing) != len(weight) or cover.shape[0] != len(weight):
        raise SitingInputError(
            f"demand arrays disagree: {len(weight)} weights, {len(existing)} existing flags, "
            f"coverage matrix with {cover.shape[0]} rows."
        )
    bad = ~np.isfinite(weight) | (weight < 0)
    if bad.any():
        raise SitingInputError(
            f"{int(bad.sum())} demand weight(s) are negative or not a number (first at "
            f"position {int(np.flatnonzero(bad)[0])}); demand must be ≥ 0."
        )
    cap = None
    if capacity is not None:
        cap = np.broadcast_to(np.asarray(capacity, dtype=float), (cover.shape[1],)).copy()
        if (~np.isfinite(cap) | (cap < 0)).any():
            raise SitingInputError("capacities must be finite and ≥ 0.")
    return SitingProblem(weight, existing, cover, cap)


@dataclass(frozen=True)
class _Reduced:
    weight: np.ndarray  # merged demand rows still open
    cover: sp.csr_matrix  # rows: merged demand, cols: kept candidates
    cols: np.ndarray  # kept candidate indices (into the original problem)
    fixed: float  # demand covered by existing facilities


def _reduce(problem: SitingProblem) -> _Reduced:
    """Take out fixed demand, merge demand rows with identical coverage, drop idle candidates."""
    open_rows = (~problem.existing) & (problem.weight > 0)
    cover = problem.cover[open_rows]
    weight = problem.weight[open_rows]
    reached = np.diff(cover.indptr) > 0
    cover, weight = cover[reached], weight[reached]
    cols = np.flatnonzero(np.diff(cover.tocsc().indptr) > 0)
    cover = cover[:, cols].tocsr()
    cover.sort_indices()
    if cover.shape[0]:
        # merge rows with the same candidate set (exact: z_i depends only on that set)
        keys = [cover.indices[cover.indptr[i]:cover.indptr[i + 1]].tobytes()
                for i in range(cover.shape[0])]
        _, first, inverse = np.unique(np.array(keys, dtype=object), return_index=True,
                                      return_inverse=True)
        merged_w = np.bincount(inverse, weights=weight, minlength=len(first))
        cover = cover[first]
        weight = merged_w
    return _Reduced(weight, cover.tocsr(), cols, problem.covered_before)


# ---------------------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------------------
def covered_by(problem: SitingProblem, selected) -> float:
    """Demand covered by the existing facilities plus ``selected`` (uncapacitated)."""
    sel = np.zeros(problem.n_candidates, dtype=bool)
    sel[list(selected)] = True
    hit = problem.existing | (problem.cover[:, sel].sum(axis=1).A1 > 0)
    return float(problem.weight[hit].sum())


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


def _prune_and_rank(problem: SitingProblem, selected: list[int]) -> tuple[list[int], list[float]]:
    """Order ``selected`` by marginal covered demand; drop sites that add nothing."""
    order, marginal = rank_by_marginal(problem, selected)
    keep = [(j, m) for j, m in zip(order, marginal) if m > 0]
    return [j for j, _ in keep], [m for _, m in keep]


def rank_by_marginal(problem: SitingProblem, selected) -> tuple[list[int], list[float]]:
    """Rank sites by marginal covered demand, counting existing facilities first.

    The first site is the one that adds most to the existing facilities' coverage; each
    next one adds most to the existing facilities plus the sites ranked before it (ties:
    the lower candidate index). The marginals sum to the selected set's added demand.

    Returns
    -------
    order : list of int
        Candidate indices, best first.
    marginal : list of float
        Demand each site adds at its rank.
    """
    remaining = [int(j) for j in selected]
    uncovered = problem.weight * (~problem.existing)
    cover = problem.cover.tocsc()
    order, marginal = [], []
    while remaining:
        gains = np.array([uncovered[cover.indices[cover.indptr[j]:cover.indptr[j + 1]]].sum()
                          for j in remaining])
        best = int(np.argmax(gains))  # first maximum: lowest position, stable
        j = remaining.pop(best)
        order.append(j)
        marginal.append(float(gains[best]))
        uncovered[cover.indices[cover.indptr[j]:cover.indptr[j + 1]]] = 0.0
    return order, marginal


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
