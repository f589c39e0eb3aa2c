"""Facilities joined to a street network and the reach from them.

Steps 1–3 of the method of :mod:`futiangis.access`: :func:`snap_facilities` joins points
to the nearest point of an edge (the edge is split there) and parks wherever an edge
crosses their outline or a node lies inside; :func:`reach_from` runs one multi-source
Dijkstra from all of them; :func:`reached_segments` cuts the reached part of every edge,
each metre once. Pure functions of a :class:`~futiangis.netgraph.StreetNetwork`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from . import schemas as S
from .crs import require_projected
from .errors import FutianGISError
from .netgraph import StreetNetwork
from .netsplit import cut_edges, line_prefixes
from .validate import feature_labels

__all__ = ["AccessInputError", "SnappedFacilities", "reach_from", "reached_segments", "snap_facilities"]


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
