"""The map data model shared by web maps, static figures and theme definitions.

A map is data: a :class:`MapSpec` holds :class:`LayerSpec` s in the working CRS
(metres) with their colours, popup fields, labels, legend and provenance, and
:class:`Panel` s (targets, coverage, gradients). :mod:`futiangis.render.maps` turns a
spec into a Leaflet page, :mod:`futiangis.render.static` into a PNG; theme modules
(:mod:`futiangis.render.themes`) only build specs. Nothing here imports folium,
matplotlib or mapclassify.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from ..schemas import is_illustrative
from .popups import Field, bilingual

__all__ = ["LegendEntry", "LegendSection", "LayerSpec", "Panel", "MapSpec", "Timeline", "YearSlider"]


@dataclass(frozen=True)
class LegendEntry:
    """One swatch: ``shape`` is ``fill``, ``line``, ``outline`` or ``point``.

    ``dash`` is an SVG dash pattern for ``line`` / ``outline`` swatches; ``radius`` the
    circle radius (px) of a ``point`` swatch in a size key.
    """

    color: str
    label_zh: str
    label_en: str
    shape: str = "fill"
    count: int | None = None
    dash: str | None = None
    radius: float | None = None


@dataclass(frozen=True)
class LegendSection:
    """A titled group of swatches (one per styled layer); ``sizes`` is a size key."""

    title_zh: str
    title_en: str
    entries: tuple[LegendEntry, ...] = field(default_factory=tuple)
    sizes: tuple[LegendEntry, ...] = field(default_factory=tuple)


@dataclass(frozen=True, eq=False)
class Timeline:
    """Per slider year, each feature's category (e.g. its status from its milestone dates).

    ``codes`` has the layer's index and one column per year (a category key, or None when
    the feature does not exist yet); ``styles`` maps each key to (outline, fill) colours.
    """

    codes: pd.DataFrame
    styles: Mapping[str, tuple[str, str]]


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
        Colour per feature, indexed like ``frame`` (outline and fill).
    fill_colors : Series, optional
        Fill colour per feature when it differs from the outline (``colors``).
    dashes : Series, optional
        SVG dash pattern per feature (e.g. one per CBD direction).
    radius : float or Series
        Circle-marker radius (px) for points.
    label_min_zoom : float, optional
        Names drawn on the map from this zoom on (and on the PNG figure).
    searchable : bool
        Listed by the page's search box (by name, Chinese and English).
    years : Series, optional
        Year of each feature for the page's year slider (hidden after the chosen year).
    timeline : Timeline, optional
        Category of each feature at the end of each slider year (drawn in its style,
        hidden where None); overrides ``years``.
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
    fill_colors: pd.Series | None = None
    dashes: pd.Series | None = None
    fill: bool = True
    fill_opacity: float = 0.35
    weight: float = 1.5
    dash: str | None = None
    radius: float | pd.Series = 5.0
    show: bool = True
    interactive: bool = True
    searchable: bool = False
    label_min_zoom: float | None = None
    years: pd.Series | None = None
    timeline: Timeline | None = None
    legend: LegendSection | None = None
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        """Bilingual layer name."""
        return bilingual(self.name_zh, self.name_en, lang)


@dataclass(frozen=True)
class Panel:
    """A box on the map (e.g. target progress): bilingual title and pre-escaped HTML body.

    ``key`` identifies the panel in the page (``data-panel``); ``open`` is its state on
    a wide screen (panels start closed on a phone).
    """

    title_zh: str
    title_en: str
    body_html: str
    position: str = "bottomleft"
    open: bool = True
    key: str = ""


@dataclass(frozen=True)
class YearSlider:
    """A year slider: features of ``layers`` whose year is later than the chosen year
    are hidden; ``progress`` gives, per year, pre-escaped HTML shown in the panel
    ``panel_key`` (e.g. the target table as of that year)."""

    layers: tuple[str, ...]
    years: tuple[int, ...]
    progress: Mapping[int, str] = field(default_factory=dict)
    panel_key: str = ""
    note_zh: str = ""
    note_en: str = ""


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
    slider: YearSlider | None = None

    def title(self, lang: str) -> str:
        """Bilingual title."""
        return bilingual(self.title_zh, self.title_en, lang)

    @property
    def has_illustrative(self) -> bool:
        """True if any layer holds illustrative data."""
        return any(is_illustrative(layer.frame, layer.provenance) for layer in self.layers)
