"""Splitting lines and network edges at points along them (vectorised bookkeeping).

Two helpers used by :mod:`futiangis.network` (noding, barriers) and
:mod:`futiangis.access` (facilities snapped onto edges). Positions are metres from a
line's start; cuts closer than 1 mm to an end, or to each other, are one cut. Only the
cut lines themselves go through :func:`shapely.ops.substring` (one call per piece); all
node and attribute bookkeeping is array arithmetic, so 100,000-edge networks with
thousands of cuts stay fast.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from . import schemas as S

if TYPE_CHECKING:  # pragma: no cover
    from .netgraph import StreetNetwork

__all__ = ["GRID_M", "cut_edges", "line_prefixes", "split_lines"]

GRID_M = 0.001  # 1 mm: noding precision and the smallest distinct cut


def _pieces(geoms: np.ndarray, edge: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    return np.array([substring(geoms[e], s, t) for e, s, t in zip(edge, start, end)], dtype=object)


def line_prefixes(lines: np.ndarray, length_m: np.ndarray) -> np.ndarray:
    """The first ``length_m[i]`` metres of each LineString ``lines[i]`` (vectorised).

    ``0 < length_m[i] < lines[i].length`` is assumed (callers keep whole lines whole).
    Equals :func:`shapely.ops.substring` ``(line, 0, length)`` without a Python loop.
    """
    lines = np.asarray(lines, dtype=object)
    r = np.asarray(length_m, dtype=float)
    if len(lines) == 0:
        return lines
    xy, idx = shapely.get_coordinates(lines, return_index=True)
    first = np.r_[True, idx[1:] != idx[:-1]]
    seg = np.r_[0.0, np.hypot(*(xy[1:] - xy[:-1]).T)]
    seg[first] = 0.0
    cum = np.cumsum(seg)
    cum -= np.repeat(cum[first], np.diff(np.r_[np.flatnonzero(first), len(idx)]))
    keep = cum < r[idx]
    # the last kept vertex of each line, and the point r metres along the next segment
    last_kept = np.flatnonzero(keep & ~np.r_[keep[1:] & ~first[1:], False])
    nxt = last_kept + 1
    t = (r[idx[last_kept]] - cum[last_kept]) / np.where(seg[nxt] > 0, seg[nxt], 1.0)
    end = xy[last_kept] + (xy[nxt] - xy[last_kept]) * t[:, None]
    coords = np.r_[xy[keep], end]
    owner = np.r_[idx[keep], idx[last_kept]]
    rank = np.r_[np.flatnonzero(keep), last_kept + 0.5]
    order = np.lexsort((rank, owner))
    return shapely.linestrings(coords[order], indices=owner[order])


def split_lines(lines: np.ndarray, points: np.ndarray, owner: np.ndarray,
                tol: float = GRID_M) -> tuple[np.ndarray, np.ndarray]:
    """Split ``lines[owner[k]]`` at ``points[k]``.

    Returns
    -------
    (pieces, parent)
        The uncut lines and the pieces of the cut ones, and each one's index in ``lines``.
    """
    lines = np.asarray(lines, dtype=object)
    if len(points) == 0:
        return lines, np.arange(len(lines))
    owner = np.asarray(owner, dtype=np.int64)
    pos = shapely.line_locate_point(lines[owner], points)
    length = shapely.length(lines)
    key = np.round(pos / tol).astype(np.int64)
    inner = (key * tol > tol) & (key * tol < length[owner] - tol)
    cuts = np.unique(np.c_[owner[inner], key[inner]], axis=0)
    if len(cuts) == 0:
        return lines, np.arange(len(lines))
    ce, ct = cuts[:, 0], cuts[:, 1] * tol
    first = np.r_[True, ce[1:] != ce[:-1]]
    last = np.r_[ce[1:] != ce[:-1], True]
    start = np.where(first, 0.0, np.r_[0.0, ct[:-1]])
    piece_edge = np.r_[ce, ce[last]]
    piece_s = np.r_[start, ct[last]]
    piece_t = np.r_[ct, length[ce[last]]]
    order = np.lexsort((piece_s, piece_edge))
    piece_edge, piece_s, piece_t = piece_edge[order], piece_s[order], piece_t[order]
    untouched = np.setdiff1d(np.arange(len(lines)), ce)
    pieces = _pieces(lines, piece_edge, piece_s, piece_t)
    return np.r_[lines[untouched], pieces], np.r_[untouched, piece_edge]


def cut_edges(net: StreetNetwork, edge_idx, pos_m, *,
              detach: bool = False) -> tuple[StreetNetwork, np.ndarray]:
    """Split network edges at positions along them (metres from the edge's ``u`` end).

    With ``detach=False`` each cut is one new node shared by the two pieces (a cut at an
    end is that end's node); with ``detach=True`` (a barrier) the two sides get separate
    nodes, and a cut at an end detaches the edge from that node.

    Returns
    -------
    (StreetNetwork, ndarray)
        The new network (attributes copied to the pieces, cost split by length) and, for
        each requested cut, the node at the cut (``detach=False``; -1 with ``detach``).
    """
    from .netgraph import StreetNetwork

    edges = net.edges
    edge_idx = np.asarray(edge_idx, dtype=np.int64)
    pos_m = np.asarray(pos_m, dtype=float)
    node_at = np.full(len(edge_idx), -1, dtype=np.int64)
    if len(edge_idx) == 0:
        return net, node_at
    u = edges[S.EDGE_U].to_numpy(dtype=np.int64)
    v = edges[S.EDGE_V].to_numpy(dtype=np.int64)
    length = edges[S.LENGTH_M].to_numpy(dtype=float)
    geoms = edges.geometry.to_numpy()
    key = np.round(np.clip(pos_m, 0.0, length[edge_idx]) / GRID_M).astype(np.int64)
    cuts, inv = np.unique(np.c_[edge_idx, key], axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    ce, ct = cuts[:, 0], cuts[:, 1] * GRID_M
    at_start = ct <= GRID_M
    at_end = ct >= length[ce] - GRID_M
    inner = ~at_start & ~at_end
    n0 = net.n_nodes
    ie, it = ce[inner], ct[inner]
    k = len(ie)
    inner_xy = shapely.get_coordinates(shapely.line_interpolate_point(geoms[ie], it)) if k \
        else np.empty((0, 2))
    new_xy = [inner_xy]
    if detach:
        left = n0 + 2 * np.arange(k)   # end of the piece before the cut
        right = left + 1               # start of the piece after it
        new_xy = [np.repeat(inner_xy, 2, axis=0)]
        nxt = n0 + 2 * k
    else:
        left = right = n0 + np.arange(k)
        nxt = n0 + k
    # each touched edge's own ends (replaced by new nodes when detached at an end)
    touched = np.unique(ce)
    s_node = dict(zip(touched, u[touched]))
    e_node = dict(zip(touched, v[touched]))
    if detach:
        for e in np.unique(ce[at_start]):
            s_node[e] = nxt
            new_xy.append(net.node_xy[u[e]][None, :])
            nxt += 1
        for e in np.unique(ce[at_end]):
            e_node[e] = nxt
            new_xy.append(net.node_xy[v[e]][None, :])
            nxt += 1
    else:
        node_of_cut = np.where(at_start, u[ce], v[ce]).astype(np.int64)
        node_of_cut[inner] = left
        node_at = node_of_cut[inv]
    # pieces: before each inner cut, then after the last cut of each edge; edges with no
    # inner cut but a detached end stay whole with their new end nodes
    first = np.r_[True, ie[1:] != ie[:-1]] if k else np.array([], dtype=bool)
    last = np.r_[ie[1:] != ie[:-1], True] if k else np.array([], dtype=bool)
    starts_t = np.where(first, 0.0, np.r_[0.0, it[:-1]]) if k else np.array([])
    start_n = np.where(first, [s_node[e] for e in ie], np.r_[-1, right[:-1]]) if k \
        else np.array([], dtype=np.int64)
    whole = np.setdiff1d(touched, ie)
    if not detach:
        whole = np.array([], dtype=np.int64)
    p_edge = np.r_[ie, ie[last], whole].astype(np.int64)
    p_s = np.r_[starts_t, it[last], np.zeros(len(whole))]
    p_t = np.r_[it, length[ie[last]], length[whole]]
    p_u = np.r_[start_n, right[last], [s_node[e] for e in whole]].astype(np.int64)
    p_v = np.r_[left, [e_node[e] for e in ie[last]], [e_node[e] for e in whole]].astype(np.int64)
    cut_touched = np.unique(p_edge)
    added = edges.iloc[p_edge].reset_index(drop=True)
    frac = np.where(length[p_edge] > 0, (p_t - p_s) / np.where(length[p_edge] > 0, length[p_edge], 1), 0)
    added[S.EDGE_U] = p_u
    added[S.EDGE_V] = p_v
    added[S.COST_M] = edges[S.COST_M].to_numpy(dtype=float)[p_edge] * frac
    added[S.LENGTH_M] = p_t - p_s
    full = (p_s <= 0) & (p_t >= length[p_edge])
    pieces = geoms[p_edge].copy()
    cut = np.flatnonzero(~full)
    if len(cut):
        pieces[cut] = _pieces(geoms, p_edge[cut], p_s[cut], p_t[cut])
    added = added.set_geometry(gpd.GeoSeries(pieces, crs=edges.crs).values)
    kept = edges.drop(index=edges.index[cut_touched])
    out = gpd.GeoDataFrame(pd.concat([kept, added], ignore_index=True),
                           geometry=edges.geometry.name, crs=edges.crs)
    out[S.EDGE_ID] = np.arange(len(out))
    return StreetNetwork(out, np.vstack([net.node_xy] + new_xy), net.settings, net.label), node_at
