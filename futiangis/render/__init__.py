"""Rendering: interactive folium maps, static PNG figures and self-contained pages.

EPSG:4326 (or GCJ-02 for the Gaode basemap) appears only here, at the last step;
everything handed in is in the working CRS.
"""
from __future__ import annotations

from .basemaps import BASEMAPS, DEFAULT_BASEMAP, Basemap, get_basemap
from .legend import Classes, LegendEntry, LegendSection, classify, palette
from .geojson import render_geojson
from .maps import LayerSpec, MapSpec, Panel, make_map
from .offline import external_references, inline_assets
from .popups import Field, bilingual, esc, format_area_m2, format_value
from .tables import Column, table_html

__all__ = [
    "BASEMAPS", "DEFAULT_BASEMAP", "Basemap", "get_basemap",
    "Classes", "LegendEntry", "LegendSection", "classify", "palette",
    "LayerSpec", "MapSpec", "Panel", "make_map", "render_geojson",
    "external_references", "inline_assets",
    "Field", "bilingual", "esc", "format_area_m2", "format_value",
    "Column", "table_html",
    "page_html",
]


def page_html(m, *, offline: bool = False) -> str:
    """The map's HTML page; with ``offline`` every script and style is inlined."""
    html = m.get_root().render()
    return inline_assets(html) if offline else html
