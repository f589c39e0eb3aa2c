"""Overlap-safe overlay at scale: union many buffers once, intersect with many zones.

The union of thousands of service buffers is one polygon with ~10^5 vertices. These
functions keep it as **interior-disjoint pieces** (grid tiles, each cut to ≤ 2,000
vertices) so that every zone meets only the pieces under it, the district's covered area
is a plain sum over pieces, and large unions run tile by tile on parallel threads
(shapely releases the GIL). Nothing here measures degrees: callers pass projected
geometries (the working CRS). Used by :mod:`futiangis.coverage`.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = [
    "union_buffers",
    "map_chunks",
    "service_pieces",
    "merge_pieces",
    "tile_pieces",
    "intersect_each",
    "clip_pieces",
    "polygonal",
]


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Drop the points/lines an overlay can leave in a GeometryCollection."""
    if geom is None or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()



def union_buffers(geoms: np.ndarray, radii: np.ndarray, quad_segs: int) -> BaseGeometry:
    """One geometry: the union of the buffers of ``geoms`` (radii in CRS units, metres)."""
    pieces = service_pieces(geoms, radii, quad_segs)
    return merge_pieces(pieces)


# Above this many buffers the union is computed tile by tile on a grid, the tiles in
# parallel threads (shapely releases the GIL): union(buffers) ∩ tile equals
# union(buffers ∩ tile), and the tiles are interior-disjoint, so nothing is counted twice.
_TILED_UNION_MIN_BUFFERS = 5_000
_BUFFERS_PER_TILE = 1_000


def _workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


_THREAD_MIN_ITEMS = 2_000


def map_chunks(func, *arrays, **kwargs) -> np.ndarray:
    """Apply a vectorised shapely function element-wise, in chunks on parallel threads.

    Shapely releases the GIL inside its vectorised functions, so chunks of one large
    array run on all cores; small arrays are done in one call.
    """
    n = len(arrays[0])
    workers = _workers()
    if n < _THREAD_MIN_ITEMS or workers == 1:
        return func(*arrays, **kwargs)
    bounds = np.linspace(0, n, workers * 2 + 1).astype(int)
    chunks = [(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(lambda ab: func(*(arr[ab[0]:ab[1]] for arr in arrays), **kwargs), chunks)
        return np.concatenate(list(parts))


def service_pieces(geoms: np.ndarray, radii: np.ndarray, quad_segs: int) -> np.ndarray:
    """Interior-disjoint polygonal pieces whose union is the union of all buffers."""
    if len(geoms) == 0:
        return np.array([], dtype=object)
    buffers = map_chunks(shapely.buffer, geoms, radii, quad_segs=quad_segs)
    if len(buffers) < _TILED_UNION_MIN_BUFFERS:
        return tile_pieces(shapely.union_all(buffers))
    x0, y0, x1, y1 = shapely.total_bounds(buffers)
    n_tiles = max(1, len(buffers) // _BUFFERS_PER_TILE)
    side = max(np.sqrt((x1 - x0) * (y1 - y0) / n_tiles), 1.0)
    nx, ny = max(1, int(np.ceil((x1 - x0) / side))), max(1, int(np.ceil((y1 - y0) / side)))
    xs, ys = np.linspace(x0, x1, nx + 1), np.linspace(y0, y1, ny + 1)
    rects = np.array([(xs[i], ys[j], xs[i + 1], ys[j + 1]) for i in range(nx) for j in range(ny)])
    tile_idx, buf_idx = shapely.STRtree(buffers).query(shapely.box(*rects.T))
    order = np.argsort(tile_idx, kind="stable")
    tile_idx, buf_idx = tile_idx[order], buf_idx[order]
    starts = np.flatnonzero(np.r_[True, tile_idx[1:] != tile_idx[:-1]])
    ends = np.r_[starts[1:], len(tile_idx)]

    def union_tile(k: int) -> list:
        a, b = starts[k], ends[k]
        clipped = shapely.clip_by_rect(buffers[buf_idx[a:b]], *rects[tile_idx[a]])
        return list(tile_pieces(polygonal(shapely.union_all(clipped))))

    with ThreadPoolExecutor(_workers()) as pool:
        parts = [p for tile in pool.map(union_tile, range(len(starts))) for p in tile]
    return np.array([p for p in parts if not p.is_empty], dtype=object)


def merge_pieces(pieces: np.ndarray) -> BaseGeometry:
    """One geometry from interior-disjoint pieces (their shared edges dissolved)."""
    if len(pieces) == 0:
        return shapely.Polygon()
    if len(pieces) == 1:
        return pieces[0]
    return polygonal(shapely.union_all(pieces))


# A service area unioned from thousands of buffers is one polygon with a shell of ~10^5
# vertices. Intersecting it with each unit directly costs O(vertices) per unit (the
# whole shell is clipped every time); cut into tiles of at most this many vertices
# first, each unit only meets the few tiles under it.
_TILE_MAX_COORDS = 2_000


def tile_pieces(service: BaseGeometry) -> np.ndarray:
    """Cut ``service`` into interior-disjoint pieces by recursive quadrant intersection."""
    if service.is_empty:
        return np.array([], dtype=object)
    out: list[BaseGeometry] = []
    stack = [(service, service.bounds)]
    while stack:
        geom, (x0, y0, x1, y1) = stack.pop()
        if shapely.get_num_coordinates(geom) <= _TILE_MAX_COORDS or max(x1 - x0, y1 - y0) < 1.0:
            out.append(geom)
            continue
        xm, ym = (x0 + x1) / 2.0, (y0 + y1) / 2.0
        quads = [(x0, y0, xm, ym), (xm, y0, x1, ym), (x0, ym, xm, y1), (xm, ym, x1, y1)]
        parts = shapely.intersection(geom, shapely.box(*np.array(quads).T))
        for part, quad in zip(parts, quads):
            part = polygonal(part)
            if not part.is_empty:
                stack.append((part, quad))
    return np.array(out, dtype=object)


def intersect_each(unit_geoms: np.ndarray, tiles: np.ndarray) -> np.ndarray:
    """``shapely.intersection(unit_geoms, union of tiles)``, computed tile by tile.

    ``tiles`` are interior-disjoint (see :func:`_service_pieces`), so a unit's pieces are
    too and their union is exactly the unit's intersection with the whole service area.
    """
    n = len(unit_geoms)
    result = np.array([shapely.Polygon() for _ in range(n)], dtype=object)
    if n == 0 or len(tiles) == 0:
        return result
    if len(tiles) == 1:
        return shapely.intersection(unit_geoms, tiles[0])
    unit_idx, tile_idx = shapely.STRtree(tiles).query(unit_geoms)
    pieces = map_chunks(shapely.intersection, unit_geoms[unit_idx], tiles[tile_idx])
    nonempty = ~shapely.is_empty(pieces)
    unit_idx, pieces = unit_idx[nonempty], pieces[nonempty]
    order = np.argsort(unit_idx, kind="stable")
    unit_idx, pieces = unit_idx[order], pieces[order]
    starts = np.flatnonzero(np.r_[True, unit_idx[1:] != unit_idx[:-1]])
    ends = np.r_[starts[1:], len(unit_idx)]
    for a, b in zip(starts, ends):
        result[unit_idx[a]] = pieces[a] if b - a == 1 else shapely.union_all(pieces[a:b])
    return result


def clip_pieces(extent: BaseGeometry, pieces: np.ndarray) -> np.ndarray:
    """The non-empty parts of ``pieces`` inside ``extent`` (still interior-disjoint)."""
    if len(pieces) == 0:
        return pieces
    idx = shapely.STRtree(pieces).query(extent)
    parts = map_chunks(shapely.intersection, pieces[idx], np.full(len(idx), extent, dtype=object))
    parts = np.array([polygonal(p) for p in parts], dtype=object)
    return parts[~shapely.is_empty(parts)] if len(parts) else parts
