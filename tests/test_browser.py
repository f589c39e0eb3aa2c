"""The built pages in a real headless Chromium, with the network off.

Build: ``--offline --basemap none`` from a copy of the shipped layers in which a unit and
a renewal site carry a hostile name. Every page is opened with the browser offline and
every non-``file:`` request intercepted: no console error, no request leaves the
machine, the expected layers are listed and drawn, a legend is shown, popups show the
right numbers (checked against pyproj.Geod areas of the source file) and the hostile
name is shown as text, never run.

Needs Debian's ``chromium`` and the PyPI ``playwright`` driver (no ``playwright install``:
the system Chromium is used; ``FUTIANGIS_CHROMIUM=/path`` picks another). When ``CI=true`` (or ``FUTIANGIS_REQUIRE_BROWSER=1``) a
missing browser FAILS the tests; otherwise they are skipped.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import fiona
import geopandas as gpd
import numpy as np
import pytest
from pyproj import Geod

from conftest import ROOT
from futiangis.build import build_maps
from futiangis.config import load_config

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.__xss=1;alert(1)">'
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# overlays in the layer control of each page with every shipped layer present
EXPECTED_OVERLAYS = {"overview": 8, "cbd_renewal": 3, "parks": 5, "slow_bike": 6, "charging": 5}
# layers listed but switched off on opening (the user turns them on)
EXPECTED_HIDDEN = {"overview": {"bike_stations"}, "cbd_renewal": set(), "parks": {"service_area"},
                   "slow_bike": {"unit_coverage", "gaps"}, "charging": {"service_area"}}
GEOD = Geod(ellps="WGS84")


def _chromium_path() -> str | None:
    override = os.environ.get("FUTIANGIS_CHROMIUM")  # another Chromium binary
    if override:
        return override if Path(override).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def chromium():
    """(context, None) with an offline headless Chromium, or (None, reason)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        yield None, "the playwright package is not installed (pip install -e '.[test]')"
        return
    path = _chromium_path()
    if path is None:
        yield None, "Chromium is not installed (apt-get install chromium)"
        return
    profile = tempfile.mkdtemp(prefix="futiangis-chromium-")
    pw = sync_playwright().start()
    try:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=path, headless=True, args=CHROMIUM_ARGS, offline=True,
            viewport={"width": 1400, "height": 900},
        )
    except Exception as exc:  # noqa: BLE001 - report why the browser did not start
        pw.stop()
        yield None, f"Chromium at {path} did not start: {exc}"
        return
    yield context, None
    context.close()
    pw.stop()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(chromium, browser_required):
    context, why = chromium
    if context is None:
        if browser_required:
            pytest.fail(f"browser tests are required here (CI=true) but {why}")
        pytest.skip(why)
    return context


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An offline, tile-less build of the shipped layers with hostile names injected."""
    root = tmp_path_factory.mktemp("browser")
    layers = root / "layers"
    shutil.copytree(ROOT / "layers", layers)
    for kind in ("units", "renewal_sites"):
        path = layers / f"{kind}.geojson"
        gdf = gpd.read_file(path)
        gdf.loc[0, "name_zh"] = HOSTILE
        path.unlink()
        gdf.to_file(path, driver="GeoJSON")
    (root / "futiangis.toml").write_text((ROOT / "futiangis.toml").read_text(encoding="utf-8"), encoding="utf-8")
    config = load_config(root / "futiangis.toml")
    build_maps(config, out_dir=root / "maps", offline=True, basemap="none", static=False)
    return root


def open_page(context, path: Path):
    """Open a page; return (page, problems) where problems collects errors and requests."""
    page = context.new_page()
    problems = {"console": [], "pageerror": [], "dialog": [], "requests": []}
    page.on("console", lambda m: problems["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems["pageerror"].append(str(e)))

    def on_dialog(dialog):
        problems["dialog"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def route(r):
        url = r.request.url
        if url.startswith("file:") or url.startswith("data:"):
            r.continue_()
        else:
            problems["requests"].append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_function("() => window.futiangis && window.futiangis.map", timeout=15_000)
    page.wait_for_timeout(300)
    return page, problems


def file_count(root: Path, kind: str) -> int:
    with fiona.open(root / "layers" / f"{kind}.geojson") as src:
        return len(src)


DRAWN_JS = """() => {
    const f = window.futiangis, shown = [];
    for (const key in f.layers) { if (f.map.hasLayer(f.layers[key])) shown.push(key); }
    const paths = document.querySelectorAll(
        '.folium-map > .leaflet-map-pane .leaflet-overlay-pane path').length;
    return {counts: f.counts, shown: shown, paths: paths,
            overlays: document.querySelectorAll('.leaflet-control-layers-overlays input').length,
            legendRows: document.querySelectorAll('.ft-legend .ft-legend-row').length,
            xss: window.__xss === undefined ? null : window.__xss,
            images: document.querySelectorAll('.leaflet-container img[src="x"], img[src="x"]').length};
}"""


@pytest.mark.parametrize("key", list(EXPECTED_OVERLAYS))
def test_page_draws_offline_without_errors(browser, site, key):
    page, problems = open_page(browser, site / "maps" / f"{key}.html")
    info = page.evaluate(DRAWN_JS)
    page.close()
    assert problems["console"] == [] and problems["pageerror"] == [], problems
    assert problems["requests"] == [], "an offline page asked the network for something"
    assert problems["dialog"] == [] and info["xss"] is None and info["images"] == 0
    assert info["overlays"] == EXPECTED_OVERLAYS[key]
    assert set(info["counts"]) - set(info["shown"]) == EXPECTED_HIDDEN[key]
    assert info["legendRows"] >= 2
    # every feature of every layer shown on opening is drawn as one SVG path
    assert info["paths"] == sum(info["counts"][k] for k in info["shown"])
    for kind in ("units", "charging_stations", "renewal_sites", "parks", "slow_routes", "bike_stations"):
        if kind in info["counts"]:
            assert info["counts"][kind] == file_count(site, kind), kind
    assert "district" in info["shown"]


def test_index_page_offline(browser, site):
    page, problems = open_page_plain(browser, site / "maps" / "index.html")
    text = page.inner_text("body")
    links = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
    page.close()
    assert problems["requests"] == [] and problems["console"] == [] and problems["dialog"] == []
    assert {f"{k}.html" for k in EXPECTED_OVERLAYS} <= set(links)
    assert "拓展产业空间" in text and HOSTILE in text  # the hostile unit name shown as text


def open_page_plain(context, path: Path):
    page = context.new_page()
    problems = {"console": [], "dialog": [], "requests": []}
    page.on("console", lambda m: problems["console"].append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (problems["dialog"].append(d.message), d.dismiss()))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
               else (problems["requests"].append(r.request.url), r.abort()))
    page.goto(path.as_uri())
    page.wait_for_timeout(200)
    return page, problems


def test_unit_popup_numbers_and_hostile_name(browser, site):
    units = gpd.read_file(site / "layers" / "units.geojson")
    geod_area, _ = GEOD.geometry_area_perimeter(units.geometry.iloc[0])
    geod_area = abs(geod_area)
    page, problems = open_page(browser, site / "maps" / "overview.html")
    page.evaluate("""() => {
        const l = window.futiangis.layers.units.getLayers()[0];
        l.fire('click', {latlng: l.getBounds().getCenter()});
        l.fire('mouseover');
    }""")
    page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    text = page.inner_text(".leaflet-popup-content")
    images = page.evaluate("() => document.querySelectorAll('.leaflet-popup-content img').length")
    xss = page.evaluate("() => window.__xss === undefined ? null : window.__xss")
    page.close()
    assert HOSTILE in text  # shown as text
    assert images == 0 and xss is None and problems["dialog"] == []
    match = re.search(r"面积 · Area\s+([\d,]+) m²（([\d.]+) 万㎡）", text)
    assert match, text
    shown_m2 = float(match.group(1).replace(",", ""))
    assert abs(shown_m2 - geod_area) / geod_area < 1e-3  # planar EPSG:4547 vs geodesic
    assert float(match.group(2)) == pytest.approx(geod_area / 1e4, abs=0.01)
    assert "open data" in text  # accuracy class


def test_station_popup_by_mouse_click(browser, site):
    stations = gpd.read_file(site / "layers" / "charging_stations.geojson")
    metric = stations.to_crs(4547)
    dist = metric.geometry.apply(lambda g: metric.geometry.distance(g).replace(0.0, np.inf).min())
    # the most isolated station inside Futian (stations beyond the edge may lie outside the
    # initial view): a click cannot hit another
    inside = ~stations["outside_district"].fillna(False).astype(bool).to_numpy() \
        if "outside_district" in stations.columns else np.ones(len(stations), dtype=bool)
    i = int(np.where(inside, dist.to_numpy(), -np.inf).argmax())
    piles = int(stations["piles"].iloc[i])
    page, problems = open_page(browser, site / "maps" / "charging.html")
    x, y = page.evaluate("""(i) => {
        const f = window.futiangis, l = f.layers.charging_stations.getLayers()[i];
        const p = f.map.latLngToContainerPoint(l.getLatLng());
        const box = f.map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", i)
    page.mouse.click(x, y)
    page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    text = page.inner_text(".leaflet-popup-content")
    page.close()
    assert str(stations["name_zh"].iloc[i]) in text
    assert re.search(rf"充电桩 · Charging piles\s+{piles:,}\b", text), text
    assert problems["console"] == []


def test_illustrative_popup_says_so_and_search_finds_by_name(browser, site):
    page, problems = open_page(browser, site / "maps" / "cbd_renewal.html")
    page.evaluate("""() => {
        const l = window.futiangis.layers.renewal_sites.getLayers()[1];
        l.fire('click', {latlng: l.getBounds().getCenter()});
    }""")
    page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    popup = page.inner_text(".leaflet-popup-content")
    assert "示意数据，非官方" in popup and "Illustrative" in popup
    assert re.search(r"m²（[\d.]+ 万㎡）", popup)
    page.click(".leaflet-control-search .search-button")
    # typed key by key (the plugin listens to key events); substring of every English name
    page.locator(".leaflet-control-search input.search-input").press_sequentially("renewal unit", delay=20)
    page.wait_for_selector(".leaflet-control-search .search-tip", timeout=5_000)
    tips = page.eval_on_selector_all(".leaflet-control-search .search-tip", "els => els.map(e => e.textContent)")
    xss = page.evaluate("() => window.__xss === undefined ? null : window.__xss")
    page.close()
    assert len(tips) >= 2
    assert any(HOSTILE in t for t in tips)  # listed as text
    assert xss is None and problems["dialog"] == [] and problems["console"] == []
