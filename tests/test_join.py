"""Spatial joins on hand-built layers whose answers are worked out by hand.

Units are two 1 km × 1 km boxes side by side (1 km² each), so counts per km² equal counts.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from conftest import FUTIAN_X, FUTIAN_Y, box_layer
from futiangis.errors import ConfigError, CRSError, LayerValidationError
from futiangis.join import (
    UNZONED,
    apportion_to_zones,
    disjoint_zones,
    join_lines_to_units,
    join_points,
    join_points_to_units,
    join_polygons_to_units,
)
from futiangis.project import stats_by


@pytest.fixture
def units():
    u = box_layer([(0, 0, 1000, 1000), (1000, 0, 1000, 1000)], ids=["u1", "u2"])
    u.index = [10, 20]  # a non-default index that results must keep
    return u


def points(xy, **cols):
    x, y = zip(*xy)
    return gpd.GeoDataFrame(
        cols, geometry=gpd.points_from_xy(np.array(x) + FUTIAN_X, np.array(y) + FUTIAN_Y), crs="EPSG:4547"
    )


def lines(coords_list, **cols):
    geoms = [shapely.LineString([(FUTIAN_X + x, FUTIAN_Y + y) for x, y in c]) for c in coords_list]
    return gpd.GeoDataFrame(cols, geometry=geoms, crs="EPSG:4547")


def test_points_counted_and_summed_per_unit(units):
    stations = points(
        [(100, 100), (200, 200), (300, 300), (1500, 500), (1000, 500), (5000, 5000)],
        id=["a", "b", "c", "d", "border", "out"],
        piles=[2, 3, 5, 4, 7, 100],
    )
    res = join_points_to_units(stations, units, value_col="piles")
    assert list(res.index) == [10, 20]
    assert list(res["id"]) == ["u1", "u2"]
    # the border point (x = 1000) counts once, for the first unit
    assert list(res["count"]) == [4, 1]
    assert list(res["piles"]) == [2 + 3 + 5 + 7, 4]
    assert res["area_km2"].tolist() == pytest.approx([1.0, 1.0])
    assert res["count_per_km2"].tolist() == pytest.approx([4.0, 1.0])
    assert res["piles_per_km2"].tolist() == pytest.approx([17.0, 4.0])
    # the point outside every unit is named, explicitly (never in DataFrame.attrs)
    joined = join_points(stations, units, value_col="piles")
    assert joined.unmatched_ids == ("out",)
    assert joined.table.equals(res)


def test_points_density_uses_unit_area():
    big = box_layer([(0, 0, 2000, 500)], ids=["u"])  # 1,000,000 m² = 1 km²
    small = box_layer([(0, 0, 500, 500)], ids=["s"])  # 0.25 km²
    pts = points([(100, 100), (200, 100)], id=["a", "b"], docks=[10, 20])
    assert join_points_to_units(pts, big, value_col="docks")["docks_per_km2"].iloc[0] == pytest.approx(30.0)
    assert join_points_to_units(pts, small)["count_per_km2"].iloc[0] == pytest.approx(8.0)


def test_points_without_value_col_have_count_only(units):
    res = join_points_to_units(points([(10, 10)], id=["a"]), units)
    assert "count" in res.columns and "piles" not in res.columns
    assert list(res["count"]) == [1, 0]


def test_points_missing_value_col_is_an_error(units):
    with pytest.raises(LayerValidationError, match="field 'docks'.*no column 'docks'"):
        join_points_to_units(points([(10, 10)], id=["a"]), units, value_col="docks")


def test_lines_measured_per_unit_and_border_route_once(units):
    routes = lines(
        [[(500, 500), (1500, 500)],  # 500 m in each unit
         [(1000, 0), (1000, 1000)]],  # 1 km exactly on the shared border
        id=["r1", "r2"],
    )
    res = join_lines_to_units(routes, units)
    assert list(res.index) == [10, 20]
    assert res["length_km"].tolist() == pytest.approx([1.5, 0.5])
    assert res["km_per_km2"].tolist() == pytest.approx([1.5, 0.5])
    # nothing counted twice: total equals the routes' total length (2 km)
    assert res["length_km"].sum() == pytest.approx(2.0)


def test_lines_outside_units_add_nothing(units):
    res = join_lines_to_units(lines([[(5000, 0), (6000, 0)]], id=["far"]), units)
    assert res["length_km"].sum() == 0


def test_polygons_unioned_before_measuring(units):
    parks = box_layer(
        [(0, 0, 200, 100),  # 20,000 m²
         (100, 0, 200, 100),  # overlaps the first on 100 × 100 → union 30,000 m²
         (900, 500, 200, 100)],  # straddles the border: 10,000 m² in each unit
        ids=["p1", "p2", "p3"],
    )
    res = join_polygons_to_units(parks, units)
    assert list(res.index) == [10, 20]
    assert res["park_area_m2"].tolist() == pytest.approx([40_000.0, 10_000.0])
    assert res["park_share"].tolist() == pytest.approx([0.04, 0.01])
    assert res["area_m2"].tolist() == pytest.approx([1e6, 1e6])


def test_apportion_splits_by_land_share():
    zones = box_layer([(0, 0, 1000, 1000), (1000, 0, 1000, 1000)], ids=["A", "B"])
    sites = box_layer([(970, 0, 100, 100), (1950, 0, 100, 100), (10, 10, 10, 10)],
                      ids=["s1", "s2", "s3"], gfa=[10_000.0, 8_000.0, np.nan])
    sites.index = [5, 7, 9]
    res = apportion_to_zones(sites, zones, value_cols=["gfa"])
    assert list(res.index) == [5, 5, 7, 7, 9]
    s1 = res.loc[5].set_index("zone_id")
    assert s1.loc["A", "land_m2"] == pytest.approx(3_000.0)  # 30 m × 100 m
    assert s1.loc["B", "land_m2"] == pytest.approx(7_000.0)
    assert s1.loc["A", "gfa"] == pytest.approx(3_000.0)
    assert s1.loc["B", "gfa"] == pytest.approx(7_000.0)
    s2 = res.loc[7].set_index("zone_id")  # half in B, half outside every zone
    assert s2.loc["B", "share"] == pytest.approx(0.5)
    assert s2.loc[UNZONED, "gfa"] == pytest.approx(4_000.0)
    assert np.isnan(res.loc[9, "gfa"])  # missing stays missing, not 0
    # shares of each site sum to 1
    assert res.groupby(level=0)["share"].sum().tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_overlapping_zones_are_made_disjoint_and_reported():
    zones = box_layer([(0, 0, 1000, 1000), (500, 0, 1000, 1000)], ids=["A", "B"])
    geoms, problems = disjoint_zones(zones)
    assert geoms.area.tolist() == pytest.approx([1e6, 0.5e6])
    assert [p.feature_id for p in problems] == ["B"]
    assert "A" in problems[0].message
    # a site in the overlap counts for A only
    sites = box_layer([(600, 0, 100, 100)], ids=["s"], gfa=[1.0])
    res = apportion_to_zones(sites, zones, value_cols=["gfa"])
    assert list(res["zone_id"]) == ["A"]
    assert res["gfa"].tolist() == pytest.approx([1.0])


def test_crs_mismatch_is_an_error(units):
    pts = points([(10, 10)], id=["a"]).to_crs(3857)
    with pytest.raises(CRSError, match="different CRSs"):
        join_points_to_units(pts, units)
    with pytest.raises(CRSError, match="projected CRS"):
        join_points_to_units(points([(10, 10)], id=["a"]).to_crs(4326), units.to_crs(4326))


def test_inputs_not_modified(units):
    parks = box_layer([(0, 0, 200, 100)], ids=["p"])
    before_units, before_parks = units.copy(), parks.copy()
    join_polygons_to_units(parks, units)
    apportion_to_zones(parks.assign(v=1.0), units, value_cols=["v"])
    pd.testing.assert_frame_equal(pd.DataFrame(units), pd.DataFrame(before_units))
    pd.testing.assert_frame_equal(pd.DataFrame(parks), pd.DataFrame(before_parks))


def test_apportion_missing_column_is_an_error(units):
    with pytest.raises(LayerValidationError, match="field 'gfa'"):
        apportion_to_zones(box_layer([(0, 0, 10, 10)], ids=["s"]), units, value_cols=["gfa"])


# ---------------------------------------------------------------------------------------
# shipped layers
# ---------------------------------------------------------------------------------------
def test_stats_by_units_on_shipped_layers(config):
    from futiangis.load import load_shipped_layer

    table = stats_by(config, by="units")
    units = load_shipped_layer("units", config=config)
    stations = load_shipped_layer("charging_stations", config=config)
    assert list(table["id"]) == list(units["id"])
    # units partition the district: every station inside it counts exactly once
    inside = stations[stations.within(units.union_all().buffer(0.01))]
    assert table["charging_count"].sum() == len(inside)
    assert table["charging_piles"].sum() == int(inside["piles"].sum())
    # unit areas add up to the district area (units partition it), within 0.1 %
    district = load_shipped_layer("district", config=config)
    assert table["area_km2"].sum() * 1e6 == pytest.approx(district.area.sum(), rel=1e-3)


def test_stats_by_zones_and_bad_choice(config):
    table = stats_by(config, by="zones")
    assert set(table["id"]) >= {"zone_core", "zone_east", "zone_south", "zone_west", "zone_north"}
    assert (table["park_share"].dropna().between(0, 1)).all()
    with pytest.raises(ConfigError, match="'units' or 'zones'"):
        stats_by(config, by="streets")
