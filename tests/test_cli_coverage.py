"""`futiangis coverage` and `futiangis terrain` through click's CliRunner."""
from __future__ import annotations

import json
import math

import fiona
import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from click.testing import CliRunner
from affine import Affine

from futiangis.cli.main import cli
from futiangis.io import read_catalog

from conftest import FUTIAN_X, FUTIAN_Y


def box_layer(boxes, *, ids, **columns):
    geoms = [shapely.box(FUTIAN_X + x, FUTIAN_Y + y, FUTIAN_X + x + w, FUTIAN_Y + y + h)
             for x, y, w, h in boxes]
    return gpd.GeoDataFrame({"id": ids, **columns}, geometry=geoms, crs=4547)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _units(tmp_path):
    units = box_layer([(-1000, -1000, 1000, 2000), (0, -1000, 1000, 2000)], ids=["west", "east"],
                      name_zh=["西", "东"], name_en=["West", "East"])
    path = tmp_path / "units.gpkg"
    units.to_file(path, engine="pyogrio")
    return path


def _chargers(tmp_path, xy=((-500, 0),)):
    gdf = gpd.GeoDataFrame(
        {"id": [f"c{i}" for i in range(len(xy))], "name_zh": ["充电站"] * len(xy),
         "name_en": ["Charger"] * len(xy), "piles": [4] * len(xy)},
        geometry=[shapely.Point(FUTIAN_X + x, FUTIAN_Y + y) for x, y in xy], crs=4547)
    path = tmp_path / "chargers.gpkg"
    gdf.to_file(path, engine="pyogrio")
    return path


def test_json_overall_and_units_keys(tmp_path):
    result = run("coverage", "charging", "--units", _units(tmp_path), "--facilities",
                 _chargers(tmp_path), "--radius-m", 400, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    circle = math.pi * 400**2
    assert set(data["overall"]) >= {"covered_m2", "total_m2", "coverage"}
    # own units, no district: the overall figure is for the union of the units (4 km²)
    assert data["overall"]["total_m2"] == pytest.approx(4_000_000)
    assert data["overall"]["covered_m2"] == pytest.approx(circle, rel=0.002)
    assert set(data["units"]) == {"west", "east"}
    west, east = data["units"]["west"], data["units"]["east"]
    assert west["covered_m2"] == pytest.approx(circle, rel=0.002)
    assert west["total_m2"] == pytest.approx(2_000_000)
    assert west["coverage"] == pytest.approx(circle / 2_000_000, rel=0.002)
    assert east["covered_m2"] == 0 and east["coverage"] == 0
    assert data["radius_m"]["min"] == 400 and data["quad_segs"] == 64
    assert "population" not in data["overall"]


def test_gcj02_facilities_csv_with_source_crs(tmp_path):
    # A charger copied from Gaode: its GCJ-02 lon/lat in a CSV. Read with --source-crs gcj02
    # it lands where the WGS84 truth is (the west unit's centre): the full circle is covered.
    from futiangis.crs import wgs84_to_gcj02

    truth = gpd.GeoSeries([shapely.Point(FUTIAN_X - 500, FUTIAN_Y)], crs=4547).to_crs(4326).iloc[0]
    glon, glat = wgs84_to_gcj02(truth.x, truth.y)
    csv = tmp_path / "gaode.csv"
    csv.write_text(f"id,name_zh,name_en,lng,lat,piles\nc1,充电站,Charger,{float(glon):.7f},{float(glat):.7f},4\n",
                   encoding="utf-8")
    args = ("coverage", "charging", "--units", _units(tmp_path), "--facilities", csv,
            "--radius-m", 400, "--json")
    refused = run(*args)
    assert refused.exit_code == 1 and "a CSV has no CRS" in refused.output
    result = run(*args, "--source-crs", "gcj02")
    assert result.exit_code == 0, result.output
    west = json.loads(result.stdout)["units"]["west"]  # notes ("mapped lng → lon") go to stderr
    assert west["covered_m2"] == pytest.approx(math.pi * 400**2, rel=0.002)
    # read as if it were WGS84, the same point sits ≈ 560 m east: the circle spills into 'east'
    wrong = json.loads(run(*args, "--source-crs", "wgs84").stdout)["units"]
    assert wrong["east"]["covered_m2"] > 0.1 * math.pi * 400**2


def test_population_raster_adds_population_keys(tmp_path):
    # 2 people per 10 m cell over 2 km × 2 km covering both units
    path = tmp_path / "pop.tif"
    with rasterio.open(path, "w", driver="GTiff", height=200, width=200, count=1, dtype="float32",
                       crs="EPSG:4547", transform=Affine(10, 0, FUTIAN_X - 1000, 0, -10, FUTIAN_Y + 1000)) as dst:
        dst.write(np.full((200, 200), 2.0, dtype="float32"), 1)
    result = run("coverage", "charging", "--units", _units(tmp_path), "--facilities",
                 _chargers(tmp_path), "--radius-m", 400, "--population", path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    west = data["units"]["west"]
    assert west["population"] == pytest.approx(2 * 2_000_000 / 100)
    assert west["population_covered"] == pytest.approx(2 * math.pi * 400**2 / 100, rel=0.002)
    assert {"population", "population_covered", "population_coverage"} <= set(data["overall"])


def test_gaps_written_largest_first(tmp_path):
    out = tmp_path / "gaps.geojson"
    result = run("coverage", "charging", "--units", _units(tmp_path), "--facilities",
                 _chargers(tmp_path), "--radius-m", 400, "--gaps", out)
    assert result.exit_code == 0, result.output
    assert "written to" in result.output
    with fiona.open(out) as src:
        feats = list(src)
        assert src.crs.to_epsg() == 4326
    areas = [f["properties"]["area_m2"] for f in feats]
    assert areas == sorted(areas, reverse=True)
    assert {f["properties"]["unit_id"] for f in feats} == {"west", "east"}
    # east is untouched (2 km²), west loses the circle
    assert areas[0] == pytest.approx(2_000_000, rel=1e-6)
    assert areas[1] == pytest.approx(2_000_000 - math.pi * 400**2, rel=0.001)


def test_text_output_lists_units_and_overall(tmp_path):
    result = run("coverage", "charging", "--units", _units(tmp_path), "--facilities",
                 _chargers(tmp_path), "--radius-m", 400)
    assert result.exit_code == 0, result.output
    assert "Futian overall" in result.output and "west" in result.output
    assert "Standard:" in result.output


def test_missing_file_is_a_clean_error(tmp_path):
    result = run("coverage", "bike", "--facilities", tmp_path / "nope.gpkg")
    assert result.exit_code == 1
    assert "not found" in result.output and "Traceback" not in result.output


def test_facilities_need_positions_only(tmp_path):
    # issue 11: chargers given as bike stations (no status, no docks) are positions: they
    # load, every one counts as existing, and the unknown docks are said once
    result = run("coverage", "bike", "--facilities", _chargers(tmp_path), "--units", _units(tmp_path))
    assert result.exit_code == 0, result.output
    assert "have no docks count: shown as unknown" in result.output
    assert "Traceback" not in result.output


def test_non_positive_radius_is_a_usage_error(tmp_path):
    result = run("coverage", "charging", "--radius-m", -5)
    assert result.exit_code == 2
    assert "--radius-m" in result.output


def test_unknown_theme_is_a_usage_error():
    result = run("coverage", "schools")
    assert result.exit_code == 2


def _shipped(*kinds):
    from futiangis.config import load_config

    catalog = read_catalog(load_config().layers_dir)
    missing = [k for k in kinds if k not in catalog]
    if missing:
        pytest.skip(f"shipped layers {missing} not present yet")


def test_shipped_parks_json_has_today_and_planned():
    _shipped("parks", "units", "district")
    result = run("coverage", "parks", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["illustrative"] is True
    assert set(data["scenarios"]) == {"current", "planned"}
    assert data["scenarios"]["planned"]["coverage"] >= data["scenarios"]["current"]["coverage"]
    assert "GB 55014" in data["standard"]
    assert len(data["units"]) == 54


def test_shipped_terrain_json():
    _shipped("slow_routes", "parks", "dem")
    result = run("terrain", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["interpolation"] == "bilinear"
    assert data["routes"] and {"mean_grade_pct", "max_grade_pct", "steep_length_m"} <= set(data["routes"][0])
    assert data["parks"] and "elev_range_m" in data["parks"][0]
    text = run("terrain")
    assert text.exit_code == 0 and "ILLUSTRATIVE" in text.output


def test_residential_option_changes_the_denominator(tmp_path):
    res = box_layer([(-1000, -1000, 1000, 1000)], ids=["r1"])  # 1 km² in the west unit
    path = tmp_path / "res.gpkg"
    res.to_file(path, engine="pyogrio")
    result = run("coverage", "charging", "--units", _units(tmp_path), "--facilities",
                 _chargers(tmp_path, xy=((-500, -500),)), "--radius-m", 300,
                 "--residential", path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["denominator"] == "residential land"
    assert data["units"]["west"]["total_m2"] == pytest.approx(1_000_000)
    assert data["units"]["east"]["total_m2"] == 0 and data["units"]["east"]["coverage"] is None
    assert data["units"]["west"]["covered_m2"] == pytest.approx(math.pi * 300**2, rel=0.002)


def test_gaps_with_unsupported_extension_is_a_clean_error(tmp_path):
    out = tmp_path / "gaps.txt"
    result = run("coverage", "charging", "--units", _units(tmp_path), "--facilities",
                 _chargers(tmp_path), "--gaps", out)
    assert result.exit_code == 1
    assert ".gpkg" in result.output and "Traceback" not in result.output
    assert not out.exists()
