"""``--field`` (and the config's ``[fields.<kind>]`` / ``[values.<field>]``) on every command
that reads a file: coverage --units / --residential / --water, access, site, target --zones.

Expected numbers are hand-computed: boxes of known size, a circle of radius r inside one
box (π r², buffers of 64 segments per quarter circle are 0.01 % short), hand-counted grids.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from conftest import FUTIAN_X, FUTIAN_Y, ROOT, box_layer
from test_network import X0, Y0, grid_lines

from futiangis.cli.main import cli

ESC_ID = "u1\x1b[2J\x1b[32mOK"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _project(tmp_path: Path, extra: str = "") -> Path:
    """A copy of the project config with extra TOML appended (never the repo's)."""
    text = (ROOT / "futiangis.toml").read_text(encoding="utf-8")
    text = text.replace('layers = "layers"', f'layers = "{(ROOT / "layers").as_posix()}"', 1)
    path = tmp_path / "futiangis.toml"
    path.write_text(text + "\n" + extra, encoding="utf-8")
    return path


def _units_chinese(tmp_path, ids=("west", "east")) -> Path:
    """Two 1 x 2 km units whose id column has a name futiangis does not know (单元代码)."""
    units = box_layer([(-1000, -1000, 1000, 2000), (0, -1000, 1000, 2000)], ids=list(ids))
    units = units.rename(columns={"id": "单元代码"})
    path = tmp_path / "units_cn.gpkg"
    units.to_file(path, engine="pyogrio")
    return path


def _chargers(tmp_path, xy=((-500, 0),), status=None) -> Path:
    cols = {"id": [f"c{i}" for i in range(len(xy))], "piles": [4] * len(xy)}
    if status is not None:
        cols["status"] = list(status)
    gdf = gpd.GeoDataFrame(cols, geometry=[shapely.Point(FUTIAN_X + x, FUTIAN_Y + y) for x, y in xy],
                           crs=4547)
    path = tmp_path / "chargers.gpkg"
    gdf.to_file(path, engine="pyogrio")
    return path


# ---- coverage ---------------------------------------------------------------------------------
def test_coverage_units_field_scoped_to_the_units_file(tmp_path):
    res = run("coverage", "charging", "--units", _units_chinese(tmp_path), "--facilities",
              _chargers(tmp_path), "--radius-m", 300, "--field", "units.id=单元代码", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data["units"]) == {"west", "east"}
    # one 300 m circle wholly inside the west unit (1 km x 2 km = 2 km²)
    assert data["units"]["west"]["covered_m2"] == pytest.approx(math.pi * 300 ** 2, rel=5e-4)
    assert data["units"]["west"]["total_m2"] == pytest.approx(2_000_000)
    assert "mapped 单元代码 → id (--field)" in res.stderr


def test_coverage_unscoped_field_goes_to_the_file_that_has_the_column(tmp_path):
    # the facilities file has no 单元代码: the rule is for the units file only, said once
    res = run("coverage", "charging", "--units", _units_chinese(tmp_path), "--facilities",
              _chargers(tmp_path), "--radius-m", 300, "--field", "id=单元代码", "--json")
    assert res.exit_code == 0, res.output
    assert set(json.loads(res.stdout)["units"]) == {"west", "east"}
    assert res.stderr.count("mapped 单元代码 → id (--field)") == 1
    assert "units_cn.gpkg" in res.stderr.split("mapped 单元代码")[0].splitlines()[-1]


def test_coverage_field_that_fits_no_file_is_an_error_naming_the_files(tmp_path):
    res = run("coverage", "charging", "--units", _units_chinese(tmp_path), "--facilities",
              _chargers(tmp_path), "--field", "units.id=单元代码", "--field", "piles=桩数合计")
    assert res.exit_code == 1
    assert "'piles=桩数合计'" in res.output and "no file read by this command" in res.output
    assert "--units" in res.output and "--facilities" in res.output
    assert "Traceback" not in res.output


def test_coverage_scoped_field_for_an_input_not_given_or_unknown(tmp_path):
    res = run("coverage", "charging", "--facilities", _chargers(tmp_path), "--field", "water.id=编码")
    assert res.exit_code == 1 and "no --water file is given" in res.output
    res = run("coverage", "charging", "--facilities", _chargers(tmp_path), "--field", "sites.id=编码")
    assert res.exit_code == 1 and "no input 'sites'" in res.output and "units" in res.output


def test_coverage_units_field_from_the_config(tmp_path):
    cfg = _project(tmp_path, '[fields.units]\nid = "单元代码"\n')
    res = run("--config", cfg, "coverage", "charging", "--units", _units_chinese(tmp_path),
              "--facilities", _chargers(tmp_path), "--radius-m", 300, "--json")
    assert res.exit_code == 0, res.output
    assert set(json.loads(res.stdout)["units"]) == {"west", "east"}
    assert "mapped 单元代码 → id ([fields.units])" in res.stderr


def test_coverage_residential_field_and_values_table(tmp_path):
    # residential land: 1 km² in the west unit, its id under 地块号; the project's own word
    # 已投运 for a completed station comes from [values.status]
    res_land = box_layer([(-1000, -1000, 1000, 1000)], ids=["r1"]).rename(columns={"id": "地块号"})
    res_path = tmp_path / "res.gpkg"
    res_land.to_file(res_path, engine="pyogrio")
    cfg = _project(tmp_path, '[values.status]\n"已投运" = "completed"\n')
    fac = _chargers(tmp_path, xy=((-500, -500), (500, 0)), status=["已投运", "规划"])
    res = run("--config", cfg, "coverage", "charging", "--units", _units_chinese(tmp_path),
              "--facilities", fac, "--residential", res_path, "--radius-m", 300,
              "--field", "units.id=单元代码", "--field", "residential.id=地块号", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["denominator"] == "residential land"
    assert data["units"]["west"]["total_m2"] == pytest.approx(1_000_000)
    # current scenario: only the completed (已投运) station counts; its circle is inside r1
    assert data["units"]["west"]["covered_m2"] == pytest.approx(math.pi * 300 ** 2, rel=5e-4)
    assert data["scenarios"]["current"]["facilities"] == 1
    assert data["scenarios"]["planned"]["facilities"] == 2
    assert "mapped 地块号 → id (--field)" in res.stderr
    assert "status: 已投运 → completed (1), 规划 → planned (1)" in res.stderr


# ---- access -----------------------------------------------------------------------------------
@pytest.fixture
def grid(tmp_path):
    net = tmp_path / "streets.gpkg"
    grid_lines().to_file(net, engine="pyogrio")
    fac = gpd.GeoDataFrame({"站点编号": ["A"], "piles": [4]}, geometry=[shapely.Point(X0 + 100, Y0 + 100)],
                           crs=4547)
    fac_path = tmp_path / "stations.gpkg"
    fac.to_file(fac_path, engine="pyogrio")
    units = gpd.GeoDataFrame({"单元代码": [ESC_ID]}, geometry=[shapely.box(X0 - 100, Y0 - 100, X0 + 600, Y0 + 600)],
                             crs=4547)
    units_path = tmp_path / "units.gpkg"
    units.to_file(units_path, engine="pyogrio")
    return net, fac_path, units_path


def test_access_field_on_units_and_escaped_ids(grid):
    net, fac, units = grid
    res = run("access", "charging", "--network", net, "--facilities", fac, "--units", units,
              "--max-m", "10000", "--trim-m", "50", "--field", "units.id=单元代码")
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output
    assert "u1\\x1b[2J\\x1b[32mOK" in res.output  # the unit's id, shown escaped
    assert "mapped 单元代码 → id (--field)" in res.output
    assert "mapped 站点编号 → id" in res.output  # built-in spelling on the facilities file
    js = run("access", "charging", "--network", net, "--facilities", fac, "--units", units,
             "--max-m", "10000", "--trim-m", "50", "--field", "units.id=单元代码", "--json")
    doc = json.loads(js.stdout)
    assert doc[0]["units"][0]["id"] == ESC_ID
    assert doc[0]["units"][0]["total_m2"] == pytest.approx(700 * 700)  # hand count: 700 m square


def test_access_field_fitting_no_file_is_an_error(grid):
    net, fac, units = grid
    res = run("access", "charging", "--network", net, "--facilities", fac, "--units", units,
              "--field", "id=编码")
    assert res.exit_code == 1 and "no file read by this command" in res.output


# ---- site -------------------------------------------------------------------------------------
def test_site_field_on_candidates_and_escaped_ids(tmp_path):
    cands = gpd.GeoDataFrame({"候选代码": ["k\x1b[31m1", "k2"]},
                             geometry=[shapely.Point(FUTIAN_X, FUTIAN_Y), shapely.Point(FUTIAN_X + 800, FUTIAN_Y)],
                             crs=4547)
    path = tmp_path / "cands.gpkg"
    cands.to_file(path, engine="pyogrio")
    res = run("site", "charging", "--add", 2, "--no-existing", "--candidates", path, "--field", "candidates.id=候选代码",
              "--json")
    assert res.exit_code == 0, res.output
    assert set(json.loads(res.stdout)["selected"]) == {"k\x1b[31m1", "k2"}
    text = run("site", "charging", "--add", 2, "--no-existing", "--candidates", path,
               "--field", "candidates.id=候选代码")
    assert text.exit_code == 0, text.output
    assert "\x1b" not in text.output and "k\\x1b[31m1" in text.output
    assert "mapped 候选代码 → id (--field)" in text.output


def test_site_out_force_replaces_a_foreign_folder_but_never_the_layers(tmp_path):
    cands = gpd.GeoDataFrame({"id": ["k1"]}, geometry=[shapely.Point(FUTIAN_X, FUTIAN_Y)], crs=4547)
    path = tmp_path / "cands.gpkg"
    cands.to_file(path, engine="pyogrio")
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep")
    refused = run("site", "charging", "--add", 1, "--candidates", path, "--out", foreign)
    assert refused.exit_code == 1 and "--force" in refused.output
    assert (foreign / "mine.txt").read_text() == "keep"
    res = run("site", "charging", "--add", 1, "--candidates", path, "--out", foreign, "--force")
    assert res.exit_code == 0, res.output
    assert not (foreign / "mine.txt").exists() and (foreign / "sites.gpkg").exists()
    assert (foreign / ".futiangis-output").exists()
    before = sorted(p.name for p in (ROOT / "layers").iterdir())
    protected = run("site", "charging", "--add", 1, "--candidates", path, "--out", ROOT / "layers", "--force")
    assert protected.exit_code == 1 and "never replaces" in protected.output
    assert sorted(p.name for p in (ROOT / "layers").iterdir()) == before


# ---- target --zones -------------------------------------------------------------------------
def test_target_sites_field_scoped(tmp_path):
    # two completed renewal sites with 计容面积 in 万㎡ under an unknown header (更新面积)
    sites = box_layer([(0, 0, 100, 100), (300, 0, 100, 100)], ids=["s1", "s2"],
                      name_zh=["甲", "乙"], status=["completed", "completed"], year=[2015, 2015],
                      更新面积=[3.0, 4.5])
    path = tmp_path / "sites.gpkg"
    sites.to_file(path, engine="pyogrio")
    res = run("target", "--sites", path, "--field", "sites.gfa_new_m2=更新面积:万㎡", "--json")
    assert res.exit_code == 0, res.output
    t = {r["id"]: r for r in json.loads(res.stdout)["targets"]}["industrial_space"]
    assert t["achieved"] == pytest.approx(75_000.0)  # (3.0 + 4.5) 万㎡
