"""Field and value mapping (issue 11): every rule of futiangis.fields, and its use at the door."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from futiangis import schemas as S
from futiangis.errors import ConfigError, LayerValidationError
from futiangis.fields import (
    derive_year,
    fill_names,
    map_fields,
    map_values,
    parse_field_rule,
    parse_field_rules,
)
from futiangis.load import load_layer

from conftest import FUTIAN_X, FUTIAN_Y

SITES = S.get_schema("renewal_sites")
STATIONS = S.get_schema("charging_stations")


def _frame(**columns) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values())))
    geoms = [shapely.box(FUTIAN_X + 200 * i, FUTIAN_Y, FUTIAN_X + 200 * i + 100, FUTIAN_Y + 100) for i in range(n)]
    return gpd.GeoDataFrame(columns, geometry=geoms, crs=4547)


# ---- parsing --field -------------------------------------------------------------------------
def test_parse_field_rule_with_and_without_unit():
    assert parse_field_rule("name_zh=项目名称").source == "项目名称"
    rule = parse_field_rule("gfa_new_m2=计容面积:万㎡")
    assert (rule.target, rule.source, rule.unit) == ("gfa_new_m2", "计容面积", "万㎡")
    assert parse_field_rule("investment_100m_cny=投资:万元").unit == "万元"


@pytest.mark.parametrize("text", ["name_zh", "=名称", "name_zh="])
def test_parse_field_rule_refuses_malformed(text):
    with pytest.raises(ConfigError, match="TARGET=SOURCE"):
        parse_field_rule(text)


def test_unknown_unit_is_refused_with_the_choices():
    with pytest.raises(ConfigError, match="unknown unit 'furlong'.*万㎡"):
        parse_field_rule("gfa_new_m2=面积:furlong")


def test_option_overrides_config():
    rules = parse_field_rules(["name_zh=B"], {"name_zh": "A", "status": "阶段"}, kind="renewal_sites")
    assert rules["name_zh"].source == "B" and rules["name_zh"].origin == "--field"
    assert rules["status"].source == "阶段" and rules["status"].origin == "[fields.renewal_sites]"


# ---- built-in recognition -------------------------------------------------------------------
@pytest.mark.parametrize("column, target", [
    ("名称", S.NAME_ZH), ("更新单元名称", S.NAME_ZH), ("英文名", S.NAME_EN), ("状态", S.STATUS),
    ("容积率", S.PLOT_RATIO), ("FAR", S.PLOT_RATIO), ("计容建筑面积", S.GFA_NEW_M2),
    ("新增产业用房面积", S.GFA_NEW_M2), ("投资额", S.INVESTMENT_100M_CNY), ("编号", S.ID),
    ("拆除用地面积", S.DEMOLITION_AREA_M2), ("批准时间", S.APPROVED_DATE), ("竣工时间", S.COMPLETED_DATE),
])
def test_builtin_spellings_are_recognised_and_said(column, target):
    out, notes, _ = map_fields(_frame(**{column: ["1"]}), SITES)
    assert target in out.columns and column not in out.columns
    assert f"mapped {column} → {target}" in notes


def test_name_by_content_chinese_or_english():
    zh, notes, _ = map_fields(_frame(name=["福田站"]), STATIONS)
    assert zh["name_zh"].tolist() == ["福田站"] and "mapped name → name_zh" in notes
    en, notes, _ = map_fields(_frame(NAME=["Futian"]), STATIONS)
    assert en["name_en"].tolist() == ["Futian"] and "mapped NAME → name_en" in notes


def test_exact_target_column_is_kept_and_nothing_else_renamed():
    out, notes, _ = map_fields(_frame(name_zh=["甲"], 名称=["乙"]), STATIONS)
    assert out["name_zh"].tolist() == ["甲"] and "名称" in out.columns and notes == []


def test_ambiguous_columns_are_an_error_listing_both():
    with pytest.raises(LayerValidationError, match=r"2 columns could be name_zh: 名称, 站点名称.*--field name_zh="):
        map_fields(_frame(名称=["甲"], 站点名称=["乙"]), STATIONS)


def test_earlier_tier_wins_and_the_other_is_named():
    out, notes, _ = map_fields(_frame(新增产业用房面积=["10"], 计容建筑面积=["30"], 状态=["规划"]), SITES)
    assert out[S.GFA_NEW_M2].tolist() == ["10"] and "计容建筑面积" in out.columns
    assert any("mapped 新增产业用房面积 → gfa_new_m2 (计容建筑面积 also present" in n for n in notes)


def test_explicit_field_beats_builtin_and_keeps_the_files_own_column():
    frame = _frame(id=["1"], 项目编号=["FT-01"])
    out, notes, _ = map_fields(frame, SITES, parse_field_rules(["id=项目编号"]))
    assert out["id"].tolist() == ["FT-01"] and out["id_file"].tolist() == ["1"]
    assert "mapped 项目编号 → id (--field)" in notes


def test_explicit_source_missing_lists_columns():
    with pytest.raises(LayerValidationError, match=r"no column '名'.*columns present: 名称"):
        map_fields(_frame(名称=["甲"]), STATIONS, parse_field_rules(["name_zh=名"]))


def test_explicit_unknown_target_lists_fields():
    with pytest.raises(LayerValidationError, match=r"has no field 'height'.*piles"):
        map_fields(_frame(名称=["甲"]), STATIONS, parse_field_rules(["height=名称"]))


# ---- units ---------------------------------------------------------------------------------
@pytest.mark.parametrize("rule, raw, expected", [
    ("gfa_new_m2=计容面积:万㎡", "2.5", 25_000.0),
    ("gfa_new_m2=计容面积:ha", "1.2", 12_000.0),
    ("gfa_new_m2=计容面积:亩", "15", 10_000.0),
    ("gfa_new_m2=计容面积:km2", "0.01", 10_000.0),
    ("investment_100m_cny=投资:万元", "35000", 3.5),
    ("investment_100m_cny=投资:元", "250000000", 2.5),
])
def test_units_in_the_mapping_are_converted(rule, raw, expected):
    out, notes, _ = map_fields(_frame(计容面积=[raw], 投资=[raw]), SITES, parse_field_rules([rule]))
    target = rule.split("=")[0]
    assert out[target].iloc[0] == pytest.approx(expected)
    assert any(n.startswith("converted ") for n in notes)


def test_unit_in_the_header_is_converted():
    out, notes, _ = map_fields(_frame(**{"计容建筑面积（万㎡）": ["3"], "投资额(万元)": ["20000"]}), SITES)
    assert out[S.GFA_NEW_M2].iloc[0] == pytest.approx(30_000.0)
    assert out[S.INVESTMENT_100M_CNY].iloc[0] == pytest.approx(2.0)


def test_conversion_keeps_text_for_validation_to_name():
    out, _, _ = map_fields(_frame(计容面积=["2", "about 3"]), SITES, parse_field_rules(["gfa_new_m2=计容面积:万㎡"]))
    assert out[S.GFA_NEW_M2].tolist() == [20_000.0, "about 3"]


def test_unit_on_a_field_without_units_is_refused():
    with pytest.raises(ConfigError, match="takes no unit"):
        map_fields(_frame(名称=["x"]), SITES, {"name_zh": parse_field_rule("name_zh=名称")}.copy()
                   | {"status": type(parse_field_rule("status=名称"))("status", "名称", "ha")})


def test_shapefile_cut_names_are_recognised_with_a_warning():
    out, _, warnings = map_fields(_frame(investment=["1"], industrial=["0.5"]), SITES)
    assert {S.INVESTMENT_100M_CNY, S.INDUSTRIAL_SHARE} <= set(out.columns)
    assert [w.code for w in warnings] == ["truncated_field_name"]


# ---- values ---------------------------------------------------------------------------------
@pytest.mark.parametrize("word, status", [
    ("规划", "planned"), ("拟建", "planned"), ("计划", "planned"),
    ("已批", "approved"), ("已立项", "approved"), ("已审批", "approved"), ("已获批", "approved"),
    ("在建", "under_construction"), ("施工中", "under_construction"), ("已开工", "under_construction"),
    ("建成", "completed"), ("已建成", "completed"), ("竣工", "completed"), ("已竣工", "completed"),
    ("完成", "completed"), ("existing", "completed"), ("运营", "completed"), ("Existing ", "completed"),
    ("Under construction", "under_construction"),
])
def test_status_vocabulary(word, status):
    out, notes = map_values(_frame(status=[word]), SITES)
    assert out["status"].tolist() == [status]
    assert notes == [f"status: {word} → {status} (1)"] or word == status


def test_status_counts_are_said_once():
    _, notes = map_values(_frame(status=["已批", "已批", "在建", "planned"]), SITES)
    assert notes == ["status: 已批 → approved (2), 在建 → under_construction (1)"]


@pytest.mark.parametrize("word, value", [("是", True), ("否", False), ("Y", True), ("无", False)])
def test_boolean_words(word, value):
    out, _ = map_values(_frame(illustrative=[word]), SITES)
    assert out["illustrative"].tolist() == [value]


def test_direction_and_use_vocabulary():
    zones = S.get_schema("cbd_zones")
    out, _ = map_values(_frame(direction=["东扩", "中心区", "北展"]), zones)
    assert out["direction"].tolist() == ["east", "core", "north"]
    out, _ = map_values(_frame(use=["产业", "办公"]), SITES)
    assert out["use"].tolist() == ["industrial", "office"]


def test_config_values_table_wins_and_is_checked():
    out, _ = map_values(_frame(status=["已签约", "规划"]), SITES, {"status": {"已签约": "approved"}})
    assert out["status"].tolist() == ["approved", "planned"]
    with pytest.raises(ConfigError, match=r"\[values.status\] 已签约 = 'signed'"):
        map_values(_frame(status=["已签约"]), SITES, {"status": {"已签约": "signed"}})


def test_unknown_values_listed_once_with_counts(tmp_path, config):
    layer = _frame(id=["a", "b", "c", "d"], status=["暂缓", "暂缓", "暂缓", "取消"], gfa_new_m2=[1.0] * 4)
    path = tmp_path / "sites.gpkg"
    layer.to_file(path)
    with pytest.raises(LayerValidationError) as info:
        load_layer(path, "renewal_sites", config=config)
    unknown = [p for p in info.value.problems if p.code == "unknown_value"]
    assert len(unknown) == 2
    assert "value '暂缓' is not one of planned" in unknown[0].message
    assert "(3 features: a, b, c)" in unknown[0].message
    assert '[values.status] "暂缓" = "planned"' in unknown[0].message


# ---- derived and fallback -------------------------------------------------------------------
def test_year_from_dates_by_status():
    frame = _frame(status=["completed", "approved", "planned"],
                   completed_date=["2014年6月", None, None], approved_date=["2012-03-01", "2013/5", "2016"])
    out, notes = derive_year(frame, SITES)
    assert out["year"].tolist()[:2] == [2014.0, 2013.0] and np.isnan(out["year"].iloc[2])
    assert "2 of 3 features" in notes[0]


def test_names_fall_back_once_per_field():
    frame = _frame(id=["s1", "s2"], name_zh=["福田站", None])
    out, warnings = fill_names(frame, STATIONS)
    assert out["name_en"].tolist() == ["福田站", "s2"] and out["name_zh"].tolist() == ["福田站", "s2"]
    assert [w.field for w in warnings] == ["name_zh", "name_en"]
    assert "1 of 2 features have no name_zh; shown with 1 from the id" in warnings[0].message
    assert "2 of 2 features have no name_en; shown with 1 from name_zh and 1 from the id" in warnings[1].message


# ---- through the door -----------------------------------------------------------------------
def test_minimal_station_csv_loads(tmp_path, config):
    csv = tmp_path / "s.csv"
    csv.write_text("id,name,lon,lat\nc1,市民中心站,114.0579,22.5431\nc2,会展站,114.0550,22.5330\n",
                   encoding="utf-8")
    prepared = load_layer(csv, "charging_stations", config=config, source_crs="wgs84")
    gdf = prepared.gdf
    assert gdf["name_zh"].tolist() == ["市民中心站", "会展站"] and gdf["name_en"].tolist() == gdf["name_zh"].tolist()
    assert gdf["piles"].isna().all()
    assert "mapped name → name_zh" in prepared.notes
    assert {w.code for w in prepared.warnings} == {"name_fallback", "unknown_quantity"}


def test_config_fields_table_applies(tmp_path):
    from futiangis.config import load_config
    from conftest import ROOT

    text = (ROOT / "futiangis.toml").read_text(encoding="utf-8")
    text = text.replace("[paths]\nlayers = \"layers\"", f"[paths]\nlayers = \"{ROOT / 'layers'}\"")
    text += '\n[fields.charging_stations]\nname_zh = "站"\npiles = "快充桩"\n'
    cfg_path = tmp_path / "futiangis.toml"
    cfg_path.write_text(text, encoding="utf-8")
    cfg = load_config(cfg_path)
    csv = tmp_path / "s.csv"
    csv.write_text("站,快充桩,经度,纬度\n福田站,6,114.0579,22.5431\n", encoding="utf-8")
    prepared = load_layer(csv, "charging_stations", config=cfg, source_crs="wgs84")
    assert prepared.gdf["piles"].tolist() == [6] and prepared.gdf["name_zh"].tolist() == ["福田站"]
    assert "mapped 站 → name_zh ([fields.charging_stations])" in prepared.notes
    assert "mapped 经度 → lon" in prepared.notes


def test_lon_lat_columns_by_option(tmp_path, config):
    csv = tmp_path / "s.csv"
    csv.write_text("id,east,north\nc1,114.0579,22.5431\n", encoding="utf-8")
    prepared = load_layer(csv, "charging_stations", config=config, source_crs="wgs84",
                          fields=["lon=east", "lat=north"])
    assert prepared.gdf.to_crs(4326).geometry.iloc[0].x == pytest.approx(114.0579)
    assert "mapped east → lon (--field)" in prepared.notes


def test_renewal_table_with_chinese_columns(tmp_path, config):
    frame = _frame(项目编号=["FT1", "FT2"], 更新单元名称=["车公庙片区", "八卦岭片区"],
                   项目名称=["车公庙项目", "八卦岭项目"], 状态=["已批", "竣工"],
                   **{"计容建筑面积(万㎡)": [5.0, 3.0], "投资额(万元)": [150_000.0, 80_000.0]},
                   竣工时间=[None, "2014-12"], 批准时间=["2013-05", "2011-01"])
    path = tmp_path / "units.gpkg"
    frame.to_file(path)
    prepared = load_layer(path, "renewal_sites", config=config)
    gdf = prepared.gdf
    assert gdf["id"].tolist() == ["FT1", "FT2"]
    assert gdf["name_zh"].tolist() == ["车公庙片区", "八卦岭片区"] and "项目名称" in gdf.columns
    assert gdf["status"].tolist() == ["approved", "completed"]
    assert gdf["gfa_new_m2"].tolist() == pytest.approx([50_000.0, 30_000.0])
    assert gdf["investment_100m_cny"].tolist() == pytest.approx([15.0, 8.0])
    assert gdf["year"].tolist() == [2013, 2014]
    assert pd.isna(gdf["plot_ratio"]).all()


def test_unknown_count_shown_as_unknown_in_popups():
    from futiangis.render.popups import format_value

    assert format_value(None, "count", "zh") != "" and "未知" in format_value(float("nan"), "count", "zh")
    assert "unknown" in format_value(None, "count", "en")
    assert format_value(12.0, "count", "zh") == "12"
    assert format_value(None, "int", "zh") == ""  # other kinds unchanged
