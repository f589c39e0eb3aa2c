"""The five theme maps of ``futiangis build``, as :class:`~futiangis.render.maps.MapSpec` s.

Each ``*_spec`` function takes layers (working CRS, any of them may be ``None`` when
not shipped) and the statistics already computed by the analysis modules, and returns
a description of the map: which layers, coloured how, with which popup numbers,
legends and panels. Nothing here computes a statistic or touches a file.
"""
from __future__ import annotations

from typing import Any, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import schemas as S
from ..measure import measure_area, measure_length
from .legend import LegendEntry, LegendSection, classify
from .maps import LayerSpec, MapSpec, Panel
from .popups import Field, bilingual, esc, format_value
from .tables import Column, table_html

__all__ = [
    "STATUS_COLORS", "DIRECTION_COLORS", "PARK_CLASS_COLORS", "ROUTE_TYPE_COLORS",
    "overview_spec", "cbd_renewal_spec", "parks_spec", "slow_bike_spec", "charging_spec",
    "targets_table_html", "coverage_panel_html",
]

STATUS_COLORS = {"completed": "#2b8a3e", "under_construction": "#f08c00",
                 "approved": "#1c7ed6", "planned": "#ae3ec9"}
DIRECTION_COLORS = {"core": "#c92a2a", "east": "#e67700", "south": "#2f9e44",
                    "west": "#1971c2", "north": "#7048e8"}
PARK_CLASS_COLORS = {"comprehensive": "#2b8a3e", "ecological": "#66a80f", "community": "#94d82d",
                     "mountain": "#5c940d", "wetland": "#0ca678"}
ROUTE_TYPE_COLORS = {"greenway": "#2f9e44", "cycle_lane": "#1c7ed6", "footway": "#e8590c"}
PARK_CLASS_ZH = {"comprehensive": "综合公园", "ecological": "生态公园", "community": "社区公园",
                 "mountain": "山体公园", "wetland": "湿地公园"}
ROUTE_TYPE_ZH = {"greenway": "绿道", "cycle_lane": "自行车道", "footway": "步行道"}
USE_ZH = {"industrial": "产业", "office": "办公", "commercial": "商业", "mixed": "混合",
          "residential": "居住", "public": "公共设施"}
STATUS_EN = {"completed": "completed", "under_construction": "under construction",
             "approved": "approved", "planned": "planned"}

ACCURACY_FIELD = Field(S.ACCURACY, "精度等级", "Accuracy class")
AREA_FIELD = Field(S.AREA_M2, "面积", "Area", "area_m2")
GROUP_BASE = ("基础", "Base")
GROUP_PLAN = ("规划", "Planning")
GROUP_FACILITY = ("设施", "Facilities")
GROUP_ANALYSIS = ("分析", "Analysis")


def _prov(frame: gpd.GeoDataFrame | None) -> dict:
    return dict(frame.attrs.get("provenance", {})) if frame is not None else {}


def _with_area(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    out[S.AREA_M2] = measure_area(frame)
    return out


def _category_colors(frame: gpd.GeoDataFrame, column: str, colors: Mapping[str, str],
                     default: str = "#868e96") -> pd.Series:
    return frame[column].astype(str).map(lambda v: colors.get(v, default))


def _category_legend(frame: gpd.GeoDataFrame, column: str, colors: Mapping[str, str],
                     zh: Mapping[str, str], en: Mapping[str, str] | None, title: tuple[str, str],
                     shape: str) -> LegendSection:
    counts = frame[column].astype(str).value_counts()
    entries = tuple(
        LegendEntry(colors.get(v, "#868e96"), zh.get(v, v), (en or {}).get(v, v.replace("_", " ")), shape, int(counts[v]))
        for v in colors if v in counts.index
    ) + tuple(
        LegendEntry("#868e96", v, v, shape, int(counts[v])) for v in counts.index if v not in colors
    )
    return LegendSection(title[0], title[1], entries)


def _district_layer(district: gpd.GeoDataFrame) -> LayerSpec:
    return LayerSpec(
        "district", _with_area(district), "福田区界", "Futian boundary", *GROUP_BASE,
        fields=(AREA_FIELD, ACCURACY_FIELD), color="#343a40", fill=False, weight=2.5,
        provenance=_prov(district), interactive=False,
    )


def _units_layer(units: gpd.GeoDataFrame, *, show: bool = True) -> LayerSpec:
    return LayerSpec(
        "units", _with_area(units), "统计单元", "Statistical units", *GROUP_BASE,
        fields=(Field(S.ID, "编号", "ID"), AREA_FIELD, ACCURACY_FIELD), color="#868e96",
        fill_opacity=0.03, weight=0.8, provenance=_prov(units), show=show, searchable=False,
        tooltip_field=AREA_FIELD,
    )


def _renewal_layer(sites: gpd.GeoDataFrame, accounted: gpd.GeoDataFrame | None) -> LayerSpec:
    frame = _with_area(sites)
    fields = [Field(S.STATUS, "状态", "Status", "status"), Field(S.YEAR, "年份", "Year", "year"),
              Field(S.USE, "用途", "Use", "category", USE_ZH), Field(S.PLOT_RATIO, "容积率", "Plot ratio (FAR)", "float"),
              Field(S.AREA_M2, "用地面积", "Land area", "area_m2"),
              Field(S.GFA_NEW_M2, "新增产业空间（申报）", "New industrial GFA (reported)", "area_m2")]
    if accounted is not None and "gfa_counted_m2" in accounted.columns:
        extra = accounted.reindex(frame.index)
        frame["gfa_counted_m2"] = extra["gfa_counted_m2"]
        frame["gfa_estimated"] = extra.get("gfa_estimated")
        fields.append(Field("gfa_counted_m2", "计入目标的产业空间", "GFA counted towards targets", "area_m2"))
        fields.append(Field("gfa_estimated", "GFA为估算", "GFA estimated", "bool"))
    fields += [Field(S.INVESTMENT_100M_CNY, "投资", "Investment (亿元 = 10⁸ CNY)", "money_100m_cny"),
               Field(S.ZONE_ID, "所属片区", "Zone"), ACCURACY_FIELD]
    fields = tuple(f for f in fields if f.column in frame.columns)
    return LayerSpec(
        "renewal_sites", frame, "城市更新单元", "Urban-renewal sites", *GROUP_PLAN, fields=fields,
        colors=_category_colors(frame, S.STATUS, STATUS_COLORS), fill_opacity=0.55, weight=1.2,
        legend=_category_legend(frame, S.STATUS, STATUS_COLORS, S.STATUS_ZH, STATUS_EN,
                                ("更新单元状态", "Renewal status"), "fill"),
        provenance=_prov(sites), searchable=True,
        tooltip_field=Field(S.GFA_NEW_M2, "新增产业空间", "New GFA", "area_m2"),
    )


def _zones_layer(zones: gpd.GeoDataFrame, by_zone: pd.DataFrame | None, *, fill_opacity=0.12) -> LayerSpec:
    frame = _with_area(zones)
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
        colors=_category_colors(frame, S.DIRECTION, DIRECTION_COLORS), fill_opacity=fill_opacity,
        weight=2.0, dash="6 4",
        legend=_category_legend(frame, S.DIRECTION, DIRECTION_COLORS, S.DIRECTION_ZH, None,
                                ("CBD 扩展方向", "CBD expansion"), "line"),
        provenance=_prov(zones), searchable=False,
    )


def _parks_layer(parks: gpd.GeoDataFrame, *, radii: pd.Series | None = None) -> LayerSpec:
    frame = _with_area(parks)
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
        provenance=_prov(parks), searchable=True, tooltip_field=AREA_FIELD,
    )


def _routes_layer(routes: gpd.GeoDataFrame, gradients: pd.DataFrame | None, *, max_grade_pct: float,
                  show: bool = True) -> LayerSpec:
    frame = routes.copy()
    frame[S.LENGTH_M] = measure_length(routes)
    fields = [Field(S.ROUTE_TYPE, "类型", "Type", "category", ROUTE_TYPE_ZH), Field(S.STATUS, "状态", "Status", "status"),
              Field(S.YEAR, "年份", "Year", "year"), Field(S.LENGTH_M, "长度", "Length", "length_m")]
    legend = _category_legend(frame, S.ROUTE_TYPE, ROUTE_TYPE_COLORS, ROUTE_TYPE_ZH, None,
                              ("慢行线路类型", "Route type"), "line")
    colors = _category_colors(frame, S.ROUTE_TYPE, ROUTE_TYPE_COLORS)
    if gradients is not None and "mean_grade_pct" in gradients.columns:
        g = _align_by_id(gradients, frame)
        for col, zh, en, kind in (("mean_grade_pct", "平均坡度", "Mean grade", "grade_pct"),
                                  ("max_grade_pct", "最大坡度", "Max grade", "grade_pct"),
                                  ("steep_length_m", f"坡度>{max_grade_pct:g}%路段", f"Length steeper than {max_grade_pct:g} %", "length_m")):
            if col in g.columns:
                frame[col] = g[col]
                fields.append(Field(col, zh, en, kind))
        # coloured by the mean grade (the maximum of a 30 m surface model is mostly noise)
        bins = (max_grade_pct / 2, max_grade_pct, max_grade_pct * 2, max_grade_pct * 4)
        classes = classify(frame["mean_grade_pct"], bins=bins, cmap="YlOrRd_09")
        colors = classes.color_of()
        legend = LegendSection("平均坡度 (%)", "Mean grade (%)", tuple(
            LegendEntry(c, lab + " %", lab + " %", "line") for c, lab in zip(classes.colors, classes.labels)))
    fields.append(ACCURACY_FIELD)
    return LayerSpec(
        "slow_routes", frame, "慢行线路", "Slow-traffic routes", *GROUP_FACILITY, fields=tuple(fields),
        colors=colors, fill=False, weight=4.0, legend=legend, provenance=_prov(routes),
        searchable=True, show=show, tooltip_field=Field(S.LENGTH_M, "长度", "Length", "length_m"),
    )


def _align_by_id(table: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``table`` for ``frame``: by ``id`` when both have one, else by index."""
    if S.ID in table.columns and S.ID in frame.columns:
        return table.drop_duplicates(S.ID).set_index(S.ID).reindex(frame[S.ID].to_numpy()).set_axis(frame.index)
    return table.reindex(frame.index)


def _charging_layer(stations: gpd.GeoDataFrame, *, show: bool = True) -> LayerSpec:
    frame = stations.copy()
    piles = pd.to_numeric(frame.get(S.PILES), errors="coerce") if S.PILES in frame else None
    radius = (3.0 + 1.1 * np.sqrt(piles.fillna(0).clip(lower=0))).clip(upper=12) if piles is not None else 5.0
    return LayerSpec(
        "charging_stations", frame, "公共充电站", "Public charging stations", *GROUP_FACILITY,
        fields=(Field(S.PILES, "充电桩", "Charging piles", "int"), ACCURACY_FIELD),
        color="#1864ab", fill_opacity=0.75, weight=1.0, radius=radius,
        legend=LegendSection("充电站（按桩数缩放）", "Charging stations (sized by piles)",
                             (LegendEntry("#1864ab", "充电站", "Charging station", "point", len(frame)),)),
        provenance=_prov(stations), searchable=True, show=show,
        tooltip_field=Field(S.PILES, "充电桩", "Piles", "int"),
    )


def _bike_layer(stations: gpd.GeoDataFrame, *, show: bool = True) -> LayerSpec:
    frame = stations.copy()
    fields = tuple(f for f in (Field(S.DOCKS, "车桩", "Docks", "int"), Field(S.STATUS, "状态", "Status", "status"),
                               Field(S.YEAR, "年份", "Year", "year"), ACCURACY_FIELD) if f.column in frame.columns)
    return LayerSpec(
        "bike_stations", frame, "公共自行车站", "Public-bike stations", *GROUP_FACILITY, fields=fields,
        colors=_category_colors(frame, S.STATUS, STATUS_COLORS) if S.STATUS in frame else None,
        color="#5f3dc4", fill_opacity=0.8, weight=1.0, radius=4.0,
        legend=_category_legend(frame, S.STATUS, STATUS_COLORS, S.STATUS_ZH, STATUS_EN,
                                ("自行车站状态", "Bike-station status"), "point") if S.STATUS in frame else None,
        provenance=_prov(stations), searchable=False, show=show,
        tooltip_field=Field(S.DOCKS, "车桩", "Docks", "int"),
    )


# ---------------------------------------------------------------------------------------
# coverage layers and panels
# ---------------------------------------------------------------------------------------
def _coverage_layers(theme: str, result: Any, units: gpd.GeoDataFrame, district: gpd.GeoDataFrame,
                     facility_prov: dict, threshold: float) -> list[LayerSpec]:
    zh, en = {"parks": ("公园", "park"), "charging": ("充电", "charging"), "bike": ("公共自行车", "public-bike")}[theme]
    prov = {**facility_prov, "source": f"futiangis coverage ({theme}) from: {facility_prov.get('source', '')}"}
    frame = _with_area(units)
    table = _align_by_id(result.units, frame)
    for col in ("covered_m2", "total_m2", "coverage"):
        frame[col] = table[col]
    bins = tuple(sorted({0.25, 0.5, 0.8, 0.95, 1.0, round(min(float(threshold), 1.0), 4)}))
    classes = classify(frame["coverage"], bins=bins, cmap="YlGn_09", as_pct=True)
    units_layer = LayerSpec(
        "unit_coverage", frame, f"{zh}服务覆盖率（按单元）", f"{en.capitalize()} coverage by unit", *GROUP_ANALYSIS,
        fields=(Field(S.ID, "编号", "ID"), Field("coverage", "覆盖率", "Coverage", "share"),
                Field("covered_m2", "覆盖面积", "Covered area", "area_m2"),
                Field("total_m2", "单元面积", "Unit area", "area_m2")),
        colors=classes.color_of(), fill_opacity=0.55, weight=0.6,
        legend=LegendSection("单元覆盖率", "Coverage of unit", tuple(
            LegendEntry(c, lab, lab, "fill") for c, lab in zip(classes.colors, classes.labels))),
        provenance=_prov(units), searchable=True, tooltip_field=Field("coverage", "覆盖率", "Coverage", "share"),
    )
    area = shapely.intersection(result.service_area, shapely.union_all(np.asarray(district.geometry.values)))
    service = gpd.GeoDataFrame(
        {S.ID: [f"{theme}_service_area"], S.NAME_ZH: [f"{zh}服务范围"], S.NAME_EN: [f"{en.capitalize()} service area"],
         "covered_m2": [result.overall.get("covered_m2")], "coverage": [result.overall.get("coverage")],
         "radius": [_radius_text(result.radius_m)]},
        geometry=[area], crs=units.crs,
    )
    service_layer = LayerSpec(
        "service_area", service, f"{zh}服务范围", f"{en.capitalize()} service area", *GROUP_ANALYSIS,
        fields=(Field("covered_m2", "区内覆盖面积", "Area covered in Futian", "area_m2"),
                Field("coverage", "全区覆盖率", "District coverage", "share"),
                Field("radius", "服务半径", "Service radius")),
        color="#1c7ed6", fill_opacity=0.15, weight=1.0, provenance=prov, show=False,
        legend=LegendSection("服务范围", "Service area", (LegendEntry("#1c7ed6", f"{zh}服务半径内", f"within {en} service radius", "fill"),)),
    )
    gaps = result.gaps.copy()
    if len(gaps):
        gaps[S.ID] = gaps["gap_id"].astype(str)
        gaps[S.NAME_ZH] = "服务空白 " + gaps["gap_id"].astype(str)
        gaps[S.NAME_EN] = "Gap " + gaps["gap_id"].astype(str)
    gap_layer = LayerSpec(
        "gaps", gaps, f"{zh}服务空白", f"{en.capitalize()} gaps", *GROUP_ANALYSIS,
        fields=(Field(S.AREA_M2, "空白面积", "Gap area", "area_m2"), Field("unit_id", "所在单元", "Unit")),
        color="#e03131", fill_opacity=0.35, weight=0.8, provenance=prov,
        legend=LegendSection("服务空白", "Gaps", (LegendEntry("#e03131", "未覆盖", "not covered", "fill", len(gaps)),)),
        tooltip_field=Field(S.AREA_M2, "空白", "Gap", "area_m2"),
    )
    return [units_layer, service_layer, gap_layer]


def _radius_text(radius: Mapping[str, Any] | None) -> str:
    if not radius:
        return ""
    lo, hi = radius.get("min"), radius.get("max")
    if lo is None:
        return ""
    return f"{float(lo):,.0f} m" if lo == hi else f"{float(lo):,.0f}–{float(hi):,.0f} m"


def coverage_panel_html(result: Any, *, lang: str = "zh") -> str:
    """Overall coverage, threshold and standard, escaped."""
    o = result.overall
    rows = [
        (bilingual("全区覆盖率", "District coverage", lang), format_value(o.get("coverage"), "share")),
        (bilingual("覆盖面积", "Covered", lang), format_value(o.get("covered_m2"), "area_m2")),
        (bilingual("总面积", "Total", lang), format_value(o.get("total_m2"), "area_m2")),
        (bilingual("服务半径", "Radius", lang), _radius_text(result.radius_m)),
    ]
    if result.threshold is not None:
        met = result.overall.get("coverage", 0) >= result.threshold
        rows.append((bilingual("标准", "Threshold", lang),
                     f"≥ {100 * result.threshold:.0f} % — " + (bilingual("达标", "met", lang) if met else bilingual("未达标", "not met", lang))))
    body = "".join(f"<tr><th>{esc(k)}</th><td class=\"num\">{esc(v)}</td></tr>" for k, v in rows)
    notes = [result.standard] + list(result.notes)
    foot = "".join(f"<div class=\"ft-prov\">{esc(n)}</div>" for n in notes if n)
    return f'<table class="ft-table">{body}</table>{foot}'


def targets_table_html(targets: pd.DataFrame, *, lang: str = "zh") -> str:
    """Target progress table: target, achieved, progress bar, shortfall, pipeline (escaped)."""
    rows = targets.copy()
    kinds = rows["unit"].map(lambda u: "area_m2" if str(u) == "m2" else ("money_100m_cny" if "cny" in str(u) else "float"))
    for col in ("target", "achieved", "shortfall", "pipeline"):
        if col in rows.columns:
            rows[col] = [format_value(v, k) for v, k in zip(rows[col], kinds)]
    rows["name"] = [bilingual(zh, en, lang) for zh, en in zip(rows["name_zh"], rows["name_en"])]
    rows["share"] = pd.to_numeric(rows["progress"], errors="coerce") / 100.0
    cols = (Column("name", "目标", "Target"), Column("target", "目标值", "Goal"),
            Column("achieved", "已完成", "Achieved"), Column("share", "进度", "Progress"),
            Column("shortfall", "差额", "Shortfall"), Column("pipeline", "在建/已批", "Pipeline"))
    return table_html(rows, cols, lang=lang, bar_column="share")


# ---------------------------------------------------------------------------------------
# the five maps
# ---------------------------------------------------------------------------------------
def overview_spec(layers: Mapping[str, gpd.GeoDataFrame | None], *, lang: str = "zh") -> MapSpec:
    """Everything at a glance: boundary, units, CBD zones, renewal, parks, routes, stations."""
    district, units = layers["district"], layers["units"]
    specs = [_district_layer(district), _units_layer(units)]
    if layers.get("cbd_zones") is not None:
        specs.append(_zones_layer(layers["cbd_zones"], None))
    if layers.get("renewal_sites") is not None:
        specs.append(_renewal_layer(layers["renewal_sites"], None))
    if layers.get("parks") is not None:
        specs.append(_parks_layer(layers["parks"]))
    if layers.get("slow_routes") is not None:
        specs.append(_routes_layer(layers["slow_routes"], None, max_grade_pct=4.0))
    if layers.get("charging_stations") is not None:
        specs.append(_charging_layer(layers["charging_stations"]))
    if layers.get("bike_stations") is not None:
        specs.append(_bike_layer(layers["bike_stations"], show=False))
    return MapSpec("overview", "福田区规划总览", "Futian planning overview",
                   "区界、统计单元、CBD 扩展片区、城市更新、公园、慢行线路、充电站与自行车站。",
                   "Boundary, units, CBD expansion zones, renewal sites, parks, slow routes, charging and bike stations.",
                   tuple(specs), district)


def cbd_renewal_spec(layers, targets: Any | None, *, lang: str = "zh") -> MapSpec:
    """CBD expansion zones and renewal sites with the target-progress panel."""
    district = layers["district"]
    specs = [_district_layer(district)]
    panels = []
    if layers.get("cbd_zones") is not None:
        specs.append(_zones_layer(layers["cbd_zones"], targets.by_zone if targets is not None else None, fill_opacity=0.15))
    if layers.get("renewal_sites") is not None:
        sites = targets.sites if targets is not None else None
        specs.append(_renewal_layer(layers["renewal_sites"], sites))
    if targets is not None:
        panels.append(Panel("目标进度", "Target progress", targets_table_html(targets.targets, lang=lang)))
    return MapSpec("cbd_renewal", "CBD 扩展与城市更新", "CBD expansion & urban renewal",
                   "东扩、南拓、西延、北展四个片区与城市更新单元；目标进度（产业空间、更新投资）。",
                   "The four CBD expansion zones and renewal sites; progress towards the industrial-space and investment targets.",
                   tuple(specs), district, tuple(panels))


def parks_spec(layers, coverage: Any | None, config_threshold: float, *, radii: pd.Series | None = None,
               lang: str = "zh") -> MapSpec:
    """Parks by class, their service areas, coverage by unit and gaps."""
    district, units = layers["district"], layers["units"]
    specs = [_district_layer(district)]
    panels = []
    if coverage is not None:
        specs += _coverage_layers("parks", coverage, units, district, _prov(layers.get("parks")), config_threshold)
        panels.append(Panel("公园服务覆盖", "Park service coverage", coverage_panel_html(coverage, lang=lang)))
    if layers.get("parks") is not None:
        specs.append(_parks_layer(layers["parks"], radii=radii))
    return MapSpec("parks", "公园与服务覆盖", "Parks & coverage",
                   "公园（按类型）、服务半径覆盖范围、各单元覆盖率与服务空白。",
                   "Parks by class, service-radius coverage, coverage per unit and the gaps.",
                   tuple(specs), district, tuple(panels))


def slow_bike_spec(layers, coverage: Any | None, gradients: pd.DataFrame | None, config_threshold: float, *,
                   max_grade_pct: float = 4.0, lang: str = "zh") -> MapSpec:
    """Slow-traffic routes coloured by gradient, public-bike stations and their coverage."""
    district, units = layers["district"], layers["units"]
    specs = [_district_layer(district)]
    panels = []
    if coverage is not None:
        cov = _coverage_layers("bike", coverage, units, district, _prov(layers.get("bike_stations")), config_threshold)
        # most of the district is a gap for 300 m bike coverage: show the covered area instead
        cov = [_replace_show(cov[0], False), _replace_show(cov[1], True), _replace_show(cov[2], False)]
        specs += cov
        panels.append(Panel("公共自行车覆盖", "Public-bike coverage", coverage_panel_html(coverage, lang=lang)))
    if layers.get("slow_routes") is not None:
        routes = _routes_layer(layers["slow_routes"], gradients, max_grade_pct=max_grade_pct)
        specs.append(routes)
        panels.append(Panel("慢行线路坡度", "Route gradients", _routes_table(routes.frame, lang=lang), "topright",
                            open=False))
    if layers.get("bike_stations") is not None:
        specs.append(_bike_layer(layers["bike_stations"]))
    return MapSpec("slow_bike", "慢行交通与公共自行车", "Slow traffic & public bikes",
                   "慢行线路（按坡度着色）、公共自行车站及其 300 m 服务覆盖。",
                   "Slow routes coloured by gradient, public-bike stations and their 300 m coverage.",
                   tuple(specs), district, tuple(panels))


def _replace_show(spec: LayerSpec, show: bool) -> LayerSpec:
    from dataclasses import replace
    return replace(spec, show=show)


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


def charging_spec(layers, coverage: Any | None, config_threshold: float, *, lang: str = "zh") -> MapSpec:
    """Charging stations (sized by piles), 900 m coverage by unit and gaps."""
    district, units = layers["district"], layers["units"]
    specs = [_district_layer(district)]
    panels = []
    if coverage is not None:
        specs += _coverage_layers("charging", coverage, units, district, _prov(layers.get("charging_stations")), config_threshold)
        panels.append(Panel("充电服务覆盖", "Charging coverage", coverage_panel_html(coverage, lang=lang)))
    if layers.get("charging_stations") is not None:
        specs.append(_charging_layer(layers["charging_stations"]))
    return MapSpec("charging", "公共充电覆盖", "EV charging coverage",
                   "公共充电站（按桩数缩放）、0.9 km 服务覆盖率与服务空白。",
                   "Public charging stations sized by piles, 0.9 km service coverage by unit and the gaps.",
                   tuple(specs), district, tuple(panels))
