"""Target reports: the same tables as CSV, XLSX and Markdown, and a PNG progress chart.

Builders return content (``bytes`` / ``str``) and never touch files;
:func:`write_target_report` hands that content to :mod:`futiangis.io`'s atomic writers.
Numbers are written unrounded to CSV and XLSX, so they match
:class:`~futiangis.targets.TargetResult` exactly; Markdown and the chart show planners'
units (万㎡, 亿元) beside m² and CNY.
"""
from __future__ import annotations

import datetime as dt
import html
import io as _stdio
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import Problem
from .escape import is_formula_like, neutralise_formula
from .io import atomic_output_dir, write_bytes_atomic, write_text_atomic
from .targets import ACCOUNTING_RULES, COLUMNS, UNIT_LABELS, TargetResult

__all__ = [
    "ILLUSTRATIVE_NOTE",
    "format_amount",
    "report_tables",
    "table_to_csv",
    "build_xlsx",
    "build_markdown",
    "build_progress_chart",
    "write_target_files",
    "write_target_report",
]

ILLUSTRATIVE_NOTE = (
    "ILLUSTRATIVE DATA (示意数据): the sites and/or zones are illustrative, digitized to show "
    "the method, not official planning data; do not quote these numbers as the plan's progress."
)
_CNY_PER_100M = 1e8
REPORT_FILES = {
    "xlsx": "target_report.xlsx",
    "markdown": "target_report.md",
    "chart": "target_progress.png",
}


# ---------------------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------------------
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


def _notes(result: TargetResult) -> list[str]:
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


# ---------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------
def _warnings_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"severity": p.severity, "code": p.code, "feature_id": p.feature_id, "field": p.field,
          "message": p.message} for p in problems],
        columns=["severity", "code", "feature_id", "field", "message"],
    )


def report_tables(result: TargetResult) -> dict[str, pd.DataFrame]:
    """The tables of a report, in order: name -> plain DataFrame (no geometry).

    ``targets`` is :attr:`TargetResult.targets` unchanged (the numbers checked against the
    XLSX); ``sites`` drops the geometry; ``splits`` gets its site index as a column.
    """
    sites = pd.DataFrame(result.sites.drop(columns=[result.sites.geometry.name]))
    splits = result.splits.reset_index(names="site_index")
    return {
        "targets": result.targets,
        "by_direction": result.by_direction,
        "by_zone": result.by_zone,
        "by_status": result.by_status,
        "by_year": result.by_year,
        **({f"by_{result.area_kind}": result.by_area} if result.by_area is not None else {}),
        "sites": sites.reset_index(drop=True),
        "splits": splits,
        "duplicates": result.duplicates,
        "overlaps": result.overlaps,
        "undated": result.undated,
        "warnings": _warnings_frame(result.warnings),
    }


def table_to_csv(table: pd.DataFrame) -> bytes:
    """CSV bytes, UTF-8 with BOM so Excel on Chinese Windows opens the Chinese names right.

    Every text cell and header is neutralised against formula injection (OWASP: a text
    starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``); numbers are
    written as numbers.
    """
    safe = table.copy()
    safe.columns = [neutralise_formula(str(c)) for c in table.columns]  # also duplicate names
    for j in range(safe.shape[1]):
        col = safe.iloc[:, j]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            safe.isetitem(j, col.map(neutralise_formula, na_action="ignore"))
    # RFC 4180 line ends (CRLF): a CR or LF inside a value is then quoted, never a row break
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(value):
    if value is None:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()
    # attribute values are data: control characters (which openpyxl refuses) become U+FFFD
    return _XLSX_ILLEGAL.sub("\ufffd", str(value))


def _inert_row(cells) -> None:
    """Text is data: a formula-like text (``=HYPERLINK(...)``, ``@SUM``, ``-1+1``) is kept as
    written but stored as a string cell with Excel's quote prefix (what typing a leading
    ``'`` does), so no spreadsheet evaluates it, not even after the cell is edited."""
    for cell in cells:
        if isinstance(cell.value, str) and (cell.data_type == "f" or is_formula_like(cell.value)):
            cell.data_type = "s"
            cell.quotePrefix = True


def _sheet_title(name: str) -> str:
    """A valid, inert sheet name (≤ 31 characters, none of ``[]:*?/\\``, no formula start)."""
    title = re.sub(r"[\[\]:*?/\\]", "_", str(name))
    if is_formula_like(title) or title.startswith("'"):
        title = "_" + title
    return title[:31] or "sheet"


def build_xlsx(tables: dict[str, pd.DataFrame], *, notes: list[str] | None = None,
               title: str = "futiangis target accounting") -> bytes:
    """An XLSX workbook: a ``README`` sheet (``title``, then ``notes``), then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    readme.append([_cell(title)])
    readme["A1"].font = Font(bold=True)
    for line in notes or []:
        readme.append([_cell(line)])
        _inert_row(readme[readme.max_row])
    readme.column_dimensions["A"].width = 120
    for name, table in tables.items():
        table = with_wan_columns(table)
        ws = wb.create_sheet(title=_sheet_title(name))
        ws.append([_cell(str(c)) for c in table.columns])
        _inert_row(ws[1])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
            _inert_row(ws[ws.max_row])
        ws.freeze_panes = "A2"
        _format_sheet(ws, table)
        for j, col in enumerate(table.columns, start=1):
            width = max([_display_width(col)] + [_display_width(v) for v in table[col].head(50)]) + 2
            ws.column_dimensions[get_column_letter(j)].width = min(max(width, 8), 60)
    buf = _stdio.BytesIO()
    wb.save(buf)
    return buf.getvalue()


#: per-row amounts of a table with a ``unit`` column (targets): m² or 亿元 by row
_AMOUNT_COLUMNS = ("target", "achieved", "pipeline", "proposed", "before_period", "undated", "shortfall", "margin")
M2_FORMAT = '#,##0" m²"'
WAN_FORMAT = '#,##0.00" 万㎡"'
CNY_100M_FORMAT = '#,##0.00" 亿元"'
SHARE_FORMAT = "0.0%"


def _display_width(value) -> int:
    """Column width in Excel characters: CJK characters count two."""
    import unicodedata

    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_format(name: str) -> str | None:
    if name.endswith("_wan_m2"):
        return WAN_FORMAT
    if name.endswith("_m2") or name == "area_m2":
        return M2_FORMAT
    if name.endswith("100m_cny"):
        return CNY_100M_FORMAT
    if name in ("coverage", "share") or name.endswith(("_coverage", "_share")):
        return SHARE_FORMAT
    if name == "progress" or name.endswith("_pct"):
        return '0.0" %"'
    if name == "year" or name.endswith("_year"):
        return "0"
    return None


def with_wan_columns(table: pd.DataFrame) -> pd.DataFrame:
    """The table with a 万㎡ column for each m² amount (value / 10⁴, exact), appended after
    the table's own columns (so theirs keep their positions).

    For a table with a per-row ``unit`` (the targets), the amounts of ``m2`` rows get
    ``<column>_wan_m2`` and other rows leave it empty.
    """
    out = table.copy()
    if "unit" in out.columns:
        is_m2 = out["unit"].astype(str).eq("m2")
        for col in [c for c in _AMOUNT_COLUMNS if c in out.columns]:
            values = pd.to_numeric(out[col], errors="coerce")
            out[f"{col}_wan_m2"] = values.where(is_m2) / 1e4
        return out
    for col in [c for c in out.columns if str(c).endswith("_m2") and not str(c).endswith("_wan_m2")]:
        values = pd.to_numeric(out[col], errors="coerce")
        if values.notna().any():
            out[f"{str(col)[:-3]}_wan_m2"] = values / 1e4
    return out


def _format_sheet(ws, table: pd.DataFrame) -> None:
    """Number formats (m², 万㎡ with 2 decimals, 亿元, shares as per cent, whole years),
    landscape print fitted to the page width with the header row repeated. Values stay
    exact: only their display changes."""
    cols = [str(c) for c in table.columns]
    units = table["unit"].astype(str).tolist() if "unit" in cols else None
    for j, name in enumerate(cols, start=1):
        fmt = _column_format(name)
        for i in range(len(table)):
            cell = ws.cell(row=i + 2, column=j)
            if not isinstance(cell.value, (int, float)) or isinstance(cell.value, bool):
                continue
            f = fmt
            if units is not None and name in _AMOUNT_COLUMNS:
                f = M2_FORMAT if units[i] == "m2" else CNY_100M_FORMAT if "cny" in units[i] else "#,##0.00"
            if f:
                cell.number_format = f
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


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


# ---------------------------------------------------------------------------------------
# chart
# ---------------------------------------------------------------------------------------
#: the chart's axis ends here at most; longer bars are cut and their total is written
CHART_MAX_PCT = 200.0


def build_progress_chart(result: TargetResult, *, dpi: int = 120, lang: str = "zh") -> bytes:
    """PNG bytes: one bar per target, achieved / pipeline / proposed as % of the target.

    Labels in ``lang`` first (Chinese with the English beside, or English with the
    Chinese beside) in the packaged CJK font (:mod:`futiangis.render.fonts`); English
    only, with one warning, when no CJK font exists. The axis runs to the longest bar
    or 100 % + a margin, never past :data:`CHART_MAX_PCT` (longer bars are cut, and
    their total is written at the end).
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .render.fonts import cjk_font_family, warn_no_cjk_font

    family = cjk_font_family()
    if family is None:
        warn_no_cjk_font()

    def t(zh: str, en: str) -> str:
        if family is None:
            return en
        return f"{zh} · {en}" if lang != "en" else f"{en} · {zh}"

    table = result.targets
    n = len(table)
    rc: dict = {"font.family": "sans-serif", "font.sans-serif": ([family] if family else []) + ["DejaVu Sans"],
          "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(9.5, 1.5 + 1.0 * n), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        colours = {"achieved": "#1b7837", "pipeline": "#7fbf7b", "proposed": "#d9f0d3"}
        names = {"achieved": ("已完成", "achieved"), "pipeline": ("在建/已批", "pipeline"),
                 "proposed": ("规划", "proposed")}
        y = np.arange(n)[::-1]
        left = np.zeros(n)
        for col in ("achieved", "pipeline", "proposed"):
            pct = (100.0 * table[col] / table["target"]).to_numpy()
            ax.barh(y, pct, left=left, color=colours[col], edgecolor="#333333", linewidth=0.5,
                    label=t(*names[col]))
            left += pct
        ax.axvline(100, color="#b2182b", linestyle="--", linewidth=1.2, label=t("目标 (100 %)", "target (100 %)"))
        ticks = []
        for r in table.itertuples(index=False):
            if family is None:
                ticks.append(r.name_en)
            else:
                ticks.append(f"{r.name_zh}\n{r.name_en}" if lang != "en" else f"{r.name_en}\n{r.name_zh}")
        ax.set_yticks(y, ticks, fontsize=8)
        xmax = min(max(120.0, float(np.nanmax(left)) * 1.05 + 5), CHART_MAX_PCT)
        for yi, r, total in zip(y, table.itertuples(index=False), left):
            zh_unit, en_unit, scale = ("万㎡", "x10^4 m2", 1e4) if r.unit == "m2" else ("亿元", "x10^8 CNY", 1.0)
            unit = en_unit if family is None else zh_unit
            verdict = getattr(r, "verdict_zh", None) if family is not None and lang != "en" else getattr(r, "verdict", None)
            text = (f"{r.progress:.1f} % ({r.achieved / scale:,.2f} / {r.target / scale:,.2f} {unit})"
                    + (f" {verdict}" if verdict else ""))
            if total > xmax:
                text += "; " + t(f"含在建/规划共 {total:,.0f} %", f"with pipeline {total:,.0f} %")
            x = min(max(float(r.progress), 0.0), xmax * 0.55) + 0.01 * xmax
            ax.text(x, yi + 0.32, text, va="center", fontsize=7.5,
                    bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1))
        ax.set_xlim(0, xmax)
        ax.set_ylim(-0.6, n - 0.2)
        ax.set_xlabel(t("占目标的百分比 (%)", "% of target"))
        title = t("目标进度", "Progress against targets")
        if result.as_of:
            title += f" ({t('截至', 'as of')} {result.as_of.isoformat()})"
        if result.illustrative:
            title += "\n" + t("示意数据，非官方", "ILLUSTRATIVE DATA - not official")
        ax.set_title(title, fontsize=10)
        ax.legend(loc="lower right", fontsize=7, frameon=True)
        fig.tight_layout()
        buf = _stdio.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


# ---------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------
def write_target_files(result: TargetResult, folder: str | Path) -> list[Path]:
    """Write every table as CSV, the XLSX, the Markdown and the PNG chart into ``folder``.

    ``folder`` is a staging folder (of :func:`write_target_report` or of ``build``): files
    are written one by one, so publish the folder as a whole.
    """
    folder = Path(folder)
    tables = report_tables(result)
    written = [write_bytes_atomic(table_to_csv(t), folder / f"{name}.csv") for name, t in tables.items()]
    written.append(write_bytes_atomic(build_xlsx(tables, notes=_notes(result)), folder / REPORT_FILES["xlsx"]))
    written.append(write_text_atomic(build_markdown(result), folder / REPORT_FILES["markdown"]))
    written.append(write_bytes_atomic(build_progress_chart(result), folder / REPORT_FILES["chart"]))
    return written


def write_target_report(
    result: TargetResult,
    out_dir: str | Path,
    *,
    force: bool = False,
    protected: Iterable[tuple[str | Path, str]] = (),
) -> list[Path]:
    """Publish the report folder ``out_dir`` as a whole: CSV per table, XLSX, Markdown, PNG.

    The folder is built in a staging folder and swapped in (:func:`futiangis.io.outputs.atomic_output_dir`):
    a failed run (a full disk, Ctrl-C) leaves the previous report byte-identical. It is
    written only when new, empty or a previous futiangis output, unless ``force``; never
    over a ``protected`` path or a parent of one.

    Returns
    -------
    list of Path
        The files written (at their published place).

    Raises
    ------
    OutputError
        If the folder may not or cannot be written; nothing was changed.
    """
    out = Path(out_dir)
    with atomic_output_dir(out, force=force, protected=protected) as staging:
        names = [p.relative_to(staging) for p in write_target_files(result, staging)]
    return [out / n for n in names]
