"""Formats and coordinate grids of issue 11: GeoJSON ids, QGIS styles, fid, zipped shapefiles,
GeoParquet and shapefile outputs, zone prefixes, Beijing 1954 / Xian 1980, the Helmert fit."""
from __future__ import annotations

import json
import math
import zipfile

import fiona
import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from futiangis.cli.main import cli
from futiangis.errors import CRSError, LayerReadError, LayerValidationError
from futiangis.io import read_vector
from futiangis.load import load_layer
from futiangis.localgrid import fit_helmert

from conftest import FUTIAN_X, FUTIAN_Y, box_layer


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _fc(features):
    return {"type": "FeatureCollection", "features": features}


def _pt_feature(feature_id, lon=114.05, lat=22.54, **props):
    f = {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}
    if feature_id is not None:
        f["id"] = feature_id
    return f


def test_rfc7946_integer_feature_id_is_the_id(tmp_path, config):
    path = tmp_path / "st.geojson"
    path.write_text(json.dumps(_fc([_pt_feature(17, piles=2), _pt_feature(42, lon=114.06, piles=3)])))
    prepared = load_layer(path, "charging_stations", config=config)
    assert prepared.gdf["id"].tolist() == ["17", "42"]
    assert "took the GeoJSON Feature id (RFC 7946) as id" in prepared.notes


def test_geojson_without_feature_ids_gets_row_numbers(tmp_path, config):
    path = tmp_path / "st.geojson"
    path.write_text(json.dumps(_fc([_pt_feature(None), _pt_feature(None, lon=114.06)])))
    assert load_layer(path, "charging_stations", config=config).gdf["id"].tolist() == ["1", "2"]


def test_qgis_layer_styles_is_not_a_second_layer(tmp_path, config):
    path = tmp_path / "parks.gpkg"
    box_layer([(0, 0, 100, 100)], ids=["p1"]).to_file(path, layer="parks")
    gpd.GeoDataFrame({"f_table_name": ["parks"], "styleQML": ["<qgis/>"]}).to_file(path, layer="layer_styles")
    assert "layer_styles" in fiona.listlayers(path)
    prepared = load_layer(path, "parks", config=config)
    assert len(prepared.gdf) == 1
    assert any("layer_styles" in n for n in prepared.notes)


def test_fid_property_does_not_break_import(tmp_path):
    src = tmp_path / "st.geojson"
    src.write_text(json.dumps(_fc([_pt_feature(None, fid="a-1", piles=1), _pt_feature(None, lon=114.06, fid="a-1", piles=2)])))
    assert run("validate", src, "--kind", "charging_stations").exit_code == 0
    out = tmp_path / "st.gpkg"
    res = run("import", src, "--kind", "charging_stations", "-o", out)
    assert res.exit_code == 0, res.output
    got = gpd.read_file(out)
    assert got["fid"].tolist() == ["a-1", "a-1"]  # the attribute kept as data


def test_zipped_shapefile_read_in_place(tmp_path, config):
    layer = box_layer([(0, 0, 100, 100), (200, 0, 50, 40)], ids=["u1", "u2"])
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    layer.to_file(shp_dir / "units.shp")
    archive = tmp_path / "units.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in shp_dir.iterdir():
            zf.write(p, f"export/{p.name}")
    prepared = load_layer(archive, "units", config=config)
    assert sorted(prepared.gdf.geometry.area.round(6)) == [2000.0, 10000.0]
    assert any("inside units.zip" in n for n in prepared.notes)


def test_zip_without_dbf_is_refused(tmp_path):
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.shp", b"x")
        zf.writestr("a.shx", b"x")
    with pytest.raises(LayerReadError, match=r"a\.shp inside the zip is incomplete, missing \.dbf"):
        read_vector(archive)


@pytest.mark.parametrize("suffix", [".parquet", ".shp", ".gpkg", ".geojson"])
def test_import_outputs_round_trip_with_measures(tmp_path, suffix):
    src = tmp_path / "src.gpkg"
    box_layer([(0, 0, 100, 100), (300, 0, 200, 50)], ids=["p1", "p2"], name_zh=["甲公园", "乙公园"],
              name_en=["A", "B"]).to_file(src)
    out = tmp_path / f"parks{suffix}"
    res = run("import", src, "--kind", "parks", "-o", out)
    assert res.exit_code == 0, res.output
    got = gpd.read_parquet(out) if suffix == ".parquet" else gpd.read_file(out)
    assert got["name_zh"].tolist() == ["甲公园", "乙公园"]
    assert got["area_m2"].tolist() == pytest.approx([10_000.0, 10_000.0], rel=1e-4 if suffix == ".geojson" else 1e-9)
    if suffix == ".shp":
        assert out.with_suffix(".cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    if suffix in (".parquet", ".shp"):
        assert got.crs.to_epsg() == 4547


def test_parquet_in(tmp_path, config):
    path = tmp_path / "u.parquet"
    box_layer([(0, 0, 100, 100)], ids=["u1"]).to_parquet(path)
    assert load_layer(path, "units", config=config).gdf.geometry.area.iloc[0] == pytest.approx(10_000.0)


def test_shapefile_output_says_cut_field_names(tmp_path):
    src = tmp_path / "sites.gpkg"
    box_layer([(0, 0, 100, 100)], ids=["s1"], status=["planned"], gfa_new_m2=[1000.0],
              investment_100m_cny=[2.0]).to_file(src)
    out = tmp_path / "sites.shp"
    res = run("import", src, "--kind", "renewal_sites", "-o", out)
    assert res.exit_code == 0, res.output
    assert "investment_100m_cny is written as investment" in res.output
    back = run("validate", out, "--kind", "renewal_sites")  # the cut name is recognised again
    assert back.exit_code == 0 and "mapped investment → investment_100m_cny" in back.output


# ---- coordinate grids -------------------------------------------------------------------------
def test_zone_prefix_easting_suggests_4526(tmp_path, config):
    layer = box_layer([(0, 0, 100, 100)], ids=["u1"])
    layer = layer.set_geometry(layer.translate(38_000_000, 0), crs=4547)  # 38 505 000: zone prefix
    path = tmp_path / "u.gpkg"
    layer.to_file(path)
    with pytest.raises(LayerValidationError, match=r"start with the zone number 38.*EPSG:4526") as info:
        load_layer(path, "units", config=config)
    assert [p.code for p in info.value.problems if p.severity == "error"] == ["zone_prefix"]
    fixed = load_layer(path, "units", config=config, source_crs="EPSG:4526")
    assert fixed.gdf.geometry.iloc[0].bounds[0] == pytest.approx(FUTIAN_X, abs=1e-3)


def test_no_prefix_easting_declared_4526_suggests_4547(tmp_path, config):
    path = tmp_path / "u.gpkg"
    box_layer([(0, 0, 100, 100)], ids=["u1"], crs="EPSG:4526").to_file(path)
    with pytest.raises(LayerValidationError, match=r"have no zone prefix.*EPSG:4547"):
        load_layer(path, "units", config=config)


def test_missing_crs_hint_names_the_grid(tmp_path, config):
    layer = box_layer([(0, 0, 100, 100)], ids=["u1"])
    layer = layer.set_geometry(layer.translate(38_000_000, 0)).set_crs(None, allow_override=True)
    path = tmp_path / "u.geojson"
    layer.to_file(path, driver="GeoJSON")
    raw = read_vector(path)
    assert raw.crs is None or raw.crs.to_epsg() == 4326
    csv = tmp_path / "pts.csv"
    csv.write_text(f"id,x,y\np1,{38_505_000.0},{FUTIAN_Y}\n", encoding="utf-8")
    with pytest.raises(LayerValidationError, match=r"Hint: eastings like 38,505,000 carry the 3-degree zone number 38.*EPSG:4526"):
        load_layer(csv, "charging_stations", config=config)


@pytest.mark.parametrize("epsg, label", [(2435, "Beijing 1954"), (2383, "Xian 1980")])
def test_old_datums_accepted_with_a_warning(tmp_path, config, epsg, label):
    path = tmp_path / "u.gpkg"
    box_layer([(0, 0, 100, 100)], ids=["u1"], crs=f"EPSG:{epsg}").to_file(path)
    prepared = load_layer(path, "units", config=config)
    [w] = [w for w in prepared.warnings if w.code == "old_datum"]
    assert label in w.message and "tens of metres" in w.message and "crs fit" in w.message
    moved = float(w.message.split(" moved them ")[1].split(" m")[0])
    # the same numbers read as CGCS2000 vs converted from the old datum: the shift PROJ applied
    same = box_layer([(0, 0, 100, 100)], ids=["u1"]).geometry.iloc[0].centroid
    assert moved == pytest.approx(prepared.gdf.geometry.iloc[0].centroid.distance(same), abs=0.5)


# ---- the four-parameter fit -----------------------------------------------------------------
def _similarity(u, v, s=1.0000321, theta_deg=-0.4321, tx=412_345.678, ty=2_398_765.432):
    a, b = s * math.cos(math.radians(theta_deg)), s * math.sin(math.radians(theta_deg))
    return tx + a * u - b * v, ty + b * u + a * v, (a, b, tx, ty)


def test_fit_recovers_a_known_transform_to_a_millimetre():
    rng = np.random.default_rng(7)
    local = rng.uniform([80_000, 10_000], [95_000, 25_000], size=(6, 2))
    x, y, (a, b, tx, ty) = _similarity(local[:, 0], local[:, 1])
    fit = fit_helmert(local, np.column_stack([x, y]), name="t", target_crs="EPSG:4547")
    g = fit.grid
    probe = np.array([[80_000.0, 10_000.0], [95_000.0, 25_000.0], [87_500.0, 17_500.0]])
    px, py, _ = _similarity(probe[:, 0], probe[:, 1])
    fx, fy = g.apply(probe[:, 0], probe[:, 1])
    assert np.hypot(fx - px, fy - py).max() < 1e-3
    assert (g.a, g.b) == pytest.approx((a, b), abs=1e-12)
    assert fit.rms_m < 1e-6


def test_fit_names_the_point_moved_five_metres():
    local = np.array([[0.0, 0.0], [5000.0, 0.0], [5000.0, 4000.0], [0.0, 4000.0], [2500.0, 2000.0]])
    x, y, _ = _similarity(local[:, 0], local[:, 1])
    x[3] += 5.0
    fit = fit_helmert(local, np.column_stack([x, y]), name="t", target_crs="EPSG:4547", ids=list("ABCDE"))
    worst, residual = fit.worst
    assert worst == "D" and residual > 0.5


def test_fit_needs_three_points():
    with pytest.raises(CRSError, match="at least 3"):
        fit_helmert(np.zeros((2, 2)), np.zeros((2, 2)), name="t", target_crs="EPSG:4547")


def test_control_points_missing_columns(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("id,u,v,x,y\n1,0,0,0,0\n", encoding="utf-8")
    res = run("crs", "fit", csv, "--name", "t")
    assert res.exit_code == 1 and "missing local_x, local_y" in res.output
