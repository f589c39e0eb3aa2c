"""``futiangis build`` end to end: a hand-built project, atomic publishing, the CLI, and
the shipped layers (the README's main job).

The hand-built project is a 2 km × 2 km district of four 1 km² units in EPSG:4547 with
one charging station at its centre: the 900 m service circle (π·900² = 2,544,690 m²)
lies wholly inside, so the district and every unit are 63.6 % covered; one completed
renewal site with 100,000 m² new GFA is 10.0 % of the 1,000,000 m² target.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import fiona
import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from conftest import FUTIAN_X, FUTIAN_Y, ROOT, box_layer
from futiangis.build import MAPS_README, build_maps
from futiangis.cli.main import cli
from futiangis.config import load_config
from futiangis.errors import LayerValidationError
from futiangis.io.outputs import MARKER_TEXT, OUTPUT_MARKER
from futiangis.render.offline import external_references

HOSTILE = "<img src=x onerror=alert(1)>"
PAGES = ("overview", "cbd_renewal", "parks", "slow_bike", "charging", "siting")


def _meta(kind: str, accuracy: str = "digitized") -> str:
    return (f'kind = "{kind}"\nfile = "{kind}.geojson"\ntitle_zh = "测试 {kind}"\ntitle_en = "Test {kind}"\n'
            f'source = "hand-built for tests/test_build.py"\nlicence = "CC0-1.0"\ncrs = "EPSG:4326"\n'
            f'accuracy_class = "{accuracy}"\naccuracy_m = 10\ndate = "2026-11-26"\n')


def _write(layers_dir: Path, kind: str, gdf: gpd.GeoDataFrame, accuracy: str = "digitized") -> None:
    gdf.to_crs(4326).to_file(layers_dir / f"{kind}.geojson", driver="GeoJSON", engine="pyogrio")
    (layers_dir / f"{kind}.meta.toml").write_text(_meta(kind, accuracy), encoding="utf-8")


def make_project(root: Path, *, bad_status: bool = False, themes: bool = True) -> Path:
    """A config + layers folder under ``root``; returns the config path."""
    layers = root / "layers"
    layers.mkdir(parents=True)
    _write(layers, "district", box_layer([(0, 0, 2000, 2000)], ids=["d"], name_zh=["测试区"], name_en=["Test district"]))
    _write(layers, "units", box_layer(
        [(0, 0, 1000, 1000), (1000, 0, 1000, 1000), (0, 1000, 1000, 1000), (1000, 1000, 1000, 1000)],
        ids=["u1", "u2", "u3", "u4"], name_zh=[HOSTILE, "单元二", "单元三", "单元四"],
        name_en=["Unit 1", "Unit 2", "Unit 3", "Unit 4"]))
    centre = shapely.Point(FUTIAN_X + 1000, FUTIAN_Y + 1000)
    _write(layers, "charging_stations", gpd.GeoDataFrame(
        {"id": ["c1"], "name_zh": ["中心充电站"], "name_en": ["Centre station"], "piles": [12]},
        geometry=[centre], crs=4547), "open data")
    if themes:
        _write(layers, "cbd_zones", box_layer(
            [(0, 0, 1000, 2000), (1000, 0, 1000, 2000)], ids=["zone_core", "zone_east"],
            name_zh=["核心区", "东扩区"], name_en=["Core", "East"], direction=["core", "east"]), "illustrative")
        _write(layers, "renewal_sites", box_layer(
            [(100, 100, 100, 100), (1200, 200, 200, 100)], ids=["s1", "s2"],
            name_zh=["更新单元一", HOSTILE], name_en=["Site 1", "Site 2"],
            status=["completed", "demolished" if bad_status else "planned"], year=[2015, 2017],
            plot_ratio=[5.0, 4.0], gfa_new_m2=[100_000.0, 20_000.0], investment_100m_cny=[5.0, 1.0],
            illustrative=[True, True], accuracy_class=["illustrative", "illustrative"]), "illustrative")
        _write(layers, "parks", box_layer(
            [(1200, 1200, 300, 300)], ids=["p1"], name_zh=["测试公园"], name_en=["Test park"],
            status=["completed"], year=[2010], park_class=["community"]), "illustrative")
        _write(layers, "slow_routes", gpd.GeoDataFrame(
            {"id": ["r1"], "name_zh": ["测试绿道"], "name_en": ["Test greenway"], "status": ["completed"],
             "year": [2012], "route_type": ["greenway"]},
            geometry=[shapely.LineString([(FUTIAN_X + 100, FUTIAN_Y + 500), (FUTIAN_X + 1900, FUTIAN_Y + 500)])],
            crs=4547), "illustrative")
        _write(layers, "bike_stations", gpd.GeoDataFrame(
            {"id": ["b1", "b2"], "name_zh": ["站一", "站二"], "name_en": ["B1", "B2"], "status": ["completed"] * 2,
             "year": [2013, 2014], "docks": [20, 30]},
            geometry=[shapely.Point(FUTIAN_X + 500, FUTIAN_Y + 500), shapely.Point(FUTIAN_X + 1500, FUTIAN_Y + 1500)],
            crs=4547), "illustrative")
    text = (ROOT / "futiangis.toml").read_text(encoding="utf-8")
    config_path = root / "futiangis.toml"
    config_path.write_text(text, encoding="utf-8")  # paths are relative: layers/ and maps/ beside it
    return config_path


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    config = load_config(make_project(root))
    result = build_maps(config, out_dir=root / "out", offline=True, basemap="none", static=False)
    return root, config, result


def test_build_writes_every_page_and_index(project):
    root, _, result = project
    out = root / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{k}.html" for k in PAGES] + ["index.html", "build.json", "README.md", "data", "reports",
                                        OUTPUT_MARKER])
    assert [p["key"] for p in result.pages] == list(PAGES)
    index = (out / "index.html").read_text(encoding="utf-8")
    for key in PAGES:
        assert f'href="{key}.html"' in index
    assert (out / "README.md").read_text(encoding="utf-8") == MAPS_README
    summary = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert summary["offline"] is True and summary["basemap"] == "none"


def test_build_writes_the_numbers_behind_the_maps(project):
    import pandas as pd
    from openpyxl import load_workbook

    root, _, _ = project
    out = root / "out"
    # one 900 m circle wholly inside the 2 km square, centred on the four units' corner; the
    # 0.9 km rule applies within its scope, the core zone (the west half, x < 1000: units u1, u3):
    # u1 and u3 each hold a quarter of it, π·900²/4 = 636,173 m² (the 256-gon is 0.01 % less);
    # u2 and u4 have no land in the scope (coverage n/a)
    table = pd.read_csv(out / "data" / "coverage_by_unit.csv", encoding="utf-8-sig")
    assert list(table["id"]) == ["u1", "u2", "u3", "u4"]
    q = math.pi * 900**2 / 4
    assert table["charging_covered_m2"].to_numpy() == pytest.approx([q, 0.0, q, 0.0], rel=2e-4, abs=1e-6)
    cov = table["charging_coverage"].to_numpy()
    assert cov[[0, 2]] == pytest.approx([math.pi * 0.81 / 4] * 2, rel=2e-4)
    assert np.isnan(cov[[1, 3]]).all()
    gaps = gpd.read_file(out / "data" / "charging_gaps.gpkg")
    assert gaps.crs.to_epsg() == 4547
    assert gaps.area.sum() == pytest.approx(2_000_000 - 2 * q, rel=2e-4)
    targets = pd.read_csv(out / "reports" / "targets" / "targets.csv", encoding="utf-8-sig").set_index("id")
    assert targets.loc["industrial_space", "achieved"] == pytest.approx(100_000)
    sheet = load_workbook(out / "reports" / "targets" / "target_report.xlsx").sheetnames
    assert "targets" in sheet
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="data/charging_gaps.gpkg"' in index and 'href="reports/targets/target_report.xlsx"' in index


def test_index_shows_target_and_coverage_numbers(project):
    root, _, _ = project
    index = (root / "out" / "index.html").read_text(encoding="utf-8")
    # one site completed in 2015 (the target period) with 100,000 m² new GFA against 1,000,000 m²
    assert "10.00 万㎡" in index and "100.00 万㎡" in index  # achieved, goal
    assert "10.0 %" in index
    # verdict and margin: 100,000 - 1,000,000 m² = -900,000 m² = -90 万㎡
    assert "未达标" in index and "−90.00 万㎡" in index
    # charging: half the 900 m circle in the 2 km² core: (pi * 900^2 / 2) / 2e6 = 63.6 %; the two
    # core units (1 km² each) hold a quarter each: (pi * 900^2 / 4) / 1e6 = 63.6 % too
    expected = math.pi * 900 ** 2 / 2 / 2_000_000
    assert f"{100 * expected:.1f} %" == "63.6 %"
    assert index.count("63.6 %") >= 1 + 2  # district panel + u1 and u3 (u2, u4: outside the scope)
    assert "示意数据" in index and "illustrative" in index.lower()


def test_cbd_page_has_target_panel(project):
    root, _, _ = project
    page = (root / "out" / "cbd_renewal.html").read_text(encoding="utf-8")
    assert "目标进度" in page and "ft-bar" in page


def test_every_page_offline_and_escaped(project):
    root, _, _ = project
    for key in PAGES + ("index",):
        html = (root / "out" / f"{key}.html").read_text(encoding="utf-8")
        assert external_references(html) == [], key
        assert "<img src=x" not in html and "\\u003cimg src=x" not in html, key
    overview = (root / "out" / "overview.html").read_text(encoding="utf-8")
    # present, escaped for HTML (and its & escaped again inside the page's JSON)
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in overview


def test_layer_counts_match_the_files(project):
    root, _, result = project
    pages = {p["key"]: p for p in result.pages}
    for kind in ("units", "charging_stations", "renewal_sites", "parks", "slow_routes", "bike_stations"):
        with fiona.open(root / "layers" / f"{kind}.geojson") as src:
            n = len(src)
        assert pages["overview"]["layers"][kind]["features"] == n, kind


def test_failed_build_keeps_previous_maps(tmp_path):
    config = load_config(make_project(tmp_path, bad_status=True))
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.html").write_text("old maps", encoding="utf-8")
    (out / OUTPUT_MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # a previous build
    with pytest.raises(LayerValidationError, match="renewal_sites"):
        build_maps(config, out_dir=out, static=False)
    assert sorted(p.name for p in out.iterdir()) == [OUTPUT_MARKER, "previous.html"]
    assert (out / "previous.html").read_text(encoding="utf-8") == "old maps"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]  # no staging left


def test_successful_build_replaces_folder_and_maps_without_theme_layers(tmp_path):
    config = load_config(make_project(tmp_path, themes=False))
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.html").write_text("stale", encoding="utf-8")
    (out / OUTPUT_MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # a previous build
    result = build_maps(config, out_dir=out, static=True, basemap="none")
    names = {p.name for p in out.iterdir()}
    assert "stale.html" not in names
    assert {f"{k}.png" for k in PAGES} <= names
    assert (out / "overview.png").read_bytes()[:4] == b"\x89PNG"
    assert any("parks" in n and "not shipped" in n for n in result.notes)
    # no absolute path of this machine in any note, the index or build.json
    for text in result.notes + [(out / "index.html").read_text(encoding="utf-8"),
                                (out / "build.json").read_text(encoding="utf-8")]:
        assert str(tmp_path) not in text
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)


def test_cli_build_and_bad_basemap(tmp_path, monkeypatch):
    config_path = make_project(tmp_path)
    runner = CliRunner()
    res = runner.invoke(cli, ["--config", str(config_path), "build", "--out", str(tmp_path / "m"),
                              "--offline", "--basemap", "none", "--no-png", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "Wrote 6 maps" in res.output
    overview = (tmp_path / "m" / "overview.html").read_text(encoding="utf-8")
    assert "Futian planning overview · 福田区规划总览" in overview  # English first
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    res = runner.invoke(cli, ["--config", str(config_path), "build", "--out", str(tmp_path / "t"),
                              "--basemap", "tianditu", "--no-png"])
    assert res.exit_code == 1
    assert "TIANDITU_KEY" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "t").exists()


def test_gaode_build_notes_the_shift(tmp_path):
    config = load_config(make_project(tmp_path, themes=False))
    build_maps(config, out_dir=tmp_path / "g", basemap="gaode", static=False)
    page = (tmp_path / "g" / "charging.html").read_text(encoding="utf-8")
    assert "GCJ-02" in page and "autonavi" in page.lower()


def test_shipped_layers_build(tmp_path, config):
    """The README's main job: `futiangis build` from the shipped layers."""
    result = build_maps(config, out_dir=tmp_path / "maps", static=False)
    # the shipped arterial_network adds the life-circle page (issue 14); pages follow their
    # registered order: life circles (60) before siting (70)
    assert [p["key"] for p in result.pages] == [*PAGES[:-1], "lifecircle", "siting"]
    page = (tmp_path / "maps" / "lifecircle.html").read_text(encoding="utf-8")
    for key in ("charging_network", "charging_circles", "metro_gaps", "reach_count_15"):
        assert f'"{key}"' in page, key
    assert "derived, coarse" in page and "GB 50180-2018" in page
    for name, rows in (("lifecircle_by_unit", 54), ("lifecircle_by_subdistrict", 10)):
        table = (tmp_path / "maps" / "data" / f"{name}.csv").read_text(encoding="utf-8-sig")
        assert "reached_15min" in table and len(table.strip().splitlines()) == rows + 1
    counts = result.pages[0]["layers"]
    for kind in ("units", "charging_stations"):
        with fiona.open(config.layers_dir / f"{kind}.geojson") as src:
            assert counts[kind]["features"] == len(src)
    index = (tmp_path / "maps" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"拓展产业空间", index)
    # coverage by 街道 as well as by traffic zone: the 10 shipped subdistricts, each share ≤ 1,
    # and the sum of their covered land ≤ the land of the 10 polygons
    import pandas as pd

    by_jd = pd.read_csv(tmp_path / "maps" / "data" / "coverage_by_subdistrict.csv", encoding="utf-8-sig")
    with fiona.open(config.layers_dir / "subdistricts.geojson") as src:
        assert sorted(by_jd["id"]) == sorted(f["properties"]["id"] for f in src)
    assert by_jd["parks_coverage"].between(0, 1).all()
    assert set(by_jd["parks_verdict"]) <= {"met", "not met"}
    assert (tmp_path / "maps" / "reports" / "targets" / "by_subdistricts.csv").exists()
