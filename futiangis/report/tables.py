"""The report's tables: plain frames, CSV bytes and an XLSX workbook (bytes).

Numbers are written unrounded, so they match :class:`~futiangis.targets.TargetResult`
exactly; text cells are neutralised against formula injection. Nothing here touches a file.
"""
from __future__ import annotations

import datetime as dt
import io as _stdio
import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import Problem
from ..escape import is_formula_like, neutralise_formula
from ..targets import TargetResult

__all__ = ["build_xlsx", "report_tables", "table_to_csv", "with_wan_columns"]


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
