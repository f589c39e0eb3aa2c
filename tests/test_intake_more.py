"""Issue 11 leftovers: a shapefile output published as one set, NUL and control characters in
GeoPackage / shapefile values, HATCH fills in a DXF, yearly investment columns in Chinese.

Expected values are worked out by hand (box areas, π r², 万元 / 10⁴ = 亿元) or from the
file's own bytes, never from futiangis's output.
"""
from __future__ import annotations

import json
import os
import sqlite3

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from conftest import box_layer

import futiangis.io.outputs as outputs
from futiangis import schemas as S
from futiangis.cli.main import cli
from futiangis.errors import LayerValidationError, OutputError
from futiangis.fields import map_fields, yearly_target
from futiangis.load import load_layer
from futiangis.schemas import get_schema

PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


# ---- a shapefile output is one set ---------------------------------------------------------
def _layer(n=3):
    return box_layer([(i * 200, 0, 100, 100) for i in range(n)], ids=[f"u{i}" for i in range(n)],
                     name_zh=[f"单元{i}" for i in range(n)])


def _failing_replace(fail_on: str, real=os.replace):
    """os.replace that fails once, when a new part ``fail_on`` is renamed into place."""
    state = {"failed": False}

    def replace(src, dst, *a, **k):
        if (not state["failed"] and str(dst).endswith(fail_on) and "futiangis-staging" in str(src)
                and "previous" not in str(src)):
            state["failed"] = True
            raise OSError(28, "No space left on device")
        return real(src, dst, *a, **k)
    return replace


@pytest.mark.parametrize("fail_on", [".dbf", ".cpg", ".shp"])
def test_failed_shapefile_write_keeps_the_previous_set_byte_identical(tmp_path, monkeypatch, fail_on):
    out = tmp_path / "units.shp"
    outputs.write_layer(_layer(2), out)
    before = {p: out.with_suffix(p).read_bytes() for p in PARTS}
    monkeypatch.setattr(outputs.os, "replace", _failing_replace(fail_on))
    with pytest.raises(OutputError, match="disk full"):
        outputs.write_layer(_layer(5), out, overwrite=True)
    monkeypatch.undo()
    assert {p: out.with_suffix(p).read_bytes() for p in PARTS} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"units{p}" for p in PARTS)  # nothing loose
    assert len(gpd.read_file(out)) == 2


def test_failed_first_shapefile_write_leaves_no_part(tmp_path, monkeypatch):
    out = tmp_path / "new.shp"
    monkeypatch.setattr(outputs.os, "replace", _failing_replace(".prj"))
    with pytest.raises(OutputError):
        outputs.write_layer(_layer(2), out)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_shapefile_overwrite_replaces_every_part_and_drops_stale_ones(tmp_path):
    out = tmp_path / "units.shp"
    outputs.write_layer(_layer(2), out)
    (tmp_path / "units.qix").write_bytes(b"not ours")  # not a part futiangis writes: kept
    outputs.write_layer(_layer(4), out, overwrite=True)
    assert len(gpd.read_file(out)) == 4
    assert out.with_suffix(".cpg").read_text() == "UTF-8"
    assert (tmp_path / "units.qix").read_bytes() == b"not ours"


# ---- NUL and control characters in GeoPackage / shapefile values ----------------------------
def _gpkg_with_nul(path):
    g = box_layer([(0, 0, 100, 100), (200, 0, 100, 100)], ids=["a", "b"], name_zh=["一", "二"])
    g.to_file(path, layer="units", engine="pyogrio")
    con = sqlite3.connect(path)
    for fn in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):  # GeoPackage triggers
        con.create_function(fn, 1, lambda g: 0)
    con.execute("UPDATE units SET name_zh = '甲' || char(0) || '乙' WHERE id = 'b'")
    con.commit()
    con.close()


def test_nul_inside_a_geopackage_value_is_named(tmp_path):
    path = tmp_path / "u.gpkg"
    _gpkg_with_nul(path)
    assert gpd.read_file(path)["name_zh"].tolist() == ["一", "甲"]  # what GDAL alone gives: cut
    res = run("validate", path, "--kind", "units")
    assert res.exit_code == 1
    assert "feature b: field 'name_zh'" in res.output and "NUL character" in res.output


def test_nul_inside_a_shapefile_value_is_named_but_nul_padding_is_not(tmp_path):
    path = tmp_path / "u.shp"
    g = box_layer([(0, 0, 100, 100), (200, 0, 100, 100)], ids=["a", "b"], name_zh=["AB", "CD"])
    g.to_file(path, engine="pyogrio", encoding="UTF-8")
    dbf = bytearray(path.with_suffix(".dbf").read_bytes())
    at = dbf.find(b"CD")
    dbf[at + 1] = 0  # "C\x00" then spaces: cut inside the value? no: only padding follows
    path.with_suffix(".dbf").write_bytes(bytes(dbf))
    assert run("validate", path, "--kind", "units").exit_code == 0
    dbf[at + 1:at + 3] = b"\x00D"  # "C\x00D": the D would be lost
    path.with_suffix(".dbf").write_bytes(bytes(dbf))
    res = run("validate", path, "--kind", "units")
    assert res.exit_code == 1
    assert "feature b: field 'name_zh'" in res.output and "NUL character" in res.output


def test_control_characters_in_a_geopackage_value_are_a_warning_shown_escaped(tmp_path):
    path = tmp_path / "u.gpkg"
    box_layer([(0, 0, 100, 100)], ids=["a"], name_zh=["红\x1b[31m色\x07"]).to_file(path, engine="pyogrio")
    res = run("validate", path, "--kind", "units")
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output and "\x07" not in res.output
    assert "[warning]" in res.output and "field 'name_zh'" in res.output
    assert "U+0007, U+001B" in res.output


# ---- DXF HATCH ---------------------------------------------------------------------------------
def _hatch_dxf(path, *, with_outline=True, hole=True):
    import ezdxf

    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    doc.layers.add("绿地")
    x0, y0 = 505_000.0, 2_493_000.0
    ring = [(x0, y0), (x0 + 300, y0), (x0 + 300, y0 + 200), (x0, y0 + 200)]
    if with_outline:
        msp.add_lwpolyline(ring, close=True, dxfattribs={"layer": "绿地"})
    h = msp.add_hatch(dxfattribs={"layer": "绿地"})
    h.paths.add_polyline_path(ring, is_closed=True, flags=ezdxf.const.BOUNDARY_PATH_EXTERNAL)
    if hole:
        h.paths.add_polyline_path([(x0 + 50, y0 + 50), (x0 + 150, y0 + 50), (x0 + 150, y0 + 100),
                                   (x0 + 50, y0 + 100)], is_closed=True,
                                  flags=ezdxf.const.BOUNDARY_PATH_OUTERMOST)
    doc.saveas(path)
    return h.dxf.handle


def test_hatch_is_read_as_a_polygon_with_its_island_as_a_hole(tmp_path, config):
    path = tmp_path / "fill.dxf"
    handle = _hatch_dxf(path, with_outline=False)
    prepared = load_layer(path, "generic", config=config, source_crs="EPSG:4547")
    [geom] = prepared.gdf.geometry
    assert geom.area == pytest.approx(300 * 200 - 100 * 50)
    assert prepared.gdf["cad_entity"].tolist() == ["HATCH"] and prepared.gdf["id"].tolist() == [handle]
    assert any("HATCH fill(s) as polygons" in n for n in prepared.notes)


def test_hatch_filling_an_outline_is_read_once(tmp_path, config):
    path = tmp_path / "fill.dxf"
    handle = _hatch_dxf(path, with_outline=True, hole=False)
    prepared = load_layer(path, "generic", config=config, source_crs="EPSG:4547")
    assert prepared.gdf["cad_entity"].tolist() == ["LWPOLYLINE"]
    assert prepared.gdf.geometry.iloc[0].area == pytest.approx(60_000)
    assert any(f"HATCH handle {handle} fills LWPOLYLINE handle" in n for n in prepared.notes)


# ---- yearly investment columns -----------------------------------------------------------------
@pytest.mark.parametrize("column, target", [
    ("2015年投资", "investment_2015_100m_cny"), ("2015年投资额", "investment_2015_100m_cny"),
    ("2014年度投资额(万元)", "investment_2014_100m_cny"), ("2015年计划投资（亿元）", "investment_2015_100m_cny"),
    ("2016年完成投资", "investment_2016_100m_cny"), ("investment_2015", "investment_2015_100m_cny"),
    ("投资额", None), ("年度投资额", None), ("2015年", None),
])
def test_yearly_investment_spellings(column, target):
    assert yearly_target(column) == target


def _sites(**columns):
    return box_layer([(0, 0, 100, 100), (200, 0, 100, 100)], ids=["s1", "s2"], status=["completed"] * 2,
                     gfa_new_m2=[1.0, 2.0], **columns)


def test_yearly_columns_mapped_with_units_converted_and_said():
    frame = _sites(**{"2014年投资(万元)": [5_000.0, None], "2015年投资(万元)": [12_000.0, 30_500.0]})
    out, notes, _ = map_fields(frame, get_schema("renewal_sites"))
    assert out["investment_2014_100m_cny"].tolist()[0] == pytest.approx(0.5)
    assert out["investment_2015_100m_cny"].tolist() == pytest.approx([1.2, 3.05])
    assert "mapped 2015年投资(万元) → investment_2015_100m_cny (the year's investment, 亿元)" in notes
    assert "converted 2015年投资(万元) from 万元 to 亿元 (× 0.0001)" in notes


def test_yearly_column_without_unit_is_read_as_yi_and_said():
    out, notes, _ = map_fields(_sites(**{"2015年投资": [1.5, 2.0]}), get_schema("renewal_sites"))
    assert out["investment_2015_100m_cny"].tolist() == [1.5, 2.0]
    assert any("read as 亿元; if it is 万元 say --field investment_2015_100m_cny=2015年投资:万元" in n for n in notes)


def test_yearly_column_unit_by_field_option():
    from futiangis.fields import parse_field_rules

    rules = parse_field_rules(["investment_2015_100m_cny=2015年投资:万元"])
    out, notes, _ = map_fields(_sites(**{"2015年投资": [15_000.0, 2_500.0]}), get_schema("renewal_sites"), rules)
    assert out["investment_2015_100m_cny"].tolist() == pytest.approx([1.5, 0.25])


def test_two_columns_for_one_year_are_ambiguous():
    with pytest.raises(LayerValidationError, match="2 columns could be investment_2015_100m_cny"):
        map_fields(_sites(**{"2015年投资": [1.0, 2.0], "2015年投资额": [1.0, 2.0]}), get_schema("renewal_sites"))


def test_yearly_text_is_an_error_naming_the_site():
    with pytest.raises(LayerValidationError, match=r"feature s2.*'约三亿' is not an amount"):
        map_fields(_sites(**{"2015年投资": ["1.0", "约三亿"]}), get_schema("renewal_sites"))


def test_year_table_column_with_chinese_punctuation_and_unit():
    frame = _sites(**{"年度投资额(万元)": ["2014：5000；2015：12000", '{"2015": 30500}']})
    out, notes, _ = map_fields(frame, get_schema("renewal_sites"))
    assert json.loads(out[S.INVESTMENT_BY_YEAR].iloc[0]) == pytest.approx({"2014": 0.5, "2015": 1.2})
    assert json.loads(out[S.INVESTMENT_BY_YEAR].iloc[1]) == pytest.approx({"2015": 3.05})
    assert "mapped 年度投资额(万元) → investment_by_year" in notes


# ---- every built-in rule -------------------------------------------------------------------------
from futiangis.fields import FIELD_ALIASES, VALUE_VOCABULARY, coordinate_rules  # noqa: E402

_KIND_OF = {S.PILES: "charging_stations", S.DOCKS: "bike_stations", S.DIRECTION: "cbd_zones",
            S.PARK_CLASS: "parks", S.ROUTE_TYPE: "slow_routes"}


@pytest.mark.parametrize("target, spelling", [
    (t, a) for t, tiers in FIELD_ALIASES.items() if t not in ("lon", "lat") for tier in tiers for a in tier])
def test_every_builtin_spelling_maps_alone_to_its_field(target, spelling):
    schema = get_schema(_KIND_OF.get(target, "renewal_sites"))
    if target not in {f.name for f in schema.fields}:
        pytest.skip(f"{target} is not a field of {schema.kind}")
    frame = box_layer([(0, 0, 10, 10)], ids=["a"]).drop(columns=["id"]).assign(**{spelling: ["1"]})
    out, notes, _ = map_fields(frame, schema)
    assert target in out.columns and f"mapped {spelling} → {target}" in notes


@pytest.mark.parametrize("lon, lat", [("经度", "纬度"), ("lon", "lat"), ("lng", "lat"), ("longitude", "latitude"),
                                      ("x", "y"), ("POINT_X", "POINT_Y"), ("X坐标", "Y坐标"), ("LON", "LAT")])
def test_issue_coordinate_spellings(lon, lat):
    assert coordinate_rules(["名称", lon, lat], {})[:2] == (lon, lat)


@pytest.mark.parametrize("field, word", [(f, w) for f, vocab in VALUE_VOCABULARY.items() for w in vocab])
def test_every_vocabulary_word_is_translated(field, word):
    from futiangis.fields import map_values

    schema = get_schema(_KIND_OF.get(field, "renewal_sites"))
    if field not in {f.name for f in schema.fields}:
        pytest.skip(f"{field} is not a field of {schema.kind}")
    spec = next(f for f in schema.fields if f.name == field)
    out, _ = map_values(pd.DataFrame({field: [word]}), schema)
    assert out[field].iloc[0] in spec.allowed


# ---- crs fit reads the planner's own column names too ------------------------------------------
def test_crs_fit_with_chinese_column_names(tmp_path):
    from conftest import ROOT

    kit = ROOT / "tests" / "data" / "kit" / "control_points.csv"
    lines = kit.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,local_x,local_y,x,y"
    points = tmp_path / "控制点.csv"
    points.write_text("\n".join(["点号,本地X,本地Y,X2000,Y2000", *lines[1:]]) + "\n", encoding="gbk")
    text = (ROOT / "futiangis.toml").read_text(encoding="utf-8")
    project = tmp_path / "futiangis.toml"
    project.write_text(text.replace('layers = "layers"', f'layers = "{(ROOT / "layers").as_posix()}"', 1),
                       encoding="utf-8")
    refused = run("--config", project, "crs", "fit", points, "--name", "kit", "--encoding", "gbk")
    assert refused.exit_code == 1 and "missing local_x" in refused.output
    res = run("--config", project, "crs", "fit", points, "--name", "kit", "--encoding", "gbk",
              "--field", "local_x=本地X", "--field", "local_y=本地Y", "--field", "x=X2000",
              "--field", "y=Y2000", "--field", "id=点号", "--json")
    assert res.exit_code == 0, res.output
    fit = json.loads(res.stdout)
    assert fit["scale"] == pytest.approx(0.99998765, abs=1e-9)  # the kit's invented grid
    assert fit["rotation_deg"] == pytest.approx(1.2345, abs=1e-7)
    assert [r["id"] for r in fit["residuals"]] == ["P1", "P2", "P3", "P4", "P5"]
    assert "mapped 本地X → local_x (--field)" in res.stderr
    bad = run("--config", project, "crs", "fit", points, "--name", "kit2", "--encoding", "gbk",
              "--field", "local_z=本地X")
    assert bad.exit_code == 1 and "no 'local_z'" in bad.output


def test_nul_inside_a_zipped_shapefile_value_is_named(tmp_path):
    import zipfile

    shp = tmp_path / "u.shp"
    box_layer([(0, 0, 100, 100), (200, 0, 100, 100)], ids=["a", "b"], name_zh=["AB", "CD"]).to_file(
        shp, engine="pyogrio", encoding="UTF-8")
    dbf = bytearray(shp.with_suffix(".dbf").read_bytes())
    at = dbf.find(b"CD")
    dbf[at + 1:at + 3] = b"\x00D"
    shp.with_suffix(".dbf").write_bytes(bytes(dbf))
    archive = tmp_path / "units.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            zf.write(shp.with_suffix(part), f"units/u{part}")
    res = run("validate", archive, "--kind", "units")
    assert res.exit_code == 1
    assert "feature b: field 'name_zh'" in res.output and "NUL character" in res.output
