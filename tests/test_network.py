"""futiangis.network: noding, snapping tolerance, bridges, barriers, impedance, connectivity.

Every expected number is counted by hand on small layers in EPSG:4547 near Futian.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from futiangis import schemas as S
from futiangis.errors import CRSError
from futiangis.network import (
    NetworkInputError,
    build_network,
    network_distances,
    report_connectivity,
)

X0, Y0 = 495_000.0, 2_493_500.0


def lines_layer(coords_list, **columns):
    geoms = [shapely.LineString([(X0 + x, Y0 + y) for x, y in c]) for c in coords_list]
    ids = columns.pop("ids", [f"l{i + 1}" for i in range(len(geoms))])
    return gpd.GeoDataFrame({"id": ids, **columns}, geometry=geoms, crs=4547)


def grid_lines(n=6, step=100.0):
    """n horizontal and n vertical streets, each (n-1)·step long, drawn end to end."""
    span = (n - 1) * step
    rows = [[(0, j * step), (span, j * step)] for j in range(n)]
    cols = [[(i * step, 0), (i * step, span)] for i in range(n)]
    return lines_layer(rows + cols)


def test_grid_is_noded_at_every_crossing():
    net = build_network(grid_lines())
    # 6 x 6 nodes; 6 rows x 5 + 6 columns x 5 = 60 edges of 100 m
    assert net.n_nodes == 36
    assert len(net.edges) == 60
    assert net.length_m == pytest.approx(6000.0)
    assert np.allclose(net.edges[S.LENGTH_M], 100.0)
    report = report_connectivity(net)
    assert report["components"] == 1
    assert report["dangling_ends"] == 0
    assert report["outside_largest_share"] == 0.0


def test_duplicate_lines_are_counted_once():
    net = build_network(lines_layer([[(0, 0), (100, 0)], [(0, 0), (100, 0)], [(50, 0), (150, 0)]]))
    assert net.length_m == pytest.approx(150.0)


@pytest.mark.parametrize("gap_m, snap_m, joined", [(1.5, 2.0, True), (1.5, 1.0, False),
                                                   (0.0, 0.0, True)])
def test_t_junction_undershoot_joins_within_the_snap_tolerance(gap_m, snap_m, joined):
    # a side street stops gap_m short of the main street
    layer = lines_layer([[(0, 0), (200, 0)], [(100, gap_m), (100, 100)]])
    net = build_network(layer, snap_m=snap_m)
    report = report_connectivity(net)
    assert (report["components"] == 1) is joined
    if joined:  # main street split at x = 100: 3 edges
        assert len(net.edges) == 3
        dist = network_distances(net, np.array([_node_at(net, 0, 0)]), limit_m=1e9)
        assert dist[_node_at(net, 100, 100)] == pytest.approx(100 + 100, abs=gap_m + 1e-6)


def test_ends_within_tolerance_are_merged():
    layer = lines_layer([[(0, 0), (100, 0)], [(101.0, 0.5), (200, 0)]])
    assert report_connectivity(build_network(layer, snap_m=2.0))["components"] == 1
    assert report_connectivity(build_network(layer, snap_m=0.5))["components"] == 2


def _node_at(net, x, y):
    d = np.hypot(net.node_xy[:, 0] - (X0 + x), net.node_xy[:, 1] - (Y0 + y))
    assert d.min() < 2.5, (x, y)
    return int(d.argmin())


def test_bridge_crosses_without_a_junction_and_joins_at_its_ends():
    grid = grid_lines().assign(bridge="0")
    viaduct = lines_layer([[(0, 150), (500, 150)]], ids=["via"], bridge=["桥"])
    layer = gpd.GeoDataFrame(pd.concat([grid, viaduct], ignore_index=True), crs=4547)
    net = build_network(layer, grade_field="bridge")
    bridge = net.edges[net.edges[S.GRADE_SEPARATED]]
    # one 500 m edge: not split where it passes over the 4 inner streets
    assert len(bridge) == 1 and bridge[S.LENGTH_M].iloc[0] == pytest.approx(500.0)
    # its ends split the two outer streets: 36 + 2 nodes, 60 + 2 + 1 edges
    assert net.n_nodes == 38 and len(net.edges) == 63
    # without the field the viaduct is an ordinary street noded 6 times
    plain = build_network(layer)
    assert len(plain.edges[plain.edges[S.LINE_ID] == "via"]) == 5


def test_barrier_cuts_every_crossing_edge_unless_declared():
    river = gpd.GeoDataFrame(geometry=[shapely.LineString([(X0 + 250, Y0 - 50),
                                                          (X0 + 250, Y0 + 550)])], crs=4547)
    net = build_network(grid_lines(), barriers=river)
    report = report_connectivity(net)
    assert net.settings["barrier_cuts"] == 6  # the 6 east-west streets
    assert report["components"] == 2
    assert net.length_m == pytest.approx(6000.0)  # cutting loses no length
    assert report["dangling_ends"] == 12
    crossing = gpd.GeoDataFrame(geometry=[shapely.Point(X0 + 250, Y0 + 100)], crs=4547)
    net2 = build_network(grid_lines(), barriers=river, crossings=crossing)
    assert net2.settings["barrier_cuts"] == 5
    assert report_connectivity(net2)["components"] == 1


def test_barrier_polygon_cuts_at_both_banks_and_bridges_pass():
    water = gpd.GeoDataFrame(geometry=[shapely.box(X0 + 40, Y0 - 10, X0 + 60, Y0 + 10)], crs=4547)
    layer = lines_layer([[(0, 0), (100, 0)], [(0, 5), (100, 5)]], bridge=["no", "yes"])
    net = build_network(layer, barriers=water, grade_field="bridge", snap_m=0)
    report = report_connectivity(net)
    # ordinary street: 3 pieces (bank, water, bank); bridge intact
    assert net.settings["barrier_cuts"] == 2
    assert report["components"] == 4


def test_connectivity_report_share_outside_largest():
    layer = lines_layer([[(0, 0), (300, 0)], [(1000, 1000), (1100, 1000)]])
    report = report_connectivity(build_network(layer))
    assert report["components"] == 2
    assert report["largest_length_m"] == pytest.approx(300.0)
    assert report["outside_largest_share"] == pytest.approx(100 / 400)
    assert report["dangling_ends"] == 4


def test_impedance_cost_per_metre_and_speed():
    layer = lines_layer([[(0, 0), (100, 0)]], factor=[2.5], speed=[9.0])
    net = build_network(layer, impedance_field="factor")
    assert net.edges[S.COST_M].iloc[0] == pytest.approx(250.0)
    net = build_network(layer, impedance_field="speed", impedance="speed_kmh",
                        reference_speed_kmh=4.5)
    assert net.edges[S.COST_M].iloc[0] == pytest.approx(50.0)  # twice as fast: half the cost


def test_bad_impedance_values_are_all_named():
    layer = lines_layer([[(0, 0), (100, 0)], [(0, 10), (100, 10)], [(0, 20), (100, 20)]],
                        factor=[1.0, 0.0, None])
    with pytest.raises(NetworkInputError, match=r"l2 .*l3"):
        build_network(layer, impedance_field="factor")
    with pytest.raises(NetworkInputError, match="'speed' is not in the line layer"):
        build_network(layer, impedance_field="speed")


def test_bad_grade_values_are_named():
    layer = lines_layer([[(0, 0), (100, 0)], [(0, 10), (100, 10)]], bridge=["yes", "maybe"])
    with pytest.raises(NetworkInputError, match=r"l2 \('maybe'\)"):
        build_network(layer, grade_field="bridge")


def test_no_lines_and_geographic_crs_are_refused():
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(X0, Y0)], crs=4547)
    with pytest.raises(NetworkInputError, match="no usable lines"):
        build_network(pts)
    with pytest.raises(CRSError, match="projected"):
        build_network(lines_layer([[(0, 0), (100, 0)]]).to_crs(4326))


def test_line_prefixes_equal_substring_on_polylines():
    from shapely.ops import substring

    from futiangis.netsplit import line_prefixes

    rng = np.random.default_rng(3)
    lines = [shapely.LineString(np.cumsum(rng.normal(0, 50, (k, 2)), axis=0)) for k in (2, 3, 7, 12)]
    for frac in (0.01, 0.3, 0.5, 0.99):
        r = np.array([ln.length * frac for ln in lines])
        got = line_prefixes(np.array(lines, dtype=object), r)
        for g, ln, rr in zip(got, lines, r):
            want = substring(ln, 0, rr)
            assert g.length == pytest.approx(rr)
            assert g.hausdorff_distance(want) < 1e-9
