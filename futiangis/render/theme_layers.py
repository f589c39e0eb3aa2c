"""The layers of the theme maps as :class:`~futiangis.render.model.LayerSpec` s.

One builder per shipped layer kind (district, units, CBD zones, renewal sites, parks,
slow routes, charging and bike stations): which columns the popup shows, coloured how,
with which legend. Each takes the frame (working CRS) and its provenance record
(``prov``: title, source, licence, accuracy, handed over by the shell beside the frame,
never read from ``frame.attrs``). Nothing here computes a statistic or touches a file.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schemas as S
from ..measure import measure_area, measure_length
from .legend import LegendEntry, LegendSection, classify
from .model import LayerSpec
from .palette import (
    DIRECTION_COLORS,
    DIRECTION_DASHES,
    NO_DATA_COLOR,
    OUTLINE_COLOR,
    PARK_CLASS_COLORS,
    ROUTE_TYPE_COLORS,
    STATION_COLORS,
    STATUS_COLORS,
    STATUS_OUTLINES,
    UNIT_COLOR,
)
from .popups import Field

__all__ = [
    "ACCURACY_FIELD", "AREA_FIELD", "CHARGING_SIZE_KEY", "GROUP_ANALYSIS", "GROUP_BASE", "GROUP_FACILITY",
    "GROUP_PLAN", "LABEL_ZOOM", "Provenance", "align_by_id", "bike_layer", "charging_layer", "charging_radius",
    "district_layer", "parks_layer", "renewal_layer", "routes_layer", "units_layer", "with_area", "zones_layer",
]

#: a layer's provenance record (``title_en``, ``source``, ``licence``, ``accuracy_class`` …) or None
Provenance = Mapping[str, Any] | None

PARK_CLASS_ZH = {"comprehensive": "综合公园", "ecological": "生态公园", "community": "社区公园",
                 "mountain": "山体公园", "wetland": "湿地公园", "nature_reserve": "自然保护区"}
ROUTE_TYPE_ZH = {"greenway": "绿道", "cycle_lane": "自行车道", "footway": "步行道"}
USE_ZH = {"industrial": "产业", "office": "办公", "commercial": "商业", "mixed": "混合",
          "residential": "居住", "public": "公共设施"}
STATUS_EN = {"completed": "completed", "under_construction": "under construction",
             "approved": "approved", "planned": "planned"}
#: zoom from which names are drawn on the web map
LABEL_ZOOM = {"cbd_zones": 12.5, "parks": 13.5, "subdistricts": 12.0, "units": 15.0}
#: piles shown in the charging stations' size key
CHARGING_SIZE_KEY = (1, 10, 50)

ACCURACY_FIELD = Field(S.ACCURACY, "精度等级", "Accuracy class")
AREA_FIELD = Field(S.AREA_M2, "面积", "Area", "land_m2")  # land: km²/ha (万㎡ is for floor area)
GROUP_BASE = ("基础", "Base")
GROUP_PLAN = ("规划", "Planning")
GROUP_FACILITY = ("设施", "Facilities")
GROUP_ANALYSIS = ("分析", "Analysis")




def with_area(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    out[S.AREA_M2] = measure_area(frame)
    return out


def _category_colors(frame: gpd.GeoDataFrame, column: str, colors: Mapping[str, str],
                     default: str = NO_DATA_COLOR) -> pd.Series:
    return frame[column].astype(str).map(lambda v: colors.get(v, default))


def _category_legend(frame: gpd.GeoDataFrame, column: str, colors: Mapping[str, str],
                     zh: Mapping[str, str], en: Mapping[str, str] | None, title: tuple[str, str],
                     shape: str, dashes: Mapping[str, str | None] | None = None) -> LegendSection:
    counts = frame[column].astype(str).value_counts()
    entries = tuple(
        LegendEntry(colors.get(v, NO_DATA_COLOR), zh.get(v, v), (en or {}).get(v, v.replace("_", " ")), shape,
                    int(counts[v]), dash=(dashes or {}).get(v))
        for v in colors if v in counts.index
    ) + tuple(
        LegendEntry(NO_DATA_COLOR, v, v, shape, int(counts[v])) for v in counts.index if v not in colors
    )
    return LegendSection(title[0], title[1], entries)


def district_layer(district: gpd.GeoDataFrame, *, prov: Provenance = None) -> LayerSpec:
    return LayerSpec(
        "district", with_area(district), "福田区界", "Futian boundary", *GROUP_BASE,
        fields=(AREA_FIELD, ACCURACY_FIELD), color=OUTLINE_COLOR, fill=False, weight=2.5,
        provenance=dict(prov or {}), interactive=False,
    )


def units_layer(units: gpd.GeoDataFrame, *, show: bool = True, prov: Provenance = None) -> LayerSpec:
    return LayerSpec(
        "units", with_area(units), "统计单元", "Statistical units", *GROUP_BASE,
        fields=(Field(S.ID, "编号", "ID"), AREA_FIELD, ACCURACY_FIELD), color=UNIT_COLOR,
        fill_opacity=0.03, weight=0.8, provenance=dict(prov or {}), show=show, searchable=True,
        label_min_zoom=LABEL_ZOOM["units"],
        tooltip_field=AREA_FIELD,
    )


def renewal_layer(sites: gpd.GeoDataFrame, accounted: gpd.GeoDataFrame | None, *,
                   with_years: bool = False, prov: Provenance = None) -> LayerSpec:
    frame = with_area(sites)
    fields = [Field(S.STATUS, "状态", "Status", "status"), Field(S.YEAR, "年份", "Year", "year"),
              Field(S.USE, "用途", "Use", "category", USE_ZH), Field(S.PLOT_RATIO, "容积率", "Plot ratio (FAR)", "float"),
              Field(S.AREA_M2, "用地面积", "Land area", "land_m2"),
              Field(S.GFA_NEW_M2, "新增产业空间（申报）", "New industrial GFA (reported)", "area_m2")]
    if accounted is not None and "gfa_counted_m2" in accounted.columns:
        extra = accounted.reindex(frame.index)
        frame["gfa_counted_m2"] = extra["gfa_counted_m2"]
        frame["gfa_estimated"] = extra.get("gfa_estimated")
        fields.append(Field("gfa_counted_m2", "计入目标的产业空间", "GFA counted towards targets", "area_m2"))
        fields.append(Field("gfa_estimated", "GFA为估算", "GFA estimated", "bool"))
    fields += [Field(S.INVESTMENT_100M_CNY, "投资", "Investment (亿元 = 10⁸ CNY)", "money_100m_cny"),
               Field(S.ZONE_ID, "所属片区", "Zone"), ACCURACY_FIELD]
    shown = tuple(f for f in fields if f.column in frame.columns)
    return LayerSpec(
        "renewal_sites", frame, "城市更新单元", "Urban-renewal sites", *GROUP_PLAN, fields=shown,
        colors=_category_colors(frame, S.STATUS, STATUS_OUTLINES), fill_colors=_category_colors(frame, S.STATUS, STATUS_COLORS),
        fill_opacity=0.7, weight=1.2,
        legend=_category_legend(frame, S.STATUS, STATUS_COLORS, S.STATUS_ZH, STATUS_EN,
                                ("更新单元状态（填充）", "Renewal status (fill)"), "fill"),
        provenance=dict(prov or {}), searchable=True, years=frame[S.YEAR] if with_years and S.YEAR in frame else None,
        tooltip_field=Field(S.GFA_NEW_M2, "新增产业空间", "New GFA", "area_m2"),
    )


def zones_layer(zones: gpd.GeoDataFrame, by_zone: pd.DataFrame | None, *,
                 prov: Provenance = None) -> LayerSpec:
    frame = with_area(zones)
    fields = [Field(S.DIRECTION, "方向", "Direction", "direction"), AREA_FIELD]
    if by_zone is not None and "zone_id" in by_zone.columns:
        stats = by_zone.set_index("zone_id")
        for col, zh, en, kind in (("n_sites", "更新单元数", "Renewal sites", "int"),
                                  ("gfa_counted_m2", "计入产业空间", "GFA counted", "area_m2"),
                                  ("achieved_m2", "已建成", "Achieved", "area_m2"),
                                  ("pipeline_m2", "在建/已批", "Pipeline", "area_m2"),
                                  ("investment_100m_cny", "投资", "Investment (亿元 = 10⁸ CNY)", "money_100m_cny")):
            if col in stats.columns:
                frame[col] = frame[S.ID].map(stats[col])
                fields.append(Field(col, zh, en, kind))
    if S.KEY_PROJECTS in frame.columns:
        fields.append(Field(S.KEY_PROJECTS, "重点项目", "Key projects"))
    fields.append(ACCURACY_FIELD)
    return LayerSpec(
        "cbd_zones", frame, "CBD 扩展片区", "CBD expansion zones", *GROUP_PLAN, fields=tuple(fields),
        colors=_category_colors(frame, S.DIRECTION, DIRECTION_COLORS), fill_colors=pd.Series("#ffffff", index=frame.index),
        fill_opacity=0.04, weight=2.6,
        dashes=frame[S.DIRECTION].astype(str).map(lambda d: DIRECTION_DASHES.get(d)),
        legend=_category_legend(frame, S.DIRECTION, DIRECTION_COLORS, S.DIRECTION_ZH, None,
                                ("CBD 扩展方向（边界）", "CBD expansion (outline)"), "outline", DIRECTION_DASHES),
        provenance=dict(prov or {}), searchable=True, label_min_zoom=LABEL_ZOOM["cbd_zones"],
    )


def parks_layer(parks: gpd.GeoDataFrame, *, radii: pd.Series | None = None,
                 prov: Provenance = None) -> LayerSpec:
    frame = with_area(parks)
    fields = [Field(S.PARK_CLASS, "类型", "Class", "category", PARK_CLASS_ZH), Field(S.STATUS, "状态", "Status", "status"),
              Field(S.YEAR, "年份", "Year", "year"), AREA_FIELD]
    if radii is not None:
        frame["radius_m"] = radii.reindex(frame.index)
        fields.append(Field("radius_m", "服务半径 (m)", "Service radius (m)", "int"))
    fields.append(ACCURACY_FIELD)
    return LayerSpec(
        "parks", frame, "公园", "Parks", *GROUP_FACILITY, fields=tuple(fields),
        colors=_category_colors(frame, S.PARK_CLASS, PARK_CLASS_COLORS), fill_opacity=0.6, weight=1.0,
        legend=_category_legend(frame, S.PARK_CLASS, PARK_CLASS_COLORS, PARK_CLASS_ZH, None,
                                ("公园类型", "Park class"), "fill"),
        provenance=dict(prov or {}), searchable=True, tooltip_field=AREA_FIELD, label_min_zoom=LABEL_ZOOM["parks"],
    )


def routes_layer(routes: gpd.GeoDataFrame, gradients: pd.DataFrame | None, *, max_grade_pct: float,
                  show: bool = True, prov: Provenance = None) -> LayerSpec:
    frame = routes.copy()
    frame[S.LENGTH_M] = measure_length(routes)
    fields = [Field(S.ROUTE_TYPE, "类型", "Type", "category", ROUTE_TYPE_ZH), Field(S.STATUS, "状态", "Status", "status"),
              Field(S.YEAR, "年份", "Year", "year"), Field(S.LENGTH_M, "长度", "Length", "length_m")]
    legend = _category_legend(frame, S.ROUTE_TYPE, ROUTE_TYPE_COLORS, ROUTE_TYPE_ZH, None,
                              ("慢行线路类型", "Route type"), "line")
    colors = _category_colors(frame, S.ROUTE_TYPE, ROUTE_TYPE_COLORS)
    if gradients is not None and "mean_grade_pct" in gradients.columns:
        g = align_by_id(gradients, frame)
        for col, zh, en, kind in (("mean_grade_pct", "平均坡度", "Mean grade", "grade_pct"),
                                  ("max_grade_pct", "最大坡度", "Max grade", "grade_pct"),
                                  ("steep_length_m", f"坡度>{max_grade_pct:g}%路段", f"Length steeper than {max_grade_pct:g} %", "length_m")):
            if col in g.columns:
                frame[col] = g[col]
                fields.append(Field(col, zh, en, kind))
        # coloured by the mean grade (the maximum of a 30 m surface model is mostly noise)
        bins = (max_grade_pct / 2, max_grade_pct, max_grade_pct * 2, max_grade_pct * 4)
        classes = classify(frame["mean_grade_pct"], bins=bins, cmap="gradient")
        colors = classes.color_of()
        legend = LegendSection("平均坡度 (%)", "Mean grade (%)", tuple(
            LegendEntry(c, lab + " %", lab + " %", "line", n)
            for c, lab, n in zip(classes.colors, classes.labels, classes.counts())))
    fields.append(ACCURACY_FIELD)
    return LayerSpec(
        "slow_routes", frame, "慢行线路", "Slow-traffic routes", *GROUP_FACILITY, fields=tuple(fields),
        colors=colors, fill=False, weight=4.0, legend=legend, provenance=dict(prov or {}),
        searchable=True, show=show, tooltip_field=Field(S.LENGTH_M, "长度", "Length", "length_m"),
    )


def align_by_id(table: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``table`` for ``frame``: by ``id`` when both have one, else by index."""
    if S.ID in table.columns and S.ID in frame.columns:
        return table.drop_duplicates(S.ID).set_index(S.ID).reindex(frame[S.ID].to_numpy()).set_axis(frame.index)
    return table.reindex(frame.index)


def charging_radius(piles):
    """Circle radius (px) for a station with ``piles`` piles: area grows with the piles."""
    r = 3.0 + 1.1 * np.sqrt(np.clip(piles, 0, None))
    return r.clip(upper=12) if isinstance(r, pd.Series) else float(min(r, 12.0))


def charging_layer(stations: gpd.GeoDataFrame, *, show: bool = True, prov: Provenance = None) -> LayerSpec:
    frame = stations.copy()
    piles = pd.to_numeric(frame.get(S.PILES), errors="coerce") if S.PILES in frame else None
    radius = charging_radius(piles.fillna(0)) if piles is not None else 5.0
    return LayerSpec(
        "charging_stations", frame, "公共充电站", "Public charging stations", *GROUP_FACILITY,
        fields=(Field(S.PILES, "充电桩", "Charging piles", "count"), ACCURACY_FIELD),
        color=STATION_COLORS["charging"], fill_opacity=0.85, weight=1.0, radius=radius,
        colors=pd.Series("#ffffff", index=frame.index), fill_colors=pd.Series(STATION_COLORS["charging"], index=frame.index),
        legend=LegendSection("充电站（按桩数缩放）", "Charging stations (sized by piles)",
                             (LegendEntry(STATION_COLORS["charging"], "充电站", "Charging station", "point", len(frame)),),
                             sizes=tuple(LegendEntry(STATION_COLORS["charging"], f"{n} 个桩", f"{n} piles", "size",
                                                     radius=charging_radius(n)) for n in CHARGING_SIZE_KEY)),
        provenance=dict(prov or {}), searchable=True, show=show,
        tooltip_field=Field(S.PILES, "充电桩", "Piles", "count"),
    )


def bike_layer(stations: gpd.GeoDataFrame, *, show: bool = True, prov: Provenance = None) -> LayerSpec:
    frame = stations.copy()
    built = frame[S.STATUS].astype(str).eq("completed") if S.STATUS in frame else pd.Series(True, index=frame.index)
    hollow = ~built
    fills = pd.Series(np.where(hollow, "#ffffff", STATION_COLORS["bike"]), index=frame.index)
    fields = tuple(f for f in (Field(S.DOCKS, "车桩", "Docks", "count"), Field(S.STATUS, "状态", "Status", "status"),
                               Field(S.YEAR, "年份", "Year", "year"), ACCURACY_FIELD) if f.column in frame.columns)
    return LayerSpec(
        "bike_stations", frame, "公共自行车站", "Public-bike stations", *GROUP_FACILITY, fields=fields,
        color=STATION_COLORS["bike"], fill_colors=fills, fill_opacity=0.9, weight=1.5, radius=4.0,
        legend=LegendSection("公共自行车站", "Public-bike stations", (
            LegendEntry(STATION_COLORS["bike"], "已建成", "built", "point", int((~hollow).sum())),
            LegendEntry("#ffffff", "规划/在建（空心）", "planned / building (hollow)", "point", int(hollow.sum())))),
        provenance=dict(prov or {}), searchable=True, show=show,
        tooltip_field=Field(S.DOCKS, "车桩", "Docks", "count"),
    )
