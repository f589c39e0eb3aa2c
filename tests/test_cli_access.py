"""``futiangis access``: the CLI contract (names, JSON keys), files through the one door, errors."""
from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from test_network import X0, Y0, grid_lines

from futiangis.cli.main import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def grid_files(tmp_path):
    net = tmp_path / "streets.gpkg"
    grid_lines().to_file(net, engine="pyogrio")
    fac = gpd.GeoDataFrame({"id": ["A"], "name_zh": ["站A"], "name_en": ["A"], "piles": [4]},
                           geometry=[shapely.Point(X0 + 100, Y0 + 100)], crs=4547)
    fac_path = tmp_path / "stations.gpkg"
    fac.to_file(fac_path, engine="pyogrio")
    units = gpd.GeoDataFrame({"id": ["u1"], "name_zh": ["单元1"], "name_en": ["Unit 1"]},
                             geometry=[shapely.box(X0 - 100, Y0 - 100, X0 + 600, Y0 + 600)], crs=4547)
    units_path = tmp_path / "units.gpkg"
    units.to_file(units_path, engine="pyogrio")
    return net, fac_path, units_path


def test_access_json_contract_on_a_hand_counted_grid(grid_files, tmp_path):
    net, fac, units = grid_files
    gaps = tmp_path / "gaps.gpkg"
    result = run("access", "charging", "--network", str(net), "--facilities", str(fac),
                 "--max-m", "250,10000", "--trim-m", "50", "--units", str(units),
                 "--gaps", str(gaps), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert isinstance(doc, list) and [d["max_m"] for d in doc] == [250.0, 10000.0]
    for d in doc:
        for key in ("max_m", "reached_length_m", "covered_m2", "coverage", "units", "settings"):
            assert key in d
        assert d["settings"]["trim_m"] == 50.0
        assert d["units"][0]["id"] == "u1"
    assert doc[0]["reached_length_m"] == pytest.approx(1900.0, rel=1e-3)  # hand count
    assert doc[1]["reached_length_m"] == pytest.approx(6000.0)  # the whole grid
    # trim 50 m around the whole 500 m grid: every 100 m block is 0 m² uncovered, plus a
    # 50 m ring around the outside; the unit is 700 x 700 m = 490,000 m²
    assert doc[1]["units"][0]["total_m2"] == pytest.approx(490_000)
    assert gpd.read_file(gaps, layer="charging_access_gaps")["max_m"].min() == 250.0


def test_access_text_output_states_trim_and_network(grid_files):
    net, fac, units = grid_files
    result = run("access", "charging", "--network", str(net), "--facilities", str(fac),
                 "--max-m", "300", "--units", str(units))
    assert result.exit_code == 0, result.output
    assert "trim 100 m" in result.output
    assert "user network" in result.output


def test_bad_distances_are_a_usage_error():
    result = CliRunner().invoke(cli, ["access", "charging", "--max-m", "300,abc"])
    assert result.exit_code == 2
    assert "metres separated by commas" in result.output
    result = CliRunner().invoke(cli, ["access", "charging", "--max-m", "-5"])
    assert result.exit_code == 2


def test_output_that_is_an_input_is_refused(grid_files, tmp_path):
    net, fac, units = grid_files
    fac_json = tmp_path / "stations.geojson"
    gpd.read_file(fac).to_crs(4326).to_file(fac_json, engine="pyogrio")
    before = fac_json.read_bytes()
    result = CliRunner().invoke(cli, ["access", "charging", "--network", str(net), "--facilities",
                                      str(fac_json), "--units", str(units), "--gaps", str(fac_json)])
    assert result.exit_code == 1
    assert "also an input" in result.output
    assert fac_json.read_bytes() == before


def test_a_network_of_points_is_refused_with_the_feature_named(tmp_path):
    pts = gpd.GeoDataFrame({"id": ["n1", "n2"]}, crs=4547, geometry=[
        shapely.LineString([(X0, Y0), (X0 + 100, Y0)]), shapely.Point(X0, Y0)])
    path = tmp_path / "net.geojson"
    pts.to_crs(4326).to_file(path, engine="pyogrio")
    result = CliRunner().invoke(cli, ["access", "bike", "--network", str(path)])
    assert result.exit_code == 1
    assert "n2" in result.output and "Traceback" not in result.output


def test_shipped_network_access_says_derived_coarse():
    result = run("access", "metro", "--max-m", "500", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert "derived, coarse" in doc[0]["settings"]["network_label"].lower()
    assert any("DERIVED, COARSE" in n for n in doc[0]["notes"])
    assert doc[0]["settings"]["count"] == 26  # metro stations in Futian
    u = doc[0]["units"]
    assert all(0.0 <= r["coverage"] <= 1.0 for r in u if r["coverage"] is not None)


@pytest.mark.parametrize("args, named", [
    (["--facilities", "stations.csv"], ["--facilities"]),
    (["--max-m", "300", "--scenario", "planned"], ["--max-m", "--scenario"]),
    (["--gaps", "gaps.gpkg", "--residential", "res.gpkg"], ["--residential", "--gaps"]),
])
def test_lifecircle_refuses_the_options_of_one_theme_it_would_ignore(args, named):
    # lifecircle runs every theme with the project's layers: a --facilities file (or a
    # scenario, or an output of one theme's run) given to it was silently ignored before
    result = CliRunner().invoke(cli, ["access", "lifecircle", *args])
    assert result.exit_code == 2
    assert "not to lifecircle" in result.output
    for flag in named:
        assert flag in result.output
