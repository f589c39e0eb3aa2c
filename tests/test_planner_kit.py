"""The planner's kit (issue 11): each file goes validate -> import -> target / coverage.

Expected numbers come from the kit's TRUTH constants (tests/make_planner_kit.py: exact
rectangles and points in EPSG:4547) and from pyproj.Geod, never from futiangis's output:
areas to 0.01 % of the geodesic area, positions to 1 m, covered areas from n·π·r² and
A + P·r + π·r² (a rectangle's buffer).
"""
from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import ezdxf
import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod, Transformer

from futiangis.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
KIT = ROOT / "tests" / "data" / "kit"
_spec = importlib.util.spec_from_file_location("make_planner_kit", ROOT / "tests" / "make_planner_kit.py")
TRUTH = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(TRUTH)
GEOD = Geod(ellps="GRS80")
TO_WGS = Transformer.from_crs(4547, 4326, always_xy=True)
COVER_REL = 5e-4  # buffers are polygons of 64 segments per quarter circle (0.01 % short)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _geod_area(geom_wgs84) -> float:
    return abs(GEOD.geometry_area_perimeter(geom_wgs84)[0])


def _geod_area_4547(geom_4547) -> float:
    return _geod_area(shapely.transform(geom_4547, lambda c: np.column_stack(TO_WGS.transform(c[:, 0], c[:, 1]))))


@pytest.fixture
def square(tmp_path) -> Path:
    """One statistical unit: the kit's 6 km x 5 km square."""
    path = tmp_path / "square.gpkg"
    gpd.GeoDataFrame({"id": ["sq"]}, geometry=[shapely.box(*TRUTH.SQUARE)], crs=4547).to_file(path)
    return path


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project config (crs fit writes into it, never into the repo's)."""
    text = (ROOT / "futiangis.toml").read_text(encoding="utf-8")
    text = text.replace('layers = "layers"', f'layers = "{(ROOT / "layers").as_posix()}"', 1)
    path = tmp_path / "futiangis.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_kit_is_complete():
    names = {p.name for p in KIT.iterdir()}
    assert {"renewal_units_gbk.shp", "renewal_units_gbk.dbf", "renewal_units_gbk.shx",
            "stations_gcj02.xlsx", "stations_min.csv", "parks.kmz", "zones_local.dxf",
            "control_points.csv", "zones_hatch.dxf", "renewal_yearly.gpkg", "stations_old.xls"} <= names
    assert "renewal_units_gbk.cpg" not in names  # GBK without .cpg, as it arrives


def test_generator_reproduces_the_text_files(tmp_path):
    TRUTH.main(["--out", str(tmp_path)])
    for name in ("stations_min.csv", "control_points.csv", "control_points_bad.csv"):
        assert (tmp_path / name).read_bytes() == (KIT / name).read_bytes()


# ---- renewal units: GBK shapefile without .cpg, Chinese columns -> target ------------------
RENEWAL_ARGS = ("--encoding", "gbk", "--field", "gfa_new_m2=计容面积:万㎡",
                "--field", "investment_100m_cny=投资额:万元")


def test_renewal_gbk_validate_says_encoding_then_passes():
    shp = KIT / "renewal_units_gbk.shp"
    refused = run("validate", shp, "--kind", "renewal_sites")
    assert refused.exit_code == 1 and "--encoding gbk" in refused.output
    ok = run("validate", shp, "--kind", "renewal_sites", *RENEWAL_ARGS)
    assert ok.exit_code == 0, ok.output
    for said in ("mapped 编号 → id", "mapped 项目名称 → name_zh", "mapped 状态 → status",
                 "mapped 计容面积 → gfa_new_m2 (--field)", "converted 计容面积 from 万㎡ to m²",
                 "converted 投资额 from 万元 to 亿元", "已获批 → approved (1)", "拟建 → planned (1)"):
        assert said in ok.output


def test_renewal_import_areas_and_values(tmp_path):
    out = tmp_path / "sites.gpkg"
    res = run("import", KIT / "renewal_units_gbk.shp", "--kind", "renewal_sites", "-o", out, *RENEWAL_ARGS)
    assert res.exit_code == 0, res.output
    got = gpd.read_file(out).set_index("id")
    for rid, name, status, (x0, y0, w, h), gfa, far, share, inv, _, _ in TRUTH.RENEWAL:
        row = got.loc[rid]
        assert row["name_zh"] == name and row["status"] == TRUTH.STATUS_OF[status]
        geod = _geod_area_4547(shapely.box(x0, y0, x0 + w, y0 + h))
        assert row["area_m2"] == pytest.approx(geod, rel=1e-4)
        assert row["area_m2"] == pytest.approx(w * h, rel=1e-9)
        if gfa is None:
            assert np.isnan(row["gfa_new_m2"])
        else:
            assert row["gfa_new_m2"] == pytest.approx(gfa * 1e4)
        assert row["investment_100m_cny"] == pytest.approx(inv / 1e4)


def test_renewal_target_counts_by_status():
    res = run("target", "--sites", KIT / "renewal_units_gbk.shp", *RENEWAL_ARGS, "--json")
    assert res.exit_code == 0, res.output
    t = {r["id"]: r for r in json.loads(res.stdout)["targets"]}["industrial_space"]
    gfa = {}
    for rid, _, status, (x0, y0, w, h), g, far, share, *_ in TRUTH.RENEWAL:
        col = {"completed": "achieved", "under_construction": "pipeline", "approved": "pipeline",
               "planned": "proposed"}[TRUTH.STATUS_OF[status]]
        gfa[col] = gfa.get(col, 0.0) + (g * 1e4 if g is not None else w * h * far * share)
    assert t["achieved"] == pytest.approx(gfa["achieved"]) == pytest.approx(205_000.0)
    assert t["pipeline"] == pytest.approx(gfa["pipeline"]) == pytest.approx(160_000.0)
    assert t["proposed"] == pytest.approx(gfa["proposed"]) == pytest.approx(216_000.0)


# ---- stations from Gaode in Excel (GCJ-02) -> coverage ---------------------------------------
XLSX = ("--sheet", "充电站", "--source-crs", "gcj02")


def test_xlsx_needs_its_sheet_named():
    res = run("validate", KIT / "stations_gcj02.xlsx", "--kind", "charging_stations", "--source-crs", "gcj02")
    assert res.exit_code == 1 and "2 sheets (说明, 充电站)" in res.output and "--sheet" in res.output


def test_xlsx_positions_within_a_metre(tmp_path):
    out = tmp_path / "st.geojson"
    res = run("import", KIT / "stations_gcj02.xlsx", "--kind", "charging_stations", "-o", out, *XLSX)
    assert res.exit_code == 0, res.output
    assert "mapped 经度 → lon" in res.output and "mapped 名称 → name_zh" in res.output
    got = gpd.read_file(out)
    for (name, (x, y), piles), geom, gname, gpiles in zip(TRUTH.STATIONS_XLSX, got.geometry, got["name_zh"], got["piles"]):
        lon, lat = TO_WGS.transform(x, y)
        assert GEOD.inv(lon, lat, geom.x, geom.y)[2] < 1.0
        assert gname == name and gpiles == piles


def test_xlsx_coverage(square):
    res = run("coverage", "charging", "--units", square, "--facilities", KIT / "stations_gcj02.xlsx",
              *XLSX, "--radius-m", 900, "--json")
    assert res.exit_code == 0, res.output
    o = json.loads(res.stdout)["overall"]
    assert o["covered_m2"] == pytest.approx(4 * math.pi * 900**2, rel=COVER_REL)
    assert o["total_m2"] == pytest.approx(6000 * 5000, rel=1e-9)


# ---- the minimal CSV: id,name,lon,lat -------------------------------------------------------
def test_minimal_csv_validate_import_coverage(tmp_path, square):
    csv = KIT / "stations_min.csv"
    ok = run("validate", csv, "--kind", "charging_stations", "--source-crs", "wgs84")
    assert ok.exit_code == 0, ok.output
    assert "no piles count: shown as unknown" in ok.output and "mapped name → name_zh" in ok.output
    out = tmp_path / "st.gpkg"
    assert run("import", csv, "--kind", "charging_stations", "-o", out, "--source-crs", "wgs84").exit_code == 0
    got = gpd.read_file(out)
    assert got["id"].tolist() == ["c1", "c2", "c3"]
    assert got["name_zh"].tolist() == ["市民中心站", "Huaqiang Station", "香蜜湖站"]
    for (_, _, (x, y)), geom in zip(TRUTH.STATIONS_CSV, got.geometry):
        assert math.hypot(geom.x - x, geom.y - y) < 1.0
    res = run("coverage", "charging", "--units", square, "--facilities", csv, "--source-crs", "wgs84",
              "--radius-m", 500, "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["overall"]["covered_m2"] == pytest.approx(3 * math.pi * 500**2, rel=COVER_REL)


# ---- parks from Google Earth (KMZ) ---------------------------------------------------------
def test_kmz_parks_areas_and_coverage(tmp_path, square):
    kmz = KIT / "parks.kmz"
    ok = run("validate", kmz, "--kind", "parks")
    assert ok.exit_code == 0, ok.output
    out = tmp_path / "parks.gpkg"
    assert run("import", kmz, "--kind", "parks", "-o", out).exit_code == 0
    got = gpd.read_file(out)
    raw = gpd.read_file(kmz, engine="pyogrio")  # the lon/lat rings as stored
    for (name, _), ring, area in zip(TRUTH.PARKS, raw.geometry, got["area_m2"]):
        assert area == pytest.approx(_geod_area(shapely.force_2d(ring)), rel=1e-4)
    assert got["name_zh"].tolist() == [p[0] for p in TRUTH.PARKS]
    res = run("coverage", "parks", "--units", square, "--facilities", kmz, "--json")
    assert res.exit_code == 0, res.output
    # radius by park area, from the rules in futiangis.toml (first rule the area reaches)
    import tomllib

    rules = tomllib.loads((ROOT / "futiangis.toml").read_text(encoding="utf-8"))["coverage"]["parks"]["radii"]
    radii = [next(r["radius_m"] for r in rules if w * h >= r["min_area_m2"]) for _, (_, _, w, h) in TRUTH.PARKS]
    expected = sum(w * h + 2 * (w + h) * r + math.pi * r * r
                   for (_, (_, _, w, h)), r in zip(TRUTH.PARKS, radii))
    assert json.loads(res.stdout)["overall"]["covered_m2"] == pytest.approx(expected, rel=COVER_REL)


# ---- zones drawn in a local grid (DXF + five control points) --------------------------------
def test_fit_recovers_the_grid_and_stores_it_keeping_the_file(project):
    before = project.read_bytes()
    res = run("--config", project, "crs", "fit", KIT / "control_points.csv", "--name", "kit", "--json")
    assert res.exit_code == 0, res.output
    fit = json.loads(res.stdout)
    u, v = TRUTH.to_local(np.array([503_000.0, 509_000.0]), np.array([2_491_500.0, 2_496_500.0]))
    x = fit["tx"] + fit["a"] * u - fit["b"] * v
    y = fit["ty"] + fit["b"] * u + fit["a"] * v
    assert np.abs(x - [503_000.0, 509_000.0]).max() < 1e-3 and np.abs(y - [2_491_500.0, 2_496_500.0]).max() < 1e-3
    assert fit["scale"] == pytest.approx(TRUTH.GRID_SCALE, abs=1e-9)
    assert fit["rotation_deg"] == pytest.approx(TRUTH.GRID_ROTATION_DEG, abs=1e-7)
    assert fit["rms_m"] < 1e-3 and len(fit["residuals"]) == 5
    after = project.read_bytes()
    assert after.startswith(before) and b"[crs.local.kit]" in after[len(before):]
    again = run("--config", project, "crs", "fit", KIT / "control_points.csv", "--name", "kit")
    assert again.exit_code == 1 and "already defined" in again.output and "--replace" in again.output
    assert project.read_bytes() == after
    replaced = run("--config", project, "crs", "fit", KIT / "control_points.csv", "--name", "kit", "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert project.read_bytes().count(b"[crs.local.kit]") == 1


def test_fit_refuses_a_point_moved_five_metres(project):
    before = project.read_bytes()
    res = run("--config", project, "crs", "fit", KIT / "control_points_bad.csv", "--name", "kit")
    assert res.exit_code == 1
    assert f"point {TRUTH.MOVED_POINT} is" in res.output and "tolerance 0.5 m" in res.output
    assert "<- largest" in res.output and "RMS" in res.output
    assert project.read_bytes() == before  # nothing stored
    loose = run("--config", project, "crs", "fit", KIT / "control_points_bad.csv", "--name", "kit",
                "--tolerance-m", 10)
    assert loose.exit_code == 0


def test_dxf_zones_through_the_local_grid(project, tmp_path):
    assert run("--config", project, "crs", "fit", KIT / "control_points.csv", "--name", "kit").exit_code == 0
    dxf = KIT / "zones_local.dxf"
    ok = run("--config", project, "validate", dxf, "--kind", "units", "--source-crs", "local:kit")
    assert ok.exit_code == 0, ok.output
    zones = tmp_path / "zones.gpkg"
    res = run("--config", project, "import", dxf, "--kind", "units", "-o", zones, "--source-crs", "local:kit")
    assert res.exit_code == 0, res.output
    got = gpd.read_file(zones)
    assert got["name_zh"].tolist() == [z[0] for z in TRUTH.ZONES]  # the labels inside the outlines
    for (_, (x0, y0, x1, y1)), geom, area in zip(TRUTH.ZONES, got.geometry, got["area_m2"]):
        truth = shapely.box(x0, y0, x1, y1)
        assert area == pytest.approx(_geod_area_4547(truth), rel=1e-4)
        assert shapely.hausdorff_distance(geom, truth) < 1.0
    cov = run("--config", project, "coverage", "charging", "--units", zones, "--facilities",
              KIT / "stations_gcj02.xlsx", *XLSX, "--radius-m", 900, "--json")
    assert cov.exit_code == 0, cov.output
    out = json.loads(cov.stdout)
    assert out["overall"]["covered_m2"] == pytest.approx(4 * math.pi * 900**2, rel=COVER_REL)
    assert out["overall"]["total_m2"] == pytest.approx(6000 * 5000, rel=1e-6)


def test_unknown_local_grid_says_how_to_fit_one(project):
    res = run("--config", project, "validate", KIT / "zones_local.dxf", "--kind", "units",
              "--source-crs", "local:nowhere")
    assert res.exit_code == 1 and "futiangis crs fit POINTS.csv --name nowhere" in res.output


# ---- CAD drawings with problems ---------------------------------------------------------------
def _handles(path, kind, **attrs):
    doc = ezdxf.readfile(path)
    out = []
    for e in doc.modelspace().query(kind):
        if all(getattr(e, k) == v if not callable(getattr(e, k)) else True for k, v in attrs.items()):
            out.append(e)
    return out


def test_unclosed_outline_named_by_layer_and_handle(project):
    assert run("--config", project, "crs", "fit", KIT / "control_points.csv", "--name", "kit").exit_code == 0
    [open_line] = [e for e in ezdxf.readfile(KIT / "zones_open.dxf").modelspace().query("LWPOLYLINE") if not e.closed]
    res = run("--config", project, "validate", KIT / "zones_open.dxf", "--kind", "units", "--source-crs", "local:kit")
    assert res.exit_code == 1
    assert f"CAD layer '分区': LWPOLYLINE handle {open_line.dxf.handle} is not closed" in res.output


def test_text_only_layer_is_refused_naming_it():
    [first, *_] = ezdxf.readfile(KIT / "zones_local.dxf").modelspace().query('TEXT[layer=="注记"]')
    res = run("validate", KIT / "zones_local.dxf", "--kind", "units", "--layer", "注记", "--source-crs", "EPSG:4547")
    assert res.exit_code == 1
    assert "CAD layer '注记' holds only text" in res.output and f"handle {first.dxf.handle}" in res.output
    assert "--layer (分区)" in res.output


def test_block_reference_is_expanded_and_said(project):
    assert run("--config", project, "crs", "fit", KIT / "control_points.csv", "--name", "kit").exit_code == 0
    [insert] = ezdxf.readfile(KIT / "zones_block.dxf").modelspace().query("INSERT")
    res = run("--config", project, "validate", KIT / "zones_block.dxf", "--kind", "units",
              "--source-crs", "local:kit", "--strict")
    assert res.exit_code == 2
    assert (f"CAD layer '分区': block reference INSERT handle {insert.dxf.handle} (block '北向') "
            "was expanded into 1 shape(s)") in res.output


def test_dxf_without_source_crs_is_refused():
    res = run("validate", KIT / "zones_local.dxf", "--kind", "units")
    assert res.exit_code == 1 and "--source-crs" in res.output and "local:NAME" in res.output


def test_kit_layers_read_by_gdal_too():
    # an independent reader agrees on what the kit holds
    assert pyogrio.read_info(KIT / "renewal_units_gbk.shp", encoding="gbk")["features"] == len(TRUTH.RENEWAL)


# ---- the same stations as an old Excel 97-2003 workbook (.xls) ------------------------------
def test_xls_positions_within_a_metre_and_coverage(tmp_path, square):
    xls = KIT / "stations_old.xls"
    assert xls.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE2 (BIFF) file, not a zip
    out = tmp_path / "st.gpkg"
    res = run("import", xls, "--kind", "charging_stations", "-o", out, "--source-crs", "gcj02")
    assert res.exit_code == 0, res.output
    assert "read sheet '充电站' (4 rows)" in res.output and "mapped 经度 → lon" in res.output
    got = gpd.read_file(out)
    for (name, (x, y), piles), geom, gname, gpiles in zip(TRUTH.STATIONS_XLSX, got.to_crs(4326).geometry,
                                                          got["name_zh"], got["piles"]):
        lon, lat = TO_WGS.transform(x, y)
        assert GEOD.inv(lon, lat, geom.x, geom.y)[2] < 1.0
        assert gname == name and gpiles == piles
    cov = run("coverage", "charging", "--units", square, "--facilities", xls, "--source-crs", "gcj02",
              "--radius-m", 900, "--json")
    assert cov.exit_code == 0, cov.output
    assert json.loads(cov.stdout)["overall"]["covered_m2"] == pytest.approx(4 * math.pi * 900**2, rel=COVER_REL)


def test_xls_that_is_not_a_workbook_is_a_clear_error(tmp_path):
    fake = tmp_path / "stations.xls"
    fake.write_text("<html><body>saved web page</body></html>", encoding="utf-8")
    res = run("validate", fake, "--kind", "charging_stations", "--source-crs", "gcj02")
    assert res.exit_code == 1 and "cannot be opened as an Excel workbook" in res.output
    assert "Traceback" not in res.output


# ---- yearly investment columns in Chinese -> the 100亿元 renewal-investment target ---------------
def test_renewal_yearly_investment_counts_in_its_year(tmp_path):
    gpkg = KIT / "renewal_yearly.gpkg"
    res = run("target", "--sites", gpkg, "--json")
    assert res.exit_code == 0, res.output
    for said in ("mapped 2015年投资(万元) → investment_2015_100m_cny (the year's investment, 亿元)",
                 "converted 2014年投资(万元) from 万元 to 亿元 (× 0.0001)",
                 "converted 计容建筑面积(万㎡) from 万㎡ to m² (× 10000)"):
        assert said in res.stderr
    t = {r["id"]: r for r in json.loads(res.stdout)["targets"]}["renewal_investment"]
    # hand sums of the kit's 万元 columns / 10,000: 2015 = 12.0 + 9.5 + 3.05; 2014 = 8.0 + 5.0
    assert t["achieved"] == pytest.approx(sum(r[6] for r in TRUTH.RENEWAL_YEARLY) / 1e4) == pytest.approx(24.55)
    assert t["target"] == 100
    assert t["before_period"] == pytest.approx(sum(r[5] or 0 for r in TRUTH.RENEWAL_YEARLY) / 1e4) == pytest.approx(13.0)
    out = tmp_path / "sites.gpkg"
    assert run("import", gpkg, "--kind", "renewal_sites", "-o", out).exit_code == 0
    sites = gpd.read_file(out).set_index("id")
    for rid, _, _, (x0, y0, w, h), gfa, inv14, inv15, _ in TRUTH.RENEWAL_YEARLY:
        assert sites.loc[rid, "investment_2015_100m_cny"] == pytest.approx(inv15 / 1e4)
        assert sites.loc[rid, "gfa_new_m2"] == pytest.approx(gfa * 1e4)
        assert sites.loc[rid, "area_m2"] == pytest.approx(_geod_area_4547(shapely.box(x0, y0, x0 + w, y0 + h)), rel=1e-4)


# ---- a DXF with fills (HATCH) ---------------------------------------------------------------------
def test_dxf_hatch_zones_through_the_local_grid(project, tmp_path):
    assert run("--config", project, "crs", "fit", KIT / "control_points.csv", "--name", "kit").exit_code == 0
    zones = tmp_path / "zones.gpkg"
    res = run("--config", project, "import", KIT / "zones_hatch.dxf", "--kind", "units", "-o", zones,
              "--source-crs", "local:kit", "--layer", "分区")
    assert res.exit_code == 0, res.output
    [west_hatch] = [h for h in ezdxf.readfile(KIT / "zones_hatch.dxf").modelspace().query("HATCH")
                    if len(h.paths) == 1]
    assert f"HATCH handle {west_hatch.dxf.handle} fills LWPOLYLINE handle" in res.output  # read once
    got = gpd.read_file(zones).set_index("name_zh")
    assert sorted(got.index) == sorted(z[0] for z in TRUTH.ZONES)
    px, py, pw, ph = TRUTH.POND
    pond = shapely.box(px, py, px + pw, py + ph)
    for name, (x0, y0, x1, y1) in TRUTH.ZONES:
        truth = shapely.box(x0, y0, x1, y1)
        if name == "北区":
            truth = truth.difference(pond)  # the island is a hole
        assert got.loc[name, "area_m2"] == pytest.approx(_geod_area_4547(truth), rel=1e-4)
        assert got.loc[name, "area_m2"] == pytest.approx(truth.area, rel=1e-4)
    assert got.loc["北区", "area_m2"] == pytest.approx(6000 * 2500 - 400 * 300, rel=1e-4)
