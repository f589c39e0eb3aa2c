"""Themed interactive maps (folium / Leaflet), small, safe and usable offline.

A :class:`~futiangis.render.model.MapSpec` (data: layers in the working CRS, legends,
panels) becomes a :class:`folium.Map` here. folium provides the page skeleton and the
maintained Leaflet plugins (grouped layer control, measure, full screen); the
page behaviour — basemap switcher with the in-page GCJ-02 shift, search over every
named layer, legend that follows the visible layers, panels, labels, coordinate
readout, year slider — lives in one static script shipped with the package
(``futiangis/render/assets/futiangis.js`` and ``futiangis.css``), configured by one
JSON object per page. Every script and style sheet is served from the output folder's
``assets/`` (or inlined with ``--offline``: :mod:`futiangis.render.offline`).

Geometries leave the working CRS only here: they are projected to EPSG:4326 just
before they are written into the page (:mod:`futiangis.render.geojson`). Every
attribute value, name and label is escaped in Python (:mod:`futiangis.render.popups`);
the page's JavaScript only concatenates escaped strings.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from .basemaps import Basemap, page_basemaps
from .geojson import encode_collection, render_geojson
from .legend import legend_html
from .model import LayerSpec, MapSpec, Panel, YearSlider
from .popups import ILLUSTRATIVE_NOTE_EN, ILLUSTRATIVE_NOTE_ZH, bilingual, esc

__all__ = ["LayerSpec", "MapSpec", "Panel", "make_map", "js_string", "page_stats", "OWN_ASSETS"]

#: provenance text in a popup is cut here (index.html lists every source in full)
MAX_SOURCE_CHARS = 200
#: the page runtime, shipped as package data, served from the output folder's assets/
OWN_ASSETS = ("futiangis.css", "futiangis.js")
GROUPED_LAYERS_JS = ("https://cdnjs.cloudflare.com/ajax/libs/leaflet-groupedlayercontrol/0.6.1/"
                     "leaflet.groupedlayercontrol.min.js")
GROUPED_LAYERS_CSS = ("https://cdnjs.cloudflare.com/ajax/libs/leaflet-groupedlayercontrol/0.6.1/"
                      "leaflet.groupedlayercontrol.min.css")


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


class _Runtime(JSCSSMixin, MacroElement):
    """The page title, the grouped layer control plugin and futiangis.js / .css."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <title>{{ this.title_html }}</title>
        {% endmacro %}
        """
    )
    default_js = [("groupedlayercontrol", GROUPED_LAYERS_JS), ("futiangis_js", "assets/futiangis.js")]
    default_css = [("groupedlayercontrol_css", GROUPED_LAYERS_CSS), ("futiangis_css", "assets/futiangis.css")]

    def __init__(self, title: str):
        super().__init__()
        self._name = "FutianRuntime"
        self.title_html = esc(title)


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


def _footer(spec: LayerSpec, simplify_m: float, lang: str) -> str:
    prov = spec.provenance or {}
    parts = []
    if prov.get("accuracy_class"):
        acc = str(prov["accuracy_class"])
        if prov.get("accuracy_m") is not None:
            acc += f" ±{float(prov['accuracy_m']):g} m"
        parts.append(f"{bilingual('精度', 'Accuracy', lang)}: {acc}")
    if prov.get("source"):
        source = str(prov["source"])
        if len(source) > MAX_SOURCE_CHARS:  # the full text is in index.html
            source = source[:MAX_SOURCE_CHARS].rstrip() + "…"
        parts.append(f"{bilingual('来源', 'Source', lang)}: {source}")
    if prov.get("licence"):
        parts.append(f"{bilingual('许可', 'Licence', lang)}: {prov['licence']}")
    if simplify_m:
        parts.append(bilingual(f"网页显示已简化 ±{simplify_m:g} m", f"simplified for the web ±{simplify_m:g} m", lang))
    return "<br>".join(esc(p) for p in parts)


class VectorLayer(MacroElement):
    """One overlay, written compactly and created by ``futiangis.addLayer`` in the page."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.futiangis.addLayer({{ this.key_js }}, {{ this.conf_js }}, {{ this.data_js }});
        {% endmacro %}
        """
    )

    def __init__(self, spec: LayerSpec, *, lang: str):
        super().__init__()
        self._name = "VectorLayer"
        if spec.tooltip_field is not None and spec.tooltip_field.column not in [f.column for f in spec.fields]:
            spec = replace(spec, fields=spec.fields + (spec.tooltip_field,))  # the tooltip's number
        fields = spec.fields
        self.spec = spec
        self.data, self.stats = render_geojson(spec, lang=lang)
        fixed, compact = _hoist_constants(self.data, len(fields))
        conf = {
            "labels": [esc(f.label(lang)) for f in fields],
            "fixed": fixed["values"],
            "allIllus": fixed["illustrative"],
            "tip": [f.column for f in fields].index(spec.tooltip_field.column) if spec.tooltip_field is not None else -1,
            "foot": _footer(spec, self.stats["simplify_m"], lang),
            "illus": esc(bilingual(ILLUSTRATIVE_NOTE_ZH, ILLUSTRATIVE_NOTE_EN, lang)),
            "styles": self.stats["styles"],
            "dashes": self.stats["dashes"],
            "interactive": bool(spec.interactive),
            "radius": float(spec.radius) if not isinstance(spec.radius, pd.Series) else 5.0,
            "labelZoom": spec.label_min_zoom,
            "slider": spec.years is not None or spec.timeline is not None,
            "timeline": self.stats["timeline"],
        }
        self.conf_js = js_string(conf)
        self.data_js = js_string(encode_collection(compact))
        self.key_js = js_string(spec.key)
        self.n_features = int(self.stats["features"])


class _Setup(MacroElement):
    """Calls ``futiangis.setup(map, config)`` once every layer is defined."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.futiangis.setup({{ this._parent.get_name() }}, {{ this.config_js }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict):
        super().__init__()
        self._name = "FutianSetup"
        self.config_js = js_string(config)


# ---------------------------------------------------------------------------------------
# page configuration (all strings escaped here)
# ---------------------------------------------------------------------------------------
def _title_html(spec: MapSpec, lang: str) -> str:
    first, second = (spec.title_zh, spec.title_en) if lang != "en" else (spec.title_en, spec.title_zh)
    home = "← " + esc(bilingual("索引", "Index", lang))
    parts = [f'<a class="ft-home" href="index.html" title="{esc(bilingual("返回地图索引", "Back to the index", lang))}">'
             f"{home}</a> {esc(first)}<small>{esc(second)}</small>"]
    if spec.has_illustrative:
        parts.append(f'<div class="ft-illus">{esc(bilingual("含示意数据，非官方规划", "Contains illustrative data, not official plans", lang))}</div>')
    parts.append(f'<small class="ft-basenote">{esc(bilingual("叠加图层坐标系", "Overlays drawn in", lang))} '
                 '<span class="ft-datum"></span></small>')
    return "".join(parts)


def _panels_html(panels: tuple[Panel, ...], lang: str) -> str:
    out = []
    for i, panel in enumerate(panels):
        key = panel.key or f"panel{i}"
        out.append(f'<details class="ft-box ft-panel" data-panel="{esc(key)}"{" open" if panel.open else ""}>'
                   f"<summary>{esc(bilingual(panel.title_zh, panel.title_en, lang))}</summary>"
                   f'<div class="ft-panel-body">{panel.body_html}</div></details>')
    return "".join(out)


def _strings(lang: str) -> dict:
    return {
        "offline": esc(bilingual("底图无法加载（离线？）：叠加图层照常显示", "Basemap unavailable offline: overlays still shown", lang)),
        "datum": {"wgs84": "WGS84", "gcj02": "GCJ-02"},
        "centre": esc(bilingual("中心", "centre", lang)),
        "year": esc(bilingual("年份", "Year", lang)),
        "measure": esc(bilingual("测量坐标系", "Measured in", lang)),
    }


def _slider_config(slider: YearSlider, lang: str) -> dict:
    return {"layers": list(slider.layers), "years": [int(y) for y in slider.years],
            "progress": {int(k): v for k, v in slider.progress.items()}, "panel": slider.panel_key,
            "note": esc(bilingual(slider.note_zh, slider.note_en, lang))}


def make_map(spec: MapSpec, *, basemap: Basemap, lang: str = "zh", tianditu_key: str | None = None) -> folium.Map:
    """Build the folium map for a theme.

    Parameters
    ----------
    spec : MapSpec
        Layers in the working CRS, panels, extent (district).
    basemap : Basemap
        The basemap selected when the page opens (the switcher offers every basemap;
        choosing Gaode shifts every overlay to GCJ-02 in the page).
    lang : {"zh", "en"}
        Which language comes first in labels.
    tianditu_key : str, optional
        Adds Tianditu to the switcher.
    """
    extent = LayerSpec("extent", spec.extent, "", "")
    outline, _ = render_geojson(extent, lang=lang)
    for f in outline["features"]:
        f["properties"] = {}
    minx, miny, maxx, maxy = gpd.GeoSeries(
        [shapely.geometry.shape(f["geometry"]) for f in outline["features"]], crs=4326).total_bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=13, tiles=None,
                   control_scale=False, max_zoom=19, zoom_snap=0.25)
    # Only Leaflet itself is needed: no jQuery, Bootstrap or icon fonts (smaller pages).
    m.default_js = [js for js in m.default_js if js[0] == "leaflet"]
    m.default_css = [css for css in m.default_css if css[0] == "leaflet_css"]
    m.add_child(_Runtime(spec.title(lang)))
    layers = [VectorLayer(ls, lang=lang) for ls in spec.layers]
    for vl in layers:
        m.add_child(vl)
    m.add_child(folium.plugins.Fullscreen(position="topleft", title=bilingual("全屏", "Full screen", lang),
                                          title_cancel=bilingual("退出全屏", "Exit full screen", lang)))
    m.add_child(folium.plugins.MeasureControl(position="topleft", primary_length_unit="meters",
                                              secondary_length_unit="kilometers", primary_area_unit="sqmeters",
                                              secondary_area_unit="hectares",
                                              localization="cn" if lang != "en" else "en"))
    searchable = [vl.spec for vl in layers if vl.spec.searchable and vl.n_features]
    sections = tuple((ls.key, ls.legend) for ls in spec.layers if ls.legend is not None)
    config = {
        "title": _title_html(spec, lang),
        "strings": _strings(lang),
        "basemaps": page_basemaps(lang=lang, tianditu_key=tianditu_key),
        "basemap": basemap.name,
        "order": [ls.key for ls in spec.layers],
        "groups": {ls.key: esc(bilingual(ls.group_zh, ls.group_en, lang)) for ls in spec.layers},
        "names": {ls.key: esc(ls.name(lang)) for ls in spec.layers},
        "show": {ls.key: bool(ls.show) for ls in spec.layers},
        "legend": legend_html("图例", "Legend", sections, lang=lang) if sections else "",
        "panels": _panels_html(spec.panels, lang),
        "search": {"layers": [ls.key for ls in searchable], "names": {ls.key: esc(ls.name(lang)) for ls in searchable},
                   "title": esc(bilingual("搜索名称", "Search by name", lang)),
                   "placeholder": esc(bilingual("名称（中文或英文）", "Name (Chinese or English)", lang)),
                   "none": esc(bilingual("没有匹配", "No match", lang))} if searchable else None,
        "slider": _slider_config(spec.slider, lang) if spec.slider is not None else None,
        "bounds": [[miny, minx], [maxy, maxx]],
        "outline": outline,
    }
    m.add_child(_Setup(config))
    return m


def page_stats(m: folium.Map) -> dict:
    """Per-layer feature and vertex counts of a map built by :func:`make_map`."""
    out = {}
    for child in m._children.values():
        if isinstance(child, VectorLayer):
            out[child.spec.key] = {k: v for k, v in child.stats.items() if k not in ("styles", "dashes", "timeline")}
    return out
