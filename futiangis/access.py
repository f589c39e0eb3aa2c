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
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy import sparse
from scipy.sparse import csgraph
from shapely.geometry.base import BaseGeometry

from . import schemas as S
from .coverage import CoverageResult, compute_coverage
from .crs import require_projected
from .errors import CRSError, FutianGISError
from .jsonutil import jsonable
from .netsplit import cut_edges, line_prefixes
from .network import StreetNetwork
from .validate import feature_labels

__all__ = [
    "AccessInputError",
    "AccessResult",
    "SnappedFacilities",
    "compute_access",
    "reach_from",
    "reached_segments",
    "snap_facilities",
]


class AccessInputError(FutianGISError, ValueError):
    """Facilities, distances or the trim cannot be used for a network analysis."""


@dataclass(frozen=True)
class SnappedFacilities:
    """Facilities joined to the network (frozen; ``table`` is its own frame).

    Attributes
    ----------
    network : StreetNetwork
        The network with edges split at the snap points.
    table : DataFrame
        Per facility: ``id``, ``snap_m`` (distance to the network; 0 for a park the
        network touches), ``on_network`` (snap_m ≤ max_snap_m), ``entry_nodes``.
    source_nodes, source_cost_m, source_owner : ndarray
        One row per (facility, entry node): the node, the cost to reach it and the
        facility's position in ``table``.
    """

    network: StreetNetwork
    table: pd.DataFrame
    source_nodes: np.ndarray
    source_cost_m: np.ndarray
    max_snap_m: float
    count_snap_distance: bool
    source_owner: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))

    def summary(self) -> dict:
        """Counts and snap-distance statistics for reports."""
        t = self.table
        on = t[t["on_network"]]
        return {
            "count": len(t),
            "on_network": len(on),
            "off_network": int((~t["on_network"]).sum()),
            "off_network_ids": [str(i) for i in t.loc[~t["on_network"], S.ID]],
            "snap_m_median": float(on[S.SNAP_M].median()) if len(on) else None,
            "snap_m_max": float(on[S.SNAP_M].max()) if len(on) else None,
            "max_snap_m": self.max_snap_m,
            "count_snap_distance": self.count_snap_distance,
        }


def snap_facilities(
    network: StreetNetwork,
    facilities: gpd.GeoDataFrame,
    *,
    max_snap_m: float = 150.0,
    count_snap_distance: bool = True,
) -> SnappedFacilities:
    """Join point and polygon facilities to the network (see the module docstring).

    Raises
    ------
    AccessInputError
        If ``max_snap_m`` is negative or the facilities are not points or polygons.
    """
    require_projected(facilities.crs, "snapping facilities")
    if not np.isfinite(max_snap_m) or max_snap_m < 0:
        raise AccessInputError(f"max_snap_m must be ≥ 0 metres (got {max_snap_m}).")
    geoms = facilities.geometry.to_numpy()
    labels = feature_labels(facilities).to_numpy()
    n = len(geoms)
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    kind = shapely.get_type_id(geoms)
    is_point = usable & (kind == 0)
    is_poly = usable & np.isin(kind, (3, 6))
    bad = usable & ~(is_point | is_poly)
    if bad.any():
        raise AccessInputError(
            f"facilities must be points or polygons; {', '.join(labels[bad][:10])} are not. "
            "Give stations as points and parks as polygons.")
    edges = network.edges.geometry.to_numpy()
    tree = shapely.STRtree(edges)
    snap = np.full(n, np.inf)
    cut_owner, cut_edge, cut_pos = [], [], []
    pts = np.flatnonzero(is_point)
    if len(pts):
        (qi, qe), dist = tree.query_nearest(geoms[pts], return_distance=True, all_matches=False)
        snap[pts[qi]] = dist
        ok = dist <= max_snap_m
        cut_owner.append(pts[qi][ok])
        cut_edge.append(qe[ok])
        cut_pos.append(shapely.line_locate_point(edges[qe[ok]], geoms[pts[qi][ok]]))
    polys = np.flatnonzero(is_poly)
    inside_polys = []
    if len(polys):
        qp, qe = tree.query(geoms[polys], predicate="intersects")
        touching = np.zeros(len(polys), dtype=bool)
        touching[qp] = True
        if len(qp):
            rings = shapely.boundary(geoms[polys[qp]])
            hits = shapely.intersection(edges[qe], rings)
            for p, e, hit in zip(qp, qe, hits):
                cross = shapely.get_parts(shapely.extract_unique_points(hit))
                if len(cross):
                    cut_owner.append(np.full(len(cross), polys[p]))
                    cut_edge.append(np.full(len(cross), e))
                    cut_pos.append(shapely.line_locate_point(edges[e], cross))
        snap[polys[touching]] = 0.0
        inside_polys = list(polys[touching])
        far = polys[~touching]
        if len(far):
            (qi, qe2), dist = tree.query_nearest(geoms[far], return_distance=True,
                                                 all_matches=False)
            snap[far[qi]] = dist
            ok = dist <= max_snap_m
            near_pts = shapely.get_point(shapely.shortest_line(edges[qe2[ok]], geoms[far[qi][ok]]), 0)
            cut_owner.append(far[qi][ok])
            cut_edge.append(qe2[ok])
            cut_pos.append(shapely.line_locate_point(edges[qe2[ok]], near_pts))
    owner = np.concatenate(cut_owner) if cut_owner else np.array([], dtype=int)
    split, node_at = cut_edges(
        network,
        np.concatenate(cut_edge) if cut_edge else np.array([], dtype=int),
        np.concatenate(cut_pos) if cut_pos else np.array([]),
    )
    src_owner, src_node = [owner], [node_at]
    if inside_polys:
        node_pts = shapely.points(split.node_xy)
        qp, qn = shapely.STRtree(node_pts).query(geoms[inside_polys], predicate="intersects")
        src_owner.append(np.asarray(inside_polys)[qp])
        src_node.append(qn)
    src_owner_a = np.concatenate(src_owner).astype(np.int64)
    src_node_a = np.concatenate(src_node).astype(np.int64)
    on = snap <= max_snap_m
    keep = on[src_owner_a]
    src_owner_a, src_node_a = src_owner_a[keep], src_node_a[keep]
    cost = snap[src_owner_a] if count_snap_distance else np.zeros(len(src_owner_a))
    entries = np.bincount(src_owner_a, minlength=n)
    table = pd.DataFrame({
        S.ID: labels,
        S.SNAP_M: np.where(np.isfinite(snap), snap, np.nan),
        "on_network": on,
        "entry_nodes": entries,
    }, index=facilities.index)
    return SnappedFacilities(split, table, src_node_a, cost, float(max_snap_m),
                             bool(count_snap_distance), src_owner_a)


def reach_from(snapped: SnappedFacilities, *, limit_m: float) -> np.ndarray:
    """Network cost from the nearest facility to every node (inf beyond ``limit_m``).

    One Dijkstra from a virtual source joined to every entry node by its snap cost.
    """
    net = snapped.network
    n = net.n_nodes
    if len(snapped.source_nodes) == 0:
        return np.full(n, np.inf)
    if not np.any(snapped.source_cost_m > 0):
        return csgraph.dijkstra(net.graph, directed=False, indices=np.unique(snapped.source_nodes),
                                min_only=True, limit=float(limit_m))
    g = net.graph.tocoo()
    k = len(snapped.source_nodes)
    rows = np.r_[g.row, np.full(k, n), snapped.source_nodes]
    cols = np.r_[g.col, snapped.source_nodes, np.full(k, n)]
    vals = np.r_[g.data, snapped.source_cost_m, snapped.source_cost_m]
    # several entries to one node: csr would add them; keep the cheapest
    frame = pd.DataFrame({"r": rows, "c": cols, "w": vals}).groupby(["r", "c"], sort=False)["w"].min()
    aug = sparse.csr_matrix((frame.to_numpy(), (frame.index.get_level_values(0),
                                                frame.index.get_level_values(1))), shape=(n + 1, n + 1))
    dist = csgraph.dijkstra(aug, directed=True, indices=n, limit=float(limit_m))
    return dist[:n]


def reached_segments(network: StreetNetwork, node_cost: np.ndarray, max_m: float) -> gpd.GeoDataFrame:
    """The parts of every edge within ``max_m`` of the nearest facility, each metre once.

    An edge u–v of length L and cost C is reached from u for (max_m − cost(u)) · L / C
    metres and from v likewise; where the two reaches meet or overlap the whole edge
    counts once.
    """
    edges = network.edges
    u = edges[S.EDGE_U].to_numpy(dtype=np.int64)
    v = edges[S.EDGE_V].to_numpy(dtype=np.int64)
    length = edges[S.LENGTH_M].to_numpy(dtype=float)
    cost = edges[S.COST_M].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_cost = np.where(cost > 0, length / np.where(cost > 0, cost, 1.0), np.inf)
        ru = np.clip((max_m - node_cost[u]) * per_cost, 0.0, length)
        rv = np.clip((max_m - node_cost[v]) * per_cost, 0.0, length)
    ru = np.where(np.isfinite(node_cost[u]) & (node_cost[u] <= max_m), ru, 0.0)
    rv = np.where(np.isfinite(node_cost[v]) & (node_cost[v] <= max_m), rv, 0.0)
    full = ru + rv >= length - 1e-9
    geoms = edges.geometry.to_numpy()
    whole = np.flatnonzero(full & (length > 0))
    head = np.flatnonzero(~full & (ru > 0))
    tail = np.flatnonzero(~full & (rv > 0))
    out_geom = np.r_[geoms[whole], line_prefixes(geoms[head], ru[head]),
                     shapely.reverse(line_prefixes(shapely.reverse(geoms[tail]), rv[tail]))]
    out_edge = np.r_[whole, head, tail]
    out_len = np.r_[length[whole], ru[head], rv[tail]]
    idx = np.asarray(out_edge, dtype=np.int64)
    return gpd.GeoDataFrame(
        {S.EDGE_ID: edges[S.EDGE_ID].to_numpy()[idx] if len(idx) else np.array([], dtype=int),
         S.LINE_ID: edges[S.LINE_ID].to_numpy()[idx] if len(idx) else np.array([], dtype=object),
         S.LENGTH_M: np.asarray(out_len, dtype=float)},
        geometry=np.asarray(out_geom, dtype=object),
        crs=edges.crs,
    )


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
        require_projected(layer.crs, what)
        if not CRS.from_user_input(layer.crs).equals(CRS.from_user_input(network.crs)):
            raise CRSError(f"{what} are in {layer.crs}, the network in {network.crs}; load both "
                           "through futiangis.load (working CRS) or use .to_crs().")
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
