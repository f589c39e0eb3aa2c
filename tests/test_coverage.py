"""Service-radius coverage: answers worked out by hand (π r², lens areas, half circles)."""
from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from affine import Affine
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS

from futiangis.coverage import (
    CoverageInputError,
    compute_coverage,
    park_radii,
    select_scenario,
    service_area,
)
from futiangis.errors import ConfigError, CRSError
from futiangis.project import run_coverage
from futiangis.io import RasterData

from conftest import FUTIAN_X, FUTIAN_Y, box_layer


def stations(xy, ids=None, crs="EPSG:4547", **columns):
    ids = ids or [f"s{i + 1}" for i in range(len(xy))]
    geoms = [shapely.Point(FUTIAN_X + x, FUTIAN_Y + y) for x, y in xy]
    return gpd.GeoDataFrame({"id": ids, **columns}, geometry=geoms, crs=crs)


def lens_area(r: float, d: float) -> float:
    """Area of the intersection of two circles of radius r whose centres are d apart."""
    return 2 * r * r * math.acos(d / (2 * r)) - (d / 2) * math.sqrt(4 * r * r - d * d)


# --- one circle, two circles -------------------------------------------------------------
def test_one_station_in_a_large_unit_covers_pi_r2_within_0_2_percent():
    unit = box_layer([(-1000, -1000, 2000, 2000)], ids=["u1"])  # 4 km², larger than the buffer
    result = compute_coverage(stations([(0, 0)]), unit, radius_m=500)
    expected = math.pi * 500**2  # 785,398.16 m²
    assert result.units.loc[0, "covered_m2"] == pytest.approx(expected, rel=0.002)
    assert result.units.loc[0, "total_m2"] == pytest.approx(4_000_000)
    assert result.units.loc[0, "coverage"] == pytest.approx(expected / 4_000_000, rel=0.002)
    assert result.units.loc[0, "uncovered_m2"] == pytest.approx(4_000_000 - expected, rel=0.001)
    assert result.overall["covered_m2"] == pytest.approx(expected, rel=0.002)


def test_shapely_default_quad_segs_is_too_coarse_for_0_2_percent():
    unit = box_layer([(-1000, -1000, 2000, 2000)])
    coarse = compute_coverage(stations([(0, 0)]), unit, radius_m=500, quad_segs=8)
    short = 1 - coarse.overall["covered_m2"] / (math.pi * 500**2)
    assert 0.005 < short < 0.007  # 32-gon: 1 - 16·sin(π/16)/π ≈ 0.64 % short


def test_two_overlapping_buffers_are_counted_once():
    r, d = 500.0, 600.0
    unit = box_layer([(-2000, -2000, 4000, 4000)])
    result = compute_coverage(stations([(0, 0), (d, 0)]), unit, radius_m=r)
    # lens = 2r²·acos(d/2r) − (d/2)·√(4r² − d²) = 463,648 − 240,000 = 223,648 m²
    expected = 2 * math.pi * r * r - lens_area(r, d)  # 1,570,796 − 223,648 = 1,347,148 m²
    assert result.overall["covered_m2"] == pytest.approx(expected, rel=0.002)
    assert result.units.loc[0, "covered_m2"] == pytest.approx(expected, rel=0.002)
    assert expected == pytest.approx(1_347_148, abs=1)
    # the double-counted sum of the two buffers would be 16.6 % more
    assert result.overall["covered_m2"] < 0.9 * 2 * math.pi * r * r


def test_identical_stations_count_once():
    unit = box_layer([(-1000, -1000, 2000, 2000)])
    result = compute_coverage(stations([(0, 0)] * 5), unit, radius_m=300)
    assert result.overall["covered_m2"] == pytest.approx(math.pi * 300**2, rel=0.002)
    assert result.facilities_count == 5


def test_station_on_a_shared_border_covers_half_a_circle_in_each_unit():
    units = box_layer([(-1000, -1000, 1000, 2000), (0, -1000, 1000, 2000)], ids=["west", "east"])
    result = compute_coverage(stations([(0, 0)]), units, radius_m=400)
    half = math.pi * 400**2 / 2
    assert result.units["covered_m2"].tolist() == pytest.approx([half, half], rel=0.002)
    assert result.units["id"].tolist() == ["west", "east"]
    assert result.units["total_m2"].tolist() == pytest.approx([2_000_000, 2_000_000])


def test_buffer_reaching_in_from_outside_counts_only_the_part_inside():
    unit = box_layer([(0, 0, 1000, 1000)])
    # station 200 m west of the unit, radius 500: a circular segment of height 300 m
    result = compute_coverage(stations([(-200, 500)]), unit, radius_m=500)
    r, h = 500.0, 300.0
    segment = r * r * math.acos((r - h) / r) - (r - h) * math.sqrt(2 * r * h - h * h)
    assert result.units.loc[0, "covered_m2"] == pytest.approx(segment, rel=0.002)


def test_results_keep_the_units_index_and_do_not_modify_inputs():
    units = box_layer([(0, 0, 1000, 1000), (1000, 0, 1000, 1000)], ids=["a", "b"])
    units.index = [10, 20]
    facilities = stations([(500, 500)])
    before_u, before_f = units.copy(), facilities.copy()
    result = compute_coverage(facilities, units, radius_m=100)
    assert list(result.units.index) == [10, 20]
    pd.testing.assert_frame_equal(units, before_u)
    pd.testing.assert_frame_equal(facilities, before_f)


def test_district_sets_the_overall_denominator():
    units = box_layer([(0, 0, 1000, 1000)])
    district = box_layer([(0, 0, 2000, 1000)])
    result = compute_coverage(stations([(500, 500)]), units, radius_m=200, district=district)
    assert result.overall["total_m2"] == pytest.approx(2_000_000)
    assert result.overall["covered_m2"] == pytest.approx(math.pi * 200**2, rel=0.002)
    assert result.overall["coverage"] == pytest.approx(math.pi * 200**2 / 2_000_000, rel=0.002)


def test_without_district_overlapping_units_are_not_counted_twice_overall():
    units = box_layer([(0, 0, 1000, 1000), (500, 0, 1000, 1000)])  # overlap 0.5 km²
    result = compute_coverage(stations([(750, 500)]), units, radius_m=200)
    assert result.overall["total_m2"] == pytest.approx(1_500_000)
    assert result.overall["covered_m2"] == pytest.approx(math.pi * 200**2, rel=0.002)


def test_no_facilities_means_no_coverage():
    units = box_layer([(0, 0, 1000, 1000)])
    result = compute_coverage(stations([]), units, radius_m=300)
    assert result.overall["covered_m2"] == 0
    assert result.units.loc[0, "coverage"] == 0
    assert result.gaps["area_m2"].sum() == pytest.approx(1_000_000)


# --- gaps --------------------------------------------------------------------------------
def test_gaps_are_the_uncovered_parts_largest_first():
    units = box_layer([(0, 0, 1000, 1000), (1000, 0, 1000, 1000)], ids=["a", "b"])
    # covers a vertical band x in [800, 1200] across both units → unit a keeps
    # 800 × 1000 uncovered, unit b 800 × 1000; a square park polygon buffered by 0 m
    # is not allowed, so use a 400 m wide strip as facility with a 1 m radius
    strip = gpd.GeoDataFrame({"id": ["strip"]}, crs=4547, geometry=[
        shapely.box(FUTIAN_X + 801, FUTIAN_Y - 10, FUTIAN_X + 1199, FUTIAN_Y + 1010)])
    result = compute_coverage(strip, units, radius_m=1)
    gaps = result.gaps
    assert len(gaps) == 2
    assert gaps["area_m2"].tolist() == pytest.approx([800_000, 800_000], rel=1e-6)
    assert sorted(gaps["unit_id"]) == ["a", "b"]
    assert gaps.crs == CRS(4547)
    assert gaps["area_m2"].sum() == pytest.approx(result.units["uncovered_m2"].sum(), rel=1e-6)


def test_gaps_sorted_descending_with_unit_ids():
    units = box_layer([(0, 0, 3000, 1000)], ids=["long"])
    # two stations split the unit into three uncovered pieces of different sizes
    result = compute_coverage(stations([(600, 500), (2000, 500)]), units, radius_m=600)
    areas = result.gaps["area_m2"].to_numpy()
    assert len(areas) >= 3
    assert (np.diff(areas) <= 0).all()
    assert set(result.gaps["unit_id"]) == {"long"}
    assert result.gaps["gap_id"].iloc[0] == "gap_1"


def test_fully_covered_unit_has_no_gaps():
    units = box_layer([(0, 0, 100, 100)])
    result = compute_coverage(stations([(50, 50)]), units, radius_m=500)
    assert result.units.loc[0, "coverage"] == pytest.approx(1.0)
    assert len(result.gaps) == 0


# --- radii ------------------------------------------------------------------------------
def test_radius_series_per_facility():
    units = box_layer([(-3000, -3000, 6000, 6000)])
    facilities = stations([(-1500, 0), (1500, 0)])
    radii = pd.Series([300.0, 600.0], index=facilities.index)
    result = compute_coverage(facilities, units, radius_m=radii)
    assert result.overall["covered_m2"] == pytest.approx(math.pi * (300**2 + 600**2), rel=0.002)
    assert result.radius_m["mode"] == "per_facility"
    assert result.radius_m["counts"] == {"300": 1, "600": 1}


def test_radius_series_with_another_index_is_refused():
    facilities = stations([(0, 0), (100, 0)])
    with pytest.raises(CoverageInputError, match="index does not match"):
        compute_coverage(facilities, box_layer([(0, 0, 10, 10)]),
                         radius_m=pd.Series([300.0, 300.0], index=[5, 6]))


@pytest.mark.parametrize("bad", [0, -100, float("nan")])
def test_non_positive_radius_names_the_facility(bad):
    facilities = stations([(0, 0), (100, 0)], ids=["ok", "bad_one"])
    radii = pd.Series([300.0, bad], index=facilities.index)
    with pytest.raises(CoverageInputError, match="bad_one"):
        compute_coverage(facilities, box_layer([(0, 0, 10, 10)]), radius_m=radii)


def test_radius_of_wrong_type_is_refused():
    with pytest.raises(CoverageInputError, match="number of metres"):
        compute_coverage(stations([(0, 0)]), box_layer([(0, 0, 10, 10)]), radius_m="300")


def test_park_radii_by_size_and_class():
    parks = box_layer([(0, 0, 50, 50), (0, 0, 200, 100), (0, 0, 400, 400), (0, 0, 100, 100)],
                      ids=["pocket", "mid", "big", "community"],
                      park_class=["community", "comprehensive", "ecological", "community"])
    rules = [
        {"min_area_m2": 100_000, "radius_m": 1000},
        {"park_class": "community", "min_area_m2": 5_000, "radius_m": 500},
        {"min_area_m2": 10_000, "radius_m": 400},
        {"min_area_m2": 0, "radius_m": 300},
    ]
    # areas: 2,500 / 20,000 / 160,000 / 10,000 m²
    assert park_radii(parks, rules).tolist() == [300, 400, 1000, 500]


def test_park_below_every_rule_is_not_counted_and_a_rule_needs_a_radius():
    # GB/T 50563: parks under 2,000 m² are not counted (NaN), not an error
    parks = box_layer([(0, 0, 30, 50)], ids=["tiny"])
    assert np.isnan(park_radii(parks, [{"min_area_m2": 2_000, "radius_m": 300}]).iloc[0])
    with pytest.raises(ConfigError, match="no radius_m"):
        park_radii(parks, [{"min_area_m2": 0}])


def test_parks_by_the_standard_over_one_unit(config):
    # 1,500 m² (30 × 50, not counted), 3,000 m² (60 × 50 → 300 m), 2 ha (200 × 100 → 500 m) and a
    # 2 ha nature reserve (excluded), far apart inside one 20 km square. A buffer of a w × h box
    # by r covers w·h + 2(w + h)·r + π r² (the 256-gon is 0.01 % short of π r²).
    units = box_layer([(-10000, -10000, 20000, 20000)], ids=["u"])
    parks = box_layer([(0, 0, 30, 50), (3000, 0, 60, 50), (-3000, 0, 200, 100), (0, 3000, 200, 100)],
                      ids=["p1500", "p3000", "p2ha", "reserve"], status=["completed"] * 4,
                      park_class=["community", "community", "comprehensive", "nature_reserve"])
    res = run_coverage("parks", config, units=units, facilities=parks, district=units)
    p3000 = 3000 + 2 * (60 + 50) * 300 + math.pi * 300 ** 2
    p2ha = 20000 + 2 * (200 + 100) * 500 + math.pi * 500 ** 2
    assert res.overall["covered_m2"] == pytest.approx(p3000 + p2ha, rel=2e-4)
    assert res.facilities_count == 2
    assert res.radius_m["counts"] == {"300": 1, "500": 1}
    why = dict(zip(res.excluded["id"], res.excluded["reason"]))
    assert set(why) == {"p1500", "reserve"} and "not public park green space" in why["reserve"]
    assert res.verdict["verdict"] == "not met" and res.to_dict()["clause"].startswith("GB/T 50563-2010")


def test_land_mask_with_water():
    # a 2 km square unit whose east half is water; one station in the middle, 500 m radius:
    # the land covered is half the circle, of 2,000,000 m² of land
    units = box_layer([(0, 0, 2000, 2000)], ids=["u"])
    water = box_layer([(1000, 0, 1000, 2000)], ids=["w"]).geometry.iloc[0]
    land = units.geometry.iloc[0].difference(water)
    res = compute_coverage(stations([(1000, 1000)]), units, radius_m=500, land=land, district=units)
    half = math.pi * 500 ** 2 / 2
    assert res.overall["total_m2"] == pytest.approx(2_000_000)
    assert res.overall["covered_m2"] == pytest.approx(half, rel=2e-4)
    assert float(res.units["total_m2"].iloc[0]) == pytest.approx(2_000_000)
    assert "land" in res.denominator


def test_facility_outside_the_district_covers_land_inside():
    # station 200 m east of a 1 km square district, 500 m radius: the circular segment inside is
    # r² acos(d/r) − d √(r² − d²) with d = 200
    units = box_layer([(0, 0, 1000, 1000)], ids=["u"])
    r, d = 500.0, 200.0
    segment = r * r * math.acos(d / r) - d * math.sqrt(r * r - d * d)
    res = compute_coverage(stations([(1200, 500)]), units, radius_m=r, district=units)
    assert res.overall["covered_m2"] == pytest.approx(segment, rel=5e-4)


def test_verdict_says_met_by_how_much():
    from futiangis.coverage import verdict_of

    v = verdict_of(0.85, 0.80, "2015-12-31")
    assert (v["verdict"], v["verdict_zh"]) == ("met", "达标")
    assert v["margin_pp"] == pytest.approx(5.0)
    assert v["text"] == "达标 · met: 85.0 % against ≥ 80 % (5.0 pp ahead) by 2015-12-31"


def test_park_polygon_is_buffered_from_its_edge():
    park = box_layer([(0, 0, 100, 100)], ids=["p"])
    units = box_layer([(-1000, -1000, 2100, 2100)])
    result = compute_coverage(park, units, radius_m=50)
    # Minkowski sum of a 100 m square and a 50 m disc: 100² + 4·100·50 + π·50²
    expected = 100 * 100 + 4 * 100 * 50 + math.pi * 50**2
    assert result.overall["covered_m2"] == pytest.approx(expected, rel=0.001)


# --- CRS ------------------------------------------------------------------------------
def test_geographic_layers_are_refused():
    units = box_layer([(0, 0, 1000, 1000)]).to_crs(4326)
    with pytest.raises(CRSError, match="projected"):
        compute_coverage(stations([(0, 0)]).to_crs(4326), units, radius_m=300)


def test_mismatched_crs_is_an_error():
    units = box_layer([(0, 0, 1000, 1000)]).to_crs(32650)
    with pytest.raises(CRSError, match="different CRSs"):
        compute_coverage(stations([(0, 0)]), units, radius_m=300)


def test_service_area_is_the_union():
    area = service_area(stations([(0, 0), (600, 0)]), radius_m=500)
    assert area.area == pytest.approx(2 * math.pi * 500**2 - lens_area(500, 600), rel=0.002)


def test_tiled_threaded_union_equals_the_direct_union(monkeypatch):
    """Large inputs take the tiled, multi-threaded path; it must give the same numbers.

    Shrink the thresholds so a small case takes that path, and compare with the direct
    computation written out here (buffer, one union_all, intersection per unit).
    """
    import futiangis.overlay as cov

    rng = np.random.default_rng(5)
    xy = rng.uniform(-1500, 1500, size=(300, 2))
    facilities = stations([tuple(p) for p in xy])
    units = box_layer([(x, y, 500, 500) for x in range(-2000, 2000, 500) for y in range(-2000, 2000, 500)],
                      ids=[f"u{i}" for i in range(64)])
    monkeypatch.setattr(cov, "_TILED_UNION_MIN_BUFFERS", 10)
    monkeypatch.setattr(cov, "_BUFFERS_PER_TILE", 7)  # ≈ 40 tiles, cut through many buffers
    monkeypatch.setattr(cov, "_THREAD_MIN_ITEMS", 1)
    monkeypatch.setattr(cov, "_workers", lambda: 2)
    clipped_tiles = []
    real_clip = shapely.clip_by_rect
    monkeypatch.setattr(shapely, "clip_by_rect", lambda g, *r: clipped_tiles.append(r) or real_clip(g, *r))
    tiled = compute_coverage(facilities, units, radius_m=120, quad_segs=16)
    assert len(clipped_tiles) > 20  # the tiled path was taken

    direct_union = shapely.union_all(shapely.buffer(facilities.geometry.values, 120, quad_segs=16))
    expected = shapely.area(shapely.intersection(units.geometry.values, direct_union))
    np.testing.assert_allclose(tiled.units["covered_m2"].to_numpy(), expected, rtol=1e-9, atol=1e-4)
    assert tiled.service_area.area == pytest.approx(direct_union.area, rel=1e-9)
    assert shapely.is_valid(tiled.service_area)
    district = shapely.union_all(units.geometry.values)
    assert tiled.overall["covered_m2"] == pytest.approx(district.intersection(direct_union).area, rel=1e-9)


# --- denominators ------------------------------------------------------------------------
def test_residential_land_is_the_denominator_when_given():
    unit = box_layer([(0, 0, 1000, 1000)], ids=["u"])
    residential = box_layer([(0, 0, 500, 1000)], ids=["r"])  # west half, 500,000 m²
    # 600 m from (250, 500) reaches every corner of the west half (√(250² + 500²) = 559 m)
    result = compute_coverage(stations([(250, 500)]), unit, radius_m=600, residential=residential)
    assert result.denominator == "residential land"
    assert result.units.loc[0, "total_m2"] == pytest.approx(500_000)
    assert result.units.loc[0, "coverage"] == pytest.approx(1.0)
    plain = compute_coverage(stations([(250, 500)]), unit, radius_m=600)
    assert plain.units.loc[0, "coverage"] < 0.9


def test_population_coverage_on_a_uniform_raster_equals_area_share():
    # 1 person per 10 m × 10 m cell, 1.2 km square raster; the covered people are the
    # covered area / 100 m² exactly when partial cells are weighted by their fraction
    x0, y0 = FUTIAN_X - 100, FUTIAN_Y + 1100
    values = np.ma.masked_array(np.ones((120, 120)))
    raster = RasterData(None, values, Affine(10, 0, x0, 0, -10, y0), CRS(4547), None,
                        (x0, y0 - 1200, x0 + 1200, y0))
    unit = box_layer([(0, 0, 1000, 1000)], ids=["u"])
    result = compute_coverage(stations([(330, 470)]), unit, radius_m=255, population=raster)
    row = result.units.loc[0]
    assert row["population"] == pytest.approx(10_000)
    assert row["population_covered"] == pytest.approx(row["covered_m2"] / 100, rel=1e-6)
    assert row["population_covered"] == pytest.approx(math.pi * 255**2 / 100, rel=0.002)
    assert result.overall["population_coverage"] == pytest.approx(row["coverage"], rel=1e-6)


# --- themes and scenarios ----------------------------------------------------------------
def test_scenarios_select_completed_or_all():
    facilities = stations([(0, 0), (10, 0), (20, 0)],
                          status=["completed", "planned", "under_construction"])
    built, note = select_scenario(facilities, "current")
    assert built["id"].tolist() == ["s1"] and "completed" in note
    planned, _ = select_scenario(facilities, "planned")
    assert len(planned) == 3
    no_status, note = select_scenario(stations([(0, 0)]), "current")
    assert len(no_status) == 1 and "no status" in note
    with pytest.raises(ConfigError, match="scenario"):
        select_scenario(facilities, "someday")


def test_run_coverage_bike_uses_config_radius_and_built_stations(config):
    units = box_layer([(-2000, -2000, 4000, 4000)], ids=["u"])
    bikes = stations([(-1000, 0), (1000, 0)], status=["completed", "planned"], docks=[10, 10],
                     illustrative=[True, True])
    today = run_coverage("bike", config, units=units, facilities=bikes, district=units)
    # a 300 m spacing on a square grid leaves no point farther than 300 / √2 = 212.1 m
    r = config.coverage.theme("bike").spacing_m / math.sqrt(2)
    assert r == pytest.approx(212.132, abs=1e-3)
    assert today.overall["covered_m2"] == pytest.approx(math.pi * r * r, rel=0.002)
    assert today.facilities_count == 1
    assert today.illustrative and any("ILLUSTRATIVE" in n for n in today.notes)
    assert today.standard == config.coverage.theme("bike").standard
    after = run_coverage("bike", config, units=units, facilities=bikes, district=units,
                         scenario="planned")
    assert after.overall["covered_m2"] == pytest.approx(2 * math.pi * r * r, rel=0.002)


def test_run_coverage_parks_radius_by_size_from_config(config):
    units = box_layer([(-5000, -5000, 10000, 10000)], ids=["u"])
    parks = box_layer([(0, 0, 50, 50)], ids=["pocket"], status=["completed"],
                      park_class=["community"])
    result = run_coverage("parks", config, units=units, facilities=parks, district=units)
    rules = config.coverage.theme("parks").radii
    r = next(x.radius_m for x in rules if 2_500 >= x.min_area_m2)
    assert result.radius_m["mode"] == "by_park_area"
    assert result.overall["covered_m2"] == pytest.approx(
        50 * 50 + 4 * 50 * r + math.pi * r * r, rel=0.001)


def test_unknown_theme_is_refused(config):
    with pytest.raises(ConfigError, match="theme"):
        run_coverage("schools", config)


# --- shipped layers ------------------------------------------------------------------------
def _shipped(config, kind):
    from futiangis.io import read_catalog

    if kind not in read_catalog(config.layers_dir):
        pytest.skip(f"shipped layer {kind} not present yet")


def test_shipped_charging_coverage_adds_up(config):
    _shipped(config, "charging_stations")
    result = run_coverage("charging", config)
    o = result.overall
    assert 0 < o["coverage"] < 1
    # units partition the district: their totals add up to it (±0.1 %)
    assert result.units["total_m2"].sum() == pytest.approx(o["total_m2"], rel=0.001)
    assert result.units["covered_m2"].sum() == pytest.approx(o["covered_m2"], rel=0.001)
    assert (result.units["coverage"].dropna().between(0, 1)).all()
    # 271 stations inside Futian and 105 within 2 km outside it (outside_district = true) count
    layer = _shipped_layer(config, "charging_stations")
    assert result.facilities_count == len(layer) == 271 + int(layer["outside_district"].sum())
    # the 0.9 km rule applies within the CBD core (land only): far smaller than the district
    assert o["total_m2"] < 8e6
    assert not result.illustrative


def _shipped_layer(config, kind):
    from futiangis.load import load_shipped_layer

    return load_shipped_layer(kind, config=config)


def test_shipped_parks_planned_covers_at_least_today(config):
    _shipped(config, "parks")
    today = run_coverage("parks", config)
    after = run_coverage("parks", config, scenario="planned")
    assert after.overall["covered_m2"] >= today.overall["covered_m2"] - 1e-6
    assert today.illustrative


def test_docstring_examples_run():
    import doctest
    import importlib

    # by name: `futiangis.coverage` as an attribute is fg.coverage, the API function
    names = ("futiangis.coverage", "futiangis.coverage.compute", "futiangis.coverage.radii",
             "futiangis.coverage.result", "futiangis.zonal")
    for module in map(importlib.import_module, names):
        failed, attempted = doctest.testmod(module)
        assert attempted > 0 and failed == 0


def test_residential_layer_without_polygons_is_refused():
    points = stations([(0, 0)])
    with pytest.raises(CoverageInputError, match="no polygons"):
        compute_coverage(stations([(0, 0)]), box_layer([(0, 0, 10, 10)]), radius_m=100,
                         residential=points)


def test_gaps_with_residential_land_are_uncovered_residential_land():
    unit = box_layer([(0, 0, 1000, 1000)], ids=["u"])
    residential = box_layer([(0, 0, 1000, 200)], ids=["r"])  # southern strip, 200,000 m²
    # a station far north-east covers none of the strip: the gap is the whole strip
    result = compute_coverage(stations([(900, 900)]), unit, radius_m=100, residential=residential)
    assert result.gaps["area_m2"].tolist() == pytest.approx([200_000])
    assert result.units.loc[0, "coverage"] == 0


# --- properties (hypothesis) ---------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(d_over_r=st.floats(0.05, 1.95), r=st.floats(50, 800))
def test_two_circles_match_the_lens_formula(d_over_r, r):
    d = d_over_r * r
    unit = box_layer([(-2000, -2000, 5000, 4000)])
    result = compute_coverage(stations([(0, 0), (d, 0)]), unit, radius_m=r)
    assert result.overall["covered_m2"] == pytest.approx(
        2 * math.pi * r * r - lens_area(r, d), rel=0.002)


@settings(max_examples=25, deadline=None)
@given(xy=st.lists(st.tuples(st.floats(-300, 2300), st.floats(-300, 1300)), min_size=1, max_size=12),
       r=st.floats(20, 600))
def test_units_partitioning_the_district_add_up_and_more_stations_never_cover_less(xy, r):
    # a 2 km × 1 km district cut into 8 units of 500 m × 500 m
    cells = [(x, y, 500, 500) for x in range(0, 2000, 500) for y in range(0, 1000, 500)]
    units = box_layer(cells)
    district = box_layer([(0, 0, 2000, 1000)])
    result = compute_coverage(stations(xy), units, radius_m=r, district=district)
    table = result.units
    assert (table["covered_m2"] <= table["total_m2"] + 1e-6).all()
    assert table["covered_m2"].sum() == pytest.approx(result.overall["covered_m2"], rel=1e-9, abs=1e-3)
    assert table["total_m2"].sum() == pytest.approx(2_000_000)
    assert result.gaps["area_m2"].sum() <= result.overall["uncovered_m2"] + 1e-3
    fewer = compute_coverage(stations(xy[:-1]), units, radius_m=r, district=district)
    assert fewer.overall["covered_m2"] <= result.overall["covered_m2"] + 1e-6
