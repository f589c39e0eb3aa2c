"""Rendering: interactive folium maps, static PNG figures and self-contained pages.

EPSG:4326 (or GCJ-02 for the Gaode basemap) appears only here, at the last step;
everything handed in is in the working CRS.

Names are imported on first use (PEP 562), so ``import futiangis.render.basemaps``
does not load folium, mapclassify or matplotlib.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "BASEMAPS": "basemaps", "DEFAULT_BASEMAP": "basemaps", "Basemap": "basemaps",
    "get_basemap": "basemaps",
    "Classes": "legend", "LegendEntry": "legend", "LegendSection": "legend",
    "classify": "legend", "palette": "legend",
    "LayerSpec": "maps", "MapSpec": "maps", "Panel": "maps", "make_map": "maps",
    "render_geojson": "geojson",
    "external_references": "offline", "inline_assets": "offline",
    "Field": "popups", "bilingual": "popups", "esc": "popups", "format_area_m2": "popups",
    "format_value": "popups",
    "Column": "tables", "table_html": "tables",
}

__all__ = [*_EXPORTS, "page_html"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def page_html(m, *, offline: bool = False) -> str:
    """The map's HTML page; with ``offline`` every script and style is inlined."""
    from .offline import inline_assets

    html = m.get_root().render()
    return inline_assets(html) if offline else html
