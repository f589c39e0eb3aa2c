"""Target accounting on hand-built sites and zones whose answers are worked out by hand.

Zones A and B are 1 km × 1 km boxes side by side; sites are boxes measured in EPSG:4547.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from conftest import box_layer
from futiangis.errors import ConfigError, LayerValidationError
from futiangis.load import load_layer
from futiangis.targets import (
    TARGET_COLUMNS,
    parse_as_of,
    parse_targets,
    status_at,
)
from futiangis.project import run_target_accounting
from futiangis.targets.timeline import read_milestones


def zones():
    return box_layer([(0, 0, 1000, 1000), (1000, 0, 1000, 1000)], ids=["zA", "zB"],
                     direction=["east", "south"], name_zh=["东扩区", "南拓区"])


def sites(boxes, ids, **over):
    n = len(boxes)
    cols = dict(status=["completed"] * n, year=[2015] * n, plot_ratio=[4.0] * n,
                industrial_share=[1.0] * n, gfa_new_m2=[1000.0] * n, investment_100m_cny=[1.0] * n)
    cols.update(over)
    return box_layer(boxes, ids=ids, **cols)


def target_row(result, tid):
    return result.targets.set_index("id").loc[tid]


# ---------------------------------------------------------------------------------------
# targets as data
# ---------------------------------------------------------------------------------------
def test_shipped_config_holds_the_plan_targets(config):
    targets = {t.id: t for t in config.targets}
    assert targets["industrial_space"].target == 1_000_000
    assert targets["renewal_industrial_space"].target == 600_000
    assert targets["renewal_investment"].target == 100
    assert targets["renewal_investment"].unit == "100m_cny"
    assert targets["industrial_space"].deadline == dt.date(2015, 12, 31)
    assert targets["industrial_space"].layers == ("renewal_sites",)
    for t in targets.values():  # the plan's three are goals for 2015
        assert (t.start, t.end, t.counts) == (dt.date(2015, 1, 1), dt.date(2015, 12, 31), "completed")
    assert targets["renewal_industrial_space"].supply_types == ("urban_renewal",)
    assert targets["renewal_investment"].supply_types == ("urban_renewal",)
    assert "new_land" in targets["industrial_space"].supply_types


def _with_targets(config, items):
    return dataclasses.replace(config, targets=parse_targets(items))


GOOD = dict(id="t", name_zh="目标", name_en="T", target=10, unit="m2", measure="gfa_new_m2",
            layers=["renewal_sites"], start="2015-01-01", end="2015-12-31")


@pytest.mark.parametrize("change, match", [
    ({"target": -5}, "must be a positive number"),
    ({"target": "lots"}, "not a number"),
    ({"unit": "mu"}, "unit = 'mu' is not one of"),
    ({"end": "end of 2015"}, "not a date"),
    ({"layers": []}, "layers is empty"),
    ({"start": "2016-01-01"}, "ends .* before it starts"),
    ({"counts": "started"}, "counts = 'started' is not a milestone"),
    ({"supply_types": ["renewal"]}, "supply_types"),
])
def test_bad_targets_are_config_errors(config, change, match):
    with pytest.raises(ConfigError, match=match):
        _with_targets(config, [{**GOOD, **change}])


def test_missing_key_and_duplicate_id(config):
    item = dict(GOOD)
    del item["measure"]
    with pytest.raises(ConfigError, match="missing key.*measure"):
        _with_targets(config, [item])
    with pytest.raises(ConfigError, match="duplicate target id 't'"):
        _with_targets(config, [GOOD, GOOD])
    with pytest.raises(ConfigError, match="no \\[\\[targets\\]\\]"):
        _with_targets(config, [])


def test_planner_added_target_is_evaluated(config):
    cfg = _with_targets(config, [GOOD, {**GOOD, "id": "small", "target": 500}])
    res = run_target_accounting(cfg, sites=sites([(0, 0, 100, 100)], ["s1"]), zones=zones())
    assert list(res.targets["id"]) == ["t", "small"]
    assert target_row(res, "small")["progress"] == pytest.approx(200.0)  # 1000 / 500
    assert target_row(res, "small")["shortfall"] == 0.0


def test_unknown_measure_and_unaccounted_layer(config):
    with pytest.raises(ConfigError, match="measure 'jobs' is not a column"):
        run_target_accounting(_with_targets(config, [{**GOOD, "measure": "jobs"}]),
                              sites=sites([(0, 0, 100, 100)], ["s1"]), zones=zones())
    cfg = _with_targets(config, [{**GOOD, "layers": ["renewal_sites", "industrial_parks"]}])
    res = run_target_accounting(cfg, sites=sites([(0, 0, 100, 100)], ["s1"]), zones=zones())
    assert any(p.code == "layer_not_accounted" and "industrial_parks" in p.message for p in res.warnings)
    assert target_row(res, "t")["achieved"] == 1000.0


# ---------------------------------------------------------------------------------------
# the accounting rules
# ---------------------------------------------------------------------------------------
def test_target_table_columns_and_values(config):
    s = sites([(0, 0, 100, 100), (200, 0, 100, 100), (400, 0, 100, 100), (600, 0, 100, 100)],
              ["c", "u", "a", "p"],
              status=["completed", "under_construction", "approved", "planned"],
              gfa_new_m2=[100_000.0, 20_000.0, 30_000.0, 40_000.0],
              investment_100m_cny=[10.0, 2.0, 3.0, 4.0],
              investment_by_year=["2014=4; 2015=6", "2015=1.5", None, None])
    res = run_target_accounting(config, sites=s, zones=zones())
    assert tuple(res.targets.columns) == TARGET_COLUMNS
    total = target_row(res, "industrial_space")
    assert (total["achieved"], total["pipeline"], total["proposed"]) == (100_000.0, 50_000.0, 40_000.0)
    assert total["progress"] == pytest.approx(10.0)  # 100,000 of 1,000,000 m²
    assert total["shortfall"] == pytest.approx(900_000.0)
    assert total["margin"] == pytest.approx(-900_000.0)
    assert (total["verdict"], total["verdict_zh"]) == ("not met", "未达标")
    assert total["verdict_text"].startswith("未达标 · not met: 10.00万㎡ of 100.00万㎡ (short by 90.00万㎡) by 2015-12-31")
    assert total["unit"] == "m2"
    assert target_row(res, "renewal_industrial_space")["progress"] == pytest.approx(100_000 / 600_000 * 100)
    inv = target_row(res, "renewal_investment")
    # invested in 2015: 6 (c) + 1.5 (u); 4 of c's was spent in 2014 (before the period);
    # u's unspent 0.5 and a's budget 3 are pipeline; p's 4 proposed
    assert inv["achieved"] == pytest.approx(7.5)
    assert inv["before_period"] == pytest.approx(4.0)
    assert inv["pipeline"] == pytest.approx(3.5)
    assert inv["proposed"] == pytest.approx(4.0)
    assert inv["shortfall"] == pytest.approx(92.5)


def test_total_budget_is_not_a_years_investment(config):
    # a completed site with a 10 亿元 budget and no yearly breakdown: undated, never achieved
    s = sites([(0, 0, 100, 100)], ["nobreak"], investment_100m_cny=[10.0])
    res = run_target_accounting(config, sites=s, zones=zones())
    inv = target_row(res, "renewal_investment")
    assert (inv["achieved"], inv["undated"]) == (0.0, 10.0)
    assert list(res.undated.loc[res.undated["target_id"] == "renewal_investment", "site_id"]) == ["nobreak"]


def test_one_site_timeline_at_five_dates():
    # planned 2012-03-01, approved 2013-06-01, started 2014-01-01, completed 2015-09-30
    m = pd.DataFrame({"planned_date": [dt.date(2012, 3, 1)], "approved_date": [dt.date(2013, 6, 1)],
                      "start_date": [dt.date(2014, 1, 1)], "completed_date": [dt.date(2015, 9, 30)]})
    at = {d: status_at(m, d).iloc[0] for d in (
        dt.date(2012, 2, 29), dt.date(2012, 3, 1), dt.date(2013, 12, 31), dt.date(2015, 9, 29),
        dt.date(2015, 9, 30))}
    assert list(at.values()) == [None, "planned", "approved", "under_construction", "completed"]


def test_site_timeline_in_the_accounting(config):
    one = dict(planned_date=["2012-03-01"], approved_date=["2013-06-01"], start_date=["2014-01-01"],
               completed_date=["2015-09-30"], status=["completed"], year=[np.nan], gfa_new_m2=[7_000.0])
    s = sites([(0, 0, 100, 100)], ["t1"], **one)

    def row(as_of):
        r = target_row(run_target_accounting(config, sites=s, zones=zones(), as_of=as_of), "industrial_space")
        return r["achieved"], r["pipeline"], r["proposed"]

    assert row("2012-01-31") == (0.0, 0.0, 0.0)        # not yet planned: does not exist
    assert row("2012-12-31") == (0.0, 0.0, 7_000.0)    # planned
    assert row("2013-12-31") == (0.0, 7_000.0, 0.0)    # approved
    assert row("2015-06-30") == (0.0, 7_000.0, 0.0)    # under construction
    assert row(None) == (7_000.0, 0.0, 0.0)            # completed 2015-09-30, within 2015


def test_2015_period_leaves_a_2014_completion_out(config):
    s = sites([(0, 0, 100, 100), (200, 0, 100, 100)], ["done14", "done15"],
              completed_date=["2014-11-30", "2015-03-31"], gfa_new_m2=[5_000.0, 2_000.0], year=[np.nan, np.nan])
    res = run_target_accounting(config, sites=s, zones=zones())
    total = target_row(res, "industrial_space")
    assert total["achieved"] == 2_000.0
    assert total["before_period"] == 5_000.0
    assert res.sites.set_index("id").loc["done14", "column_industrial_space"] == "before_period"


def test_approved_counts_as_space_supplied(config):
    cfg = _with_targets(config, [{**GOOD, "id": "supplied", "counts": "approved", "target": 1_000}])
    s = sites([(0, 0, 100, 100)], ["a"], status=["under_construction"], year=[np.nan],
              approved_date=["2015-04-01"], start_date=["2015-10-01"], gfa_new_m2=[3_000.0])
    assert target_row(run_target_accounting(cfg, sites=s, zones=zones()), "supplied")["achieved"] == 3_000.0
    assert target_row(run_target_accounting(config, sites=s, zones=zones()), "industrial_space")["pipeline"] == 3_000.0


def test_new_land_counts_for_the_total_not_the_renewal_part(config):
    s = sites([(0, 0, 100, 100), (200, 0, 100, 100)], ["ren", "land"],
              supply_type=["urban_renewal", "new_land"], gfa_new_m2=[4_000.0, 6_000.0])
    res = run_target_accounting(config, sites=s, zones=zones())
    assert target_row(res, "industrial_space")["achieved"] == 10_000.0
    assert target_row(res, "renewal_industrial_space")["achieved"] == 4_000.0
    assert res.sites.set_index("id").loc["land", "column_renewal_industrial_space"] == "not_counted"


def test_missing_supply_type_is_urban_renewal(config):
    s = sites([(0, 0, 100, 100)], ["r"], supply_type=[None], gfa_new_m2=[4_000.0])
    assert target_row(run_target_accounting(config, sites=s, zones=zones()), "renewal_industrial_space")["achieved"] == 4_000.0


def test_undated_site_keeps_its_status_but_is_never_achieved(config):
    s = sites([(0, 0, 100, 100), (200, 0, 100, 100), (400, 0, 100, 100)], ["c", "a", "p"],
              status=["completed", "approved", "planned"], year=[np.nan] * 3,
              gfa_new_m2=[1_000.0, 200.0, 30.0])
    res = run_target_accounting(config, sites=s, zones=zones())
    total = target_row(res, "industrial_space")
    assert (total["achieved"], total["pipeline"], total["proposed"], total["undated"]) == (0.0, 200.0, 30.0, 1_000.0)
    assert list(res.undated.loc[res.undated["target_id"] == "industrial_space", "site_id"]) == ["c"]


def test_dates_contradicting_the_status_are_reported(config):
    s = sites([(0, 0, 100, 100), (200, 0, 100, 100), (400, 0, 100, 100)], ["order", "beyond", "yr"],
              status=["completed", "planned", "completed"], year=[np.nan, np.nan, 2014],
              approved_date=["2015-05-01", None, None], start_date=["2014-01-01", None, None],
              completed_date=["2015-08-01", "2015-02-01", "2015-06-30"])
    res = run_target_accounting(config, sites=s, zones=zones())
    codes = {(p.code, p.feature_id) for p in res.warnings}
    assert ("dates_out_of_order", "order") in codes           # started before approved
    assert ("dates_contradict_status", "beyond") in codes     # planned, yet a completed_date
    assert ("year_contradicts_date", "yr") in codes           # year 2014 vs completed 2015-06-30
    assert target_row(res, "industrial_space")["achieved"] == 3_000.0  # the dates decide


def test_old_year_is_the_date_of_the_recorded_status(config):
    s = sites([(0, 0, 100, 100)], ["y"], status=["approved"], year=[2016], gfa_new_m2=[500.0])
    m = read_milestones(s)
    assert m["approved_date"].iloc[0] == dt.date(2016, 12, 31)
    # approved only at the end of 2016: at the end of 2015 it does not exist yet
    total = target_row(run_target_accounting(config, sites=s, zones=zones()), "industrial_space")
    assert (total["pipeline"], total["proposed"]) == (0.0, 0.0)


def test_unreadable_date_names_the_site(config):
    s = sites([(0, 0, 100, 100)], ["bad_d"], completed_date=["sometime"])
    with pytest.raises(LayerValidationError, match="feature bad_d: field 'completed_date'.*not a date"):
        run_target_accounting(config, sites=s, zones=zones())


def test_site_straddling_two_zones_belongs_to_the_one_with_most_land(config):
    # 200 m × 100 m site from x = 940: 60 m (30 %) in zA, 140 m (70 %) in zB
    s = sites([(940, 0, 200, 100), (100, 100, 100, 100)], ["straddle", "inA"],
              gfa_new_m2=[40_000.0, 1_000.0], investment_100m_cny=[10.0, 1.0])
    res = run_target_accounting(config, sites=s, zones=zones())
    split = res.splits[res.splits["site_id"] == "straddle"].set_index("zone_id")
    assert split.loc["zA", "land_m2"] == pytest.approx(6_000.0)
    assert split.loc["zB", "land_m2"] == pytest.approx(14_000.0)
    assert (bool(split.loc["zA", "assigned"]), bool(split.loc["zB", "assigned"])) == (False, True)
    by_zone = res.by_zone.set_index("zone_id")
    assert by_zone.loc["zB", "achieved_m2"] == pytest.approx(40_000.0)   # whole, never prorated
    assert by_zone.loc["zA", "achieved_m2"] == pytest.approx(1_000.0)
    assert by_zone["n_sites"].sum() == 2                                 # counts add up to the sites
    assert "unzoned" not in by_zone.index
    by_dir = res.by_direction.set_index("direction")
    assert by_dir.loc["south", "direction_zh"] == "南拓"
    assert by_dir.loc["south", "gfa_counted_m2"] == pytest.approx(40_000.0)
    assert target_row(res, "industrial_space")["achieved"] == pytest.approx(41_000.0)


def test_duplicate_pair_counted_once(config):
    # two records of one 100 m × 100 m site, the second shifted 2 m: mutual overlap 98 % ≥ 95 %
    s = sites([(0, 500, 100, 100), (2, 500, 100, 100)], ["A", "A2"], gfa_new_m2=[20_000.0, 20_000.0],
              investment_100m_cny=[5.0, 5.0], investment_by_year=["2015=5", "2015=5"])
    res = run_target_accounting(config, sites=s, zones=zones())
    assert list(res.duplicates["site_id"]) == ["A2"] and list(res.duplicates["duplicate_of"]) == ["A"]
    assert res.duplicates["overlap_area_m2"].iloc[0] == pytest.approx(9_800.0)
    assert target_row(res, "industrial_space")["achieved"] == 20_000.0
    assert target_row(res, "renewal_investment")["achieved"] == 5.0     # investment once too
    assert res.by_zone["n_sites"].sum() == 1
    assert len(res.overlaps) == 0


def test_equal_names_are_duplicates_wherever_they_lie(config):
    s = sites([(0, 0, 100, 100), (500, 500, 100, 100)], ["x1", "x2"], name_zh=["同名", "同名"],
              gfa_new_m2=[1_000.0, 1_000.0])
    res = run_target_accounting(config, sites=s, zones=zones())
    assert res.duplicates["reason"].tolist() == ["equal names"]
    assert target_row(res, "industrial_space")["achieved"] == 1_000.0


def test_partial_overlap_pair_counted_in_full(config):
    # A and B are 100 m × 100 m, B shifted 50 m east: 5,000 m² shared, 50 % of each (< 95 %)
    s = sites([(0, 500, 100, 100), (50, 500, 100, 100)], ["A", "B"],
              status=["completed", "planned"], gfa_new_m2=[20_000.0, 10_000.0], year=[2015, 2015])
    res = run_target_accounting(config, sites=s, zones=zones())
    assert len(res.duplicates) == 0 and len(res.overlaps) == 1
    pair = res.overlaps.iloc[0]
    assert {pair["site_a"], pair["site_b"]} == {"A", "B"}
    assert pair["overlap_area_m2"] == pytest.approx(5_000.0)
    total = target_row(res, "industrial_space")
    assert (total["achieved"], total["proposed"]) == (20_000.0, 10_000.0)   # 30,000: nothing prorated
    warn = [p for p in res.warnings if p.code == "sites_overlap"]
    assert len(warn) == 1 and "5,000 m²" in warn[0].message and "B" in warn[0].message


def test_missing_gfa_is_estimated_and_flagged(config):
    # 100 m × 100 m = 10,000 m² × plot ratio 3 × industrial share 0.5 = 15,000 m²
    s = sites([(0, 0, 100, 100), (200, 0, 100, 100)], ["est", "rep"],
              plot_ratio=[3.0, 3.0], industrial_share=[0.5, 0.5], gfa_new_m2=[np.nan, 2_000.0])
    res = run_target_accounting(config, sites=s, zones=zones())
    by_id = res.sites.set_index("id")
    assert by_id.loc["est", "land_area_m2"] == pytest.approx(10_000.0)
    assert by_id.loc["est", "gfa_counted_m2"] == pytest.approx(15_000.0)
    assert bool(by_id.loc["est", "gfa_estimated"]) is True
    assert bool(by_id.loc["rep", "gfa_estimated"]) is False
    assert target_row(res, "industrial_space")["achieved"] == pytest.approx(17_000.0)
    status = res.by_status.set_index("status")
    assert status.loc["completed", "gfa_estimated_m2"] == pytest.approx(15_000.0)


def test_site_that_cannot_be_estimated_is_named(config):
    s = sites([(0, 0, 100, 100), (200, 0, 100, 100)], ["noratio", "ok"],
              plot_ratio=[np.nan, 2.0], gfa_new_m2=[np.nan, 500.0])
    res = run_target_accounting(config, sites=s, zones=zones())
    warn = [p for p in res.warnings if p.code == "gfa_not_estimable"]
    assert [p.feature_id for p in warn] == ["noratio"]
    assert "plot_ratio" in warn[0].message
    assert target_row(res, "industrial_space")["achieved"] == pytest.approx(500.0)


def test_bad_as_of():
    with pytest.raises(ConfigError, match="not a date"):
        parse_as_of("soon")
    assert parse_as_of("2015") == dt.date(2015, 12, 31)


def test_site_outside_every_zone_warns_and_counts(config):
    s = sites([(5000, 5000, 100, 100), (0, 0, 100, 100)], ["faraway", "inside"])
    res = run_target_accounting(config, sites=s, zones=zones())
    warn = [p for p in res.warnings if p.code == "site_outside_zones"]
    assert [p.feature_id for p in warn] == ["faraway"]
    by_zone = res.by_zone.set_index("zone_id")
    assert by_zone.loc["unzoned", "achieved_m2"] == pytest.approx(1_000.0)
    assert target_row(res, "industrial_space")["achieved"] == pytest.approx(2_000.0)
    assert res.by_direction.set_index("direction").loc["unzoned", "gfa_counted_m2"] == pytest.approx(1_000.0)


def test_zone_id_mismatch_warns(config):
    s = sites([(1200, 0, 100, 100)], ["s"], zone_id=["zA"])
    res = run_target_accounting(config, sites=s, zones=zones())
    warn = [p for p in res.warnings if p.code == "zone_id_mismatch"]
    assert warn and warn[0].feature_id == "s" and "'zB'" in warn[0].message


def test_by_year_and_by_status(config):
    # a, b completed 2013 / 2014 (before the 2015 period); c planned, undated → proposed
    s = sites([(0, 0, 100, 100), (200, 0, 100, 100), (400, 0, 100, 100)], ["a", "b", "c"],
              status=["completed", "completed", "planned"], year=[2013, 2014, None],
              gfa_new_m2=[1.0, 2.0, 4.0])
    res = run_target_accounting(config, sites=s, zones=zones())
    by_year = res.by_year.set_index("year")
    assert list(by_year.index) == ["2013", "2014", "not delivered"]
    assert by_year["gfa_counted_m2"].tolist() == [1.0, 2.0, 4.0]
    assert by_year["before_period_m2"].tolist() == [1.0, 2.0, 0.0]
    by_status = res.by_status.set_index("status")
    assert list(by_status.index) == ["planned", "approved", "under_construction", "completed", "not_yet"]
    assert by_status.loc["completed", "n_sites"] == 2
    assert by_status.loc["approved", "n_sites"] == 0
    assert by_status.loc["completed", "status_zh"] == "建成"


def test_unknown_status_in_memory_names_the_site(config):
    s = sites([(0, 0, 100, 100)], ["s9"], status=["demolished"])
    with pytest.raises(LayerValidationError, match="feature s9: field 'status'.*demolished"):
        run_target_accounting(config, sites=s, zones=zones())


def test_index_is_kept_and_must_be_unique(config):
    s = sites([(0, 0, 100, 100), (200, 0, 100, 100)], ["a", "b"])
    s.index = [42, 7]
    res = run_target_accounting(config, sites=s, zones=zones())
    assert list(res.sites.index) == [42, 7]
    assert set(res.splits.index) == {42, 7}
    s.index = [1, 1]
    with pytest.raises(LayerValidationError, match="reset_index"):
        run_target_accounting(config, sites=s, zones=zones())


def test_inputs_not_modified(config):
    s = sites([(0, 0, 100, 100)], ["s"], gfa_new_m2=[np.nan])
    before = s.copy()
    run_target_accounting(config, sites=s, zones=zones())
    assert list(s.columns) == list(before.columns)
    assert s["gfa_new_m2"].isna().all()


# ---------------------------------------------------------------------------------------
# bad input through the door (load_layer): errors name the site
# ---------------------------------------------------------------------------------------
def _site_file(tmp_path, **over):
    s = sites([(0, 0, 100, 100), (200, 0, 100, 100)], ["good_1", "bad_7"],
              name_zh=["甲", "乙"], name_en=["A", "B"], **over)
    path = tmp_path / "sites.geojson"
    s.to_crs(4326).to_file(path, driver="GeoJSON")
    return path


def test_negative_gfa_rejected_naming_site(config, tmp_path):
    path = _site_file(tmp_path, gfa_new_m2=[100.0, -50.0])
    with pytest.raises(LayerValidationError, match="feature bad_7: field 'gfa_new_m2'.*negative"):
        load_layer(path, "renewal_sites", config=config)


def test_unknown_status_rejected_naming_site(config, tmp_path):
    path = _site_file(tmp_path, status=["completed", "finished"])
    with pytest.raises(LayerValidationError, match="feature bad_7: field 'status'.*'finished'"):
        load_layer(path, "renewal_sites", config=config)


# ---------------------------------------------------------------------------------------
# shipped (illustrative) layers
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped(config):
    return run_target_accounting(config)


def _shipped_raw(config):
    import geopandas as gpd
    return gpd.read_file(config.layers_dir / "renewal_sites.geojson")


def test_shipped_result_is_consistent(config, shipped):
    res = shipped
    assert res.illustrative is True
    total = target_row(res, "industrial_space")
    # every breakdown adds up to the district total of the five columns
    all_gfa = sum(total[c] for c in ("achieved", "pipeline", "proposed", "before_period", "undated"))
    assert res.by_zone["gfa_counted_m2"].sum() == pytest.approx(all_gfa)
    assert res.by_direction["gfa_counted_m2"].sum() == pytest.approx(all_gfa)
    assert res.by_status["gfa_counted_m2"].sum() == pytest.approx(all_gfa)
    assert res.by_year["achieved_m2"].sum() == pytest.approx(total["achieved"])
    assert res.by_zone["n_sites"].sum() == len(res.sites) - len(res.duplicates)
    # independent: achieved = GFA of the sites whose completed_date falls in 2015, read from
    # the file itself; the renewal part leaves the three non-renewal sites out
    raw = _shipped_raw(config)
    done15 = raw[raw["completed_date"].astype(str).str.startswith("2015")]
    assert total["achieved"] == pytest.approx(done15["gfa_new_m2"].sum())
    renewal = done15[done15["supply_type"] == "urban_renewal"]
    ren = target_row(res, "renewal_industrial_space")
    assert ren["achieved"] == pytest.approx(renewal["gfa_new_m2"].sum())
    assert ren["achieved"] < total["achieved"]
    # investment: the 2015 amounts of the renewal sites' yearly tables
    inv15 = 0.0
    for text, kind in zip(raw["investment_by_year"], raw["supply_type"]):
        if isinstance(text, str) and kind == "urban_renewal":
            inv15 += sum(float(v) for y, v in (p.split("=") for p in text.split(";")) if y.strip() == "2015")
    assert target_row(res, "renewal_investment")["achieved"] == pytest.approx(inv15)


def test_shipped_overlap_and_estimates(shipped):
    res = shipped
    pairs = {frozenset((r.site_a, r.site_b)) for r in res.overlaps.itertuples()}
    assert frozenset(("ren_e_c", "ren_e_d")) in pairs  # overlapping on purpose (layer notes)
    assert res.overlaps["overlap_area_m2"].gt(0).all()
    assert len(res.duplicates) == 0
    assert int(res.sites["gfa_estimated"].sum()) == 4  # 4 null gfa_new_m2 on purpose
    # ren_e_c is first planned 2016-09-15 (after 2015): at the end of 2015 it does not exist yet
    by_id = res.sites.set_index("id")
    assert by_id.loc["ren_e_c", "column_industrial_space"] == "not_yet"


def test_shipped_land_area_matches_geodesic(config, shipped):
    geod = Geod(ellps="GRS80")  # CGCS2000 ellipsoid ≈ GRS80
    wgs = shipped.sites.to_crs(4326)
    for geom, planar in zip(wgs.geometry[:5], shipped.sites["land_area_m2"][:5]):
        geodesic = abs(geod.geometry_area_perimeter(geom)[0])
        assert planar == pytest.approx(geodesic, rel=2e-4)
