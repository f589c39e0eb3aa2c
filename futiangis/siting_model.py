"""The siting problem in matrix form: coverage matrix, checks, exact reductions, evaluation.

See :mod:`futiangis.siting` for the models; the solvers are in :mod:`futiangis.siting_solve`.
Pure functions over arrays.
"""
from __future__ import annotations

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
    "make_problem",
    "rank_by_marginal",
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
