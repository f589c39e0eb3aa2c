"""Report builders: CSV, XLSX (read back with openpyxl), Markdown and the PNG chart."""
from __future__ import annotations

import io
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest

from conftest import box_layer
from futiangis.errors import OutputError
from futiangis.io.reports import publish_files
from futiangis.report import (
    ILLUSTRATIVE_NOTE,
    build_markdown,
    build_progress_chart,
    build_xlsx,
    format_amount,
    report_tables,
    table_to_csv,
    target_report_files,
)
from futiangis.project import run_target_accounting
from futiangis.targets import TARGET_COLUMNS


def write_target_report(result, out, **options):
    """The report folder as ``futiangis target --out`` writes it: core content, io publishes."""
    return publish_files(target_report_files(result), out, **options)


@pytest.fixture
def result(config):
    zones = box_layer([(0, 0, 1000, 1000), (1000, 0, 1000, 1000)], ids=["zA", "zB"],
                      direction=["east", "west"], name_zh=["东扩区", "西延<区>|"])
    sites = box_layer(
        [(940, 0, 200, 100), (0, 500, 100, 100), (50, 500, 100, 100)],
        ids=["s1", "<script>alert(1)</script>", "s|3"],
        status=["completed", "approved", "planned"], year=[2015, 2015, 2015],
        plot_ratio=[4.0, 3.0, 2.0], industrial_share=[1.0, 0.5, 1.0],
        gfa_new_m2=[40_000.0, np.nan, 10_000.0], investment_100m_cny=[12.5, 3.0, 1.0],
        illustrative=[True, True, True],
    )
    return run_target_accounting(config, sites=sites, zones=zones)


def test_format_amount():
    assert format_amount(1_000_000, "m2") == "100.00 万㎡ (1,000,000 m²)"
    assert format_amount(100, "100m_cny") == "100.00 亿元 (CNY 10,000,000,000)"
    assert format_amount(float("nan"), "m2") == "—"


def test_tables_in_order_without_geometry(result):
    tables = report_tables(result)
    assert list(tables)[:2] == ["targets", "by_direction"]
    assert {"by_zone", "by_status", "by_year", "sites", "splits", "duplicates", "overlaps", "undated", "warnings"} <= set(tables)
    assert "geometry" not in tables["sites"].columns
    assert tuple(tables["targets"].columns) == TARGET_COLUMNS


def test_csv_round_trip_with_bom(result):
    data = table_to_csv(result.targets)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel on Chinese Windows reads UTF-8 with BOM
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back["name_zh"]) == list(result.targets["name_zh"])
    np.testing.assert_allclose(back["achieved"], result.targets["achieved"])


def test_xlsx_has_one_sheet_per_table_and_exact_numbers(result):
    tables = report_tables(result)
    wb = openpyxl.load_workbook(io.BytesIO(build_xlsx(tables, notes=["note one"])))
    assert wb.sheetnames == ["README"] + list(tables)
    assert wb["README"]["A2"].value == "note one"
    ws = wb["targets"]
    rows = list(ws.iter_rows(values_only=True))
    n = len(TARGET_COLUMNS)
    assert list(rows[0])[:n] == list(TARGET_COLUMNS)
    # then a 万㎡ view of every m² amount (value / 10^4), shown with two decimals
    extra = list(rows[0])[n:]
    assert extra and all(c.endswith("_wan_m2") for c in extra)
    j = list(rows[0]).index("target_wan_m2")
    m2_row = next(r for r in rows[1:] if r[list(rows[0]).index("unit")] == "m2")
    assert m2_row[j] == pytest.approx(m2_row[list(rows[0]).index("target")] / 1e4)
    assert ws.cell(row=2, column=j + 1).number_format == '#,##0.00" 万㎡"'
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.freeze_panes == "A2"
    assert len(rows) - 1 == len(result.targets)
    for sheet_row, (_, expected) in zip(rows[1:], result.targets.iterrows()):
        got = dict(zip(rows[0], sheet_row))
        for col in ("target", "achieved", "pipeline", "proposed", "progress", "shortfall"):
            assert got[col] == expected[col]  # unrounded: exactly the computed value
        assert got["id"] == expected["id"] and got["unit"] == expected["unit"]
    # hand-worked (period 2015, year = 31 Dec 2015): s1 40,000 completed in 2015 → achieved;
    # the <script> site estimated 10,000 × 3 × 0.5 = 15,000, approved → pipeline; s|3 planned,
    # overlapping the <script> site on 50 % of each (not a duplicate) → counted in full, 10,000
    achieved = {r[0]: r[4] for r in rows[1:]}
    assert achieved["industrial_space"] == pytest.approx(40_000.0)
    by_id = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert by_id["industrial_space"]["pipeline"] == pytest.approx(15_000.0)
    assert by_id["industrial_space"]["proposed"] == pytest.approx(10_000.0)
    # counts stay numbers (not text) so planners can sum them in Excel
    zone_rows = list(wb["by_zone"].iter_rows(values_only=True))
    n_col = zone_rows[0].index("n_sites")
    assert [r[n_col] for r in zone_rows[1:]] == list(result.by_zone["n_sites"])
    assert all(isinstance(r[n_col], int) for r in zone_rows[1:])
    # NaN becomes an empty cell, not the string 'nan'
    splits = list(wb["sites"].iter_rows(values_only=True))
    col = splits[0].index("gfa_reported_m2")
    assert [r[col] for r in splits[1:]].count(None) == 1


def test_markdown_units_rules_and_escaping(result):
    md = build_markdown(result)
    assert ILLUSTRATIVE_NOTE in md
    assert "100.00 万㎡ (1,000,000 m²)" in md
    assert "4.00 万㎡ (40,000 m²)" in md
    assert "100.00 亿元 (CNY 10,000,000,000)" in md
    assert "GFA, not footprint" in md
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "s\\|3" in md and "西延&lt;区&gt;\\|" in md
    # the overlap (50 m × 100 m) and the split are reported; s1 belongs to zB (70 % of its land)
    assert "| 5,000 | 50% | 50% |" in md
    assert "| s1 | zA | 6,000 | 30.0% |  |" in md
    assert "| s1 | zB | 14,000 | 70.0% | yes |" in md
    assert "未达标 · not met" in md


def test_chart_is_a_png(result):
    from matplotlib.image import imread

    png = build_progress_chart(result)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    img = imread(io.BytesIO(png), format="png")
    assert img.shape[0] > 100 and img.shape[1] > 500


def test_write_report_refuses_a_folder_of_user_files(result, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    with pytest.raises(OutputError, match=r"report: the folder already holds files futiangis did "
                       r"not write \(mine\.txt\).*--force"):
        write_target_report(result, out)
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    assert (out / "mine.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no staging folder left


def test_write_report_writes_every_file(result, tmp_path):
    out = tmp_path / "report"
    written = write_target_report(result, out)
    names = {p.name for p in written}
    assert {"targets.csv", "by_zone.csv", "by_direction.csv", "by_status.csv", "by_year.csv",
            "overlaps.csv", "splits.csv", "target_report.xlsx", "target_report.md",
            "target_progress.png"} <= names
    assert all(p.exists() and p.parent == out for p in written)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [".futiangis-output"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no staging folder left
    wb = openpyxl.load_workbook(out / "target_report.xlsx", read_only=True)
    readme = [r[0] for r in wb["README"].iter_rows(values_only=True)]
    assert any(isinstance(v, str) and v.startswith("ILLUSTRATIVE DATA") for v in readme)
    assert any(isinstance(v, str) and v.startswith("Rule 5: GFA, not footprint") for v in readme)


def test_unwritable_output_is_an_output_error(result, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match=r"file/sub: cannot create it because .*file is a file, not a folder"):
        write_target_report(result, blocker / "sub")


def test_progress_is_percent_of_target(result):
    for _, r in result.targets.iterrows():
        assert math.isclose(r["progress"], 100 * r["achieved"] / r["target"])
