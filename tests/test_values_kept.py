"""Values kept as written, and every silent wrong result of issue 9 made loud.

CSV text stays text (``001``, ``0755``), ambiguous coordinate columns are refused, a
``.cpg`` is read through Python's codecs with its aliases and the mojibake check always
runs, ``--encoding`` typos and mismatches are caught, a ``geometry`` property or a NUL is
reported, Z survives GCJ-02/BD-09, population fill values are refused, ``--fix`` reports
area changes and refuses growth, ``--radius-m nan`` names the option.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from click.testing import CliRunner
from conftest import FUTIAN_X, FUTIAN_Y, ROOT

from futiangis.cli.main import cli
from futiangis.errors import LayerReadError, LayerValidationError
from futiangis.load import load_layer

BAD = ROOT / "tests" / "data" / "bad"
LON, LAT = 114.0550, 22.5400


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output and "Internal error" not in result.output, result.output
    return result


# ---------------------------------------------------------------------------------------
# CSV: text stays text
# ---------------------------------------------------------------------------------------
def test_csv_ids_keep_leading_zeros_and_7_is_not_07(tmp_path, config):
    path = _csv(tmp_path / "stations.csv",
                "id,name_zh,name_en,lon,lat,piles\n"
                f"001,0755,a,{LON},{LAT},4\n07,站,b,{LON + 0.001},{LAT},5\n7,站,c,{LON + 0.002},{LAT},6\n")
    prepared = load_layer(path, "charging_stations", config=config, source_crs="wgs84")
    assert list(prepared.gdf["id"]) == ["001", "07", "7"]  # no false duplicate of 7 / 07
    assert prepared.gdf["name_zh"].iloc[0] == "0755"  # a name, not 755.0
    assert list(prepared.gdf["piles"]) == [4, 5, 6]  # the schema declares piles a number


def test_csv_ambiguous_coordinate_columns_name_both_pairs(tmp_path, config):
    path = _csv(tmp_path / "two_pairs.csv",
                f"id,name_zh,name_en,lon,lat,LON,LAT,piles\ns1,站,a,{LON},{LAT},{LON + 0.005},{LAT - 0.003},4\n")
    before = path.read_bytes()
    result = _run("validate", path, "--kind", "charging_stations", "--source-crs", "wgs84")
    assert result.exit_code == 1
    assert "ambiguous coordinate columns ('lon', 'lat') and ('LON', 'LAT')" in result.output
    assert path.read_bytes() == before


# ---------------------------------------------------------------------------------------
# encodings
# ---------------------------------------------------------------------------------------
GBK_NAMES = ["福田街道", "华强北街道", "香蜜湖街道"]


@pytest.mark.parametrize("cpg", ["GB2312", "ANSI 936", "936", "CP936", "GBK", "GB18030"])
def test_cpg_aliases_decode_gbk(tmp_path, config, cpg):
    for part in BAD.glob("shp_gbk_no_cpg.*"):
        shutil.copy(part, tmp_path / part.name)
    (tmp_path / "shp_gbk_no_cpg.cpg").write_text(cpg)
    prepared = load_layer(tmp_path / "shp_gbk_no_cpg.shp", "units", config=config)
    assert list(prepared.gdf["name_zh"]) == GBK_NAMES


def test_mojibake_check_runs_although_a_cpg_exists(tmp_path, config):
    for part in BAD.glob("shp_gbk_no_cpg.*"):
        shutil.copy(part, tmp_path / part.name)
    (tmp_path / "shp_gbk_no_cpg.cpg").write_text("1252")  # wrong: the text is GBK
    with pytest.raises(LayerValidationError, match=r"the \.cpg \(1252\).*GBK Chinese.*'福田街道'.*"
                       r"--encoding gbk.*correct shp_gbk_no_cpg\.cpg to 'GBK'"):
        load_layer(tmp_path / "shp_gbk_no_cpg.shp", "units", config=config)


def test_unknown_cpg_is_a_clean_error(tmp_path, config):
    for part in BAD.glob("shp_gbk_no_cpg.*"):
        shutil.copy(part, tmp_path / part.name)
    (tmp_path / "shp_gbk_no_cpg.cpg").write_text("KLINGON")
    with pytest.raises(LayerReadError, match=r"the \.cpg says 'KLINGON' is not a known text encoding"):
        load_layer(tmp_path / "shp_gbk_no_cpg.shp", "units", config=config)


def test_encoding_gbk_on_a_utf8_file_is_detected(tmp_path):
    path = _csv(tmp_path / "utf8.csv", f"id,name_zh,name_en,lon,lat,piles\ns1,福田街道,a,{LON},{LAT},4\n")
    result = _run("import", path, "--kind", "charging_stations", "--source-crs", "wgs84",
                  "--encoding", "gbk", "-o", tmp_path / "out.gpkg")
    assert result.exit_code == 1
    assert "--encoding gbk does not match the file: its text is UTF-8 Chinese (e.g. '福田街道')" in result.output
    assert "drop --encoding" in result.output
    assert not (tmp_path / "out.gpkg").exists()


def test_encoding_typo_is_a_clean_error(tmp_path):
    path = _csv(tmp_path / "a.csv", f"id,name_zh,name_en,lon,lat,piles\ns1,站,a,{LON},{LAT},4\n")
    result = _run("validate", path, "--kind", "charging_stations", "--source-crs", "wgs84",
                  "--encoding", "gbkk")
    assert result.exit_code == 1
    assert "--encoding 'gbkk' is not a known text encoding; use one of utf-8, gbk" in result.output


# ---------------------------------------------------------------------------------------
# values GDAL would drop or cut
# ---------------------------------------------------------------------------------------
def _feature(props: dict) -> dict:
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [LON, LAT]}}


def test_a_property_named_geometry_is_reported(tmp_path):
    path = tmp_path / "g.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [_feature(
        {"id": "s1", "name_zh": "站", "name_en": "a", "piles": 4, "geometry": "see drawing 7"})]}))
    result = _run("validate", path, "--kind", "charging_stations")
    assert result.exit_code == 1
    assert "attribute named 'geometry', which clashes with the geometry column" in result.output


def test_a_nul_in_a_value_is_reported(tmp_path):
    path = tmp_path / "nul.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [_feature(
        {"id": "s1", "name_zh": "站\u0000隐藏", "name_en": "a", "piles": 4})]}, indent=1))
    result = _run("validate", path, "--kind", "charging_stations")
    assert result.exit_code == 1
    assert "holds a NUL character" in result.output and "line " in result.output


# ---------------------------------------------------------------------------------------
# Z through GCJ-02 / BD-09
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_z_is_kept_through_the_chinese_datums(tmp_path, config, datum):
    path = tmp_path / "z.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "r1", "name_zh": "绿道", "name_en": "g", "status": "planned",
                                           "route_type": "greenway"},
         "geometry": {"type": "LineString", "coordinates": [[LON, LAT, 12.5], [LON + 0.003, LAT, 48.0]]}}]}))
    prepared = load_layer(path, "slow_routes", config=config, source_crs=datum)
    coords = shapely.get_coordinates(prepared.gdf.geometry.iloc[0], include_z=True)
    assert list(coords[:, 2]) == [12.5, 48.0]


# ---------------------------------------------------------------------------------------
# population rasters without nodata
# ---------------------------------------------------------------------------------------
def _population(path: Path, values: np.ndarray, nodata=None) -> Path:
    profile = {"driver": "GTiff", "height": values.shape[0], "width": values.shape[1], "count": 1,
               "dtype": "float32", "crs": "EPSG:4547",
               "transform": Affine(1000, 0, FUTIAN_X - 5000, 0, -1000, FUTIAN_Y + 5000)}
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(values.astype("float32"), 1)
    return path


@pytest.mark.parametrize("sentinel", [-9999.0, -3.4028234663852886e38])
def test_population_fill_values_are_refused_or_masked_with_nodata(tmp_path, sentinel):
    values = np.full((10, 10), 100.0)
    values[:, :3] = sentinel
    path = _population(tmp_path / "pop.tif", values)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    refused = _run("coverage", "charging", "--population", path)
    assert refused.exit_code == 1
    assert "has no nodata value: 30 cell(s) hold values that cannot be people" in refused.output
    assert "--nodata" in refused.output
    assert _run("validate", path, "--kind", "population").exit_code == 1
    ok = _run("coverage", "charging", "--population", path, "--nodata", f"{sentinel!r}", "--json")
    assert ok.exit_code == 0, ok.output
    people = json.loads(ok.output)["overall"]["population"]
    assert people >= 0
    # no cell counted negative: at most the 70 valid 1 km cells of 100 people each
    assert people <= 70 * 100 + 1e-6
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha


# ---------------------------------------------------------------------------------------
# --fix: area changes reported, growth refused, NaN coordinates a clean error
# ---------------------------------------------------------------------------------------
def _park(path: Path, geom) -> Path:
    gpd.GeoDataFrame({"id": ["p1"], "name_zh": ["公园"], "name_en": ["Park"], "status": ["completed"],
                      "park_class": ["community"]}, geometry=[geom], crs=4547).to_file(path, engine="pyogrio")
    return path


def test_fix_refuses_to_turn_a_1ha_park_with_an_oversized_hole_into_a_3ha_ring(tmp_path):
    x, y = FUTIAN_X, FUTIAN_Y
    shell = shapely.box(x, y, x + 100, y + 100).exterior.coords  # 1 ha
    hole = shapely.box(x - 50, y - 50, x + 150, y + 150).exterior.coords  # 4 ha, larger than the shell
    path = _park(tmp_path / "park.gpkg", shapely.Polygon(shell, [hole]))
    result = _run("import", path, "--kind", "parks", "--fix", "-o", tmp_path / "out.gpkg")
    assert result.exit_code == 1
    assert "--fix refuses the repair" in result.output
    assert "10,000.0 m² inside the outer ring" in result.output
    assert "30,000.0 m² after the repair" in result.output
    assert not (tmp_path / "out.gpkg").exists()


def test_fix_reports_the_area_change_of_a_repair(tmp_path):
    x, y = FUTIAN_X, FUTIAN_Y
    # a bow-tie: two 50 x 100 triangles of 2,500 m² each; its ring's signed area is 0
    bowtie = shapely.Polygon([(x, y), (x + 100, y + 100), (x + 100, y), (x, y + 100)])
    path = _park(tmp_path / "bowtie.gpkg", bowtie)
    result = _run("import", path, "--kind", "parks", "--fix", "-o", tmp_path / "out.gpkg")
    assert result.exit_code == 0, result.output
    assert "area 0.0 m² as drawn" in result.output and "-> 5,000.0 m²" in result.output


def test_fix_on_nan_coordinates_is_a_clean_error(tmp_path):
    path = tmp_path / "nan.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"id": "p1", "name_zh": "公园", "name_en": "Park",
                                          "status": "completed", "park_class": "community"},
        "geometry": {"type": "Polygon", "coordinates": [[[LON, LAT], [LON + 0.001, LAT], [LON, "NaN"],
                                                         [LON, LAT]]]}}]}).replace('"NaN"', "NaN"))
    for extra in ([], ["--fix"]):
        result = _run("import", path, "--kind", "parks", "-o", tmp_path / "out.gpkg", *extra)
        assert result.exit_code == 1, result.output
        assert "NaN or infinite coordinates" in result.output
    assert not (tmp_path / "out.gpkg").exists()


# ---------------------------------------------------------------------------------------
# --radius-m
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-5"])
def test_radius_option_rejects_non_finite_and_non_positive(value):
    result = _run("coverage", "charging", "--radius-m", value)
    assert result.exit_code == 2, result.output
    assert "--radius-m" in result.output
    assert "ev_" not in result.output and "facility" not in result.output


def test_radius_api_names_the_setting(config):
    from futiangis.project import run_coverage

    with pytest.raises(ValueError, match=r"radius_m = nan \(--radius-m or \[coverage\] radius_m\)"):
        run_coverage("charging", config, radius_m=float("nan"))
