"""Rendering on small hand-built layers: escaping, numbers, rounding, encoding, legends.

Expected values are worked out by hand (a 100 m × 100 m box is 10,000 m² = 1 万㎡) or
with an independent tool (pyproj.Geod distances for coordinate errors, the published
GCJ-02 offset in Futian), never copied from the code's own output.
"""
from __future__ import annotations

import json
import re

import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from conftest import FUTIAN_X, FUTIAN_Y, box_layer
from futiangis.errors import ConfigError, OutputError
from futiangis.render import page_html
from futiangis.render.basemaps import get_basemap
from futiangis.render.legend import LegendEntry, LegendSection, classify, legend_html
from futiangis.render.geojson import encode_collection, render_geojson, simplify_for_web
from futiangis.render.maps import LayerSpec, MapSpec, VectorLayer, make_map
from futiangis.render.offline import external_references, inline_assets, localize_assets
from futiangis.render.popups import Field, bilingual, esc, feature_properties, format_area_m2, format_value
from futiangis.render.static import render_static_png
from futiangis.render.tables import Column, table_html

HOSTILE = "<img src=x onerror=alert(1)>"
GEOD = Geod(ellps="WGS84")


def decode(compact: dict) -> list[tuple[str | None, list]]:
    """Independent decoder of encode_collection's format: (type, rings of (lon, lat))."""
    q, (ox, oy) = compact["q"], compact["o"]

    def ring(a):
        out, x, y = [], ox, oy
        for i in range(0, len(a), 2):
            x += a[i]
            y += a[i + 1]
            out.append((x / q, y / q))
        return out

    result = []
    for _props, kind, data in compact["f"]:
        if kind in ("Point", "LineString", "MultiPoint"):
            result.append((kind, [ring(data)]))
        elif kind in ("Polygon", "MultiLineString"):
            result.append((kind, [ring(r) for r in data]))
        elif kind == "MultiPolygon":
            result.append((kind, [ring(r) for poly in data for r in poly]))
        else:
            result.append((kind, []))
    return result


def district():
    return box_layer([(-500, -500, 2000, 2000)], ids=["d"], name_zh=["测试区"], name_en=["Test district"])


def sites_layer():
    return box_layer(
        [(0, 0, 100, 100), (200, 0, 200, 100)], ids=["s1", "s2"],
        name_zh=[HOSTILE, "更新单元二"], name_en=["Site one", "Site two"],
        status=["completed", "planned"], year=[2014, 2016], gfa_new_m2=[123456.4, np.nan],
        accuracy_class=["illustrative", "illustrative"], illustrative=[True, True],
    )


def site_spec(**kw):
    frame = sites_layer()
    frame["area_m2"] = frame.geometry.area
    return LayerSpec(
        "sites", frame, "更新单元", "Renewal sites",
        fields=(Field("status", "状态", "Status", "status"), Field("year", "年份", "Year", "year"),
                Field("area_m2", "面积", "Area", "area_m2"), Field("gfa_new_m2", "新增", "New GFA", "area_m2"),
                Field("accuracy_class", "精度等级", "Accuracy class")),
        legend=LegendSection("状态", "Status", (LegendEntry("#2b8a3e", HOSTILE, "completed"),)),
        provenance={"source": f"hand-built {HOSTILE}", "licence": "CC0", "accuracy_class": "illustrative",
                    "accuracy_m": 10},
        searchable=True, **kw,
    )


def map_spec(*layers, title_zh="测试地图", title_en="Test map"):
    return MapSpec("test", title_zh, title_en, "摘要", "Summary", tuple(layers) or (site_spec(),), district())


# ---------------------------------------------------------------------------------------
# numbers and escaping
# ---------------------------------------------------------------------------------------
def test_area_format_m2_and_wan():
    # 100 m x 100 m = 10,000 m2 = 1 万㎡
    assert format_area_m2(100 * 100) == "10,000 m²（1.00 万㎡）"
    assert format_area_m2(123456.4) == "123,456 m²（12.35 万㎡）"
    assert format_area_m2(12.34) == "12.3 m²（0.00 万㎡）"


def test_land_reads_in_km2_or_ha():
    from futiangis.render.popups import format_land_m2, format_value

    # 1,000 m x 1,000 m = 1 km²; 100 m x 100 m = 1 ha; floor area stays in 万㎡
    assert format_land_m2(1000 * 1000) == "1.00 km²（1,000,000 m²）"
    assert format_land_m2(100 * 100) == "1.00 ha（10,000 m²）"
    assert format_value(79_790_137, "land_m2") == "79.79 km²（79,790,137 m²）"
    assert "万㎡" not in format_value(79_790_137, "land_m2")


@pytest.mark.parametrize("value,kind,expected", [
    (0.8123, "share", "81.2 %"),
    (2015.0, "year", "2015"),
    ("under_construction", "status", "在建 · under construction"),
    ("east", "direction", "东扩 · east"),
    (14.5, "money_100m_cny", "14.50 亿元"),
    (1234.4, "length_m", "1,234 m（1.23 km）"),
    (None, "area_m2", ""),
    (float("nan"), "int", ""),
])
def test_format_value(value, kind, expected):
    assert format_value(value, kind) == expected


def test_bilingual_order_follows_lang():
    assert bilingual("公园", "Parks", "zh") == "公园 · Parks"
    assert bilingual("公园", "Parks", "en") == "Parks · 公园"
    assert bilingual("公园", "", "en") == "公园"


def test_feature_properties_escape_and_flag_illustrative():
    frame = sites_layer()
    props = feature_properties(frame, (Field("status", "状态", "Status", "status"),), provenance={})
    assert props[0]["n"] == "&lt;img src=x onerror=alert(1)&gt; · Site one"
    assert "<" not in props[0]["n"]
    assert props[0]["v"] == ["建成 · completed"]
    assert props[0]["i"] == 1 and props[1]["i"] == 1
    plain = frame.assign(illustrative=False, accuracy_class="open data")
    assert "i" not in feature_properties(plain, (), provenance={"accuracy_class": "open data"})[0]


def test_esc_quotes_and_missing():
    assert esc('"a" & \'b\'') == "&quot;a&quot; &amp; &#x27;b&#x27;"
    assert esc(None) == "" and esc(float("nan")) == ""


def test_hostile_value_never_reaches_the_page_unescaped():
    spec = map_spec(site_spec(), title_zh=HOSTILE)
    m = make_map(spec, basemap=get_basemap("none"))
    html = page_html(m, offline=True)
    # raw markup, or raw markup hidden in a JS string escape, must not appear anywhere
    assert "<img src=x" not in html
    assert "\\u003cimg src=x" not in html
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html  # HTML-escaped, inside JSON
    # the <title> is escaped too
    assert "<title>&lt;img src=x onerror=alert(1)&gt; · Test map</title>" in html


# ---------------------------------------------------------------------------------------
# geometry: rounding, encoding, simplification, GCJ-02
# ---------------------------------------------------------------------------------------
def test_coordinates_rounded_within_one_metre_and_six_decimals():
    spec = site_spec()
    collection, stats = render_geojson(spec)
    truth = spec.frame.to_crs(4326)
    worst = 0.0
    for feat, geom in zip(collection["features"], truth.geometry):
        ring = feat["geometry"]["coordinates"][0]
        for lon, lat in ring:
            assert len(repr(lon).split(".")[1]) <= 6 and len(repr(lat).split(".")[1]) <= 6
        exact = list(geom.exterior.coords)
        for (lon, lat), (elon, elat) in zip(ring, exact):
            _, _, d = GEOD.inv(lon, lat, elon, elat)
            worst = max(worst, d)
    assert worst <= 1.0
    assert worst < 0.1  # 1e-6 degree rounding: at most ~0.08 m at 22.5° N
    assert stats["simplify_m"] == 0


def test_encoding_decodes_to_the_rounded_coordinates():
    spec = site_spec()
    collection, _ = render_geojson(spec)
    decoded = decode(encode_collection(collection))
    for (kind, rings), feat in zip(decoded, collection["features"]):
        assert kind == "Polygon"
        expected = np.asarray(feat["geometry"]["coordinates"][0])
        np.testing.assert_allclose(np.asarray(rings[0]), expected, rtol=0, atol=1e-9)


def test_encoding_handles_points_lines_multipolygons():
    frame = gpd.GeoDataFrame(
        {"id": ["p", "l", "mp"]},
        geometry=[shapely.Point(114.05, 22.54), shapely.LineString([(114.05, 22.54), (114.06, 22.55)]),
                  shapely.MultiPolygon([shapely.box(114.0, 22.5, 114.01, 22.51), shapely.box(114.02, 22.5, 114.03, 22.51)])],
        crs=4326,
    ).to_crs(4547)
    collection, _ = render_geojson(LayerSpec("x", frame, "x", "x"))
    decoded = decode(encode_collection(collection))
    assert decoded[0][1][0][0] == pytest.approx((114.05, 22.54), abs=2e-6)
    assert decoded[1][1][0][-1] == pytest.approx((114.06, 22.55), abs=2e-6)
    assert decoded[2][0] == "MultiPolygon" and len(decoded[2][1]) == 2


def test_big_layers_are_simplified_within_tolerance():
    # a circle of radius 1 km with 4096 vertices: well over the simplification threshold
    circle = shapely.Point(FUTIAN_X, FUTIAN_Y).buffer(1000, quad_segs=1024)
    frame = gpd.GeoDataFrame({"id": ["c"]}, geometry=[circle], crs=4547)
    spec = LayerSpec("c", frame, "圆", "circle", provenance={"accuracy_m": 50})
    collection, stats = render_geojson(spec)
    assert stats["vertices_in"] > 4000
    assert stats["vertices_out"] < stats["vertices_in"] / 4
    assert stats["simplify_m"] == 5.0  # a tenth of 50 m
    out = gpd.GeoSeries([shapely.geometry.shape(collection["features"][0]["geometry"])], crs=4326).to_crs(4547)
    assert out.iloc[0].hausdorff_distance(circle) <= 5.0 + 0.1
    assert out.iloc[0].is_valid


def test_coverage_simplification_keeps_shared_edges():
    # two polygons sharing a wiggly edge of 3000 vertices: simplified as a coverage,
    # they must neither overlap nor open a gap
    ys = np.linspace(0, 1000, 3000)
    xs = 500 + 3 * np.sin(ys / 7.0)
    edge = list(zip(FUTIAN_X + xs, FUTIAN_Y + ys))
    left = shapely.Polygon([(FUTIAN_X, FUTIAN_Y)] + edge + [(FUTIAN_X, FUTIAN_Y + 1000)])
    right = shapely.Polygon([(FUTIAN_X + 1000, FUTIAN_Y)] + edge + [(FUTIAN_X + 1000, FUTIAN_Y + 1000)])
    geoms = np.array([left, right.normalize()], dtype=object)
    assert shapely.coverage_is_valid(geoms)
    out = simplify_for_web(geoms, 5.0)
    assert shapely.get_num_coordinates(out).sum() < shapely.get_num_coordinates(geoms).sum() / 4
    overlap = shapely.intersection(out[0], out[1]).area
    union = shapely.union_all(out).area
    assert overlap < 1e-6
    assert union == pytest.approx(1000 * 1000, abs=1.0)  # no gap between the two


def test_gaode_basemap_shifts_overlays_to_gcj02():
    # published offset at (114.0579, 22.5431): GCJ-02 is +0.0051 lon, -0.0027 lat (crs docstring)
    frame = gpd.GeoDataFrame({"id": ["p"], "name_zh": ["点"], "name_en": ["pt"]},
                             geometry=[shapely.Point(114.0579, 22.5431)], crs=4326).to_crs(4547)
    wgs, _ = render_geojson(LayerSpec("p", frame, "p", "p"), datum="wgs84")
    gcj, _ = render_geojson(LayerSpec("p", frame, "p", "p"), datum="gcj02")
    lon0, lat0 = wgs["features"][0]["geometry"]["coordinates"]
    lon1, lat1 = gcj["features"][0]["geometry"]["coordinates"]
    assert lon1 - lon0 == pytest.approx(0.0051, abs=1e-4)
    assert lat1 - lat0 == pytest.approx(-0.0027, abs=1e-4)
    _, _, shift = GEOD.inv(lon0, lat0, lon1, lat1)
    assert 450 < shift < 650
    # the page itself carries WGS84 and shifts in the browser when Gaode is chosen
    # (tests/test_browser.py checks the shift in Chromium); it opens on the chosen basemap
    html = page_html(make_map(map_spec(LayerSpec("p", frame, "p", "p")), basemap=get_basemap("gaode")))
    assert '"basemap":"gaode"' in html and '"datum":"gcj02"' in html


# ---------------------------------------------------------------------------------------
# basemaps, offline pages
# ---------------------------------------------------------------------------------------
def test_basemaps():
    assert get_basemap("osm").datum == "wgs84" and get_basemap("osm").has_tiles
    assert get_basemap("gaode").datum == "gcj02"
    assert not get_basemap("none").has_tiles
    tdt = get_basemap("tianditu", tianditu_key="KEY123")
    assert "tk=KEY123" in tdt.providers[0].build_url()
    with pytest.raises(ConfigError, match="TIANDITU_KEY"):
        get_basemap("tianditu")
    with pytest.raises(ConfigError, match="Unknown basemap 'bing'"):
        get_basemap("bing")


def test_offline_page_has_no_external_reference():
    m = make_map(map_spec(), basemap=get_basemap("none"))
    online = page_html(m)
    assert external_references(online)  # stock page loads Leaflet from a CDN
    offline = page_html(make_map(map_spec(), basemap=get_basemap("none")), offline=True)
    assert external_references(offline) == []
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?https?://""", offline)
    assert "L.Control.GroupedLayers" in offline and "L.Control.Measure" in offline  # plugins inlined
    assert "futiangis.setup" in offline and "F.addLayer = function" in offline  # our runtime inlined


def test_localized_assets_point_at_the_assets_folder():
    html = page_html(make_map(map_spec(), basemap=get_basemap("none")))
    local, files = localize_assets(html)
    assert external_references(local) == []
    srcs = re.findall(r"""(?:src|href)=["']([^"']+)["']""", local)
    assert srcs and all(s.startswith("assets/") for s in srcs if s.endswith((".js", ".css")))
    assert {"leaflet.js", "leaflet.css", "futiangis.js", "futiangis.css"} <= set(files)
    assert all(f"assets/{name}" in local for name in files)
    # no style sheet asks for an image file that is not there
    assert not any(re.search(r"url\((?!\s*[\"']?(?:data:|#))", text) for name, text in files.items() if name.endswith(".css"))


def test_offline_unknown_asset_is_an_error():
    with pytest.raises(OutputError, match="no offline copy of https://example.invalid/x.js"):
        inline_assets('<script src="https://example.invalid/x.js"></script>')


# ---------------------------------------------------------------------------------------
# map structure, legends, tables
# ---------------------------------------------------------------------------------------
def test_map_has_controls_layers_and_legend():
    hidden = LayerSpec("d2", district(), "区", "district", group_zh="基础", group_en="Base", show=False)
    m = make_map(map_spec(site_spec(), hidden), basemap=get_basemap("osm"))
    kinds = [type(c) for c in m._children.values()]
    assert kinds.count(VectorLayer) == 2
    for plugin in (folium.plugins.Fullscreen, folium.plugins.MeasureControl):
        assert any(issubclass(k, plugin) for k in kinds), plugin
    html = page_html(m)
    assert "leaflet.groupedlayercontrol" in html and "futiangis.setup(" in html
    assert "ft-legend-sec" in html and r'data-layer=\"sites\"' in html  # legend keyed by layer
    assert '"基础 · Base"' in html  # layer-control group
    assert '"search":{"layers":["sites"]' in html  # only searchable layers, by key


def test_constant_values_written_once_per_layer():
    m = make_map(map_spec(site_spec()), basemap=get_basemap("none"))
    layer = next(c for c in m._children.values() if isinstance(c, VectorLayer))
    # accuracy class is the same on both sites: written in the layer config, not per feature
    assert layer.conf_js.count("illustrative") >= 1
    assert layer.data_js.count("illustrative") == 0


def test_classify_with_planning_thresholds():
    values = pd.Series([0.2, 0.6, 0.85, 1.0, np.nan], index=[10, 11, 12, 13, 14])
    classes = classify(values, bins=(0.5, 0.8, 1.0), as_pct=True)
    assert classes.class_index.tolist() == [0, 1, 2, 2, -1]
    assert classes.class_index.index.tolist() == [10, 11, 12, 13, 14]
    assert classes.labels == ("≤ 50 %", "50 % – 80 %", "80 % – 100 %")
    colors = classes.color_of()
    assert colors.iloc[4] == "#BDBDBD" and colors.iloc[2] == colors.iloc[3] != colors.iloc[0]
    assert classes.counts() == (1, 1, 2)


def test_legend_and_tables_escape():
    html = legend_html(HOSTILE, "t", (LegendSection("a", "b", (LegendEntry("#fff", HOSTILE, "x"),)),))
    assert "<img" not in html and html.count("&lt;img") == 2
    table = table_html(pd.DataFrame({"a": [HOSTILE], "n": [10000.0]}),
                       (Column("a", "名", "Name"), Column("n", "面积", "Area", "area_m2")))
    assert "<img" not in table and "10,000 m²（1.00 万㎡）" in table


def test_static_png_has_cjk_font_and_size():
    png = render_static_png(map_spec(site_spec()), dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (round(11 * 60), round(7.6 * 60))
