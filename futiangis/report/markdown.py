"""The report in planners' words: amounts in 万㎡ / 亿元 beside m² / CNY, and Markdown.

Attribute values are data: every cell is escaped for Markdown and the HTML it may become.
"""
from __future__ import annotations

import html
import math

import pandas as pd

from ..escape import neutralise_formula
from ..targets import ACCOUNTING_RULES, COLUMNS, UNIT_LABELS, TargetResult

__all__ = ["ILLUSTRATIVE_NOTE", "build_markdown", "format_amount", "report_notes"]

ILLUSTRATIVE_NOTE = (
    "ILLUSTRATIVE DATA (示意数据): the sites and/or zones are illustrative, digitized to show "
    "the method, not official planning data; do not quote these numbers as the plan's progress."
)
_CNY_PER_100M = 1e8


def format_amount(value: float, unit: str) -> str:
    """Planners' unit first, base unit beside it.

    Examples
    --------
    >>> format_amount(1_234_567, "m2")
    '123.46 万㎡ (1,234,567 m²)'
    >>> format_amount(12.5, "100m_cny")
    '12.50 亿元 (CNY 1,250,000,000)'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "m2":
        return f"{value / 1e4:,.2f} 万㎡ ({value:,.0f} m²)"
    if unit == "100m_cny":
        return f"{value:,.2f} 亿元 (CNY {value * _CNY_PER_100M:,.0f})"
    label = UNIT_LABELS.get(unit, (unit,))[0]
    return f"{value:,.2f} {label}"


def report_notes(result: TargetResult) -> list[str]:
    """The README lines of a report: illustrative data, evaluation date, sources, units, rules."""
    notes = []
    if result.illustrative:
        notes.append(ILLUSTRATIVE_NOTE)
    notes.append(
        "Evaluated at " + (f"min(end, {result.as_of.isoformat()})" if result.as_of else "each target's end")
        + "; each target counts what is delivered in its period."
    )
    for key, value in result.sources.items():
        notes.append(f"{key}: {value}")
    notes.append("Units: m² of gross floor area (GFA); investment in 亿元 (1 亿元 = 10^8 CNY); "
                 "progress in percent of the target (achieved only); shortfall = target − achieved; "
                 "before_period and undated are shown, never counted.")
    notes += [f"Rule {i}: {rule}" for i, rule in enumerate(ACCOUNTING_RULES, start=1)]
    return notes


def _md_escape(value) -> str:
    """Escape an attribute value for a Markdown table cell (and the HTML it may become)."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    text = neutralise_formula(text)  # pasted into a spreadsheet, a table cell stays text
    return html.escape(text, quote=False).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _wan(m2: float) -> str:
    return f"{m2 / 1e4:,.2f}"


def build_markdown(result: TargetResult) -> str:
    """The report as Markdown: verdicts, targets, breakdowns, duplicates, overlaps, warnings, rules."""
    out = ["# 产业空间目标核算 Target accounting — 福田区 Futian", ""]
    if result.illustrative:
        out += [f"> **{ILLUSTRATIVE_NOTE}**", ""]
    out.append("Evaluated at: **" + (f"min(end, {result.as_of.isoformat()})" if result.as_of else "each target's end")
               + "**  ")
    for key, value in result.sources.items():
        out.append(f"{key}: {_md_escape(value)}  ")
    out += ["", "## Verdicts 结论", ""]
    out += [f"- **{_md_escape(r.name_zh)} {_md_escape(r.name_en)}** — {_md_escape(r.verdict_text)}"
            for r in result.targets.itertuples(index=False)]
    out += ["", "## Targets 目标", ""]
    rows = []
    for r in result.targets.itertuples(index=False):
        rows.append([
            _md_escape(f"{r.name_zh} {r.name_en}"), f"{r.start or '…'} – {r.end or '…'}",
            str(r.evaluated_at or "—"), format_amount(r.target, r.unit),
            format_amount(r.achieved, r.unit), format_amount(r.pipeline, r.unit),
            format_amount(r.proposed, r.unit), format_amount(r.before_period, r.unit),
            format_amount(r.undated, r.unit), f"{r.progress:.1f} %", format_amount(r.shortfall, r.unit),
            f"{r.verdict_zh} · {r.verdict}",
        ])
    out.append(_md_table(
        ["Target 目标", "Period 期间", "Evaluated 评估日", "Target", "Achieved 期内完成", "Pipeline 在建/已批",
         "Proposed 规划", "Before period 期前", "Undated 无日期", "Progress", "Shortfall 缺口", "Verdict 结论"], rows))
    out += ["", "Progress counts what is delivered in the period only; before-period and undated amounts "
            "are shown, never counted; pipeline and proposed show what could follow.", ""]

    def gfa_rows(frame: pd.DataFrame, label_cols: list[str]) -> list[list[str]]:
        rows = []
        for _, r in frame.iterrows():
            rows.append([_md_escape(r.get(c, "")) for c in label_cols] + [
                str(int(r["n_sites"])), f"{r.get('land_area_m2', 0.0) / 1e4:,.2f}",
                *(_wan(r[f"{c}_m2"]) for c in COLUMNS), f"{r.get('investment_100m_cny', 0.0):,.2f}",
            ])
        return rows

    gfa_header = ["Sites", "Land ha", "Achieved 万㎡", "Pipeline 万㎡", "Proposed 万㎡", "Before period 万㎡",
                  "Undated 万㎡", "Budget 亿元"]
    head = f" (target {result.headline}; each site in the area holding most of its land)"
    out += [f"## By expansion direction 按拓展方向{head}", ""]
    out.append(_md_table(["Direction", "方向", "Zones"] + gfa_header,
                         gfa_rows(result.by_direction, ["direction", "direction_zh", "zones"])))
    out += ["", "## By zone 按片区", ""]
    out.append(_md_table(["Zone", "名称", "方向"] + gfa_header,
                         gfa_rows(result.by_zone, ["zone_id", "name_zh", "direction_zh"])))
    if result.by_area is not None:
        title = "By 街道 subdistrict 按街道" if result.area_kind == "subdistricts" else "By traffic zone 按交通小区"
        out += ["", f"## {title}", ""]
        out.append(_md_table(["Area", "名称"] + gfa_header, gfa_rows(result.by_area, ["zone_id", "name_zh"])))
    out += ["", "## By status at the evaluation date 按评估日状态", ""]
    out.append(_md_table(["Status", "状态"] + gfa_header, gfa_rows(result.by_status, ["status", "status_zh"])))
    out += ["", "## By year delivered 按交付年份", ""]
    out.append(_md_table(["Year"] + gfa_header, gfa_rows(result.by_year, ["year"])))
    est = result.sites[result.sites["gfa_estimated"].astype(bool)]
    out += ["", f"## Estimated GFA 估算 ({len(est)} site(s))", ""]
    if len(est):
        out.append(_md_table(
            ["Site", "Land m²", "Plot ratio", "Industrial share", "Estimated GFA m²"],
            [[_md_escape(r["id"]), f"{r['land_area_m2']:,.0f}", f"{r['plot_ratio']:g}",
              f"{r['industrial_share']:g}", f"{r['gfa_m2']:,.0f}"] for _, r in est.iterrows()]))
    else:
        out.append("None: every site reports gfa_new_m2.")
    out += ["", f"## Duplicates counted once 重复记录 ({len(result.duplicates)})", ""]
    if len(result.duplicates):
        out.append(_md_table(
            ["Site", "Duplicate of", "Why", "Overlap m²"],
            [[_md_escape(r.site_id), _md_escape(r.duplicate_of), _md_escape(r.reason), f"{r.overlap_area_m2:,.0f}"]
             for r in result.duplicates.itertuples(index=False)]))
    else:
        out.append("None.")
    out += ["", f"## Overlapping sites, both counted in full 重叠地块 ({len(result.overlaps)} pair(s))", ""]
    if len(result.overlaps):
        out.append(_md_table(
            ["Site A", "Site B", "Shared m²", "Share of A", "Share of B"],
            [[_md_escape(r.site_a), _md_escape(r.site_b), f"{r.overlap_area_m2:,.0f}", f"{r.share_a:.0%}",
              f"{r.share_b:.0%}"] for r in result.overlaps.itertuples(index=False)]))
    else:
        out.append("None.")
    out += ["", f"## Delivered without a date 无日期 ({len(result.undated)})", ""]
    if len(result.undated):
        out.append(_md_table(["Target", "Site", "Status", "Amount"],
                             [[_md_escape(r.target_id), _md_escape(r.site_id), _md_escape(r.status),
                               format_amount(r.value, r.unit)] for r in result.undated.itertuples(index=False)]))
    else:
        out.append("None.")
    split_sites = result.splits.groupby("site_id")["zone_id"].nunique()
    straddling = result.splits[result.splits["site_id"].isin(split_sites[split_sites > 1].index)]
    out += ["", f"## Sites straddling zones 跨片区地块 ({straddling['site_id'].nunique()})", ""]
    if len(straddling):
        out.append(_md_table(
            ["Site", "Zone", "Land m²", "Share of land", "Belongs here"],
            [[_md_escape(r.site_id), _md_escape(r.zone_id), f"{r.land_m2:,.0f}", f"{r.land_share:.1%}",
              "yes" if r.assigned else ""] for r in straddling.itertuples(index=False)]))
    else:
        out.append("None.")
    out += ["", f"## Warnings ({len(result.warnings)})", ""]
    out += [f"- `{p.code}` {_md_escape(p.feature_id or '')}: {_md_escape(p.message)}" for p in result.warnings] or ["None."]
    out += ["", "## Accounting rules 核算规则", ""]
    out += [f"{i}. {_md_escape(rule)}" for i, rule in enumerate(ACCOUNTING_RULES, start=1)]
    out.append("")
    return "\n".join(out)
