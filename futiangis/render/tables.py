"""Escaped HTML tables for map panels and ``index.html``."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .popups import bilingual, esc, format_value

__all__ = ["Column", "table_html", "progress_cell"]


@dataclass(frozen=True)
class Column:
    """A table column: source column, bilingual header and value kind (see ``popups.Field``)."""

    column: str
    label_zh: str
    label_en: str
    kind: str = "text"


_NUMERIC = ("int", "count", "float", "area_m2", "land_m2", "length_m", "pct", "share", "grade_pct", "money_100m_cny", "year")


def progress_cell(share: float) -> str:
    """A small bar for a 0–1 share (capped at 100 %), with the per cent as text."""
    if share is None or pd.isna(share):
        return ""
    width = max(0.0, min(float(share), 1.0)) * 60
    return (f'<span class="ft-bar-bg"><span class="ft-bar" style="width:{width:.0f}px"></span></span> '
            f"{100 * float(share):.1f} %")


def table_html(frame: pd.DataFrame, columns: tuple[Column, ...], *, lang: str = "zh",
               bar_column: str | None = None, css_class: str = "ft-table") -> str:
    """An HTML table of ``frame``; every header and value escaped.

    ``bar_column`` names a 0–1 share column drawn as a progress bar (its number is also
    printed).
    """
    head = "".join(f"<th>{esc(bilingual(c.label_zh, c.label_en, lang, sep=' / '))}</th>" for c in columns)
    rows = []
    for rec in frame.to_dict("records"):
        cells = []
        for c in columns:
            value = rec.get(c.column)
            if bar_column is not None and c.column == bar_column:
                cells.append(f'<td class="num">{progress_cell(value)}</td>')
                continue
            cls = ' class="num"' if c.kind in _NUMERIC else ""
            cells.append(f"<td{cls}>{esc(format_value(value, c.kind, lang))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{esc(css_class)}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
