"""Reach along the street: network service areas, coverage and the straight-line ratio.

Method, for facilities and a :class:`~futiangis.network.StreetNetwork`:

1. **snap** every facility to the nearest point of an edge (not just a node: the edge is
   split there); a park (polygon) joins the network wherever an edge crosses its outline
   and at every node inside it. The snap distance is reported per facility; beyond
   ``max_snap_m`` (default 150 m) a facility is *off network* and reaches nothing. By
   default the snap distance counts as walked (``count_snap_distance``), so nothing
   reached lies farther than D from the facility as the crow flies;
2. **one multi-source Dijkstra** from all snapped facilities at once
   (:func:`scipy.sparse.csgraph.dijkstra`, a virtual source joined to every facility by
   its snap distance), limited to the largest distance;
3. for each distance D the **reached network**: every edge part whose cost from the
   nearest facility is ≤ D, partial edges included, each metre once
   (``reached_length_m``);
4. the **service area** = the reached network buffered by a lateral trim (default 100 m:
   the depth of the blocks behind the street), measured per unit with the coverage
   machinery of :mod:`futiangis.coverage` (overlaps once, land/residential land,
   population, gap polygons), beside the straight-line circles of radius D.

Steps 1–3 live in :mod:`futiangis.netreach` (re-exported here); step 4 and the result
are here.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from . import schemas as S
from .coverage import CoverageResult, compute_coverage
from .crs import require_same_crs
from .jsonutil import jsonable
from .netgraph import StreetNetwork
from .netreach import AccessInputError, SnappedFacilities, reach_from, reached_segments, snap_facilities

__all__ = [
    "AccessInputError",
    "AccessResult",
    "SnappedFacilities",
    "compute_access",
    "reach_from",
    "reached_segments",
    "snap_facilities",
]


def _length_in(lines: np.ndarray, polys: np.ndarray) -> np.ndarray:
    """Length of ``lines`` inside each polygon of ``polys`` (lines must not overlap)."""
    out = np.zeros(len(polys))
    if len(lines) == 0 or len(polys) == 0:
        return out
    qp, ql = shapely.STRtree(lines).query(polys, predicate="intersects")
    if len(qp):
        np.add.at(out, qp, shapely.length(shapely.intersection(lines[ql], polys[qp])))
    return out


def _length_in_pieces(lines: np.ndarray, owner: np.ndarray, pieces: np.ndarray, n: int) -> np.ndarray:
    """Length of ``lines`` (each in unit ``owner``) inside interior-disjoint ``pieces``."""
    out = np.zeros(n)
    if len(lines) == 0 or len(pieces) == 0:
        return out
    ql, qp = shapely.STRtree(pieces).query(lines, predicate="intersects")
    if len(qp):
        np.add.at(out, owner[ql], shapely.length(shapely.intersection(lines[ql], pieces[qp])))
    return out


@dataclass(frozen=True)
class AccessResult:
    """Network reach and coverage at one distance, beside the straight-line circles.

    Frozen; ``reached`` and ``units`` are the result's own frames (copy before editing).

    ``units`` has, per unit: ``id``, ``covered_m2``, ``total_m2``, ``coverage`` (network
    service area), ``straight_covered_m2``, ``straight_coverage`` (circles of radius
    ``max_m``), ``ratio`` (network / straight-line coverage), ``network_length_m``,
    ``reached_length_m``, ``length_coverage``, ``straight_length_m`` (network length
    inside the circles), ``ceiling_coverage`` (the share the whole network buffered by the
    trim would cover: the most this network can show) and population columns.
    """

    max_m: float
    reached: gpd.GeoDataFrame
    network_cov: CoverageResult
    straight_cov: CoverageResult
    units: pd.DataFrame
    overall: dict
    settings: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    ceiling_cov: CoverageResult | None = None

    @property
    def reached_length_m(self) -> float:
        """Network length reached within ``max_m`` (partial edges included, once)."""
        return float(self.reached[S.LENGTH_M].sum())

    @property
    def gaps(self) -> gpd.GeoDataFrame:
        """Land outside the network service area, per unit, largest first."""
        return self.network_cov.gaps

    def to_dict(self) -> dict:
        """Plain data for JSON (the CLI contract keys first)."""
        rows = []
        for _, row in self.units.iterrows():
            rows.append({k: jsonable(v) for k, v in row.items()})
        return {
            "max_m": self.max_m,
            "reached_length_m": self.reached_length_m,
            "covered_m2": jsonable(self.overall["covered_m2"]),
            "coverage": jsonable(self.overall["coverage"]),
            **{k: jsonable(v) for k, v in self.overall.items() if k not in ("covered_m2", "coverage")},
            "units": rows,
            "gaps": {"count": len(self.gaps),
                     "area_m2": float(self.gaps[S.AREA_M2].sum()) if len(self.gaps) else 0.0},
            "settings": dict(self.settings),
            "notes": list(self.notes),
        }


def compute_access(
    network: StreetNetwork,
    facilities: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    *,
    max_m: Sequence[float],
    trim_m: float = 100.0,
    max_snap_m: float = 150.0,
    count_snap_distance: bool = True,
    land: gpd.GeoDataFrame | BaseGeometry | None = None,
    residential: gpd.GeoDataFrame | None = None,
    population=None,
    quad_segs: int = 64,
    ceiling: CoverageResult | None = None,
) -> tuple[list[AccessResult], SnappedFacilities]:
    """Network service areas and coverage of ``units`` at each distance in ``max_m``.

    Parameters
    ----------
    network : StreetNetwork
    facilities : GeoDataFrame
        Points (stations) or polygons (parks), same CRS as the network.
    units : GeoDataFrame
        Polygons with ``id``; coverage is reported for each.
    max_m : sequence of float
        Network distances (cost in metres), e.g. (300, 500, 1000).
    trim_m : float
        Lateral trim: the service area is the reached network buffered by this (0: the
        area is empty and only lengths are reported).
    max_snap_m, count_snap_distance :
        See :func:`snap_facilities`.
    land : GeoDataFrame or geometry, optional
        Land mask (district minus water, e.g. from the ``[coverage] land_mask`` layer):
        passed to :func:`futiangis.coverage.compute_coverage`, so every denominator — of the
        network service area, the straight-line circles and the ceiling alike — is land;
        unit network lengths are measured on the clipped units too.
    residential, population :
        As for :func:`futiangis.coverage.compute_coverage`.
    ceiling : CoverageResult, optional
        The whole network buffered by ``trim_m`` over the same units, when already
        computed (it is the same for every theme); computed here otherwise.

    Returns
    -------
    (list of AccessResult, SnappedFacilities)

    Raises
    ------
    AccessInputError
        If a distance or the trim is not a non-negative number.
    """
    distances = [float(d) for d in max_m]
    if not distances or any(not np.isfinite(d) or d <= 0 for d in distances):
        raise AccessInputError(f"distances must be positive metres, got {list(max_m)}.")
    if not np.isfinite(trim_m) or trim_m < 0:
        raise AccessInputError(f"trim_m must be ≥ 0 metres (got {trim_m}).")
    for what, layer in (("facilities", facilities), ("units", units)):
        require_same_crs(layer, network.crs, what=f"{what} and the network")
    mask = None
    if land is not None:
        mask = land if isinstance(land, BaseGeometry) else shapely.union_all(land.geometry.to_numpy())
        units = units.copy()
        units[units.geometry.name] = shapely.intersection(units.geometry.to_numpy(), mask)
    cov_kw: dict[str, Any] = {"quad_segs": quad_segs, "residential": residential, "land": mask}
    snapped = snap_facilities(network, facilities, max_snap_m=max_snap_m,
                              count_snap_distance=count_snap_distance)
    node_cost = reach_from(snapped, limit_m=max(distances))
    net = snapped.network
    unit_geoms = units.geometry.to_numpy()
    edge_geoms = net.edges.geometry.to_numpy()
    # the network clipped to each unit, once: lengths per unit and inside the circles
    qu, qe = shapely.STRtree(edge_geoms).query(unit_geoms, predicate="intersects")
    unit_edges = shapely.intersection(edge_geoms[qe], unit_geoms[qu])
    network_len = np.bincount(qu, weights=shapely.length(unit_edges), minlength=len(unit_geoms))
    # the most the network can cover at this trim (every edge reached): the ceiling; it
    # does not depend on the facilities (the snap splits change no geometry)
    if ceiling is None and trim_m > 0:
        ceiling = compute_coverage(network.edges, units, radius_m=trim_m, **cov_kw)
    results = []
    for d in distances:
        reached = reached_segments(net, node_cost, d)
        if trim_m > 0 and len(reached):
            net_cov = compute_coverage(reached, units, radius_m=trim_m, population=population,
                                       **cov_kw)
        else:
            net_cov = compute_coverage(reached.iloc[:0], units, radius_m=1.0, population=population,
                                       **cov_kw)
        straight = compute_coverage(facilities, units, radius_m=d, population=population, **cov_kw)
        reached_len = _length_in(reached.geometry.to_numpy(), unit_geoms)
        circles_len = _length_in_pieces(unit_edges, qu, straight.service_pieces, len(unit_geoms))
        table = net_cov.units.copy()
        table["straight_covered_m2"] = straight.units["covered_m2"].to_numpy()
        table["straight_coverage"] = straight.units["coverage"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            table["ratio"] = np.where(table["straight_covered_m2"] > 0,
                                      table["covered_m2"] / table["straight_covered_m2"], np.nan)
            table["network_length_m"] = network_len
            table[S.REACHED_LENGTH_M] = reached_len
            table["length_coverage"] = np.where(network_len > 0, reached_len / np.where(
                network_len > 0, network_len, 1), np.nan)
            table["straight_length_m"] = circles_len
        table["ceiling_coverage"] = (ceiling.units["coverage"].to_numpy() if ceiling is not None
                                     else np.zeros(len(table)))
        if "population" in straight.units.columns:
            table["straight_population_covered"] = straight.units["population_covered"].to_numpy()
        if S.NAME_ZH in units.columns:
            table.insert(1, S.NAME_ZH, units[S.NAME_ZH].astype(str).to_numpy())
        overall = dict(net_cov.overall)
        overall["straight_covered_m2"] = straight.overall["covered_m2"]
        overall["straight_coverage"] = straight.overall["coverage"]
        overall["ratio"] = (overall["covered_m2"] / overall["straight_covered_m2"]
                            if overall["straight_covered_m2"] > 0 else float("nan"))
        overall["network_length_m"] = float(net.length_m)
        overall["ceiling_coverage"] = ceiling.overall["coverage"] if ceiling is not None else 0.0
        results.append(AccessResult(
            max_m=d, reached=reached, network_cov=net_cov, straight_cov=straight, units=table,
            overall=overall,
            settings={"trim_m": float(trim_m), "quad_segs": int(quad_segs),
                      "denominator": net_cov.denominator, "crs": net_cov.crs,
                      "land_mask": land is not None, **snapped.summary(),
                      "network": {k: v for k, v in net.settings.items()},
                      "network_label": net.label},
            ceiling_cov=ceiling,
        ))
    return results, snapped
