"""Walk/cycle networks from line layers: noding, snapping, barriers, connectivity.

A :class:`StreetNetwork` is an undirected graph whose edges are the pieces of the input
lines between junctions, in the working CRS (metres). :func:`build_network` makes one
from any line layer (road centrelines, footpaths, slow routes):

1. endpoints closer than ``snap_m`` (default 2 m) are merged to their mean; an end that
   stops short of (or overshoots onto) another line within ``snap_m`` is moved onto it;
2. ordinary lines are noded where they cross or touch (one overlay on a 1 mm grid,
   overlapping duplicates dissolved, so shared length is counted once);
3. lines a field marks as grade-separated (bridge, tunnel, viaduct) are *not* noded with
   the lines they pass over or under: they join the network only at their own ends;
4. every edge that meets a barrier (river, rail; lines or polygons) is cut there, with a
   node on each side that are not joined, except within ``crossing_m`` of a declared
   crossing point; grade-separated edges pass barriers (a bridge *is* a crossing);
5. an optional impedance field turns length into cost: ``cost_per_m`` (a multiplier,
   1 = plain walking) or ``speed_kmh`` (cost = length × reference speed / speed).

Everything is a pure function of GeoDataFrames; nothing here reads a file. The graph
itself and what is computed on it (connectivity, distances) are in :mod:`futiangis.netgraph`,
re-exported here.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from . import schemas as S
from .crs import require_projected, require_same_crs
from .errors import FutianGISError
from .netgraph import StreetNetwork, network_distances, report_connectivity
from .netsplit import GRID_M, cut_edges, split_lines
from .settings.access import IMPEDANCE_KINDS
from .validate import feature_labels

__all__ = [
    "IMPEDANCE_KINDS",
    "NetworkInputError",
    "StreetNetwork",
    "build_network",
    "cut_edges",
    "network_distances",
    "report_connectivity",
]

_TRUE = {"1", "true", "yes", "y", "t", "bridge", "tunnel", "viaduct", "是", "桥", "桥梁", "隧道",
         "高架"}
_FALSE = {"0", "false", "no", "n", "f", "", "none", "nan", "否", "地面", "at grade", "at_grade"}


class NetworkInputError(FutianGISError, ValueError):
    """A line layer, a barrier layer or a setting cannot make a network."""


# ---------------------------------------------------------------------------------------
# attributes of the input lines
# ---------------------------------------------------------------------------------------
def _grade_flags(lines: gpd.GeoDataFrame, grade_field: str | None, labels) -> np.ndarray:
    if grade_field is None:
        return np.zeros(len(lines), dtype=bool)
    if grade_field not in lines.columns:
        raise NetworkInputError(
            f"grade-separation field {grade_field!r} is not in the line layer (fields: "
            f"{', '.join(c for c in lines.columns if c != lines.geometry.name)}); name the "
            "field that marks bridges/tunnels, or leave the setting out."
        )
    values = lines[grade_field]
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).to_numpy(dtype=bool)
    text = values.astype(str).str.strip().str.lower().where(values.notna(), "")
    flags = text.isin(_TRUE).to_numpy()
    bad = ~(flags | text.isin(_FALSE).to_numpy())
    if bad.any():
        ids = ", ".join(f"{i} ({v!r})" for i, v in zip(labels[bad][:10], values[bad][:10]))
        raise NetworkInputError(
            f"field {grade_field!r} must say whether a line is a bridge/tunnel (1/0, true/"
            f"false, yes/no, bridge, tunnel, 桥, 隧道); features {ids} do not. Fix the values."
        )
    return flags


def _impedance_factors(lines, impedance_field, impedance, reference_speed_kmh, labels):
    if impedance_field is None:
        return np.ones(len(lines))
    if impedance not in IMPEDANCE_KINDS:
        raise NetworkInputError(
            f"impedance kind {impedance!r} is unknown; use one of {', '.join(IMPEDANCE_KINDS)}.")
    if impedance_field not in lines.columns:
        raise NetworkInputError(
            f"impedance field {impedance_field!r} is not in the line layer; name a numeric "
            f"field holding {impedance} per line.")
    values = pd.to_numeric(lines[impedance_field], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        ids = ", ".join(f"{i} ({v!r})" for i, v in
                        zip(labels[bad][:10], lines[impedance_field][bad][:10]))
        raise NetworkInputError(
            f"impedance field {impedance_field!r} must be a positive number ({impedance}); "
            f"features {ids} are missing, zero, negative or not numbers. Fill them in.")
    if impedance == "speed_kmh":
        if not reference_speed_kmh or reference_speed_kmh <= 0:
            raise NetworkInputError("reference_speed_kmh must be a positive speed.")
        return float(reference_speed_kmh) / values
    return values


# ---------------------------------------------------------------------------------------
# geometry helpers
# ---------------------------------------------------------------------------------------
def _replace_ends(lines: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    coords, idx = shapely.get_coordinates(lines, return_index=True)
    starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
    ends = np.r_[starts[1:], len(idx)] - 1
    coords[starts] = first
    coords[ends] = last
    return shapely.linestrings(coords, indices=idx)


def _node_keys(xy: np.ndarray, grid: float) -> np.ndarray:
    return np.round(xy / grid).astype(np.int64)


# ---------------------------------------------------------------------------------------
# building
# ---------------------------------------------------------------------------------------
def build_network(
    lines: gpd.GeoDataFrame,
    *,
    snap_m: float = 2.0,
    grade_field: str | None = None,
    impedance_field: str | None = None,
    impedance: str = "cost_per_m",
    reference_speed_kmh: float = 4.5,
    barriers: gpd.GeoDataFrame | None = None,
    crossings: gpd.GeoDataFrame | None = None,
    crossing_m: float = 25.0,
    label: str = "",
) -> StreetNetwork:
    """Node a line layer into a street network.

    Parameters
    ----------
    lines : GeoDataFrame
        LineStrings/MultiLineStrings in a projected CRS (metres), ``id`` column optional.
    snap_m : float
        Ends closer than this to another end or line are joined (0: exact contacts only).
    grade_field : str, optional
        Field marking bridges/tunnels (1/true/yes/bridge/tunnel/桥/隧道): no junction where
        such a line crosses another, and barriers do not cut it.
    impedance_field, impedance : str
        Field and its kind: ``cost_per_m`` (multiplier) or ``speed_kmh``.
    reference_speed_kmh : float
        With ``speed_kmh``: cost = length × reference_speed_kmh / speed (cost in metres
        walked at the reference speed).
    barriers : GeoDataFrame, optional
        Lines or polygons (their outlines) no edge may cross.
    crossings : GeoDataFrame, optional
        Points where crossing a barrier is allowed (bridges, underpasses, gates).
    crossing_m : float
        How close a barrier intersection must be to a crossing point to pass.
    label : str
        Provenance label carried into outputs.

    Returns
    -------
    StreetNetwork

    Raises
    ------
    NetworkInputError
        If there are no usable lines, a field is missing or holds bad values.
    CRSError
        If a layer is not in a projected CRS or the CRSs differ.

    Examples
    --------
    Two 100 m streets crossing in their middles make 4 edges of 50 m and 5 nodes:

    >>> import geopandas as gpd, shapely
    >>> streets = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 50), (100, 50)]),
    ...     shapely.LineString([(50, 0), (50, 100)])], crs=4547)
    >>> net = build_network(streets)
    >>> len(net.edges), net.n_nodes, net.length_m
    (4, 5, 200.0)
    """
    require_projected(lines.crs, "building a network")
    if snap_m < 0 or not np.isfinite(snap_m):
        raise NetworkInputError(f"snap_m must be ≥ 0 metres (got {snap_m}).")
    labels_all = feature_labels(lines).to_numpy()
    grade_all = _grade_flags(lines, grade_field, pd.Series(labels_all, index=lines.index))
    factor_all = _impedance_factors(lines, impedance_field, impedance, reference_speed_kmh,
                                    pd.Series(labels_all, index=lines.index))
    geoms = lines.geometry.to_numpy()
    parts, owner = shapely.get_parts(geoms, return_index=True)
    keep = (shapely.get_type_id(parts) == 1) & ~shapely.is_empty(parts)
    parts, owner = parts[keep], owner[keep]
    keep = shapely.length(parts) > GRID_M
    parts, owner = parts[keep], owner[keep]
    if len(parts) == 0:
        raise NetworkInputError(
            "the line layer has no usable lines (all empty, zero-length or not lines); "
            "give road centrelines or paths as LineStrings.")
    grade = grade_all[owner]
    stats = {"input_features": len(lines), "input_parts": len(parts)}

    # 1. ends close to ends: merge to the cluster mean
    first = shapely.get_coordinates(shapely.get_point(parts, 0))
    last = shapely.get_coordinates(shapely.get_point(parts, -1))
    ends = np.vstack([first, last])
    merged = 0
    if snap_m > 0:
        pairs = cKDTree(ends).query_pairs(snap_m, output_type="ndarray")
        if len(pairs):
            n = len(ends)
            adj = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
            _, comp = csgraph.connected_components(adj, directed=False)
            sums = np.zeros((comp.max() + 1, 2))
            np.add.at(sums, comp, ends)
            counts = np.bincount(comp)
            moved = counts[comp] > 1
            means = sums / counts[:, None]
            moved_xy = means[comp]
            merged = int(moved.sum())
            ends = np.where(moved[:, None], moved_xy, ends)
    m = len(parts)
    first, last = ends[:m], ends[m:]

    # 2. ends close to another line's interior: move them onto it, and split it there
    parts = _replace_ends(parts, first, last)
    split_pts, split_owner, onto = np.array([], dtype=object), np.array([], dtype=int), 0
    # exact T-junctions (distance 0) matter for bridges' ends even with snap_m = 0
    tree = shapely.STRtree(parts)
    end_pts = shapely.points(ends)
    end_line = np.r_[np.arange(m), np.arange(m)]
    q_end, q_line = tree.query(end_pts, predicate="dwithin", distance=max(snap_m, GRID_M))
    ok = q_line != end_line[q_end]
    # an ordinary end never joins a bridge/tunnel's interior
    ok &= ~(grade[q_line] & ~grade[end_line[q_end]])
    q_end, q_line = q_end[ok], q_line[ok]
    if len(q_end):
        dist = shapely.distance(end_pts[q_end], parts[q_line])
        order = np.lexsort((dist, q_end))
        q_end, q_line, dist = q_end[order], q_line[order], dist[order]
        best = np.r_[True, q_end[1:] != q_end[:-1]]
        q_end, q_line, dist = q_end[best], q_line[best], dist[best]
        target = shapely.line_interpolate_point(
            parts[q_line], shapely.line_locate_point(parts[q_line], end_pts[q_end]))
        txy = shapely.get_coordinates(target)
        # ends already at another end of that line stay (they are a junction)
        move = dist > GRID_M
        ends[q_end[move]] = txy[move]
        onto = int(move.sum())
        split_pts, split_owner = target, q_line
    first, last = ends[:m], ends[m:]
    parts = _replace_ends(parts, first, last)

    # 3. node: ordinary lines by one overlay; bridges/tunnels only at the split points
    ordinary = np.flatnonzero(~grade)
    pieces_list, piece_parent = [], []
    if len(ordinary):
        noded = shapely.get_parts(shapely.union_all(parts[ordinary], grid_size=GRID_M))
        noded = noded[shapely.get_type_id(noded) == 1]
        pieces_list.append(noded)
        # which input line each piece came from: the nearest to its midpoint
        mids = shapely.line_interpolate_point(noded, 0.5, normalized=True)
        tree_o = shapely.STRtree(parts[ordinary])
        q_piece, q_line = tree_o.query(mids, predicate="dwithin", distance=10 * GRID_M)
        dist = shapely.distance(mids[q_piece], parts[ordinary][q_line])
        fac = factor_all[owner[ordinary][q_line]]
        order = np.lexsort((fac, dist, q_piece))
        q_piece, q_line = q_piece[order], q_line[order]
        best = np.r_[True, q_piece[1:] != q_piece[:-1]]
        parent = np.full(len(noded), -1)
        parent[q_piece[best]] = ordinary[q_line[best]]
        if (parent < 0).any():  # fall back to the nearest line at any distance
            lost = np.flatnonzero(parent < 0)
            parent[lost] = ordinary[tree_o.query_nearest(mids[lost], all_matches=False)[1]]
        piece_parent.append(parent)
    graded = np.flatnonzero(grade)
    if len(graded):
        pieces_list.append(shapely.set_precision(parts[graded], GRID_M))
        piece_parent.append(graded)
    pieces = np.concatenate(pieces_list)
    parent = np.concatenate(piece_parent)
    if len(split_pts):
        tree_p = shapely.STRtree(pieces)
        q_pt, q_piece = tree_p.query(split_pts, predicate="dwithin", distance=10 * GRID_M)
        # bridges are split only where the snapped point belongs to that bridge
        ok = ~grade[parent[q_piece]] | (parent[q_piece] == split_owner[q_pt])
        q_pt, q_piece = q_pt[ok], q_piece[ok]
        pieces, sub_parent = split_lines(pieces, split_pts[q_pt], q_piece, GRID_M)
        parent = parent[sub_parent]
    keep = shapely.length(pieces) > GRID_M
    pieces, parent = pieces[keep], parent[keep]

    # 4. nodes from the (1 mm) end coordinates
    a_xy = shapely.get_coordinates(shapely.get_point(pieces, 0))
    b_xy = shapely.get_coordinates(shapely.get_point(pieces, -1))
    keys = _node_keys(np.vstack([a_xy, b_xy]), GRID_M)
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    node_xy = uniq.astype(float) * GRID_M
    k = len(pieces)
    lengths = shapely.length(pieces)
    src = owner[parent]
    edges = gpd.GeoDataFrame(
        {
            S.EDGE_ID: np.arange(k),
            S.EDGE_U: inv[:k],
            S.EDGE_V: inv[k:],
            S.LENGTH_M: lengths,
            S.COST_M: lengths * factor_all[src],
            S.LINE_ID: labels_all[src],
            S.GRADE_SEPARATED: grade_all[src],
        },
        geometry=pieces,
        crs=lines.crs,
    )
    stats.update({"ends_merged": merged, "ends_snapped_onto_lines": onto})
    settings = {
        "snap_m": float(snap_m),
        "grade_field": grade_field,
        "impedance_field": impedance_field,
        "impedance": impedance if impedance_field else None,
        "reference_speed_kmh": float(reference_speed_kmh) if impedance == "speed_kmh" and impedance_field else None,
        "noding_grid_m": GRID_M,
    }
    net = StreetNetwork(edges, node_xy, {**settings, **stats}, label)
    if barriers is not None and len(barriers):
        net = _apply_barriers(net, barriers, crossings, crossing_m)
    return net


def _apply_barriers(net: StreetNetwork, barriers, crossings, crossing_m) -> StreetNetwork:
    for what, layer in (("barriers", barriers), ("crossings", crossings)):
        if layer is not None:
            require_same_crs(layer, net.crs, what=f"{what} and the network")
    geoms = barriers.geometry.to_numpy()
    outline = np.where(np.isin(shapely.get_type_id(geoms), (3, 6)), shapely.boundary(geoms), geoms)
    wall = shapely.union_all(outline)
    edges = net.edges
    ordinary = ~edges[S.GRADE_SEPARATED].to_numpy(dtype=bool)
    eg = edges.geometry.to_numpy()
    hit = np.flatnonzero(ordinary & shapely.intersects(eg, wall))
    gates = None
    if crossings is not None and len(crossings):
        gates = shapely.union_all(shapely.buffer(crossings.geometry.to_numpy(), crossing_m))
    cut_idx, cut_pos = [], []
    for i in hit:
        inter = shapely.intersection(eg[i], wall)
        pts = shapely.get_parts(shapely.extract_unique_points(inter))
        if gates is not None:
            pts = pts[~shapely.intersects(pts, gates)]
        if len(pts):
            cut_idx.append(np.full(len(pts), i))
            cut_pos.append(shapely.line_locate_point(eg[i], pts))
    settings = dict(net.settings)
    settings["barriers"] = len(barriers)
    settings["crossings"] = len(crossings) if crossings is not None else 0
    settings["crossing_m"] = float(crossing_m)
    if not cut_idx:
        settings["barrier_cuts"] = 0
        return StreetNetwork(net.edges, net.node_xy, settings, net.label)
    idx, pos = np.concatenate(cut_idx), np.concatenate(cut_pos)
    out, _ = cut_edges(net, idx, pos, detach=True)
    settings["barrier_cuts"] = len(np.unique(np.c_[idx, np.round(pos, 3)], axis=0))
    return StreetNetwork(out.edges, out.node_xy, settings, net.label)
