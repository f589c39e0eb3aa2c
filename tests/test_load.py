"""The one door: every validation problem from a small crafted file, with match= on the message."""
from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pytest
import shapely

from futiangis.crs import wgs84_to_gcj02
from futiangis.errors import CRSError, LayerReadError, LayerValidationError
from futiangis.load import load_layer

from conftest import FUTIAN_X, FUTIAN_Y, box_layer


def _station_layer(n=3, crs=4547, **overrides):
    pts = [shapely.Point(FUTIAN_X + 100 * i, FUTIAN_Y) for i in range(n)]
    data = {
        "id": [f"s{i + 1}" for i in range(n)],
        "name_zh": [f"充电站{i + 1}" for i in range(n)],
        "name_en": [f"Station {i + 1}" for i in range(n)],
        "piles": [4] * n,
    }
    data.update(overrides)
    return gpd.GeoDataFrame(data, geometry=pts, crs=crs)


def _write(gdf, path, **kw):
    gdf.to_file(path, engine="pyogrio", **kw)
    return path


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_valid_layer_loads_in_working_crs(tmp_path, config):
    path = _write(_station_layer(), tmp_path / "stations.gpkg")
    before = _sha(path)
    prepared = load_layer(path, "charging_stations", config=config)
    assert prepared.gdf.crs.to_epsg() == 4547
    assert list(prepared.gdf["id"]) == ["s1", "s2", "s3"]
    assert prepared.gdf["piles"].tolist() == [4, 4, 4]
    assert prepared.warnings == []
    assert _sha(path) == before  # input untouched


def test_geographic_input_is_reprojected_not_measured_in_degrees(tmp_path, config):
    # a 100 m x 100 m box written in WGS84 comes back in metres with 10,000 m² (±0.01 %)
    boxes = box_layer([(0, 0, 100, 100)], name_zh=["公园"], name_en=["Park"], status=["completed"],
                      park_class=["community"])
    path = _write(boxes.to_crs(4326), tmp_path / "parks.geojson")
    gdf = load_layer(path, "parks", config=config).gdf
    assert gdf.crs.to_epsg() == 4547
    assert gdf.area.iloc[0] == pytest.approx(10_000.0, rel=1e-4)


@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
def test_missing_crs(tmp_path, config):
    path = _write(_station_layer(crs=None), tmp_path / "nocrs.shp", encoding="utf-8")
    with pytest.raises(LayerValidationError, match=r"nocrs\.shp.*declares no CRS.*--source-crs"):
        load_layer(path, "charging_stations", config=config)


@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
def test_missing_crs_is_fixed_by_source_crs(tmp_path, config):
    path = _write(_station_layer(crs=None), tmp_path / "nocrs.shp", encoding="utf-8")
    gdf = load_layer(path, "charging_stations", config=config, source_crs="EPSG:4547").gdf
    assert gdf.geometry.x.iloc[0] == pytest.approx(FUTIAN_X)


def test_outside_shenzhen_names_the_feature(tmp_path, config):
    layer = _station_layer().to_crs(4326)
    layer.loc[1, "geometry"] = shapely.Point(121.47, 31.23)  # Shanghai
    path = _write(layer, tmp_path / "far.geojson")
    with pytest.raises(LayerValidationError, match=r"feature s2: feature lies outside Shenzhen.*--source-crs"):
        load_layer(path, "charging_stations", config=config)


def test_lonlat_swapped_is_diagnosed(tmp_path, config):
    layer = _station_layer().to_crs(4326)
    layer.geometry = shapely.transform(layer.geometry.values, lambda c: c[:, ::-1])
    path = _write(layer, tmp_path / "swapped.geojson")
    with pytest.raises(LayerValidationError, match=r"feature s1: .*longitude and latitude are exchanged"):
        load_layer(path, "charging_stations", config=config)


def test_wrong_declared_projected_crs_is_outside_shenzhen(tmp_path, config):
    # metres in EPSG:4547 declared as Web Mercator land near the equator
    layer = _station_layer().set_crs(3857, allow_override=True)
    path = _write(layer, tmp_path / "wrongcrs.gpkg")
    with pytest.raises(LayerValidationError, match="outside Shenzhen.*declared CRS is probably wrong"):
        load_layer(path, "charging_stations", config=config)


def test_invalid_geometry_is_an_error_without_fix(tmp_path, config):
    bowtie = shapely.Polygon([(0, 0), (100, 100), (100, 0), (0, 100)])
    bowtie = shapely.affinity.translate(bowtie, FUTIAN_X, FUTIAN_Y)
    layer = gpd.GeoDataFrame({"id": ["b1"]}, geometry=[bowtie], crs=4547)
    path = _write(layer, tmp_path / "bowtie.gpkg")
    with pytest.raises(LayerValidationError, match=r"feature b1: invalid geometry: Self-intersection.*--fix"):
        load_layer(path, "generic", config=config)


def test_invalid_geometry_repaired_with_fix_and_reported(tmp_path, config):
    bowtie = shapely.affinity.translate(
        shapely.Polygon([(0, 0), (100, 100), (100, 0), (0, 100)]), FUTIAN_X, FUTIAN_Y
    )
    layer = gpd.GeoDataFrame({"id": ["b1"]}, geometry=[bowtie], crs=4547)
    path = _write(layer, tmp_path / "bowtie.gpkg")
    prepared = load_layer(path, "generic", config=config, fix=True)
    assert len(prepared.repairs) == 1
    assert prepared.repairs[0].feature_id == "b1"
    assert "repaired with make_valid" in prepared.repairs[0].message
    # the bow-tie's two triangles: 2 x (100 x 50 / 2) = 5,000 m²
    assert prepared.gdf.area.iloc[0] == pytest.approx(5_000.0)


def test_wrong_geometry_type(tmp_path, config):
    layer = box_layer([(0, 0, 10, 10)], ids=["p1"], name_zh=["站"], name_en=["S"], piles=[2])
    path = _write(layer, tmp_path / "poly_stations.gpkg")
    with pytest.raises(LayerValidationError, match=r"feature p1: geometry is Polygon; a charging_stations layer takes Point"):
        load_layer(path, "charging_stations", config=config)


def test_duplicate_ids(tmp_path, config):
    path = _write(_station_layer(id=["s1", "s1", "s3"]), tmp_path / "dup.gpkg")
    with pytest.raises(LayerValidationError, match=r"feature s1: field 'id': id 's1' is used by 2 features \(rows 1, 2\)"):
        load_layer(path, "charging_stations", config=config)


def test_missing_required_field(tmp_path, config):
    # required means used (issue 11): a renewal site needs GFA or a plot ratio to be counted
    layer = box_layer([(0, 0, 100, 100)], ids=["r1"], status=["planned"])
    path = _write(layer, tmp_path / "sites.gpkg")
    with pytest.raises(LayerValidationError,
                       match=r"field 'gfa_new_m2': needs at least one of gfa_new_m2 or plot_ratio"):
        load_layer(path, "renewal_sites", config=config)


def test_stations_without_piles_load_with_piles_unknown(tmp_path, config):
    path = _write(_station_layer().drop(columns="piles"), tmp_path / "nopiles.gpkg")
    prepared = load_layer(path, "charging_stations", config=config)
    assert prepared.gdf["piles"].isna().all()
    [warning] = [w for w in prepared.warnings if w.code == "unknown_quantity"]
    assert "3 of 3 features have no piles count: shown as unknown" in warning.message


def test_nan_and_negative_quantities_all_reported_at_once(tmp_path, config):
    layer = _station_layer(piles=[4.0, np.nan, -2.0])
    path = _write(layer, tmp_path / "bad_piles.gpkg")
    with pytest.raises(LayerValidationError) as info:
        load_layer(path, "charging_stations", config=config)
    msg = str(info.value)
    assert "1 problem(s)" in msg  # the NaN is "unknown" (a warning, listed too), not an error
    assert "field 'piles': 1 of 3 features have no piles count" in msg
    assert "feature s3: field 'piles': value -2 is negative" in msg
    assert {p.code for p in info.value.problems} == {"unknown_quantity", "negative_value"}


def test_wrong_field_type(tmp_path, config):
    path = _write(_station_layer(piles=["4", "many", "2"]), tmp_path / "text_piles.gpkg")
    with pytest.raises(LayerValidationError, match=r"feature s2: field 'piles': value 'many' is not a valid int"):
        load_layer(path, "charging_stations", config=config)


def test_unknown_status_value(tmp_path, config):
    layer = box_layer([(0, 0, 100, 100)], ids=["r1"], name_zh=["更新"], name_en=["R"], status=["cancelled"],
                      plot_ratio=[5.0], gfa_new_m2=[1000.0], investment_100m_cny=[1.0])
    path = _write(layer, tmp_path / "sites.gpkg")
    with pytest.raises(LayerValidationError, match=r"feature r1: field 'status': value 'cancelled' is not one of planned"):
        load_layer(path, "renewal_sites", config=config)


def test_empty_layer(tmp_path, config):
    path = _write(_station_layer().iloc[:0], tmp_path / "empty.gpkg")
    with pytest.raises(LayerValidationError, match="the layer has no features"):
        load_layer(path, "charging_stations", config=config)


def test_empty_geometry(tmp_path, config):
    layer = _station_layer()
    layer.loc[2, "geometry"] = None
    path = _write(layer, tmp_path / "nullgeom.gpkg")
    with pytest.raises(LayerValidationError, match=r"feature s3: geometry is missing or empty"):
        load_layer(path, "charging_stations", config=config)


def test_csv_needs_a_declared_crs_then_converts_gcj02(tmp_path, config):
    lon, lat = 114.0579, 22.5431  # Civic Center (WGS84)
    glon, glat = wgs84_to_gcj02(lon, lat)
    csv = tmp_path / "gaode.csv"
    csv.write_text(f"id,name_zh,name_en,lng,lat,piles\nc1,市民中心,Civic Center,{float(glon):.7f},{float(glat):.7f},8\n",
                   encoding="utf-8")
    with pytest.raises(LayerValidationError, match="a CSV has no CRS.*gcj02"):
        load_layer(csv, "charging_stations", config=config)
    gdf = load_layer(csv, "charging_stations", config=config, source_crs="gcj02").gdf
    back = gdf.to_crs(4326).geometry.iloc[0]
    assert back.x == pytest.approx(lon, abs=1e-6) and back.y == pytest.approx(lat, abs=1e-6)
    assert gdf["piles"].iloc[0] == 8


def test_gcj02_declared_as_wgs84_is_warned(tmp_path, config):
    # Points in the south of Futian, just north of the Shenzhen River (WGS84 truth),
    # stored with their GCJ-02 coordinates but declared WGS84.
    # (the boundary runs at ≈ 22.513 N near 114.00-114.02 E and ≈ 22.505 N near 114.03-114.055 E;
    # the GCJ-02 offset there is ≈ 300 m south and 500 m east)
    lon = np.array([114.005, 114.015, 114.025, 114.035, 114.045, 114.055, 114.075])
    lat = np.array([22.5150, 22.5148, 22.5095, 22.5075, 22.5060, 22.5055, 22.5180])
    glon, glat = wgs84_to_gcj02(lon, lat)
    layer = gpd.GeoDataFrame(
        {"id": [f"g{i}" for i in range(len(lon))], "name_zh": ["站"] * 7, "name_en": ["S"] * 7, "piles": [2] * 7},
        geometry=gpd.points_from_xy(glon, glat), crs=4326,
    )
    path = _write(layer, tmp_path / "gcj_as_wgs.geojson")
    prepared = load_layer(path, "charging_stations", config=config)
    codes = [p.code for p in prepared.warnings]
    assert "gcj02_suspected" in codes
    assert "--source-crs gcj02" in prepared.warnings[codes.index("gcj02_suspected")].message
    # read correctly, the same file raises no such warning
    again = load_layer(path, "charging_stations", config=config, source_crs="gcj02")
    assert "gcj02_suspected" not in [p.code for p in again.warnings]


def test_gbk_shapefile_without_cpg_is_detected_then_read_with_encoding(tmp_path, config):
    layer = _station_layer(name_zh=["福田站", "华强北站", "梅林站"])
    path = _write(layer, tmp_path / "gbk.shp", encoding="gbk")
    (tmp_path / "gbk.cpg").unlink(missing_ok=True)
    with pytest.raises(LayerValidationError, match=r"no \.cpg.*GBK.*--encoding gbk"):
        load_layer(path, "charging_stations", config=config)
    gdf = load_layer(path, "charging_stations", config=config, encoding="gbk").gdf
    assert gdf["name_zh"].tolist() == ["福田站", "华强北站", "梅林站"]


def test_shapefile_with_utf8_cpg_keeps_chinese(tmp_path, config):
    layer = _station_layer(name_zh=["福田站", "华强北站", "梅林站"])
    path = _write(layer, tmp_path / "utf8.shp", encoding="utf-8")
    assert (tmp_path / "utf8.cpg").read_text().strip().upper().replace("-", "") == "UTF8"
    gdf = load_layer(path, "charging_stations", config=config).gdf
    assert gdf["name_zh"].tolist() == ["福田站", "华强北站", "梅林站"]


def test_geopackage_layer_choice(tmp_path, config):
    path = tmp_path / "multi.gpkg"
    _write(_station_layer(), path, layer="stations")
    _write(box_layer([(0, 0, 10, 10)]), path, layer="boxes")
    with pytest.raises(LayerReadError, match=r"holds 2 layers.*--layer NAME"):
        load_layer(path, "charging_stations", config=config)
    assert len(load_layer(path, "charging_stations", config=config, layer="stations").gdf) == 3


def test_truncated_geojson_is_a_read_error(tmp_path, config):
    good = _write(_station_layer().to_crs(4326), tmp_path / "good.geojson")
    text = good.read_text()
    bad = tmp_path / "truncated.geojson"
    bad.write_text(text[: len(text) // 2])
    with pytest.raises(LayerReadError, match=r"truncated\.geojson: cannot be read.*truncated"):
        load_layer(bad, "charging_stations", config=config)


def test_shapefile_missing_parts(tmp_path, config):
    path = _write(_station_layer(), tmp_path / "parts.shp", encoding="utf-8")
    (tmp_path / "parts.shx").unlink()
    with pytest.raises(LayerReadError, match=r"missing \.shx"):
        load_layer(path, "charging_stations", config=config)


def test_unknown_source_crs_is_a_crs_error(tmp_path, config):
    path = _write(_station_layer(), tmp_path / "s.gpkg")
    with pytest.raises(CRSError, match="Unknown CRS 'mars84'"):
        load_layer(path, "charging_stations", config=config, source_crs="mars84")


def test_errors_do_not_stop_at_the_first(tmp_path, config):
    layer = _station_layer(id=["s1", "s1", "s3"], piles=[1, -1, 2])
    layer.loc[2, "geometry"] = shapely.Point(0, 0)
    path = _write(layer, tmp_path / "many.gpkg")
    with pytest.raises(LayerValidationError) as info:
        load_layer(path, "charging_stations", config=config)
    codes = {p.code for p in info.value.problems}
    assert {"duplicate_id", "negative_value", "outside_shenzhen"} <= codes
