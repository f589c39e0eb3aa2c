"""The five theme maps of ``futiangis build``, as :class:`~futiangis.render.maps.MapSpec` s.

Each ``*_spec`` function takes layers (working CRS, any of them may be ``None`` when
not shipped) and the statistics already computed by the analysis modules, and returns
a description of the map: which layers, coloured how, with which popup numbers,
legends and panels. Nothing here computes a statistic or touches a file.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import schemas as S
from ..measure import measure_area, measure_length
from .legend import LegendEntry, LegendSection, classify
from .model import LayerSpec, MapSpec, Panel, Timeline, YearSlider
from .palette import (
    DIRECTION_COLORS,
    DIRECTION_DASHES,
    GAP_COLOR,
    NO_DATA_COLOR,
    OUTLINE_COLOR,
    PARK_CLASS_COLORS,
    ROUTE_TYPE_COLORS,
    SERVICE_COLOR,
    STATION_COLORS,
    STATUS_COLORS,
    STATUS_OUTLINES,
    UNIT_COLOR,
    progress_color,
)
from .popups import Field, bilingual, esc, format_value
from .tables import Column, table_html

__all__ = [
    "STATUS_COLORS", "DIRECTION_COLORS", "PARK_CLASS_COLORS", "ROUTE_TYPE_COLORS",
    "overview_spec", "cbd_renewal_spec", "parks_spec", "slow_bike_spec", "charging_spec",
    "targets_table_html", "coverage_panel_html", "CHARGING_SIZE_KEY",
]

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


def _prov(frame: gpd.GeoDataFrame | None) -> dict:
    return dict(frame.attrs.get("provenance", {})) if frame is not None else {}


def _with_area(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
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


def _district_layer(district: gpd.GeoDataFrame) -> LayerSpec:
    return LayerSpec(
        "district", _with_area(district), "福田区界", "Futian boundary", *GROUP_BASE,
        fields=(AREA_FIELD, ACCURACY_FIELD), color=OUTLINE_COLOR, fill=False, weight=2.5,
        provenance=_prov(district), interactive=False,
    )


def _units_layer(units: gpd.GeoDataFrame, *, show: bool = True) -> LayerSpec:
    return LayerSpec(
        "units", _with_area(units), "统计单元", "Statistical units", *GROUP_BASE,
        fields=(Field(S.ID, "编号", "ID"), AREA_FIELD, ACCURACY_FIELD), color=UNIT_COLOR,
        fill_opacity=0.03, weight=0.8, provenance=_prov(units), show=show, searchable=True,
        label_min_zoom=LABEL_ZOOM["units"],
        tooltip_field=AREA_FIELD,
    )


def _renewal_layer(sites: gpd.GeoDataFrame, accounted: gpd.GeoDataFrame | None, *,
                   with_years: bool = False) -> LayerSpec:
    frame = _with_area(sites)
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
        provenance=_prov(sites), searchable=True, years=frame[S.YEAR] if with_years and S.YEAR in frame else None,
        tooltip_field=Field(S.GFA_NEW_M2, "新增产业空间", "New GFA", "area_m2"),
    )


def _zones_layer(zones: gpd.GeoDataFrame, by_zone: pd.DataFrame | None) -> LayerSpec:
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
        colors=_category_colors(frame, S.DIRECTION, DIRECTION_COLORS), fill_colors=pd.Series("#ffffff", index=frame.index),
        fill_opacity=0.04, weight=2.6,
        dashes=frame[S.DIRECTION].astype(str).map(lambda d: DIRECTION_DASHES.get(d)),
        legend=_category_legend(frame, S.DIRECTION, DIRECTION_COLORS, S.DIRECTION_ZH, None,
                                ("CBD 扩展方向（边界）", "CBD expansion (outline)"), "outline", DIRECTION_DASHES),
        provenance=_prov(zones), searchable=True, label_min_zoom=LABEL_ZOOM["cbd_zones"],
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
        provenance=_prov(parks), searchable=True, tooltip_field=AREA_FIELD, label_min_zoom=LABEL_ZOOM["parks"],
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
        classes = classify(frame["mean_grade_pct"], bins=bins, cmap="gradient")
        colors = classes.color_of()
        legend = LegendSection("平均坡度 (%)", "Mean grade (%)", tuple(
            LegendEntry(c, lab + " %", lab + " %", "line", n)
            for c, lab, n in zip(classes.colors, classes.labels, classes.counts())))
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


def charging_radius(piles):
    """Circle radius (px) for a station with ``piles`` piles: area grows with the piles."""
    r = 3.0 + 1.1 * np.sqrt(np.clip(piles, 0, None))
    return r.clip(upper=12) if isinstance(r, pd.Series) else float(min(r, 12.0))


def _charging_layer(stations: gpd.GeoDataFrame, *, show: bool = True) -> LayerSpec:
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
        provenance=_prov(stations), searchable=True, show=show,
        tooltip_field=Field(S.PILES, "充电桩", "Piles", "count"),
    )


def _bike_layer(stations: gpd.GeoDataFrame, *, show: bool = True) -> LayerSpec:
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
        provenance=_prov(stations), searchable=True, show=show,
        tooltip_field=Field(S.DOCKS, "车桩", "Docks", "count"),
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
    classes = classify(frame["coverage"], bins=bins, cmap="coverage", as_pct=True)
    units_layer = LayerSpec(
        "unit_coverage", frame, f"{zh}服务覆盖率（按单元）", f"{en.capitalize()} coverage by unit", *GROUP_ANALYSIS,
        fields=(Field(S.ID, "编号", "ID"), Field("coverage", "覆盖率", "Coverage", "share"),
                Field("covered_m2", "覆盖面积", "Covered area", "land_m2"),
                Field("total_m2", "单元面积", "Unit area", "land_m2")),
        colors=classes.color_of(), fill_opacity=0.55, weight=0.6,
        legend=LegendSection("单元覆盖率", "Coverage of unit", tuple(
            LegendEntry(c, lab, lab, "fill", n) for c, lab, n in zip(classes.colors, classes.labels, classes.counts()))),
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
        fields=(Field("covered_m2", "区内覆盖面积", "Area covered in Futian", "land_m2"),
                Field("coverage", "全区覆盖率", "District coverage", "share"),
                Field("radius", "服务半径", "Service radius")),
        color=SERVICE_COLOR, fill_opacity=0.2, weight=1.0, provenance=prov, show=False,
        legend=LegendSection("服务范围", "Service area", (LegendEntry(SERVICE_COLOR, f"{zh}服务半径内", f"within {en} service radius", "fill"),)),
    )
    gaps = result.gaps.copy()
    if len(gaps):
        gaps[S.ID] = gaps["gap_id"].astype(str)
        gaps[S.NAME_ZH] = "服务空白 " + gaps["gap_id"].astype(str)
        gaps[S.NAME_EN] = "Gap " + gaps["gap_id"].astype(str)
    gap_layer = LayerSpec(
        "gaps", gaps, f"{zh}服务空白", f"{en.capitalize()} gaps", *GROUP_ANALYSIS,
        fields=(Field(S.AREA_M2, "空白面积", "Gap area", "land_m2"), Field("unit_id", "所在单元", "Unit")),
        color=GAP_COLOR, fill_opacity=0.35, weight=0.8, provenance=prov, searchable=True,
        legend=LegendSection("服务空白", "Gaps", (LegendEntry(GAP_COLOR, "未覆盖", "not covered", "fill", len(gaps)),)),
        tooltip_field=Field(S.AREA_M2, "空白", "Gap", "land_m2"),
    )
    return [units_layer, service_layer, gap_layer]


def _radius_text(radius: Mapping[str, Any] | None) -> str:
    if not radius:
        return ""
    lo, hi = radius.get("min"), radius.get("max")
    if lo is None:
        return ""
    return f"{float(lo):,.0f} m" if lo == hi else f"{float(lo):,.0f}–{float(hi):,.0f} m"  # type: ignore[arg-type]


def _verdict_html(met: bool | None, lang: str) -> str:
    if met is None:
        return ""
    return (f'<span class="ft-ok">{esc(bilingual("达标", "met", lang))}</span>' if met
            else f'<span class="ft-notok">{esc(bilingual("未达标", "not met", lang))}</span>')


def _bar(share: float | None) -> str:
    if share is None or pd.isna(share):
        return ""
    width = max(0.0, min(float(share), 1.0)) * 60
    return (f'<span class="ft-bar-bg"><span class="ft-bar" style="width:{width:.0f}px;--bar:{progress_color(share)}">'
            f"</span></span> {100 * float(share):.1f} %")


def coverage_panel_html(result: Any, *, lang: str = "zh") -> str:
    """Coverage verdict (达标/未达标), margin to the threshold, standard and clause; escaped.

    Uses the indicator's own verdict, deadline and clause when the coverage result
    carries them (``verdict``, ``deadline``, ``clause``), else compares with the threshold.
    """
    o = result.overall
    cov = o.get("coverage")
    rows = [
        (bilingual("全区覆盖率", "District coverage", lang), _bar(cov)),
        (bilingual("覆盖面积", "Covered", lang), esc(format_value(o.get("covered_m2"), "land_m2"))),
        (bilingual("总面积", "Total", lang), esc(format_value(o.get("total_m2"), "land_m2"))),
        (bilingual("服务半径", "Radius", lang), esc(_radius_text(result.radius_m))),
    ]
    threshold = getattr(result, "threshold", None)
    if threshold is not None and cov is not None:
        verdict = getattr(result, "verdict", None)
        if isinstance(verdict, Mapping):  # CoverageResult.verdict: {"met", "verdict", "margin_pp", "text"}
            verdict = verdict.get("met")
        met = (str(verdict) in ("达标", "met", "True")) if verdict is not None else cov >= threshold
        margin = 100 * (cov - threshold)
        rows.append((bilingual("标准", "Threshold", lang), f"≥ {100 * threshold:.0f} % — {_verdict_html(met, lang)}"))
        rows.append((bilingual("差距", "Margin", lang), esc(f"{margin:+.1f} " + bilingual("个百分点", "points", lang))))
    deadline = getattr(result, "deadline", None)
    if deadline:
        rows.append((bilingual("期限", "Deadline", lang), esc(str(deadline))))
    body = "".join(f"<tr><th>{esc(k)}</th><td class=\"num\">{v}</td></tr>" for k, v in rows)
    notes = [getattr(result, "clause", None), result.standard] + list(result.notes)
    foot = "".join(f"<div class=\"ft-prov\">{esc(n)}</div>" for n in notes if n)
    return f'<table class="ft-table">{body}</table>{foot}'


def targets_table_html(targets: pd.DataFrame, *, lang: str = "zh", deadlines: Mapping[str, Any] | None = None,
                       note: str | None = None) -> str:
    """Target table: goal, achieved, progress bar coloured by progress, 达标/未达标, margin,
    deadline, pipeline (escaped).

    Uses the accounting's own ``verdict``, ``margin`` and ``deadline`` columns when present.
    """
    out = []
    for rec in targets.to_dict("records"):
        unit = str(rec.get("unit"))
        kind = "area_m2" if unit == "m2" else ("money_100m_cny" if "cny" in unit else "float")
        target, achieved = rec.get("target"), rec.get("achieved")
        share = pd.to_numeric(rec.get("progress"), errors="coerce") / 100.0
        met = bool(achieved >= target) if target is not None and achieved is not None else None
        if rec.get("verdict") is not None and not pd.isna(rec.get("verdict")):
            met = str(rec["verdict"]) in ("达标", "met", "True")
        margin = rec.get("margin", achieved - target if met is not None else None)
        deadline = next((rec[k] for k in ("deadline", "end") if rec.get(k) is not None and not pd.isna(rec.get(k))),
                        (deadlines or {}).get(rec.get("id")))
        sign = "+" if margin is not None and margin >= 0 else "−"
        margin_text = f"{sign}{_short(abs(margin), kind)}" if margin is not None else ""
        out.append(
            f"<tr><td>{esc(bilingual(rec.get('name_zh', ''), rec.get('name_en', ''), lang))}</td>"
            f"<td class=\"num\">{esc(_short(target, kind))}</td><td class=\"num\">{esc(_short(achieved, kind))}</td>"
            f"<td class=\"num\">{_bar(share)}</td><td>{_verdict_html(met, lang)}</td>"
            f"<td class=\"num\">{esc(margin_text)}</td><td class=\"num\">{esc(str(deadline) if deadline else '')}</td>"
            f"<td class=\"num\">{esc(_short(rec.get('pipeline'), kind))}</td></tr>")
    heads = [("目标", "Target"), ("目标值", "Goal"), ("已完成", "Achieved"), ("进度", "Progress"),
             ("结论", "Verdict"), ("差距", "Margin"), ("期限", "Deadline"), ("在建/已批", "Pipeline")]
    head = "".join(f"<th>{esc(bilingual(zh, en, lang, sep=' / '))}</th>" for zh, en in heads)
    foot = f'<div class="ft-prov">{esc(note)}</div>' if note else ""
    return f'<table class="ft-table"><thead><tr>{head}</tr></thead><tbody>{"".join(out)}</tbody></table>{foot}'


def _short(value: Any, kind: str) -> str:
    """Planners' units: 万㎡ with two decimals, 亿元 with two."""
    if value is None or pd.isna(value):
        return ""
    if kind == "area_m2":
        return f"{float(value) / 1e4:,.2f} 万㎡"
    if kind == "money_100m_cny":
        return f"{float(value):,.2f} 亿元"
    return f"{float(value):,.2f}"


SAME_SITES_NOTE = ("两行“产业空间”数字相同：目前只有城市更新单元图层，总目标与更新目标计入同一批单元。",
                   "The two space rows are equal: only renewal sites are shipped, so the total target counts the same sites.")


def _targets_note(targets: pd.DataFrame, lang: str) -> str | None:
    area = targets[targets["unit"].astype(str) == "m2"]
    if len(area) >= 2 and area["achieved"].nunique() == 1:
        return bilingual(*SAME_SITES_NOTE, lang)
    return None


# ---------------------------------------------------------------------------------------
# the five maps
# ---------------------------------------------------------------------------------------
def _subdistricts(layers: Mapping[str, gpd.GeoDataFrame | None]) -> list[LayerSpec]:
    """街道 (subdistricts), when a ``subdistricts`` layer is shipped: outlines and names."""
    frame = layers.get("subdistricts")
    if frame is None:
        return []
    return [LayerSpec(
        "subdistricts", _with_area(frame), "街道", "Subdistricts (街道)", *GROUP_BASE,
        fields=(AREA_FIELD, ACCURACY_FIELD), color="#495057", fill=False, weight=1.6, dash="1 5",
        provenance=_prov(frame), searchable=True, label_min_zoom=LABEL_ZOOM["subdistricts"], interactive=True,
    )]


def overview_spec(layers: Mapping[str, gpd.GeoDataFrame | None], *, lang: str = "zh") -> MapSpec:
    """Everything at a glance: boundary, units, CBD zones, renewal, parks, routes, stations."""
    district, units = layers["district"], layers["units"]
    specs = [_district_layer(district), *_subdistricts(layers), _units_layer(units)]
    if layers.get("cbd_zones") is not None:
        specs.append(_zones_layer(layers["cbd_zones"], None))
    if layers.get("parks") is not None:
        specs.append(_parks_layer(layers["parks"]))
    if layers.get("renewal_sites") is not None:
        specs.append(_renewal_layer(layers["renewal_sites"], None))
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


def cbd_renewal_spec(layers, targets: Any | None, *, lang: str = "zh",
                     progress_by_year: Mapping[int, pd.DataFrame] | None = None,
                     statuses_by_year: pd.DataFrame | None = None) -> MapSpec:
    """CBD expansion zones and renewal sites with the target panel and a year slider.

    ``progress_by_year`` maps a year to the target table as of its end (the slider shows
    it); without it there is no slider. ``statuses_by_year`` (sites' index × years: the
    status at the end of each year from the milestone dates, None before the first)
    colours and hides the sites year by year; without it a site is hidden after its
    ``year``.
    """
    district = layers["district"]
    specs = [_district_layer(district), *_subdistricts(layers)]
    panels = []
    slider = None
    if layers.get("cbd_zones") is not None:
        specs.append(_zones_layer(layers["cbd_zones"], targets.by_zone if targets is not None else None))
    if layers.get("renewal_sites") is not None:
        sites = targets.sites if targets is not None else None
        renewal = _renewal_layer(layers["renewal_sites"], sites, with_years=bool(progress_by_year))
        if progress_by_year and statuses_by_year is not None:
            styles = {k: (STATUS_OUTLINES[k], STATUS_COLORS[k]) for k in STATUS_COLORS}
            renewal = replace(renewal, timeline=Timeline(statuses_by_year, styles))
        specs.append(renewal)
    if targets is not None:
        deadlines = {k: str(v) for k, v in (getattr(targets, "deadlines", None) or {}).items()}
        note = _targets_note(targets.targets, lang)
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
               lang: str = "zh") -> MapSpec:
    """Parks by class, their service areas, coverage by unit and gaps."""
    district, units = layers["district"], layers["units"]
    specs = [_district_layer(district), *_subdistricts(layers)]
    panels = []
    if coverage is not None:
        specs += _coverage_layers("parks", coverage, units, district, _prov(layers.get("parks")), config_threshold)
        panels.append(Panel("公园服务覆盖", "Park service coverage", coverage_panel_html(coverage, lang=lang),
                            key="coverage"))
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
    specs = [_district_layer(district), *_subdistricts(layers)]
    panels = []
    if coverage is not None:
        cov = _coverage_layers("bike", coverage, units, district, _prov(layers.get("bike_stations")), config_threshold)
        # most of the district is a gap for 300 m bike coverage: show the covered area instead
        cov = [replace(cov[0], show=False), replace(cov[1], show=True), replace(cov[2], show=False)]
        specs += cov
        panels.append(Panel("公共自行车覆盖", "Public-bike coverage", coverage_panel_html(coverage, lang=lang),
                            key="coverage"))
    if layers.get("slow_routes") is not None:
        routes = _routes_layer(layers["slow_routes"], gradients, max_grade_pct=max_grade_pct)
        specs.append(routes)
        panels.append(Panel("慢行线路坡度", "Route gradients", _routes_table(routes.frame, lang=lang), open=False,
                            key="gradients"))
    if layers.get("bike_stations") is not None:
        specs.append(_bike_layer(layers["bike_stations"]))
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


def charging_spec(layers, coverage: Any | None, config_threshold: float, *, lang: str = "zh") -> MapSpec:
    """Charging stations (sized by piles), 900 m coverage by unit and gaps."""
    district, units = layers["district"], layers["units"]
    specs = [_district_layer(district), *_subdistricts(layers)]
    panels = []
    if coverage is not None:
        specs += _coverage_layers("charging", coverage, units, district, _prov(layers.get("charging_stations")), config_threshold)
        panels.append(Panel("充电服务覆盖", "Charging coverage", coverage_panel_html(coverage, lang=lang), key="coverage"))
    if layers.get("charging_stations") is not None:
        specs.append(_charging_layer(layers["charging_stations"]))
    return MapSpec("charging", "公共充电覆盖", "EV charging coverage",
                   "公共充电站（按桩数缩放）、0.9 km 服务覆盖率与服务空白。",
                   "Public charging stations sized by piles, 0.9 km service coverage by unit and the gaps.",
                   tuple(specs), district, tuple(panels))
