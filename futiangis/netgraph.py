"""The street graph: :class:`StreetNetwork` and what is computed on it.

A :class:`StreetNetwork` is an undirected graph whose edges are the pieces of the input
lines between junctions, in the working CRS (metres); :func:`futiangis.network.build_network`
makes one from a line layer. Here: the graph itself (a sparse matrix of edge costs),
:func:`report_connectivity` (components, dangling ends) and :func:`network_distances`
(one multi-source Dijkstra). Pure functions; nothing here reads a file.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from . import schemas as S

__all__ = ["StreetNetwork", "network_distances", "report_connectivity"]


@dataclass(frozen=True)
class StreetNetwork:
    """An undirected street graph in a projected CRS.

    Attributes
    ----------
    edges : GeoDataFrame
        One row per edge: ``edge_id``, ``u``, ``v`` (node ids), ``length_m``, ``cost_m``
        (length × impedance; equals ``length_m`` without impedance), ``line_id`` (the id
        of the input feature), ``grade_separated``; LineString geometry from u to v.
    node_xy : ndarray, shape (n, 2)
        Node coordinates; node id = row.
    settings : mapping
        How it was built (``snap_m``, ``grade_field``, ``impedance`` …) and noding
        statistics (endpoints merged, ends snapped onto lines, barrier cuts).
    label : str
        Provenance label carried into every output (e.g. "derived, coarse").
    """

    edges: gpd.GeoDataFrame
    node_xy: np.ndarray
    settings: Mapping[str, Any] = field(default_factory=dict)
    label: str = ""

    @property
    def crs(self):
        """The CRS of the edges (projected, metres)."""
        return self.edges.crs

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_xy)

    @property
    def nodes(self) -> gpd.GeoDataFrame:
        """Nodes as points with their degree (number of edge ends)."""
        deg = np.bincount(np.r_[self.edges[S.EDGE_U], self.edges[S.EDGE_V]].astype(int),
                          minlength=self.n_nodes)
        return gpd.GeoDataFrame({S.NODE_ID: np.arange(self.n_nodes), "degree": deg},
                                geometry=shapely.points(self.node_xy), crs=self.crs)

    @cached_property
    def graph(self) -> sparse.csr_matrix:
        """Symmetric sparse matrix of edge costs (parallel edges: the cheapest; no loops)."""
        u = self.edges[S.EDGE_U].to_numpy(dtype=np.int64)
        v = self.edges[S.EDGE_V].to_numpy(dtype=np.int64)
        w = self.edges[S.COST_M].to_numpy(dtype=float)
        keep = u != v
        a, b, w = np.minimum(u, v)[keep], np.maximum(u, v)[keep], w[keep]
        order = np.lexsort((w, b, a))
        a, b, w = a[order], b[order], w[order]
        first = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])]
        a, b, w = a[first], b[first], w[first]
        n = self.n_nodes
        # explicit zeros are edges for csgraph; csr from coo would sum duplicates (none left)
        return sparse.csr_matrix((np.r_[w, w], (np.r_[a, b], np.r_[b, a])), shape=(n, n))

    @property
    def length_m(self) -> float:
        """Total edge length in metres (overlaps dissolved when built)."""
        return float(self.edges[S.LENGTH_M].sum())


def report_connectivity(net: StreetNetwork, *, top: int = 10) -> dict:
    """Components, dangling ends and the share of length outside the largest component.

    Returns
    -------
    dict
        ``edges``, ``nodes``, ``length_m``, ``components``, ``largest_length_m``,
        ``outside_largest_length_m``, ``outside_largest_share`` (of total length),
        ``dangling_ends`` (nodes of degree 1), ``components_top`` (the largest few:
        ``length_m``, ``edges``, ``x``, ``y`` of a point on it) and the build settings.
    """
    edges = net.edges
    n_comp, comp = csgraph.connected_components(net.graph, directed=False)
    deg = np.bincount(np.r_[edges[S.EDGE_U], edges[S.EDGE_V]].astype(int), minlength=net.n_nodes)
    edge_comp = comp[edges[S.EDGE_U].to_numpy(dtype=int)]
    comp_len = np.bincount(edge_comp, weights=edges[S.LENGTH_M].to_numpy(), minlength=n_comp)
    comp_edges = np.bincount(edge_comp, minlength=n_comp)
    used = comp_edges > 0
    total = float(comp_len.sum())
    largest = float(comp_len.max()) if n_comp else 0.0
    order = np.argsort(-comp_len)
    tops = []
    for c in order[: int(top)]:
        if not used[c]:
            continue
        e = int(np.flatnonzero(edge_comp == c)[0])
        p = edges.geometry.iloc[e].interpolate(0.5, normalized=True)
        tops.append({"length_m": float(comp_len[c]), "edges": int(comp_edges[c]),
                     "x": float(p.x), "y": float(p.y)})
    return {
        "edges": len(edges),
        "nodes": int(net.n_nodes),
        "length_m": total,
        "components": int(used.sum()),
        "largest_length_m": largest,
        "outside_largest_length_m": total - largest,
        "outside_largest_share": (total - largest) / total if total > 0 else 0.0,
        "dangling_ends": int((deg == 1).sum()),
        "components_top": tops,
        "settings": dict(net.settings),
        "label": net.label,
    }


def network_distances(net: StreetNetwork, sources: np.ndarray, *, limit_m: float) -> np.ndarray:
    """Cost from the nearest source node to every node (inf beyond ``limit_m``).

    One multi-source Dijkstra (:func:`scipy.sparse.csgraph.dijkstra` with
    ``min_only=True``), not one search per source.
    """
    sources = np.unique(np.asarray(sources, dtype=np.int64))
    if len(sources) == 0:
        return np.full(net.n_nodes, np.inf)
    return csgraph.dijkstra(net.graph, directed=False, indices=sources, min_only=True,
                            limit=float(limit_m))
