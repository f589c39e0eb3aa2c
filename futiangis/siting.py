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

The code: :mod:`futiangis.siting_model` (the problem, its coverage matrix, reductions and
evaluation) and :mod:`futiangis.siting_solve` (the MILPs and greedy); every name is
importable from here.
"""
from __future__ import annotations

from .siting_model import (
    SitingInputError,
    SitingProblem,
    SitingSolution,
    build_coverage_matrix,
    covered_by,
    make_problem,
    rank_by_marginal,
)
from .siting_solve import greedy_max_cover, greedy_min_sites, solve_max_cover, solve_min_sites

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
