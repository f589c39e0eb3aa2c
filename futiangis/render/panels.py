"""The analysis layers and panels of the theme maps: coverage, verdicts, target progress.

Coverage by unit, service area and gaps as layers; the coverage verdict (达标/未达标) and
the target table as HTML panels (every value escaped). Nothing here computes a statistic.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import schemas as S
from .legend import LegendEntry, LegendSection, classify
from .model import LayerSpec
from .palette import GAP_COLOR, SERVICE_COLOR, progress_color
from .popups import Field, bilingual, esc, format_value
from .theme_layers import GROUP_ANALYSIS, Provenance, align_by_id, with_area

__all__ = ["SAME_SITES_NOTE", "coverage_layers", "coverage_panel_html", "targets_note", "targets_table_html"]


def coverage_layers(theme: str, result: Any, units: gpd.GeoDataFrame, district: gpd.GeoDataFrame,
                    facility_prov: Provenance, threshold: float, *,
                    units_prov: Provenance = None) -> list[LayerSpec]:
    """Coverage by unit, the service area and the gaps of one coverage result."""
    facility_prov = dict(facility_prov or {})
    zh, en = {"parks": ("公园", "park"), "charging": ("充电", "charging"), "bike": ("公共自行车", "public-bike")}[theme]
    prov = {**facility_prov, "source": f"futiangis coverage ({theme}) from: {facility_prov.get('source', '')}"}
    frame = with_area(units)
    table = align_by_id(result.units, frame)
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
        provenance=dict(units_prov or {}), searchable=True, tooltip_field=Field("coverage", "覆盖率", "Coverage", "share"),
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


def targets_note(targets: pd.DataFrame, lang: str) -> str | None:
    area = targets[targets["unit"].astype(str) == "m2"]
    if len(area) >= 2 and area["achieved"].nunique() == 1:
        return bilingual(*SAME_SITES_NOTE, lang)
    return None
