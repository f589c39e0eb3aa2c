"""The built pages in a real headless Chromium, with the network off.

Build: the **default** ``futiangis build`` (scripts in ``assets/``, no basemap on
opening) from a copy of the shipped layers in which a unit and a renewal site carry a
hostile name. Every page is opened with the browser offline and
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
import pandas as pd
import pytest
from pyproj import Geod

from conftest import ROOT
from futiangis.build import build_maps
from futiangis.config import load_config
from futiangis.render.palette import STATUS_COLORS

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.__xss=1;alert(1)">'
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# overlays in the layer control of each page with every shipped layer present
# every page also lists the 街道 outlines now that layers/subdistricts ships (issue 12): +1 each
EXPECTED_OVERLAYS = {"overview": 9, "cbd_renewal": 4, "parks": 6, "slow_bike": 7, "charging": 6}
#: basemaps in the switcher without TIANDITU_KEY: none, OSM, CartoDB, Esri, Gaode
EXPECTED_BASEMAPS = 5
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
    build_maps(config, out_dir=root / "maps", static=False)  # the default build
    return root


def open_page(context, path: Path, viewport: tuple[int, int] | None = None):
    """Open a page; return (page, problems) where problems collects errors and requests."""
    page = context.new_page()
    if viewport is not None:
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
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
    page.wait_for_function("() => window.futiangis && window.futiangis.ready", timeout=15_000)
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
            bases: document.querySelectorAll('.leaflet-control-layers-base input').length,
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
    assert info["overlays"] == EXPECTED_OVERLAYS[key] and info["bases"] == EXPECTED_BASEMAPS
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


def test_index_reflows_on_a_phone(browser, site):
    page, problems = open_page_plain(browser, site / "maps" / "index.html", viewport=(390, 844))
    width = page.evaluate("() => document.documentElement.scrollWidth")
    page.close()
    assert width <= 390  # wide tables scroll inside their own box
    assert problems["console"] == []


def open_page_plain(context, path: Path, viewport: tuple[int, int] | None = None):
    page = context.new_page()
    if viewport is not None:
        page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
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
    # land reads in km² or ha (万㎡ is for floor area), with m² beside it
    match = re.search(r"面积 · Area\s+([\d.,]+) (km²|ha)（([\d,]+) m²）", text)
    assert match, text
    shown_m2 = float(match.group(3).replace(",", ""))
    assert abs(shown_m2 - geod_area) / geod_area < 1e-3  # planar EPSG:4547 vs geodesic
    per = 1e6 if match.group(2) == "km²" else 1e4
    assert float(match.group(1).replace(",", "")) == pytest.approx(geod_area / per, abs=0.01)
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
    page.click(".ft-search .ft-search-btn")
    # typed key by key; a substring of every renewal site's English name
    page.locator(".ft-search input").press_sequentially("renewal unit", delay=20)
    page.wait_for_selector(".ft-search .ft-search-hit", timeout=5_000)
    tips = page.eval_on_selector_all(".ft-search .ft-search-hit", "els => els.map(e => e.textContent)")
    xss = page.evaluate("() => window.__xss === undefined ? null : window.__xss")
    page.close()
    assert len(tips) >= 2
    assert any(HOSTILE in t for t in tips)  # listed as text
    assert xss is None and problems["dialog"] == [] and problems["console"] == []


# ---------------------------------------------------------------------------------------
# phones, search, the basemap switcher, the year slider
# ---------------------------------------------------------------------------------------
HIT_JS = """() => {
    const out = [], W = window.innerWidth, H = window.innerHeight;
    const controls = [...document.querySelectorAll('.leaflet-control')].filter(
        el => el.offsetParent !== null && el.getBoundingClientRect().width > 0);
    for (const el of controls) {
        const r = el.getBoundingClientRect();
        const x = Math.min(Math.max(r.left + r.width / 2, 0), W - 1), y = Math.min(Math.max(r.top + Math.min(r.height, 40) / 2, 0), H - 1);
        const hit = document.elementFromPoint(x, y);
        out.push({cls: el.className, inside: r.left >= 0 && r.right <= W && r.top >= 0 && r.bottom <= H,
                  reachable: !!hit && el.contains(hit)});
    }
    const c = window.futiangis.map.getContainer().getBoundingClientRect();
    const hit = document.elementFromPoint(c.left + c.width / 2, c.top + c.height / 2);
    return {controls: out, centre: !!hit && !hit.closest('.leaflet-control')};
}"""


@pytest.mark.parametrize("key", list(EXPECTED_OVERLAYS))
def test_phone_controls_and_centre_reachable(browser, site, key):
    page, problems = open_page(browser, site / "maps" / f"{key}.html", viewport=(390, 844))
    info = page.evaluate(HIT_JS)
    collapsed = page.evaluate("() => !document.querySelector('.leaflet-control-layers-expanded')")
    page.close()
    assert problems["console"] == [] and problems["pageerror"] == []
    assert info["centre"], "the centre of the map is under a control"
    assert len(info["controls"]) >= 6  # zoom, full screen, measure, search, layers, title, ...
    bad = [c["cls"] for c in info["controls"] if not (c["reachable"] and c["inside"])]
    assert bad == [], bad
    assert collapsed  # the layer control starts collapsed below 600 px


def test_phone_popup_fits_the_screen(browser, site):
    page, problems = open_page(browser, site / "maps" / "cbd_renewal.html", viewport=(390, 844))
    page.evaluate("""() => {
        const l = window.futiangis.layers.renewal_sites.getLayers()[0];
        l.openPopup(l.getBounds().getCenter());
    }""")
    page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    page.wait_for_timeout(600)  # autoPan
    box = page.evaluate("""() => {
        const r = document.querySelector('.leaflet-popup').getBoundingClientRect();
        const name = document.querySelector('.ft-pop-name').getBoundingClientRect();
        const hit = document.elementFromPoint(name.left + 5, name.top + name.height / 2);
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                nameVisible: !!hit && !!hit.closest('.leaflet-popup')};
    }""")
    page.close()
    assert box["left"] >= 0 and box["right"] <= 390 and box["top"] >= 0 and box["bottom"] <= 844, box
    assert box["nameVisible"], "the popup's name is under a control"


def _search(page, term: str) -> list[str]:
    page.click(".ft-search .ft-search-btn")
    field = page.locator(".ft-search input")
    field.fill("")
    field.press_sequentially(term, delay=10)
    page.wait_for_timeout(150)
    return page.eval_on_selector_all(".ft-search-hit", "els => els.map(e => e.textContent)")


def test_search_finds_lianhuashan_on_the_parks_map_repeatedly(browser, site):
    page, problems = open_page(browser, site / "maps" / "parks.html")
    hits = _search(page, "莲花")
    assert any("莲花山" in h for h in hits), hits
    page.locator(".ft-search-hit", has_text="莲花山").first.click()
    page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    assert "莲花山" in page.inner_text(".leaflet-popup-content")
    # usable again, in English this time
    hits = _search(page, "mangrove")
    page.close()
    assert hits and all("mangrove" in h.lower() or "红树林" in h for h in hits), hits
    assert problems["console"] == []


def test_search_finds_a_charging_station_by_name(browser, site):
    stations = gpd.read_file(site / "layers" / "charging_stations.geojson")
    name = str(stations["name_zh"].iloc[5])
    page, problems = open_page(browser, site / "maps" / "charging.html")
    hits = _search(page, name)
    assert any(name in h for h in hits), (name, hits)
    page.locator(".ft-search-hit", has_text=name).first.click()
    page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    text = page.inner_text(".leaflet-popup-content")
    page.close()
    assert name in text and "充电桩" in text


def test_gaode_moves_features_by_the_gcj02_offset(browser, site):
    from futiangis.crs import wgs84_to_gcj02

    page, problems = open_page(browser, site / "maps" / "charging.html")
    before = page.evaluate("() => window.futiangis.layers.charging_stations.getLayers()[3].getLatLng()")
    page.evaluate("() => document.querySelector('.leaflet-control-layers').classList.add('leaflet-control-layers-expanded')")
    page.locator(".leaflet-control-layers-base label", has_text="高德").locator("input").click()
    page.wait_for_timeout(300)
    after = page.evaluate("() => window.futiangis.layers.charging_stations.getLayers()[3].getLatLng()")
    datum = page.inner_text(".ft-coords .ft-datum")
    notice = page.evaluate("() => getComputedStyle(document.querySelector('.ft-notice')).display")
    page.close()
    lon, lat = wgs84_to_gcj02([before["lng"]], [before["lat"]])
    assert after["lng"] == pytest.approx(float(lon[0]), abs=1e-7)
    assert after["lat"] == pytest.approx(float(lat[0]), abs=1e-7)
    _, _, shift = GEOD.inv(before["lng"], before["lat"], after["lng"], after["lat"])
    assert 400 < shift < 700  # ~0.5 km in Futian
    assert datum == "GCJ-02"
    # the tiles cannot load here (network cut): the page says so instead of going blank
    assert notice != "none"
    assert all("autonavi" in u for u in problems["requests"])


def test_gcj02_in_the_page_matches_python(browser, site):
    from futiangis.crs import gcj02_to_wgs84, wgs84_to_gcj02

    rng = np.random.default_rng(7)
    lon = rng.uniform(113.7, 114.7, 200)
    lat = rng.uniform(22.4, 22.9, 200)
    page, _ = open_page(browser, site / "maps" / "overview.html")
    js = page.evaluate("""([lon, lat]) => lon.map((x, i) => {
        const f = window.futiangis.wgs84ToGcj02(x, lat[i]); const b = window.futiangis.gcj02ToWgs84(f[0], f[1]);
        return [f[0], f[1], b[0], b[1]]; })""", [lon.tolist(), lat.tolist()])
    page.close()
    js = np.asarray(js)
    glon, glat = wgs84_to_gcj02(lon, lat)
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    assert np.abs(js[:, 0] - glon).max() < 1e-7 and np.abs(js[:, 1] - glat).max() < 1e-7
    assert np.abs(js[:, 2] - wlon).max() < 1e-7 and np.abs(js[:, 3] - wlat).max() < 1e-7


def test_legend_follows_layers_and_year_slider_filters_sites(browser, site):
    sites = gpd.read_file(site / "layers" / "renewal_sites.geojson")
    page, problems = open_page(browser, site / "maps" / "cbd_renewal.html")
    shown = page.evaluate("""() => {
        const f = window.futiangis, sec = () => getComputedStyle(
            document.querySelector('.ft-legend [data-layer="renewal_sites"]')).display;
        const on = sec();
        f.map.removeLayer(f.layers.renewal_sites);
        const off = sec();
        f.map.addLayer(f.layers.renewal_sites);
        f.setYear(2014);
        const fills = {};
        f.layers.renewal_sites.eachLayer(l => { fills[l.feature.properties.n.join(" · ")] = l.options.fillColor; });
        return {on: on, off: off, drawn: f.layers.renewal_sites.getLayers().length, fills: fills,
                panel: document.querySelector('[data-panel="targets"]').innerText};
    }""")
    page.close()
    assert shown["on"] != "none" and shown["off"] == "none"
    # as of 2014-12-31 a site exists once its earliest milestone date has passed
    dates = sites[["planned_date", "approved_date", "start_date", "completed_date"]].apply(
        lambda c: pd.to_datetime(c, errors="coerce"))
    exists = (dates <= pd.Timestamp("2014-12-31")).any(axis=1)
    assert shown["drawn"] == int(exists.sum())
    # a site started 2014-02-15 and completed 2015-08-30 is drawn as under construction in 2014
    row = sites[(pd.to_datetime(sites["start_date"]) <= "2014-12-31")
                & (pd.to_datetime(sites["completed_date"]) > "2014-12-31")].iloc[0]
    name = next(k for k in shown["fills"] if str(row["name_en"]) in k)
    assert shown["fills"][name].upper() == STATUS_COLORS["under_construction"].upper()
    assert "达标" in shown["panel"] or "未达标" in shown["panel"]
