"""Siting (issue 15): exact MCLP / fewest-sites answers against brute force, per demand kind.

Every expected optimum is found independently by trying every combination of candidates
(itertools.combinations) and measuring what each covers *exactly*: shapely buffers with 256
segments per quarter circle intersected with the demand polygons (area demand), exact
partial pixels (raster demand), or plain distances (points). The model instead cuts area
into cells and counts a cell covered when its centre is within reach, so each crafted case
also asserts that the brute-force winner leads the runner-up by more than that
discretisation could explain — otherwise "equal to the optimum" would be luck.
"""
from __future__ import annotations

import itertools
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from affine import Affine
from conftest import FUTIAN_X, FUTIAN_Y
from pyproj import CRS

from futiangis.io import RasterData
from futiangis.siting import (
    SitingInputError,
    build_coverage_matrix,
    covered_by,
    greedy_max_cover,
    make_problem,
    rank_by_marginal,
    solve_max_cover,
    solve_min_sites,
)
from futiangis.siting_inputs import (
    WEIGHT,
    candidate_grid,
    candidates_from_layer,
    demand_from_points,
    demand_from_polygons,
    demand_from_raster,
)
from futiangis.siting_run import existing_coverage

X0, Y0 = FUTIAN_X, FUTIAN_Y
CRS_M = "EPSG:4547"


def _pts(xy, ids=None, **cols):
    xy = np.asarray(xy, dtype=float)
    ids = ids or [f"p{i + 1}" for i in range(len(xy))]
    return gpd.GeoDataFrame({"id": ids, **cols},
                            geometry=gpd.points_from_xy(X0 + xy[:, 0], Y0 + xy[:, 1]), crs=CRS_M)


def _boxes(*boxes):
    return [shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h) for x, y, w, h in boxes]


def _poly_layer(geoms, **cols):
    return gpd.GeoDataFrame({"id": [f"a{i + 1}" for i in range(len(geoms))], **cols},
                            geometry=geoms, crs=CRS_M)


# candidates and one existing facility shared by the area cases (offsets in metres)
CAND_XY = [(1060, 220), (620, 250), (500, 510), (510, 520), (790, 550), (700, 690),
           (200, 230), (880, 750), (900, 0), (1140, 60), (940, 770)]
EXISTING_XY = [(1100, 550)]


def _problem(demand, candidates, existing, radius, capacity=None):
    cover0 = existing_coverage(demand, existing, radius)
    xy_d = np.column_stack([demand.geometry.x, demand.geometry.y])
    xy_c = np.column_stack([candidates.geometry.x, candidates.geometry.y])
    return make_problem(demand[WEIGHT].to_numpy(), cover0,
                        build_coverage_matrix(xy_d, xy_c, radius_m=radius), capacity=capacity)


def _discs(xy, radius):
    return [shapely.Point(X0 + x, Y0 + y).buffer(radius, quad_segs=256) for x, y in xy]


def _brute_force(value_of, n_cand, n):
    """All n-subsets by exact value, best first (value, subset)."""
    scored = sorted(((value_of(c), c) for c in itertools.combinations(range(n_cand), n)),
                    key=lambda t: -t[0])
    return scored


def _assert_clear_winner(scored, tolerance):
    (best, best_set), (second, _) = scored[0], scored[1]
    assert best - second > tolerance, (
        f"crafted case too close to call ({best} vs {second}); change the layout")
    return set(best_set), best


# ---------------------------------------------------------------------------------------
# one brute-force test per demand kind
# ---------------------------------------------------------------------------------------
def test_land_area_demand_matches_brute_force_optimum():
    # an L-shaped piece of land: 1,200 m x 600 m plus a 400 m x 300 m arm to the north-east
    land = shapely.union_all(_boxes((0, 0, 1200, 600), (800, 600, 400, 300)))
    radius, n = 220.0, 3
    exist = _discs(EXISTING_XY, radius)
    cands = _discs(CAND_XY, radius)

    def exact(subset):
        return shapely.union_all(exist + [cands[j] for j in subset]).intersection(land).area

    scored = _brute_force(exact, len(CAND_XY), n)
    best_set, best_area = _assert_clear_winner(scored, 0.005 * land.area)
    demand = demand_from_polygons(_poly_layer([land]), cell_m=10)
    assert demand[WEIGHT].sum() == pytest.approx(1200 * 600 + 400 * 300)  # 840,000 m²
    problem = _problem(demand, _pts(CAND_XY), _pts(EXISTING_XY), radius)
    sol = solve_max_cover(problem, n)
    assert set(sol.selected) == best_set
    assert sol.status == "optimal"
    # the cell model measures the covered area to within 0.5 % of the land
    assert sol.covered_demand == pytest.approx(best_area, abs=0.005 * land.area)
    # existing coverage measured the same way: one disc of 220 m inside the land
    before = shapely.union_all(exist).intersection(land).area
    assert problem.covered_before == pytest.approx(before, abs=0.005 * land.area)


def test_residential_land_demand_matches_brute_force_optimum():
    land = shapely.union_all(_boxes((0, 0, 1200, 800)))
    # three residential blocks, two overlapping (the overlap counts once)
    blocks = _boxes((50, 50, 300, 250), (250, 150, 250, 250), (700, 400, 400, 300))
    residential = shapely.union_all(blocks)
    radius, n = 200.0, 2
    exist = _discs(EXISTING_XY, radius)
    cands = _discs(CAND_XY, radius)

    def exact(subset):
        return shapely.union_all(exist + [cands[j] for j in subset]).intersection(residential).area

    scored = _brute_force(exact, len(CAND_XY), n)
    best_set, best_area = _assert_clear_winner(scored, 0.005 * residential.area)
    demand = demand_from_polygons(_poly_layer(blocks), cell_m=10, land=land)
    # 75,000 + 62,500 + 120,000 - the 100 m x 150 m overlap (15,000) = 242,500 m²
    assert demand[WEIGHT].sum() == pytest.approx(242_500.0)
    problem = _problem(demand, _pts(CAND_XY), _pts(EXISTING_XY), radius)
    sol = solve_max_cover(problem, n)
    assert set(sol.selected) == best_set
    assert sol.covered_demand == pytest.approx(best_area, abs=0.005 * residential.area)


def _raster(values, *, x0, y0, size):
    values = np.ma.masked_less(np.asarray(values, dtype=float), 0)
    t = Affine(size, 0, x0, 0, -size, y0)
    h, w = values.shape
    return RasterData(path=None, values=values, transform=t, crs=CRS.from_user_input(CRS_M),
                      nodata=-1.0, bounds=(x0, y0 - h * size, x0 + w * size, y0))


def test_population_raster_demand_matches_brute_force_optimum():
    # 12 x 8 pixels of 100 m; people rise towards the east; one nodata pixel; the southern
    # strip below y = 150 m is water (not land): its people count on the land part of
    # each pixel (the pixels there are half water)
    rows, cols = np.mgrid[0:8, 0:12]
    people = (10 + 5 * cols + 3 * (rows % 3)).astype(float)
    people[2, 5] = -1  # nodata
    raster = _raster(people, x0=X0, y0=Y0 + 800, size=100)
    land = shapely.union_all(_boxes((0, 150, 1200, 650)))
    radius, n = 250.0, 3
    exist = _discs(EXISTING_XY, radius)
    cands = _discs(CAND_XY, radius)
    pix = []
    for r in range(8):
        for c in range(12):
            if people[r, c] < 0:
                continue
            cell = shapely.box(X0 + c * 100, Y0 + 800 - (r + 1) * 100, X0 + (c + 1) * 100,
                               Y0 + 800 - r * 100).intersection(land)
            if cell.area > 0:
                pix.append((cell, people[r, c]))

    def exact(subset):
        u = shapely.union_all(exist + [cands[j] for j in subset])
        return sum(v * cell.intersection(u).area / cell.area for cell, v in pix)

    total = sum(v for _, v in pix)
    scored = _brute_force(exact, len(CAND_XY), n)
    best_set, best_people = _assert_clear_winner(scored, 0.005 * total)
    demand = demand_from_raster(raster, cell_m=10, land=land, working_crs=CRS_M)
    assert demand[WEIGHT].sum() == pytest.approx(total)
    problem = _problem(demand, _pts(CAND_XY), _pts(EXISTING_XY), radius)
    sol = solve_max_cover(problem, n)
    assert set(sol.selected) == best_set
    assert sol.covered_demand == pytest.approx(best_people, abs=0.005 * total)


POINTS_XY = [(x, y) for x in range(0, 1300, 130) for y in range(0, 800, 160)]


def _point_weights():
    return [1 + (7 * i) % 13 for i in range(len(POINTS_XY))]


def _exact_points(subset, radius, xy=POINTS_XY, weights=None, existing=EXISTING_XY):
    weights = weights or _point_weights()
    sites = [CAND_XY[j] for j in subset] + list(existing)
    return sum(w for (x, y), w in zip(xy, weights)
               if any(math.hypot(x - a, y - b) <= radius for a, b in sites))


def test_weighted_points_demand_matches_brute_force_optimum():
    radius, n = 200.0, 4
    scored = _brute_force(lambda s: _exact_points(s, radius), len(CAND_XY), n)
    best_set, best = _assert_clear_winner(scored, 0)
    demand = demand_from_points(_pts(POINTS_XY, trips=_point_weights()), weight_field="trips")
    problem = _problem(demand, _pts(CAND_XY), _pts(EXISTING_XY), radius)
    sol = solve_max_cover(problem, n)
    assert set(sol.selected) == best_set
    assert sol.covered_demand == best  # integer weights, exact distances: exact equality
    assert problem.covered_before == _exact_points((), radius)


def test_fewest_sites_matches_brute_force():
    radius = 230.0
    total = sum(_point_weights())
    need = 0.75 * total
    # the smallest k with a k-subset reaching 75 %, and the most any such subset covers
    for k in range(1, len(CAND_XY) + 1):
        values = [_exact_points(s, radius) for s in itertools.combinations(range(len(CAND_XY)), k)]
        if max(values) >= need:
            break
    demand = demand_from_points(_pts(POINTS_XY, trips=_point_weights()), weight_field="trips")
    problem = _problem(demand, _pts(CAND_XY), _pts(EXISTING_XY), radius)
    sol = solve_min_sites(problem, 0.75)
    assert len(sol.selected) == k
    assert sol.covered_demand == max(values)
    assert sol.covered_demand >= need


def test_infeasible_min_cover_says_so_with_best_reachable_share():
    radius = 120.0
    everything = _exact_points(range(len(CAND_XY)), radius)
    best_share = everything / sum(_point_weights())
    assert best_share < 0.9
    demand = demand_from_points(_pts(POINTS_XY, trips=_point_weights()), weight_field="trips")
    problem = _problem(demand, _pts(CAND_XY), _pts(EXISTING_XY), radius)
    sol = solve_min_sites(problem, 0.9)
    assert sol.status == "infeasible"
    assert sol.selected == []
    assert sol.info["best_share"] == pytest.approx(best_share)


# ---------------------------------------------------------------------------------------
# existing facilities: fixed, never chosen, counted once
# ---------------------------------------------------------------------------------------
def test_existing_facilities_are_never_chosen_and_counted_once():
    # demand: 3 points of weight 10 around the existing station, 2 of weight 1 elsewhere.
    demand = demand_from_points(
        _pts([(0, 0), (50, 0), (0, 50), (1000, 0), (2000, 0)], w=[10, 10, 10, 1, 1]),
        weight_field="w")
    existing = _pts([(0, 0)])
    # candidate 0 sits on the existing station (it would cover 30 if counted again),
    # candidates 1 and 2 reach one weight-1 point each
    cands = _pts([(0, 0), (1000, 10), (2000, 10)])
    problem = _problem(demand, cands, existing, 100.0)
    assert problem.covered_before == 30
    sol = solve_max_cover(problem, 1)
    assert sol.selected in ([1], [2])
    assert sol.covered_demand == 31  # 30 counted once, plus 1
    sol2 = solve_max_cover(problem, 3)
    assert 0 not in sol2.selected  # adds nothing: not listed even with room for it
    assert sorted(sol2.selected) == [1, 2]
    assert sol2.covered_demand == 32
    assert sum(sol2.marginal) == pytest.approx(sol2.covered_demand - problem.covered_before)
    assert 0 not in greedy_max_cover(problem, 3).selected


def test_ranking_is_by_marginal_demand_after_existing():
    # site A alone covers 5+4, site B covers 4+3 (the 4 shared with A), site C covers 6 of
    # which the existing station already covers 6: C adds 0 -> ranked last with 0.
    demand = demand_from_points(_pts([(0, 0), (100, 0), (200, 0), (600, 0)], w=[5, 4, 3, 6]),
                                weight_field="w")
    cands = _pts([(40, 0), (160, 0), (600, 20)])
    problem = _problem(demand, cands, _pts([(610, 0)]), 70.0)
    order, marginal = rank_by_marginal(problem, [2, 1, 0])
    assert order == [0, 1, 2]
    assert marginal == [9, 3, 0]


def test_capacity_limits_what_a_site_serves():
    # two clusters: 100 people at x=0, 30 at x=1000. One site with capacity 50: the best
    # it can serve is 50 (at the big cluster); without capacity 100.
    demand = demand_from_points(_pts([(0, 0), (1000, 0)], w=[100, 30]), weight_field="w")
    cands = _pts([(0, 10), (1000, 10)])
    none = gpd.GeoDataFrame({"id": []}, geometry=[], crs=CRS_M)
    free = solve_max_cover(_problem(demand, cands, none, 50.0), 1)
    assert free.covered_demand == 100
    capped = _problem(demand, cands, none, 50.0, capacity=50.0)
    sol = solve_max_cover(capped, 1)
    assert sol.covered_demand == pytest.approx(50)
    both = solve_max_cover(capped, 2)
    assert both.covered_demand == pytest.approx(80)  # 50 + 30
    assert both.selected == [0, 1]  # ranked by served demand


# ---------------------------------------------------------------------------------------
# building blocks
# ---------------------------------------------------------------------------------------
def test_coverage_radius_is_inclusive_and_straight_line():
    demand = np.array([[180.0, 240.0], [180.0, 240.01], [0.0, 0.0]])  # 300 m, 300.008 m, 0 m
    mat = build_coverage_matrix(demand, np.array([[0.0, 0.0]]), radius_m=300)
    assert mat.toarray().ravel().tolist() == [True, False, True]
    with pytest.raises(SitingInputError, match="radius_m must be > 0"):
        build_coverage_matrix(demand, demand, radius_m=0)


def test_candidate_grid_counts_nodes_on_land_outside_exclusions():
    # a 1,000 m square aligned to the 100 m grid: 10 x 10 nodes at the cell centres;
    # a 200 m x 200 m park inside removes 2 x 2 of them
    x, y = 500_000.0, 2_494_000.0
    land = gpd.GeoSeries([shapely.box(x, y, x + 1000, y + 1000)], crs=CRS_M)
    grid = candidate_grid(land, spacing_m=100)
    assert len(grid) == 100
    assert grid["id"].iloc[0] == "g500050_2494050"
    park = shapely.box(x + 300, y + 300, x + 500, y + 500)
    assert len(candidate_grid(land, spacing_m=100, exclude=park)) == 96
    with pytest.raises(SitingInputError, match="spacing must be > 0"):
        candidate_grid(land, spacing_m=0)


def test_candidates_from_parcels_use_a_point_on_each_parcel():
    parcels = _poly_layer(_boxes((0, 0, 100, 100), (500, 0, 50, 400)))
    cands = candidates_from_layer(parcels)
    assert cands.geometry.within(parcels.geometry).all()
    dup = _poly_layer(_boxes((0, 0, 10, 10), (20, 0, 10, 10)))
    dup["id"] = ["same", "same"]
    with pytest.raises(SitingInputError, match="unique; repeated: same"):
        candidates_from_layer(dup)


def test_area_demand_cells_sum_to_the_land_and_weights_spread_by_area():
    # a 100 m box in 10 m cells: 100 pieces of 100 m² (10,000 m² in all)
    box = _poly_layer(_boxes((0, 0, 100, 100)))
    cells = demand_from_polygons(box, cell_m=10)
    assert len(cells) == 100 and cells[WEIGHT].sum() == pytest.approx(10_000)
    # 600 people on a 200 m x 100 m block of which the western half is water: all 600 live
    # on the eastern half, 6 per 10 m cell
    block = _poly_layer(_boxes((0, 0, 200, 100)), people=[600])
    land = shapely.box(X0 + 100, Y0 - 50, X0 + 400, Y0 + 200)
    spread = demand_from_polygons(block, cell_m=10, land=land, weight_field="people")
    assert spread[WEIGHT].sum() == pytest.approx(600)
    assert spread[WEIGHT].round(9).unique().tolist() == [6.0]


def test_bad_demand_weights_are_reported_with_ids():
    pts = _pts([(0, 0), (10, 0), (20, 0)], trips=[1, -2, None])
    with pytest.raises(SitingInputError, match=r"bad in p2 \(-2.0\), p3 \(missing\)"):
        demand_from_points(pts, weight_field="trips")
    with pytest.raises(SitingInputError, match="no weight field 'trip' .*trips"):
        demand_from_points(pts, weight_field="trip")
    with pytest.raises(SitingInputError, match="negative or not a number"):
        make_problem([1, -1], [False, False], np.zeros((2, 1), dtype=bool))


def test_covered_by_counts_overlaps_once():
    demand = demand_from_points(_pts([(0, 0), (10, 0)], w=[2, 3]), weight_field="w")
    cands = _pts([(0, 5), (10, 5)])
    none = gpd.GeoDataFrame({"id": []}, geometry=[], crs=CRS_M)
    problem = _problem(demand, cands, none, 50.0)
    assert covered_by(problem, [0, 1]) == 5  # both sites reach both points: 2 + 3, once


# ---------------------------------------------------------------------------------------
# the command on the shipped layers
# ---------------------------------------------------------------------------------------
def _run(*args):
    from click.testing import CliRunner

    from futiangis.cli.main import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


def _shipped(name):
    from conftest import ROOT

    return gpd.read_file(ROOT / "layers" / f"{name}.geojson", engine="pyogrio").to_crs(CRS_M)


def test_site_bike_json_contract_and_before_from_an_independent_count():
    res = _run("site", "bike", "--add", 3, "--spacing-m", 250, "--json")
    assert res.exit_code == 0, res.output
    import json

    out = json.loads(res.output)
    for key in ("selected", "covered_demand_before", "covered_demand", "total_demand", "settings"):
        assert key in out
    assert len(out["selected"]) == 3
    # the coverage rule of issue 12: stations 300 m apart on a square grid serve 300/√2 m
    radius = 300 / math.sqrt(2)
    assert out["settings"]["radius_m"] == pytest.approx(radius) and out["settings"]["weight"] == "trip_ends"
    # independent: trip ends of the shipped cells within that radius of a completed station
    demand = _shipped("bike_demand")
    stations = _shipped("bike_stations")
    built = stations[stations["status"] == "completed"]
    dx = demand.geometry.x.to_numpy()[:, None] - built.geometry.x.to_numpy()[None, :]
    dy = demand.geometry.y.to_numpy()[:, None] - built.geometry.y.to_numpy()[None, :]
    near = (np.hypot(dx, dy) <= radius).any(axis=1)
    assert out["total_demand"] == demand["trip_ends"].sum() == 91_423
    assert out["covered_demand_before"] == demand["trip_ends"][near].sum()
    # rank order: each site adds no more than the one before it, and they add up
    adds = [s["marginal_demand"] for s in out["sites"]]
    assert adds == sorted(adds, reverse=True)
    assert sum(adds) == pytest.approx(out["covered_demand"] - out["covered_demand_before"])
    assert [s["id"] for s in out["sites"]] == out["selected"]
    # GCJ-02 coordinates for pasting into Gaode: ~ +0.005° lon, -0.0027° lat near Futian
    site = out["sites"][0]
    assert 0.0045 < site["lon_gcj02"] - site["lon_wgs84"] < 0.0056
    assert -0.0031 < site["lat_gcj02"] - site["lat_wgs84"] < -0.0024
    assert out["greedy"]["covered_demand"] <= out["covered_demand"] + 1e-9
    assert out["illustrative"] is True  # the shipped bike stations are illustrative


def test_site_min_cover_infeasible_exits_1_with_the_best_share(tmp_path):
    cands = _pts([(0, 0), (200, 0)], ids=["c1", "c2"])
    path = tmp_path / "cands.gpkg"
    cands.to_file(path, engine="pyogrio")
    res = _run("site", "charging", "--min-cover", 0.99, "--candidates", path)
    assert res.exit_code == 1
    assert "infeasible" in res.output and "reaches only" in res.output
    assert "Traceback" not in res.output


def test_site_writes_gpkg_csv_xlsx_and_refuses_an_input_folder(tmp_path):
    import fiona
    import openpyxl

    out = tmp_path / "out"
    res = _run("site", "bike", "--add", 2, "--spacing-m", 250, "--out", out)
    assert res.exit_code == 0, res.output
    assert fiona.listlayers(out / "sites.gpkg") == ["sites"]
    with fiona.open(out / "sites.gpkg") as src:
        assert len(src) == 2
    text = (out / "sites.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[0].startswith("rank,id,theme,marginal_demand") and len(text) == 3
    wb = openpyxl.load_workbook(out / "siting.xlsx")
    assert {"sites", "overall", "by_unit", "settings"} <= set(wb.sheetnames)
    cands = _pts([(0, 0)], ids=["c1"])
    inside = tmp_path / "out2"
    inside.mkdir()
    cands.to_file(inside / "c.gpkg", engine="pyogrio")
    res = _run("site", "bike", "--add", 1, "--candidates", inside / "c.gpkg", "--out", inside)
    assert res.exit_code == 1 and "holds an input of this command" in res.output
    assert (inside / "c.gpkg").exists()
    # a folder of someone else's files is not replaced without --force
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep")
    res = _run("site", "bike", "--add", 1, "--spacing-m", 250, "--out", foreign)
    assert res.exit_code == 1 and "did not write" in res.output
    assert (foreign / "mine.txt").read_text() == "keep"


def test_site_usage_and_bad_weight_field_are_clean_errors(tmp_path):
    res = _run("site", "bike")
    assert res.exit_code == 2 and "exactly one of --add N or --min-cover P" in res.output
    pts = _pts([(0, 0), (10, 0)], trips=[1, 2])
    path = tmp_path / "d.gpkg"
    pts.to_file(path, engine="pyogrio")
    res = _run("site", "bike", "--add", 1, "--demand", path, "--weight", "trip")
    assert res.exit_code == 1 and "no weight field 'trip'" in res.output


def test_shipped_bike_demand_is_the_shared_futian_cells_with_attribution(config, shared_data):
    from futiangis.io import read_catalog
    from futiangis.load import load_shipped_layer

    info = read_catalog(config.layers_dir)["bike_demand"]
    assert "数据来源：深圳市政府数据开放平台" in info.source and "SAMPLE" in info.source
    assert "GCJ-02" in info.crs_verified
    layer = load_shipped_layer("bike_demand", config=config)
    ref = gpd.read_file(shared_data / "bike_demand"
                        / "futian_dockless_bike_trip_ends_100m_wgs84_converted.geojson")
    ref = ref[ref["in_futian"].astype(bool)]
    assert len(layer) == len(ref) == 4385
    assert layer["trip_ends"].sum() == ref["trip_ends"].sum()
    # the shipped centres are the shared converted centres (independently converted)
    merged = layer.to_crs(4326).set_index("id").join(ref.set_index("grid_id").geometry.rename("g"))
    d = gpd.GeoSeries(merged.geometry, crs=4326).to_crs(CRS_M).distance(
        gpd.GeoSeries(merged["g"], crs=4326).to_crs(CRS_M))
    assert d.max() < 0.05


def test_siting_page_shows_before_after_ranked_sites_and_the_attribution(config):
    from futiangis.load import load_shipped_layer
    from futiangis.render.basemaps import get_basemap
    from futiangis.render.maps import make_map
    from futiangis.render.registry import registered_themes
    from futiangis.render.siting_page import siting_spec
    from futiangis.siting_run import run_siting

    assert "siting" in [t.key for t in registered_themes()]
    res = run_siting("bike", config, add=3, spacing_m=250)
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        res.status = "changed"  # the run's answer is built once
    assert res.settings["add"] == 3 and res.settings["candidate_spacing_m"] == 250
    assert isinstance(res.notes, tuple) and len(res.sites_ids_of(range(2))) == 2
    layers = {"district": load_shipped_layer("district", config=config),
              "bike_demand": load_shipped_layer("bike_demand", config=config)}
    spec = siting_spec(layers, {"bike": res})
    keys = [layer.key for layer in spec.layers]
    assert keys[0] == "district" and {"bike_coverage", "bike_sites", "bike_demand"} <= set(keys)
    sites = next(layer for layer in spec.layers if layer.key == "bike_sites").frame
    assert sites["id"].tolist() == res.sites["id"].tolist() and sites["rank"].tolist() == [1, 2, 3]
    cov = next(layer for layer in spec.layers if layer.key == "bike_coverage").frame
    assert cov["id"].tolist() == ["bike_before", "bike_added"]
    # "added" is only what the new sites add (checked before the 5 m outline simplification)
    from futiangis.render.siting_page import _areas

    land = shapely.union_all(layers["district"].geometry.to_numpy())
    before, added = _areas(res, land, layers["district"].crs)
    assert added.area > 0 and before.intersection(added).area < 1e-6 * added.area
    html = make_map(spec, basemap=get_basemap("none")).get_root().render()
    assert "数据来源：深圳市政府数据开放平台" in html
    for site_id in res.sites["id"]:
        assert site_id in html  # the ranked list in the panel
    assert siting_spec({"district": None}, {"bike": res}) is None


def test_siting_settings_are_typed_and_checked(tmp_path):
    from futiangis.config import load_config
    from futiangis.errors import ConfigError

    path = tmp_path / "futiangis.toml"
    path.write_text('[siting]\ncandidate_spacing_m = 250\nbuild = { bike = 5 }\n'
                    '[siting.bike]\ndemand = "bike_demand"\nweight = "departures"\n', encoding="utf-8")
    cfg = load_config(path)
    assert cfg.siting.candidate_spacing_m == 250 and dict(cfg.siting.build) == {"bike": 5}
    assert cfg.siting.theme("bike").weight == "departures"
    assert cfg.siting.theme("charging").demand == "land"  # default kept
    path.write_text('[siting]\ncandidate_spacing_m = -5\ncell_m = 20\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"(?s)candidate_spacing_m.*positive.*cell_m.*unknown key"):
        load_config(path)
