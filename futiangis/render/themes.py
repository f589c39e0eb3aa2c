"""The five theme maps of ``futiangis build``, as :class:`~futiangis.render.maps.MapSpec` s.

Each ``*_spec`` function takes layers (working CRS, any of them may be ``None`` when
not shipped), the statistics already computed by the analysis modules and
``provenance`` (layer kind → provenance record, from the shell: popups and legends say
where each layer comes from, and "示意数据 ILLUSTRATIVE" for illustrative data), and
returns a description of the map: which layers, coloured how, with which popup numbers,
legends and panels. The layers are built in :mod:`.theme_layers`, the analysis layers
and panels in :mod:`.panels`. Nothing here computes a statistic or touches a file.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import geopandas as gpd
import pandas as pd

from .. import schemas as S
from .model import LayerSpec, MapSpec, Panel, Timeline, YearSlider
from .palette import DIRECTION_COLORS, PARK_CLASS_COLORS, ROUTE_TYPE_COLORS, STATUS_COLORS, STATUS_OUTLINES
from .panels import coverage_layers, coverage_panel_html, targets_note, targets_table_html
from .popups import bilingual
from .tables import Column, table_html
from .theme_layers import (
    ACCURACY_FIELD,
    AREA_FIELD,
    CHARGING_SIZE_KEY,
    GROUP_BASE,
    LABEL_ZOOM,
    Provenance,
    bike_layer,
    charging_layer,
    district_layer,
    parks_layer,
    renewal_layer,
    routes_layer,
    units_layer,
    with_area,
    zones_layer,
)

__all__ = [
    "STATUS_COLORS", "DIRECTION_COLORS", "PARK_CLASS_COLORS", "ROUTE_TYPE_COLORS",
    "overview_spec", "cbd_renewal_spec", "parks_spec", "slow_bike_spec", "charging_spec",
    "targets_table_html", "coverage_panel_html", "CHARGING_SIZE_KEY",
]


def _of(provenance: Mapping[str, Provenance] | None, kind: str) -> dict:
    """The provenance record of layer ``kind`` (empty when the shell has none)."""
    return dict((provenance or {}).get(kind) or {})


def _subdistricts(layers: Mapping[str, gpd.GeoDataFrame | None],
                  provenance: Mapping[str, Provenance] | None = None) -> list[LayerSpec]:
    """街道 (subdistricts), when a ``subdistricts`` layer is shipped: outlines and names."""
    frame = layers.get("subdistricts")
    if frame is None:
        return []
    return [LayerSpec(
        "subdistricts", with_area(frame), "街道", "Subdistricts (街道)", *GROUP_BASE,
        fields=(AREA_FIELD, ACCURACY_FIELD), color="#495057", fill=False, weight=1.6, dash="1 5",
        provenance=dict((provenance or {}).get("subdistricts") or {}), searchable=True, label_min_zoom=LABEL_ZOOM["subdistricts"], interactive=True,
    )]


def overview_spec(layers: Mapping[str, gpd.GeoDataFrame | None], *, lang: str = "zh",
                  provenance: Mapping[str, Provenance] | None = None) -> MapSpec:
    """Everything at a glance: boundary, units, CBD zones, renewal, parks, routes, stations."""
    district, units = layers["district"], layers["units"]
    specs = [district_layer(district, prov=_of(provenance, "district")), *_subdistricts(layers, provenance),
             units_layer(units, prov=_of(provenance, "units"))]
    if layers.get("cbd_zones") is not None:
        specs.append(zones_layer(layers["cbd_zones"], None, prov=_of(provenance, "cbd_zones")))
    if layers.get("parks") is not None:
        specs.append(parks_layer(layers["parks"], prov=_of(provenance, "parks")))
    if layers.get("renewal_sites") is not None:
        specs.append(renewal_layer(layers["renewal_sites"], None, prov=_of(provenance, "renewal_sites")))
    if layers.get("slow_routes") is not None:
        specs.append(routes_layer(layers["slow_routes"], None, max_grade_pct=4.0,
                                  prov=_of(provenance, "slow_routes")))
    if layers.get("charging_stations") is not None:
        specs.append(charging_layer(layers["charging_stations"], prov=_of(provenance, "charging_stations")))
    if layers.get("bike_stations") is not None:
        specs.append(bike_layer(layers["bike_stations"], show=False, prov=_of(provenance, "bike_stations")))
    return MapSpec("overview", "福田区规划总览", "Futian planning overview",
                   "区界、统计单元、CBD 扩展片区、城市更新、公园、慢行线路、充电站与自行车站。",
                   "Boundary, units, CBD expansion zones, renewal sites, parks, slow routes, charging and bike stations.",
                   tuple(specs), district)


def cbd_renewal_spec(layers, targets: Any | None, *, lang: str = "zh",
                     progress_by_year: Mapping[int, pd.DataFrame] | None = None,
                     statuses_by_year: pd.DataFrame | None = None,
                     provenance: Mapping[str, Provenance] | None = None) -> MapSpec:
    """CBD expansion zones and renewal sites with the target panel and a year slider.

    ``progress_by_year`` maps a year to the target table as of its end (the slider shows
    it); without it there is no slider. ``statuses_by_year`` (sites' index × years: the
    status at the end of each year from the milestone dates, None before the first)
    colours and hides the sites year by year; without it a site is hidden after its
    ``year``.
    """
    district = layers["district"]
    specs = [district_layer(district, prov=_of(provenance, "district")), *_subdistricts(layers, provenance)]
    panels = []
    slider = None
    if layers.get("cbd_zones") is not None:
        specs.append(zones_layer(layers["cbd_zones"], targets.by_zone if targets is not None else None,
                                 prov=_of(provenance, "cbd_zones")))
    if layers.get("renewal_sites") is not None:
        sites = targets.sites if targets is not None else None
        renewal = renewal_layer(layers["renewal_sites"], sites, with_years=bool(progress_by_year),
                                prov=_of(provenance, "renewal_sites"))
        if progress_by_year and statuses_by_year is not None:
            styles = {k: (STATUS_OUTLINES[k], STATUS_COLORS[k]) for k in STATUS_COLORS}
            renewal = replace(renewal, timeline=Timeline(statuses_by_year, styles))
        specs.append(renewal)
    if targets is not None:
        deadlines = {k: str(v) for k, v in (getattr(targets, "deadlines", None) or {}).items()}
        note = targets_note(targets.targets, lang)
        panels.append(Panel("目标进度", "Target progress",
                            targets_table_html(targets.targets, lang=lang, deadlines=deadlines, note=note), key="targets"))
        if progress_by_year:
            years = tuple(sorted(progress_by_year))
            slider = YearSlider(
                ("renewal_sites",), years,
                {y: targets_table_html(progress_by_year[y], lang=lang, deadlines=deadlines, note=note) for y in years},
                panel_key="targets",
                note_zh="各单元按其里程碑日期显示所选年份年末的状态（尚未规划的不显示）；进度按 futiangis target --as-of 年末计算。",
                note_en="Each site in its status at the end of the year, from its milestone dates (not yet planned: "
                        "hidden); progress as futiangis target --as-of the year's end.")
    return MapSpec("cbd_renewal", "CBD 扩展与城市更新", "CBD expansion & urban renewal",
                   "东扩、南拓、西延、北展四个片区与城市更新单元；目标进度（产业空间、更新投资），可按年份回看。",
                   "The four CBD expansion zones and renewal sites; progress towards the industrial-space and investment "
                   "targets, year by year.",
                   tuple(specs), district, tuple(panels), slider)


def parks_spec(layers, coverage: Any | None, config_threshold: float, *, radii: pd.Series | None = None,
               lang: str = "zh", provenance: Mapping[str, Provenance] | None = None) -> MapSpec:
    """Parks by class, their service areas, coverage by unit and gaps."""
    district, units = layers["district"], layers["units"]
    specs = [district_layer(district, prov=_of(provenance, "district")), *_subdistricts(layers, provenance)]
    panels = []
    if coverage is not None:
        specs += coverage_layers("parks", coverage, units, district, _of(provenance, "parks"), config_threshold,
                                 units_prov=_of(provenance, "units"))
        panels.append(Panel("公园服务覆盖", "Park service coverage", coverage_panel_html(coverage, lang=lang),
                            key="coverage"))
    if layers.get("parks") is not None:
        specs.append(parks_layer(layers["parks"], radii=radii, prov=_of(provenance, "parks")))
    return MapSpec("parks", "公园与服务覆盖", "Parks & coverage",
                   "公园（按类型）、服务半径覆盖范围、各单元覆盖率与服务空白。",
                   "Parks by class, service-radius coverage, coverage per unit and the gaps.",
                   tuple(specs), district, tuple(panels))


def slow_bike_spec(layers, coverage: Any | None, gradients: pd.DataFrame | None, config_threshold: float, *,
                   max_grade_pct: float = 4.0, lang: str = "zh",
                   provenance: Mapping[str, Provenance] | None = None) -> MapSpec:
    """Slow-traffic routes coloured by gradient, public-bike stations and their coverage."""
    district, units = layers["district"], layers["units"]
    specs = [district_layer(district, prov=_of(provenance, "district")), *_subdistricts(layers, provenance)]
    panels = []
    if coverage is not None:
        cov = coverage_layers("bike", coverage, units, district, _of(provenance, "bike_stations"), config_threshold,
                              units_prov=_of(provenance, "units"))
        # most of the district is a gap for 300 m bike coverage: show the covered area instead
        cov = [replace(cov[0], show=False), replace(cov[1], show=True), replace(cov[2], show=False)]
        specs += cov
        panels.append(Panel("公共自行车覆盖", "Public-bike coverage", coverage_panel_html(coverage, lang=lang),
                            key="coverage"))
    if layers.get("slow_routes") is not None:
        routes = routes_layer(layers["slow_routes"], gradients, max_grade_pct=max_grade_pct,
                              prov=_of(provenance, "slow_routes"))
        specs.append(routes)
        panels.append(Panel("慢行线路坡度", "Route gradients", _routes_table(routes.frame, lang=lang), open=False,
                            key="gradients"))
    if layers.get("bike_stations") is not None:
        specs.append(bike_layer(layers["bike_stations"], prov=_of(provenance, "bike_stations")))
    return MapSpec("slow_bike", "慢行交通与公共自行车", "Slow traffic & public bikes",
                   "慢行线路（按坡度着色）、公共自行车站及其 300 m 服务覆盖。",
                   "Slow routes coloured by gradient, public-bike stations and their 300 m coverage.",
                   tuple(specs), district, tuple(panels))


def _routes_table(frame: gpd.GeoDataFrame, *, lang: str) -> str:
    cols = [Column("name", "线路", "Route"), Column(S.LENGTH_M, "长度", "Length", "length_m")]
    t = pd.DataFrame({"name": [bilingual(a, b, lang) for a, b in zip(frame[S.NAME_ZH], frame[S.NAME_EN])],
                      S.LENGTH_M: frame[S.LENGTH_M]})
    for col, zh, en in (("max_grade_pct", "最大坡度", "Max grade"), ("steep_length_m", "陡坡段", "Steep length")):
        if col in frame.columns:
            t[col] = frame[col]
            cols.append(Column(col, zh, en, "grade_pct" if "grade" in col else "length_m"))
    if "max_grade_pct" in t.columns:
        t = t.sort_values("max_grade_pct", ascending=False)
    return table_html(t, tuple(cols), lang=lang)


def charging_spec(layers, coverage: Any | None, config_threshold: float, *, lang: str = "zh",
                  provenance: Mapping[str, Provenance] | None = None) -> MapSpec:
    """Charging stations (sized by piles), 900 m coverage by unit and gaps."""
    district, units = layers["district"], layers["units"]
    specs = [district_layer(district, prov=_of(provenance, "district")), *_subdistricts(layers, provenance)]
    panels = []
    if coverage is not None:
        specs += coverage_layers("charging", coverage, units, district, _of(provenance, "charging_stations"),
                                 config_threshold, units_prov=_of(provenance, "units"))
        panels.append(Panel("充电服务覆盖", "Charging coverage", coverage_panel_html(coverage, lang=lang), key="coverage"))
    if layers.get("charging_stations") is not None:
        specs.append(charging_layer(layers["charging_stations"], prov=_of(provenance, "charging_stations")))
    return MapSpec("charging", "公共充电覆盖", "EV charging coverage",
                   "公共充电站（按桩数缩放）、0.9 km 服务覆盖率与服务空白。",
                   "Public charging stations sized by piles, 0.9 km service coverage by unit and the gaps.",
                   tuple(specs), district, tuple(panels))
