"""futiangis.access: network reach counted by hand, snapping, service areas, properties.

The 6 × 6 grid (36 nodes, 60 streets of 100 m) and the reach at 250 m are counted by hand
in the comments; nothing is copied from the code's output.
"""
from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_network import X0, Y0, grid_lines, lines_layer

from futiangis import schemas as S
from futiangis.access import AccessInputError, compute_access, snap_facilities
from futiangis.network import build_network


def points(xy, ids=None):
    ids = ids or [f"p{i + 1}" for i in range(len(xy))]
    return gpd.GeoDataFrame({"id": ids}, geometry=[shapely.Point(X0 + x, Y0 + y) for x, y in xy],
                            crs=4547)


def one_unit(x0=-1000, y0=-1000, x1=2000, y1=2000):
    return gpd.GeoDataFrame({"id": ["u1"]}, geometry=[shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)],
                            crs=4547)


def reach(net, facilities, d, **kw):
    results, snapped = compute_access(net, facilities, one_unit(), max_m=[d], trim_m=kw.pop("trim_m", 0),
                                      **kw)
    return results[0], snapped


# Facility A sits on node (100, 100). Node distances are 100 × (|i-1| + |j-1|); an edge whose
# nearer end is d steps away is reached for min(100, (250-100d)+(250-100(d+1))) m:
#   d = 0: 4 edges × 100, d = 1: 10 edges × 100, d = 2: 10 edges × 50  →  1,900 m.
# Facility B sits mid-edge at (400, 350): its own edge 100 m; the 6 edges from the edge's
# ends (50 m away) outwards, the 2 edges joining the ring nodes (3,3)-(3,4), (5,3)-(5,4),
# and the 11 edges from the ring (150 m) to the next nodes (250 m) are whole:
#   100 + 6×100 + 2×100 + 11×100  →  2,000 m.  A's and B's reaches share no edge: 3,900 m.
A_ONLY, B_ONLY, BOTH = 1900.0, 2000.0, 3900.0


@pytest.mark.parametrize("which, expected", [("A", A_ONLY), ("B", B_ONLY), ("AB", BOTH)])
def test_grid_reach_at_250_m_matches_the_hand_count(which, expected):
    xy = {"A": (100, 100), "B": (400, 350)}
    result, snapped = reach(build_network(grid_lines()), points([xy[c] for c in which], list(which)),
                            250)
    assert result.reached_length_m == pytest.approx(expected, rel=1e-3)
    assert (snapped.table[S.SNAP_M] == 0).all()  # one on a node, one mid-edge: both exact
    assert result.to_dict()["reached_length_m"] == pytest.approx(expected, rel=1e-3)


def test_an_island_is_not_reached():
    island = lines_layer([[(1000, 0), (1100, 0)], [(1100, 0), (1100, 100)]], ids=["i1", "i2"])
    layer = gpd.GeoDataFrame(pd.concat([grid_lines(), island], ignore_index=True), crs=4547)
    result, _ = reach(build_network(layer), points([(100, 100)]), 5000)
    assert result.reached_length_m == pytest.approx(6000.0)  # the whole grid, nothing more
    assert not result.reached[S.LINE_ID].isin(["i1", "i2"]).any()


def test_a_barrier_without_crossing_blocks_reach():
    river = gpd.GeoDataFrame(geometry=[shapely.LineString([(X0 + 250, Y0 - 50),
                                                          (X0 + 250, Y0 + 550)])], crs=4547)
    # A's reach without the river is 1,900 m; the river at x = 250 takes the three 50 m
    # halves beyond node (3,1) and the far half of street (2,1)-(3,1): 1,900 - 150 - 50.
    result, _ = reach(build_network(grid_lines(), barriers=river), points([(100, 100)]), 250)
    assert result.reached_length_m == pytest.approx(1700.0, rel=1e-3)
    assert result.reached.total_bounds[2] <= X0 + 250 + 1e-6
    # far beyond: only the west half of the grid (x ≤ 250) is ever reached
    far, _ = reach(build_network(grid_lines(), barriers=river), points([(100, 100)]), 10_000)
    west = 6 * 250 + 3 * 500  # six 250 m stretches of the east-west streets, three columns
    assert far.reached_length_m == pytest.approx(west)
    crossing = gpd.GeoDataFrame(geometry=[shapely.Point(X0 + 250, Y0 + 100)], crs=4547)
    open_, _ = reach(build_network(grid_lines(), barriers=river, crossings=crossing),
                     points([(100, 100)]), 250)
    assert open_.reached_length_m == pytest.approx(A_ONLY, rel=1e-3)


def test_overlapping_reaches_count_once():
    street = build_network(lines_layer([[(0, 0), (1000, 0)]]))
    # [150, 450] ∪ [350, 650] = 500 m
    result, _ = reach(street, points([(300, 0), (500, 0)]), 150)
    assert result.reached_length_m == pytest.approx(500.0)
    twice, _ = reach(street, points([(300, 0), (300, 0)]), 150)
    assert twice.reached_length_m == pytest.approx(300.0)


def test_snap_distance_is_reported_walked_and_limited():
    street = build_network(lines_layer([[(0, 0), (1000, 0)]]))
    fac = points([(500, 30), (500, 200)], ["near", "far"])
    result, snapped = reach(street, fac, 100)
    t = snapped.table.set_index(S.ID)
    assert t.loc["near", S.SNAP_M] == pytest.approx(30.0)
    assert t.loc["far", S.SNAP_M] == pytest.approx(200.0)
    assert bool(t.loc["near", "on_network"]) and not bool(t.loc["far", "on_network"])
    assert result.reached_length_m == pytest.approx(2 * 70.0)  # 100 - 30 each way
    assert result.settings["off_network_ids"] == ["far"]
    free, _ = reach(street, fac, 100, count_snap_distance=False)
    assert free.reached_length_m == pytest.approx(200.0)
    wide, _ = reach(street, fac, 300, max_snap_m=250)
    # near: 270 m each way; far: 100 m each way, inside near's reach
    assert wide.reached_length_m == pytest.approx(540.0)


def test_park_polygon_enters_where_streets_cross_its_edge():
    street = build_network(lines_layer([[(0, 0), (1000, 0)]]))
    park = gpd.GeoDataFrame({"id": ["park"]}, geometry=[shapely.box(X0 + 400, Y0 - 50, X0 + 600,
                                                                    Y0 + 50)], crs=4547)
    result, snapped = reach(street, park, 100)
    assert snapped.table[S.SNAP_M].iloc[0] == 0.0
    assert result.reached_length_m == pytest.approx(400.0)  # 200 inside + 100 each side
    side = gpd.GeoDataFrame({"id": ["park"]}, geometry=[shapely.box(X0 + 400, Y0 + 20, X0 + 600,
                                                                    Y0 + 100)], crs=4547)
    result, snapped = reach(street, side, 100)
    assert snapped.table[S.SNAP_M].iloc[0] == pytest.approx(20.0)
    assert result.reached_length_m == pytest.approx(2 * 80.0)


def test_impedance_shortens_reach():
    street = build_network(lines_layer([[(0, 0), (1000, 0)]], factor=[2.0]), impedance_field="factor")
    result, _ = reach(street, points([(500, 0)]), 100)
    assert result.reached_length_m == pytest.approx(100.0)  # 50 m each way at cost 2 per metre


def test_service_area_is_the_trimmed_reached_network():
    street = build_network(lines_layer([[(0, 0), (1000, 0)]]))
    result, _ = reach(street, points([(500, 0)]), 200, trim_m=50)
    # a 400 m segment buffered by 50 m: 400 × 100 plus two half discs; a disc is drawn as a
    # 256-gon (quad_segs 64), area 128 · sin(2π/256) · r²
    disc = 128 * math.sin(2 * math.pi / 256) * 50 ** 2
    assert result.overall["covered_m2"] == pytest.approx(40_000 + disc, rel=1e-6)
    row = result.units.iloc[0]
    straight = 128 * math.sin(2 * math.pi / 256) * 200 ** 2
    assert row["straight_covered_m2"] == pytest.approx(straight, rel=1e-6)
    assert row["ratio"] == pytest.approx((40_000 + disc) / straight, rel=1e-6)
    assert row[S.REACHED_LENGTH_M] == pytest.approx(400.0)
    assert row["network_length_m"] == pytest.approx(1000.0)
    assert result.settings["trim_m"] == 50.0
    assert len(result.gaps) >= 1
    # the ceiling: the whole 1000 m street buffered by 50 m, over the 3000 x 3000 m unit
    assert row["ceiling_coverage"] == pytest.approx((100_000 + disc) / 9_000_000, rel=1e-6)


def test_land_mask_clips_units_and_service_area():
    street = build_network(lines_layer([[(0, 0), (1000, 0)]]))
    land = gpd.GeoDataFrame(geometry=[shapely.box(X0 - 1000, Y0 - 1000, X0 + 2000, Y0)], crs=4547)
    results, _ = compute_access(street, points([(500, 0)]), one_unit(), max_m=[200], trim_m=50,
                                land=land)
    disc = 128 * math.sin(2 * math.pi / 256) * 50 ** 2
    assert results[0].overall["covered_m2"] == pytest.approx((40_000 + disc) / 2, rel=1e-6)
    assert results[0].overall["total_m2"] == pytest.approx(3000 * 1000)


def test_bad_distances_and_trim_are_refused():
    street = build_network(lines_layer([[(0, 0), (1000, 0)]]))
    with pytest.raises(AccessInputError, match="positive"):
        compute_access(street, points([(0, 0)]), one_unit(), max_m=[0])
    with pytest.raises(AccessInputError, match="trim_m"):
        compute_access(street, points([(0, 0)]), one_unit(), max_m=[100], trim_m=-1)
    with pytest.raises(AccessInputError, match="points or polygons"):
        snap_facilities(street, lines_layer([[(0, 0), (1, 1)]]))


# ---------------------------------------------------------------------------------------
# property: along the street never reaches more than the circle
# ---------------------------------------------------------------------------------------
coord = st.floats(0, 1000, allow_nan=False)
segment = st.tuples(coord, coord, coord, coord).filter(lambda s: math.hypot(s[0] - s[2], s[1] - s[3]) > 5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(segs=st.lists(segment, min_size=1, max_size=12),
       facs=st.lists(st.tuples(coord, coord), min_size=1, max_size=4),
       d=st.floats(20, 800), trim=st.floats(1, 150))
def test_network_coverage_never_exceeds_straight_line(segs, facs, d, trim):
    net = build_network(lines_layer([[(a, b), (c, e)] for a, b, c, e in segs]))
    units = gpd.GeoDataFrame({"id": ["sw", "se", "nw", "ne"]}, crs=4547, geometry=[
        shapely.box(X0 + x, Y0 + y, X0 + x + 500, Y0 + y + 500) for x, y in
        ((0, 0), (500, 0), (0, 500), (500, 500))])
    fac = points(facs)
    results, _ = compute_access(net, fac, units, max_m=[d], trim_m=0, max_snap_m=2000)
    r = results[0]
    # trim 0: the reached network in every unit lies inside the circles of radius d (drawn
    # as 256-gons, which fall short of the circle by d·(1 - cos(π/256)) ≈ 7.5e-5·d)
    slack_m = 1e-3 * d * (len(r.reached) + 1)
    assert (r.units[S.REACHED_LENGTH_M] <= r.units["straight_length_m"] + slack_m).all()
    assert r.units["covered_m2"].eq(0).all()
    assert r.reached_length_m <= net.length_m + 1e-6
    # with a trim T the service area lies inside the circles of radius d + T
    trimmed, _ = compute_access(net, fac, units, max_m=[d], trim_m=trim, max_snap_m=2000)
    wide, _ = compute_access(net, fac, units, max_m=[d + trim], trim_m=0, max_snap_m=2000)
    slack = 1e-3 * wide[0].units["straight_covered_m2"] + 1.0  # polygonised circles
    assert (trimmed[0].units["covered_m2"] <= wide[0].units["straight_covered_m2"] + slack).all()
