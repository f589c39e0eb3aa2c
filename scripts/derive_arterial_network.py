"""Derive the coarse arterial network shipped as layers/arterial_network.geojson.

    python scripts/derive_arterial_network.py [--shared ../shared/data]

No street network of Futian is available (SOURCES.md: no OSM extract reachable). The
ST-EVCDP traffic-analysis zones are bounded by arterial roads, so the edges two zones
share approximate the arterial grid. Steps (all in EPSG:4547):

1. zones within 500 m of the district; each zone's outline kept where it runs within
   ``--pair-m`` (25 m) of a neighbour's outline (outer edges — coast, Shenzhen River,
   district edge with no zone beyond — are not roads and are dropped);
2. the zones digitize a shared road twice, a few metres apart: outlines are taken zone by
   zone (lowest TAZID first) and whatever lies within ``--pair-m`` of a line already
   taken is dropped, leaving one line per road; pieces < 20 m dropped, simplified at 5 m;
3. clipped to the district boundary; the shipped slow routes (illustrative) added;
4. every dead end within ``--connect-m`` (60 m) of another line is joined to its nearest
   point by a straight connector (the gaps step 2 leaves at junctions).

Prints the cross-checks: total length by origin, connectivity through
:func:`futiangis.network.build_network` (components, dangling ends, length outside the
largest component) and the share of charging stations within 150 m of the network.
Uses only the public futiangis API; never imported by the package.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from futiangis.config import load_config
from futiangis.io import write_layer, write_text_atomic
from futiangis.load import load_shipped_layer
from futiangis.network import build_network, report_connectivity

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "layers"
TODAY = "2026-12-01"
TAZ_FILE = "ev_charging/st_evcdp_traffic_zones_wgs84.geojson"


def shared_edges(taz: gpd.GeoDataFrame, pair_m: float) -> np.ndarray:
    """One line per road shared by two zones (see the module docstring, steps 1–2)."""
    taz = taz.sort_values("TAZID").reset_index(drop=True)
    rings = shapely.boundary(taz.geometry.to_numpy())
    tree = shapely.STRtree(rings)
    taken: list = []
    taken_buf = shapely.Polygon()
    for i, ring in enumerate(rings):
        near = [j for j in tree.query(ring, predicate="dwithin", distance=pair_m) if j != i]
        if not near:
            continue
        others = shapely.union_all(shapely.buffer(rings[near], pair_m, quad_segs=4))
        shared = shapely.intersection(ring, others)
        fresh = shapely.difference(shared, taken_buf)
        parts = [p for p in shapely.get_parts(shapely.line_merge(fresh)) if p.length >= 20.0]
        if parts:
            taken += parts
            taken_buf = shapely.union(taken_buf, shapely.buffer(
                shapely.multilinestrings(parts), pair_m, quad_segs=4))
    merged = shapely.line_merge(shapely.union_all(taken))
    lines = np.array([p for p in shapely.get_parts(merged) if p.length >= 20.0], dtype=object)
    return shapely.simplify(lines, 5.0)


def connect_dead_ends(lines: np.ndarray, connect_m: float) -> np.ndarray:
    """Straight connectors from each dead end to the nearest other line within connect_m."""
    ends = shapely.points(np.vstack([
        shapely.get_coordinates(shapely.get_point(lines, 0)),
        shapely.get_coordinates(shapely.get_point(lines, -1))]))
    owner = np.r_[np.arange(len(lines)), np.arange(len(lines))]
    tree = shapely.STRtree(lines)
    touching, hit = tree.query(ends, predicate="dwithin", distance=2.0)
    degree = np.bincount(touching[hit != owner[touching]], minlength=len(ends))
    connectors = []
    for k in np.flatnonzero(degree == 0):
        cand = [j for j in tree.query(ends[k], predicate="dwithin", distance=connect_m)
                if j != owner[k]]
        if not cand:
            continue
        dist = shapely.distance(ends[k], lines[cand])
        j = cand[int(np.argmin(dist))]
        target = lines[j].interpolate(lines[j].project(ends[k]))
        if ends[k].distance(target) > 0.01:
            connectors.append(shapely.LineString([ends[k], target]))
    return np.array(connectors, dtype=object)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--pair-m", type=float, default=25.0)
    parser.add_argument("--connect-m", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=LAYERS)
    args = parser.parse_args(argv)
    config = load_config(ROOT / "futiangis.toml")
    district = load_shipped_layer("district", config=config)
    boundary = district.union_all()
    taz = gpd.read_file(args.shared / TAZ_FILE, engine="pyogrio").to_crs(4547)
    taz = taz[taz.intersects(boundary.buffer(500))]
    edges = shared_edges(taz, args.pair_m)
    edges = shapely.intersection(edges, boundary)
    edges = np.array([p for p in shapely.get_parts(edges)
                      if p.geom_type == "LineString" and p.length >= 20.0], dtype=object)
    routes = load_shipped_layer("slow_routes", config=config)
    route_geoms = np.array(list(shapely.get_parts(routes.geometry.to_numpy())), dtype=object)
    route_ids = np.repeat(routes["id"].to_numpy(),
                          shapely.get_num_geometries(routes.geometry.to_numpy()))
    both = np.r_[edges, route_geoms]
    connectors = connect_dead_ends(both, args.connect_m)
    connectors = connectors[shapely.within(connectors, boundary)] if len(connectors) else connectors
    n_e, n_r, n_c = len(edges), len(route_geoms), len(connectors)
    src_taz = (f"ST-EVCDP traffic-zone edges ({TAZ_FILE}, MIT), shared by two zones, "
               "deduplicated at 25 m, simplified 5 m")
    frame = gpd.GeoDataFrame({
        "id": [f"art_{i + 1}" for i in range(n_e)] + [f"slow_{r}" for r in route_ids]
        + [f"link_{i + 1}" for i in range(n_c)],
        "origin": ["traffic_zone_edge"] * n_e + ["slow_route"] * n_r + ["connector"] * n_c,
        "source": [src_taz] * n_e + ["layers/slow_routes.geojson (illustrative)"] * n_r
        + [f"straight join of a dead end to the nearest line within {args.connect_m:g} m"] * n_c,
        "accuracy_class": ["derived, coarse"] * n_e + ["illustrative"] * n_r
        + ["derived, coarse"] * n_c,
        "illustrative": [False] * n_e + [True] * n_r + [False] * n_c,
    }, geometry=np.r_[edges, route_geoms, connectors], crs=4547)

    # ---- cross-checks -------------------------------------------------------------------
    length = frame.length.groupby(frame["origin"]).sum()
    print(f"arterial_network: {len(frame)} lines, {frame.length.sum() / 1000:.1f} km "
          + ", ".join(f"{k} {v / 1000:.1f} km" for k, v in length.items()))
    net = build_network(frame, snap_m=2.0)
    rep = report_connectivity(net)
    print(f"network: {rep['edges']} edges, {rep['nodes']} nodes, {rep['components']} components, "
          f"{rep['dangling_ends']} dangling ends, {rep['outside_largest_share'] * 100:.1f} % of "
          f"length outside the largest component ({rep['outside_largest_length_m'] / 1000:.1f} km)")
    stations = load_shipped_layer("charging_stations", config=config)
    stations = stations[stations.within(boundary)]  # the layer also has stations just outside
    d = stations.geometry.apply(lambda p: net.edges.distance(p).min())
    print(f"charging stations in Futian within 150 m of the network: {(d <= 150).sum()} of "
          f"{len(d)} ({(d <= 150).mean() * 100:.1f} %); median distance {d.median():.0f} m")
    density = frame.length.sum() / 1000 / (boundary.area / 1e6)
    print(f"density {density:.1f} km/km² over {boundary.area / 1e6:.2f} km² (district)")

    out = frame.to_crs(4326)
    out = out.set_geometry(shapely.set_precision(out.geometry.to_numpy(), 1e-7))
    write_layer(out, args.out / "arterial_network.geojson", overwrite=True)  # this script made it
    write_text_atomic(_META.format(
        km=frame.length.sum() / 1000, n=len(frame), art=length.get("traffic_zone_edge", 0) / 1000,
        slow=length.get("slow_route", 0) / 1000, comp=rep["components"],
        share=rep["outside_largest_share"] * 100, within=(d <= 150).mean() * 100,
        today=TODAY), args.out / "arterial_network.meta.toml")
    print(f"wrote {args.out / 'arterial_network.geojson'}")


_META = """kind = "arterial_network"
file = "arterial_network.geojson"
title_zh = "干道网络（派生，粗略）"
title_en = "Arterial network (derived, coarse)"
source = "DERIVED, COARSE by scripts/derive_arterial_network.py: edges shared by two ST-EVCDP traffic-analysis zones (IntelligentSystemsLab/ST-EVCDP, shared/data/ev_charging/st_evcdp_traffic_zones_wgs84.geojson, MIT) — the zones are bounded by arterial roads — deduplicated, clipped to the district boundary, joined with the shipped slow routes (illustrative) and with straight connectors at dead ends. Not a street network: no local streets, no footpaths inside blocks, junction positions ±60 m."
licence = "MIT (© 2023 IntelligentSystemsLab) for the zone edges; slow routes CC0 (futiangis, illustrative)"
crs = "EPSG:4326"
crs_verified = "zones are WGS84-aligned (SOURCES.md: best-fit shift ≈ 0 m E, 55 m S against the WGS84 district); derived in EPSG:4547 and written as WGS84"
accuracy_class = "illustrative"
accuracy_m = 60
date = "{today}"
notes = "derived, coarse: {n} lines, {km:.1f} km ({art:.1f} km zone edges, {slow:.1f} km slow routes); {comp} components, {share:.1f} % of length outside the largest; {within:.1f} % of the charging stations in Futian within 150 m. Network reach on it understates access (no local streets) — replace it with a real centreline file (`futiangis access THEME --network FILE`)."
"""


if __name__ == "__main__":
    main()
