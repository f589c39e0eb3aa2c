"""Themed interactive maps (folium / Leaflet), small and safe.

A map is described as data — a :class:`MapSpec` holding :class:`LayerSpec` s in the
working CRS with their colours, popup fields, legend section and provenance — and
:func:`make_map` turns it into a :class:`folium.Map`. This is the only place where
geometries leave the working CRS: they are projected to EPSG:4326 (and shifted to
GCJ-02 for the Gaode basemap) just before they are written into the page.

Small pages
    Geometry is rounded and simplified by :mod:`futiangis.render.geojson`. Properties
    carry only what the popup shows; the labels, styles and provenance are written once
    per layer, not once per feature.

Safe pages
    Every attribute value, name and label is escaped in Python
    (:mod:`futiangis.render.popups`) before it reaches the page; the page's JavaScript
    only concatenates escaped strings.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import folium
import folium.plugins
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template

from ..schemas import is_illustrative
from .basemaps import Basemap
from .geojson import encode_collection, render_geojson
from .legend import LEGEND_CSS, LegendSection, legend_html
from .popups import ILLUSTRATIVE_NOTE_EN, ILLUSTRATIVE_NOTE_ZH, Field, bilingual, esc

__all__ = [
    "LayerSpec",
    "MapSpec",
    "Panel",
    "make_map",
    "js_string",
]

#: provenance text in a popup is cut here (index.html lists every source in full)
MAX_SOURCE_CHARS = 200


def js_string(value: Any) -> str:
    """JSON for a ``<script>`` block: UTF-8, compact, with ``< > &`` and line separators escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    # branca compiles every macro's output as a Jinja2 template again: a value such as
    # "{{ cycler.__init__.__globals__.os... }}" would run at build time. Structural JSON
    # never has "{" before "{", "%" or "#", so this only touches characters in strings.
    return re.sub(r"\{(?=[{%#])", r"\\u007b", text)


@dataclass(frozen=True, eq=False)
class LayerSpec:
    """One vector layer of a theme map.

    Parameters
    ----------
    key : str
        Short id (used in the page's ``window.futiangis.layers``).
    frame : GeoDataFrame
        Features in the working CRS (metres); never modified.
    name_zh, name_en, group_zh, group_en : str
        Layer and layer-control group names.
    fields : tuple of Field
        Popup rows.
    color : str
        Colour for every feature, unless ``colors`` gives one per feature.
    colors : Series, optional
        Colour per feature, indexed like ``frame``.
    radius : float or Series
        Circle-marker radius (px) for points.
    legend : LegendSection, optional
        This layer's legend entries.
    provenance : mapping
        ``source``, ``licence``, ``accuracy_class``, ``accuracy_m`` of the layer.
    """

    key: str
    frame: gpd.GeoDataFrame
    name_zh: str
    name_en: str
    group_zh: str = "图层"
    group_en: str = "Layers"
    fields: tuple[Field, ...] = ()
    tooltip_field: Field | None = None
    color: str = "#3388ff"
    colors: pd.Series | None = None
    fill: bool = True
    fill_opacity: float = 0.35
    weight: float = 1.5
    dash: str | None = None
    radius: float | pd.Series = 5.0
    show: bool = True
    interactive: bool = True
    searchable: bool = False
    legend: LegendSection | None = None
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        """Bilingual layer name."""
        return bilingual(self.name_zh, self.name_en, lang)


@dataclass(frozen=True)
class Panel:
    """A box on the map (e.g. target progress): bilingual title and pre-escaped HTML body."""

    title_zh: str
    title_en: str
    body_html: str
    position: str = "bottomleft"
    open: bool = True


@dataclass(frozen=True, eq=False)
class MapSpec:
    """A theme map: what it shows and how to describe it."""

    key: str
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    layers: tuple[LayerSpec, ...]
    extent: gpd.GeoDataFrame
    panels: tuple[Panel, ...] = ()

    def title(self, lang: str) -> str:
        """Bilingual title."""
        return bilingual(self.title_zh, self.title_en, lang)

    @property
    def has_illustrative(self) -> bool:
        """True if any layer holds illustrative data."""
        return any(is_illustrative(layer.frame, layer.provenance) for layer in self.layers)


# ---------------------------------------------------------------------------------------
# page elements
# ---------------------------------------------------------------------------------------
_PAGE_CSS = """
.folium-map{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","Microsoft YaHei",
 "PingFang SC",sans-serif}
.ft-nobase{background:#eef1f4}
.ft-pop{font-size:12.5px;line-height:1.4;min-width:220px}
.ft-pop-name{font-weight:bold;font-size:13.5px;margin-bottom:3px}
.ft-pop table{border-collapse:collapse}
.ft-pop th{text-align:left;font-weight:normal;color:#555;padding:1px 8px 1px 0;
 vertical-align:top;max-width:170px}
.ft-pop td{padding:1px 0;unicode-bidi:isolate;word-break:break-word;vertical-align:top}
.ft-table td{unicode-bidi:isolate}
.ft-illus{background:#fff3cd;color:#7a5200;border:1px solid #e0c36a;padding:1px 5px;
 margin:3px 0;border-radius:3px;font-size:11.5px}
.ft-prov{color:#777;font-size:11px;margin-top:4px;border-top:1px solid #ddd;padding-top:3px}
.ft-box{background:rgba(255,255,255,.93);padding:6px 9px;border-radius:4px;
 box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:12px;max-width:460px}
.ft-title{font-size:15px;font-weight:bold;text-align:center}
.ft-title small{display:block;font-weight:normal;font-size:11.5px;color:#555}
.ft-title .ft-illus{display:inline-block}
.ft-panel{max-height:40vh;overflow:auto;max-width:620px}
.ft-panel summary{font-weight:bold;cursor:pointer}
.ft-table{border-collapse:collapse;font-size:11.5px;margin-top:3px}
.ft-table th,.ft-table td{border-bottom:1px solid #e2e2e2;padding:2px 5px;text-align:left}
.ft-table td.num{text-align:right;white-space:nowrap}
.ft-bar{position:absolute;left:0;top:0;height:100%;background:#2b8a3e}
.ft-bar-bg{position:relative;display:inline-block;width:60px;height:8px;background:#e9ecef;vertical-align:middle}
.leaflet-control-layers{font-size:12.5px;line-height:1.3}
.leaflet-control-layers-group-name{font-weight:bold;display:block;margin-top:3px}
.leaflet-top.leaflet-center{left:50%;transform:translateX(-50%);top:8px;position:absolute}
""" + LEGEND_CSS

_RUNTIME_JS = """
window.futiangis = window.futiangis || {layers: {}, counts: {}};
function futiangisDecode(c) {
    var q = c.q, ox = c.o[0], oy = c.o[1];
    function ring(a) {
        var out = [], x = ox, y = oy;
        for (var i = 0; i < a.length; i += 2) { x += a[i]; y += a[i + 1]; out.push([x / q, y / q]); }
        return out;
    }
    function rings(a) { return a.map(ring); }
    var geom = {
        Point: function (d) { return ring(d)[0]; }, MultiPoint: ring, LineString: ring,
        Polygon: rings, MultiLineString: rings, MultiPolygon: function (d) { return d.map(rings); }
    };
    return {type: "FeatureCollection", features: c.f.map(function (f) {
        return {type: "Feature", properties: f[0],
                geometry: f[1] ? {type: f[1], coordinates: geom[f[1]](f[2])} : null};
    })};
}
function futiangisValues(p, conf) {
    var out = [], k = 0;
    for (var i = 0; i < conf.labels.length; i++) {
        var v = conf.fixed[i];
        if (v === null) { v = p.v ? p.v[k] : ""; k++; }
        out.push(v);
    }
    return out;
}
function futiangisName(p) {
    return p.n.map(function (s) { return "<bdi>" + s + "</bdi>"; }).join(" · ");
}
function futiangisBind(feature, layer, conf) {
    var p = feature.properties || {};
    p.title = p.n.join(" · ");  // what the search box lists and matches
    var st = conf.styles[p.s || 0];
    if (layer.setRadius && p.r) { layer.setRadius(p.r); }
    if (!conf.interactive) { return; }
    var values = futiangisValues(p, conf), rows = "";
    for (var i = 0; i < conf.labels.length; i++) {
        if (values[i] !== "" && values[i] !== null && values[i] !== undefined) {
            rows += "<tr><th>" + conf.labels[i] + "</th><td>" + values[i] + "</td></tr>";
        }
    }
    var name = futiangisName(p);
    var html = '<div class="ft-pop"><div class="ft-pop-name">' + name + "</div>"
        + ((p.i || conf.allIllus) ? '<div class="ft-illus">' + conf.illus + "</div>" : "")
        + "<table>" + rows + '</table><div class="ft-prov">' + conf.foot + "</div></div>";
    layer.bindPopup(html, {maxWidth: 420, minWidth: 260});
    var tip = name;
    if (conf.tip >= 0 && values[conf.tip]) { tip += "：<bdi>" + values[conf.tip] + "</bdi>"; }
    layer.bindTooltip(tip, {sticky: true});
    layer.on("mouseover", function () { if (layer.setStyle) { layer.setStyle({weight: st.weight + 2}); } });
    layer.on("mouseout", function () { if (layer.setStyle) { layer.setStyle({weight: st.weight}); } });
}
"""


class _Runtime(MacroElement):
    """Page CSS and the shared popup binder (once per page)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <title>{{ this.title_html }}</title>
        <style>{{ this.css }}</style>
        <script>{{ this.js }}</script>
        {% endmacro %}
        """
    )

    def __init__(self, title: str):
        super().__init__()
        self._name = "FutianRuntime"
        self.title_html = esc(title)
        self.css = _PAGE_CSS
        self.js = _RUNTIME_JS


def _hoist_constants(collection: dict, n_fields: int) -> tuple[dict, dict]:
    """Move values shared by every feature (e.g. the accuracy class) to the layer.

    Returns ``({"values": [value or None per field], "illustrative": bool}, collection)``
    where the new collection's per-feature ``v`` lists hold only the varying fields and
    ``i`` is dropped when every feature is illustrative.
    """
    feats = collection["features"]
    fixed: list = [None] * n_fields
    all_illus = bool(feats) and all(f["properties"].get("i") for f in feats)
    if len(feats) > 1:
        for j in range(n_fields):
            first = feats[0]["properties"]["v"][j]
            if all(f["properties"]["v"][j] == first for f in feats):
                fixed[j] = first
    keep = [j for j in range(n_fields) if fixed[j] is None]
    out = []
    for f in feats:
        p = dict(f["properties"])
        p["n"] = p.pop("parts")
        p["v"] = [p["v"][j] for j in keep]
        if all_illus:
            p.pop("i", None)
        out.append({**f, "properties": p})
    return {"values": fixed, "illustrative": all_illus}, {**collection, "features": out}


class VectorLayer(folium.GeoJson):
    """A GeoJSON overlay written compactly, styled and bound in the page's JavaScript.

    Subclasses :class:`folium.GeoJson` so the layer control and the search plugin
    accept it, but renders its own small template instead of folium's per-feature
    style switch.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_conf = {{ this.conf_js }};
        var {{ this.get_name() }} = L.geoJson(futiangisDecode({{ this.data_js }}), {
            pointToLayer: function (feature, latlng) {
                var st = {{ this.get_name() }}_conf.styles[feature.properties.s || 0];
                return L.circleMarker(latlng, Object.assign({radius: {{ this.radius }}}, st));
            },
            style: function (feature) {
                return {{ this.get_name() }}_conf.styles[feature.properties.s || 0];
            },
            interactive: {{ this.interactive_js }},
            onEachFeature: function (feature, layer) {
                futiangisBind(feature, layer, {{ this.get_name() }}_conf);
            }
        });
        window.futiangis.layers[{{ this.key_js }}] = {{ this.get_name() }};
        window.futiangis.counts[{{ this.key_js }}] = {{ this.n_features }};
        {% endmacro %}
        """
    )

    def __init__(self, spec: LayerSpec, *, lang: str, datum: str):
        folium.map.Layer.__init__(self, name=esc(spec.name(lang)), overlay=True, control=True, show=spec.show)
        self._name = "VectorLayer"
        if spec.tooltip_field is not None and spec.tooltip_field.column not in [f.column for f in spec.fields]:
            spec = replace(spec, fields=spec.fields + (spec.tooltip_field,))  # the tooltip's number
        fields = spec.fields
        self.spec = spec
        self.data, self.stats = render_geojson(spec, lang=lang, datum=datum)
        prov = spec.provenance or {}
        foot_parts = []
        if prov.get("accuracy_class"):
            acc = str(prov["accuracy_class"])
            if prov.get("accuracy_m") is not None:
                acc += f" ±{float(prov['accuracy_m']):g} m"
            foot_parts.append(f"{bilingual('精度', 'Accuracy', lang)}: {acc}")
        if prov.get("source"):
            source = str(prov["source"])
            if len(source) > MAX_SOURCE_CHARS:  # the full text is in index.html
                source = source[:MAX_SOURCE_CHARS].rstrip() + "…"
            foot_parts.append(f"{bilingual('来源', 'Source', lang)}: {source}")
        if prov.get("licence"):
            foot_parts.append(f"{bilingual('许可', 'Licence', lang)}: {prov['licence']}")
        if self.stats["simplify_m"]:
            foot_parts.append(bilingual(f"网页显示已简化 ±{self.stats['simplify_m']:g} m",
                                        f"simplified for the web ±{self.stats['simplify_m']:g} m", lang))
        fixed, compact = _hoist_constants(self.data, len(fields))
        conf = {
            "labels": [esc(f.label(lang)) for f in fields],
            "fixed": fixed["values"],
            "allIllus": fixed["illustrative"],
            "tip": [f.column for f in fields].index(spec.tooltip_field.column) if spec.tooltip_field is not None else -1,
            "foot": "<br>".join(esc(p) for p in foot_parts),
            "illus": esc(bilingual(ILLUSTRATIVE_NOTE_ZH, ILLUSTRATIVE_NOTE_EN, lang)),
            "styles": self.stats["styles"],
            "interactive": bool(spec.interactive),
        }
        self.conf_js = js_string(conf)
        self.data_js = js_string(encode_collection(compact))
        self.key_js = js_string(spec.key)
        self.n_features = int(self.stats["features"])
        self.radius = float(spec.radius) if not isinstance(spec.radius, pd.Series) else 5.0
        self.interactive_js = "true" if spec.interactive else "false"

    def render(self, **kwargs):
        """Render as a plain Layer (skip folium's per-feature style mapping)."""
        folium.map.Layer.render(self, **kwargs)


class HtmlControl(MacroElement):
    """A Leaflet control holding pre-escaped HTML (title, legend, panels)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var ctl = L.control({position: {{ this.position_js }}});
            ctl.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.css_class_js }});
                div.innerHTML = {{ this.html_js }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            ctl.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str, *, position: str = "bottomleft", css_class: str = "ft-box"):
        super().__init__()
        self._name = "HtmlControl"
        self.html_js = js_string(html)
        self.position_js = js_string(position)
        self.css_class_js = js_string(css_class)


class _CenterCorner(MacroElement):
    """Adds a top-centre control corner to the map (for the title)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var c = map._controlCorners, l = "leaflet-";
            c["topcenter"] = L.DomUtil.create("div", l + "top " + l + "center", map._controlContainer);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class OutlineMiniMap(folium.plugins.MiniMap):
    """MiniMap that shows the district outline instead of tiles (``--basemap none``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }}_layer = L.geoJson({{ this.outline_js }}, {
                style: {color: "#555", weight: 1, fillColor: "#9db7c9", fillOpacity: 0.4},
                interactive: false
            });
            var {{ this.get_name() }} = new L.Control.MiniMap(
                {{ this.get_name() }}_layer, {{ this.options|tojavascript }});
            {{ this._parent.get_name() }}.addControl({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, outline: dict, **kwargs):
        super().__init__(**kwargs)
        self.outline_js = js_string(outline)


class _Fit(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds_js }}, {padding: [10, 10]});
        {%- if not this.has_tiles %}
        {{ this._parent.get_name() }}.getContainer().classList.add("ft-nobase");
        {%- endif %}
        window.futiangis.map = {{ this._parent.get_name() }};
        {% endmacro %}
        """
    )

    def __init__(self, bounds, *, has_tiles: bool):
        super().__init__()
        self.bounds_js = js_string(bounds)
        self.has_tiles = has_tiles


# ---------------------------------------------------------------------------------------
# the map
# ---------------------------------------------------------------------------------------
def _title_html(spec: MapSpec, lang: str, basemap: Basemap) -> str:
    first, second = (spec.title_zh, spec.title_en) if lang != "en" else (spec.title_en, spec.title_zh)
    parts = [f"{esc(first)}<small>{esc(second)}</small>"]
    if spec.has_illustrative:
        parts.append(f'<div class="ft-illus">{esc(bilingual("含示意数据，非官方规划", "Contains illustrative data, not official plans", lang))}</div>')
    if basemap.datum == "gcj02":
        parts.append(f"<small>{esc(bilingual('叠加图层已转换为 GCJ-02 以对齐高德底图', 'Overlays shifted to GCJ-02 to match the Gaode basemap', lang))}</small>")
    return "".join(parts)


def _panel_html(panel: Panel, lang: str) -> str:
    return (f"<details{' open' if panel.open else ''}><summary>{esc(bilingual(panel.title_zh, panel.title_en, lang))}</summary>"
            f"{panel.body_html}</details>")


def make_map(spec: MapSpec, *, basemap: Basemap, lang: str = "zh") -> folium.Map:
    """Build the folium map for a theme.

    Parameters
    ----------
    spec : MapSpec
        Layers in the working CRS, panels, extent (district).
    basemap : Basemap
        From :func:`futiangis.render.basemaps.get_basemap`; for GCJ-02 basemaps every
        overlay is shifted WGS84 → GCJ-02.
    lang : {"zh", "en"}
        Which language comes first in labels.
    """
    datum = basemap.datum
    extent = LayerSpec("extent", spec.extent, "", "")
    outline, _ = render_geojson(extent, lang=lang, datum=datum)
    for f in outline["features"]:
        f["properties"] = {}
    minx, miny, maxx, maxy = gpd.GeoSeries(
        [shapely.geometry.shape(f["geometry"]) for f in outline["features"]], crs=4326
    ).total_bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=13,
        tiles=None,
        control_scale=False,
        max_zoom=19,
        zoom_snap=0.25,
    )
    # Only Leaflet itself is needed: no jQuery, Bootstrap or icon fonts (smaller pages).
    m.default_js = [js for js in m.default_js if js[0] == "leaflet"]
    m.default_css = [css for css in m.default_css if css[0] == "leaflet_css"]
    m.add_child(_Runtime(spec.title(lang)))
    m.add_child(_CenterCorner())
    tile_layer = None
    for i, provider in enumerate(basemap.providers):
        layer = folium.TileLayer(tiles=provider, name=esc(bilingual(basemap.title_zh, basemap.title_en, lang)),
                                 overlay=i > 0, control=False, max_zoom=19)
        m.add_child(layer)
        tile_layer = tile_layer or layer
    groups: dict[str, list] = {}
    vector_layers = []
    for layer_spec in spec.layers:
        vl = VectorLayer(layer_spec, lang=lang, datum=datum)
        m.add_child(vl)
        vector_layers.append(vl)
        groups.setdefault(esc(bilingual(layer_spec.group_zh, layer_spec.group_en, lang)), []).append(vl)
    if groups:
        m.add_child(folium.plugins.GroupedLayerControl(groups, exclusive_groups=False, collapsed=False))
    # leaflet-search adds its layer to the map: only a layer shown on opening qualifies
    searchable = [vl for vl in vector_layers if vl.spec.searchable and vl.spec.show and vl.n_features]
    if searchable:
        m.add_child(folium.plugins.Search(
            searchable[0], search_label=None, geom_type="Point", search_zoom=16, collapsed=True,
            position="topleft", placeholder="搜索名称 Search by name",
        ))
    m.add_child(folium.plugins.Fullscreen(position="topleft", title="全屏 Full screen",
                                          title_cancel="退出全屏 Exit full screen"))
    m.add_child(folium.plugins.MeasureControl(position="topleft", primary_length_unit="meters",
                                              secondary_length_unit="kilometers",
                                              primary_area_unit="sqmeters", secondary_area_unit="hectares"))
    if tile_layer is not None and basemap.datum == "wgs84" and len(basemap.providers) == 1:
        m.add_child(folium.plugins.MiniMap(tile_layer=basemap.providers[0], position="bottomright",
                                           zoom_level_offset=-5, width=130, height=110))
    else:
        m.add_child(OutlineMiniMap(outline, position="bottomright", zoom_level_offset=-4,
                                   width=130, height=110))
    m.add_child(HtmlControl(_title_html(spec, lang, basemap), position="topcenter", css_class="ft-box ft-title"))
    sections = tuple(ls.legend for ls in spec.layers if ls.legend is not None)
    if sections:
        m.add_child(HtmlControl(legend_html("图例", "Legend", sections, lang=lang),
                                position="bottomright", css_class="ft-legend"))
    for panel in spec.panels:
        m.add_child(HtmlControl(_panel_html(panel, lang), position=panel.position, css_class="ft-box ft-panel"))
    m.add_child(_Fit([[miny, minx], [maxy, maxx]], has_tiles=basemap.has_tiles))
    return m


def page_stats(m: folium.Map) -> dict:
    """Per-layer feature and vertex counts of a map built by :func:`make_map`."""
    out = {}
    for child in m._children.values():
        if isinstance(child, VectorLayer):
            out[child.spec.key] = {k: v for k, v in child.stats.items() if k != "styles"}
    return out
