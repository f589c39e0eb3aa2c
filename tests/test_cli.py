"""The CLI spine: exit codes, messages, no tracebacks, JSON keys, atomic outputs."""
from __future__ import annotations

import hashlib
import json

import fiona
import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

from futiangis.cli.main import cli

from conftest import FUTIAN_X, FUTIAN_Y, box_layer


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


def _no_traceback(result):
    assert "Traceback" not in result.output
    assert "Traceback" not in (result.stderr if result.stderr_bytes is not None else "")


def _stations(tmp_path, name="stations.gpkg", **over):
    data = {"id": ["s1", "s2"], "name_zh": ["福田站", "梅林站"], "name_en": ["Futian", "Meilin"], "piles": [4, 6]}
    data.update(over)
    gdf = gpd.GeoDataFrame(
        data, geometry=[shapely.Point(FUTIAN_X, FUTIAN_Y), shapely.Point(FUTIAN_X + 500, FUTIAN_Y)], crs=4547
    )
    path = tmp_path / name
    gdf.to_file(path, engine="pyogrio")
    return path


def test_layers_lists_all_nine_with_provenance():
    result = run("layers", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    kinds = {row["kind"] for row in doc["layers"]}
    assert kinds == {
        "district", "units", "charging_stations", "dem", "cbd_zones", "renewal_sites", "parks",
        "slow_routes", "bike_stations", "arterial_network", "metro_stations", "subdistricts",
        "bike_demand",
    }
    for row in doc["layers"]:
        for key in ("file", "count", "crs", "source", "licence", "accuracy_class", "date"):
            assert row[key] not in (None, ""), (row["kind"], key)
    by_kind = {row["kind"]: row for row in doc["layers"]}
    assert by_kind["charging_stations"]["accuracy_class"] == "open data"
    for kind in ("cbd_zones", "renewal_sites", "parks", "slow_routes", "bike_stations"):
        assert by_kind[kind]["accuracy_class"] == "illustrative"


def test_layers_human_output_mentions_licence_and_accuracy():
    result = run("layers")
    assert result.exit_code == 0
    assert "CC0-1.0" in result.output and "illustrative" in result.output


def test_validate_ok_exits_zero(tmp_path):
    result = run("validate", _stations(tmp_path), "--kind", "charging_stations")
    assert result.exit_code == 0, result.output
    assert "OK:" in result.output and "2 features" in result.output


def test_validate_bad_file_lists_every_problem_without_traceback(tmp_path):
    path = _stations(tmp_path, piles=[-1, None], id=["s1", "s1"])
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run("validate", path, "--kind", "charging_stations")
    assert result.exit_code == 1
    _no_traceback(result)
    assert "value -1 is negative" in result.output
    assert "have no piles count: shown as unknown" in result.output  # issue 11: unknown, not an error
    assert "id 's1' is used by 2 features" in result.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_validate_missing_file_and_unknown_crs_are_clean_errors(tmp_path):
    result = run("validate", tmp_path / "nope.gpkg", "--kind", "parks")
    assert result.exit_code == 1 and "file not found" in result.output
    _no_traceback(result)
    result = run("validate", _stations(tmp_path), "--kind", "charging_stations", "--source-crs", "marsx")
    assert result.exit_code == 1 and "Unknown CRS 'marsx'" in result.output
    _no_traceback(result)


def test_unknown_kind_is_a_usage_error(tmp_path):
    result = run("validate", _stations(tmp_path), "--kind", "buildings")
    assert result.exit_code == 2
    assert "Invalid value for '--kind'" in result.output


def test_import_writes_geopackage_in_working_crs(tmp_path):
    csv = tmp_path / "pts.csv"
    csv.write_text("id,name_zh,name_en,lon,lat,piles\nc1,市民中心,Civic,114.0579,22.5431,8\n", encoding="utf-8")
    out = tmp_path / "out" / "stations.gpkg"
    result = run("import", csv, "--kind", "charging_stations", "-o", out, "--source-crs", "wgs84")
    assert result.exit_code == 0, result.output
    # read back with fiona, an independent reader
    with fiona.open(out) as src:
        assert src.crs.to_epsg() == 4547
        rec = next(iter(src))
        assert rec["properties"]["name_zh"] == "市民中心"
    assert [p.name for p in out.parent.iterdir()] == ["stations.gpkg"]  # no temp files left


def test_import_geojson_is_rfc7946_wgs84(tmp_path):
    out = tmp_path / "stations.geojson"
    result = run("import", _stations(tmp_path), "--kind", "charging_stations", "-o", out)
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    lon, lat = doc["features"][0]["geometry"]["coordinates"]
    assert 113.9 < lon < 114.2 and 22.4 < lat < 22.7
    assert doc["features"][0]["properties"]["name_zh"] == "福田站"


def test_import_fix_repairs_and_reports(tmp_path):
    bowtie = shapely.affinity.translate(shapely.Polygon([(0, 0), (100, 100), (100, 0), (0, 100)]), FUTIAN_X, FUTIAN_Y)
    gdf = gpd.GeoDataFrame({"id": ["z1"], "name_zh": ["区"], "name_en": ["Z"], "direction": ["east"]},
                           geometry=[bowtie], crs=4547)
    src = tmp_path / "zones.gpkg"
    gdf.to_file(src, engine="pyogrio")
    out = tmp_path / "fixed.gpkg"
    refused = run("import", src, "--kind", "cbd_zones", "-o", out)
    assert refused.exit_code == 1 and "--fix" in refused.output and not out.exists()
    fixed = run("import", src, "--kind", "cbd_zones", "-o", out, "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert "repaired with make_valid" in fixed.output and "1 repair(s)" in fixed.output
    assert gpd.read_file(out).area.iloc[0] == pytest.approx(5_000.0)


def test_import_failure_leaves_existing_output_intact(tmp_path):
    out = tmp_path / "keep.gpkg"
    out.write_bytes(b"previous output")
    result = run("import", _stations(tmp_path, piles=[-5, 1]), "--kind", "charging_stations", "-o", out)
    assert result.exit_code == 1
    assert out.read_bytes() == b"previous output"


def test_measure_json_keys_and_values(tmp_path):
    boxes = box_layer([(0, 0, 100, 100), (50, 0, 100, 100)], ids=["a", "b"]).to_crs(4326)
    path = tmp_path / "boxes.geojson"
    boxes.to_file(path, engine="pyogrio")
    result = run("measure", path, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [f["id"] for f in doc["features"]] == ["a", "b"]
    assert doc["features"][0]["area_m2"] == pytest.approx(10_000, rel=1e-4)
    assert doc["total_area_m2"] == pytest.approx(20_000, rel=1e-4)
    assert doc["union_area_m2"] == pytest.approx(15_000, rel=1e-4)


@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
def test_measure_lines_with_source_crs(tmp_path):
    line = gpd.GeoDataFrame({"id": ["r"]}, geometry=[shapely.LineString([(FUTIAN_X, FUTIAN_Y), (FUTIAN_X + 300, FUTIAN_Y + 400)])])
    path = tmp_path / "line.shp"
    line.to_file(path, engine="pyogrio", encoding="utf-8")
    assert run("measure", path).exit_code == 1  # no .prj
    result = run("measure", path, "--source-crs", "EPSG:4547", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["features"][0]["length_m"] == pytest.approx(500.0)


def test_bad_config_is_a_clean_error(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[crs]\nworking = 'EPSG:4326'\n")
    result = run("--config", cfg, "layers")
    assert result.exit_code == 1
    assert "is geographic" in result.output
    _no_traceback(result)
