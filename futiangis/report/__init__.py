"""Target reports: the same tables as CSV, XLSX and Markdown, and a PNG progress chart.

Core: the builders return content (``bytes`` / ``str``) and never touch a file.
:func:`target_report_files` gives the whole report folder as file name → bytes; the
shell writes it with :func:`futiangis.io.reports.publish_files` (``futiangis target
--out``) or :func:`futiangis.io.reports.write_files` (``futiangis build``). Numbers are
written unrounded to CSV and XLSX, so they match :class:`~futiangis.targets.TargetResult`
exactly; Markdown and the chart show planners' units (万㎡, 亿元) beside m² and CNY.

Modules, one purpose each: :mod:`.tables` (frames, CSV, XLSX), :mod:`.markdown`
(amounts in planners' units, notes, Markdown), :mod:`.chart` (the PNG chart).
"""
from __future__ import annotations

from ..targets import TargetResult
from .chart import CHART_MAX_PCT, build_progress_chart
from .markdown import ILLUSTRATIVE_NOTE, build_markdown, format_amount, report_notes
from .tables import build_xlsx, report_tables, table_to_csv, with_wan_columns

__all__ = [
    "CHART_MAX_PCT",
    "ILLUSTRATIVE_NOTE",
    "REPORT_FILES",
    "build_markdown",
    "build_progress_chart",
    "build_xlsx",
    "format_amount",
    "report_notes",
    "report_tables",
    "table_to_csv",
    "target_report_files",
    "with_wan_columns",
]

REPORT_FILES = {
    "xlsx": "target_report.xlsx",
    "markdown": "target_report.md",
    "chart": "target_progress.png",
}


def target_report_files(result: TargetResult) -> dict[str, bytes]:
    """The report folder as content: ``<table>.csv`` per table, the XLSX, the Markdown
    (UTF-8) and the PNG chart, file name → bytes, in that order."""
    tables = report_tables(result)
    files = {f"{name}.csv": table_to_csv(t) for name, t in tables.items()}
    files[REPORT_FILES["xlsx"]] = build_xlsx(tables, notes=report_notes(result))
    files[REPORT_FILES["markdown"]] = build_markdown(result).encode("utf-8")
    files[REPORT_FILES["chart"]] = build_progress_chart(result)
    return files
