"""``futiangis target`` and ``futiangis stats`` through click's CliRunner."""
from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import box_layer
from futiangis.cli.main import cli
from futiangis.project import run_target_accounting

KEYS = {"id", "name_zh", "name_en", "target", "achieved", "pipeline", "proposed", "before_period",
        "undated", "progress", "shortfall", "unit", "start", "end", "evaluated_at", "verdict"}


@pytest.fixture
def runner():
    return CliRunner()


def _write(gdf, path):
    gdf.to_crs(4326).to_file(path, driver="GeoJSON")
    return str(path)


@pytest.fixture
def hand_files(tmp_path):
    zones = box_layer([(0, 0, 1000, 1000), (1000, 0, 1000, 1000)], ids=["zA", "zB"],
                      name_zh=["东扩区", "南拓区"], name_en=["East", "South"], direction=["east", "south"])
    sites = box_layer(
        [(940, 0, 200, 100), (0, 500, 100, 100), (300, 300, 100, 100)],
        ids=["straddle", "late", "early"],
        name_zh=["跨界", "晚", "早"], name_en=["a", "b", "c"],
        status=["completed", "completed", "approved"], year=[2012, 2015, 2013],
        plot_ratio=[4.0, 2.0, 2.0], industrial_share=[1.0, 1.0, 1.0],
        gfa_new_m2=[40_000.0, 1_000.0, 500.0], investment_100m_cny=[1.0, 2.0, 3.0],
    )
    return _write(sites, tmp_path / "sites.geojson"), _write(zones, tmp_path / "zones.geojson"), tmp_path


def _targets(output):
    return {t["id"]: t for t in json.loads(output)["targets"]}


def test_target_json_on_shipped_layers(runner, config):
    res = runner.invoke(cli, ["target", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["illustrative"] is True
    assert [t["id"] for t in payload["targets"]] == [
        "industrial_space", "renewal_industrial_space", "renewal_investment"]
    for t in payload["targets"]:
        assert KEYS <= set(t)
    expected = run_target_accounting(config).targets.set_index("id")
    for tid, t in _targets(res.stdout).items():
        assert t["achieved"] == pytest.approx(expected.loc[tid, "achieved"])
        assert t["shortfall"] == pytest.approx(expected.loc[tid, "shortfall"])


def test_target_out_xlsx_matches_printed_numbers(runner, tmp_path):
    out = tmp_path / "tgt"
    res = runner.invoke(cli, ["target", "--json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    printed = _targets(res.stdout)
    wb = openpyxl.load_workbook(out / "target_report.xlsx", read_only=True)
    rows = list(wb["targets"].iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) - 1 == len(printed)
    for row in rows[1:]:
        got = dict(zip(header, row))
        want = printed[got["id"]]
        for col in ("target", "achieved", "pipeline", "proposed", "progress", "shortfall"):
            assert got[col] == pytest.approx(want[col], rel=1e-12)
    assert (out / "target_progress.png").stat().st_size > 1000
    assert "万㎡" in (out / "target_report.md").read_text(encoding="utf-8")


def test_target_human_output_uses_planners_units(runner):
    res = runner.invoke(cli, ["target"])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "ILLUSTRATIVE" in out
    assert "100.00 万㎡ (1,000,000 m²)" in out
    assert "60.00 万㎡ (600,000 m²)" in out
    assert "100.00 亿元 (CNY 10,000,000,000)" in out
    assert "东扩" in out and "北展" in out


def test_period_and_as_of_in_cli(runner, hand_files):
    # Period 2015 (the plan's three). 'straddle' completed 2012 → before the period (not counted);
    # 'late' completed 2015 → achieved 1,000; 'early' approved 2013 → pipeline 500.
    sites, zones, _ = hand_files
    base = ["target", "--sites", sites, "--zones", zones, "--json"]
    now = _targets(runner.invoke(cli, base).stdout)["industrial_space"]
    assert (now["achieved"], now["pipeline"], now["before_period"]) == (1_000.0, 500.0, 40_000.0)
    assert (now["start"], now["end"], now["evaluated_at"]) == ("2015-01-01", "2015-12-31", "2015-12-31")
    assert now["verdict"] == "not met" and now["verdict_zh"] == "未达标"
    # at the end of 2014 the period has not begun: nothing achieved; 'late' (only date: its
    # completion, 31 Dec 2015) does not exist yet; 'early' is still in the pipeline
    res = runner.invoke(cli, base + ["--as-of", "2014-12-31"])
    assert res.exit_code == 0, res.output
    then = _targets(res.stdout)["industrial_space"]
    assert (then["achieved"], then["pipeline"], then["proposed"], then["before_period"]) == (0.0, 500.0, 0.0, 40_000.0)
    assert then["evaluated_at"] == "2014-12-31"
    assert json.loads(res.stdout)["as_of"] == "2014-12-31"
    # an as-of after the end evaluates at the end: E = min(end, as-of)
    later = _targets(runner.invoke(cli, base + ["--as-of", "2016"]).stdout)["industrial_space"]
    assert later["evaluated_at"] == "2015-12-31" and later["achieved"] == 1_000.0


def test_straddling_site_belongs_to_its_main_zone_in_json(runner, hand_files):
    sites, zones, _ = hand_files
    res = runner.invoke(cli, ["target", "--sites", sites, "--zones", zones, "--json"])
    payload = json.loads(res.stdout)
    by_zone = {z["zone_id"]: z for z in payload["by_zone"]}
    # 'straddle' is 60 m in zA and 140 m in zB: it belongs to zB (70 % of its land), whole
    assert by_zone["zB"]["before_period_m2"] == pytest.approx(40_000.0)
    assert by_zone["zA"]["before_period_m2"] == 0.0
    assert by_zone["zA"]["achieved_m2"] == pytest.approx(1_000.0)  # 'late'
    assert (by_zone["zA"]["n_sites"], by_zone["zB"]["n_sites"]) == (2, 1)  # sums to the 3 sites
    pieces = [p for p in payload["splits"] if p["site_id"] == "straddle"]
    shares = {p["zone_id"]: p["land_share"] for p in pieces}
    assert shares["zA"] == pytest.approx(0.3, rel=1e-3) and shares["zB"] == pytest.approx(0.7, rel=1e-3)


def test_bad_as_of_is_a_usage_error(runner):
    res = runner.invoke(cli, ["target", "--as-of", "someday"])
    assert res.exit_code == 2
    assert "not a date" in res.output
    assert "Traceback" not in res.output


def test_negative_gfa_file_exits_with_site_named(runner, hand_files, tmp_path):
    _, zones, _ = hand_files
    bad = box_layer([(0, 0, 100, 100)], ids=["neg_site"], name_zh=["负"], name_en=["n"],
                    status=["completed"], year=[2014], plot_ratio=[2.0], industrial_share=[1.0],
                    gfa_new_m2=[-10.0], investment_100m_cny=[1.0])
    path = _write(bad, tmp_path / "bad.geojson")
    res = runner.invoke(cli, ["target", "--sites", path, "--zones", zones])
    assert res.exit_code == 1
    assert "neg_site" in res.stderr and "gfa_new_m2" in res.stderr and "negative" in res.stderr
    assert "Traceback" not in res.output + res.stderr


def test_site_outside_zones_warns_on_stderr(runner, hand_files, tmp_path):
    _, zones, _ = hand_files
    far = box_layer([(3000, 3000, 100, 100)], ids=["far_site"], name_zh=["远"], name_en=["f"],
                    status=["completed"], year=[2014], plot_ratio=[2.0], industrial_share=[1.0],
                    gfa_new_m2=[100.0], investment_100m_cny=[1.0])
    path = _write(far, tmp_path / "far.geojson")
    res = runner.invoke(cli, ["target", "--sites", path, "--zones", zones])
    assert res.exit_code == 0, res.output
    assert "far_site" in res.stderr and "outside every CBD zone" in res.stderr
    assert "0.01 万㎡ (100 m²)" in res.stdout


def test_stats_json_and_table(runner):
    res = runner.invoke(cli, ["stats", "--by", "zones", "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["by"] == "zones"
    ids = [r["id"] for r in payload["rows"]]
    assert "zone_core" in ids and len(ids) == len(set(ids))
    assert all("charging_count" in r for r in payload["rows"])
    res = runner.invoke(cli, ["stats", "--by", "units"])
    assert res.exit_code == 0 and "charging_piles" in res.stdout
    res = runner.invoke(cli, ["stats", "--by", "streets"])
    assert res.exit_code == 2
