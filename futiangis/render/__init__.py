"""Rendering: interactive folium maps, static PNG figures and their pages.

EPSG:4326 appears only here, at the last step; everything handed in is in the working
CRS. The data model (:mod:`futiangis.render.model`) imports no drawing library; folium
(:mod:`.maps`), matplotlib (:mod:`.static`) and mapclassify (:mod:`.legend`) load only
when a map or a figure is drawn.
"""
from __future__ import annotations

from typing import Any

from .model import LayerSpec, LegendEntry, LegendSection, MapSpec, Panel, YearSlider
from .popups import Field, bilingual, esc, format_area_m2, format_value

__all__ = [
    "LayerSpec", "LegendEntry", "LegendSection", "MapSpec", "Panel", "YearSlider",
    "Field", "bilingual", "esc", "format_area_m2", "format_value",
    "make_map", "page_html",
]


def page_html(m: Any, *, offline: bool = False) -> str:
    """The map's HTML page; with ``offline`` every script and style is inlined.

    Without ``offline`` the page still refers to the CDNs; :func:`futiangis.build.build_maps`
    points those references at the build's ``assets/`` folder instead
    (:func:`futiangis.render.offline.localize_assets`).
    """
    from .offline import inline_assets

    html = m.get_root().render()
    return inline_assets(html) if offline else html


def __getattr__(name: str) -> Any:
    if name == "make_map":
        from .maps import make_map
        return make_map
    raise AttributeError(name)
