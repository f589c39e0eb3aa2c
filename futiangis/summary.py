"""One-screen summaries of results: the text ``__repr__`` and the Jupyter ``_repr_html_``.

Every result object (coverage, targets, project) describes itself as a title and a few
(label, value) rows; these two functions render them, escaping every value (attribute
values are data).
"""
from __future__ import annotations

import html
from collections.abc import Iterable

__all__ = ["summary_text", "summary_html"]

_MAX_ROWS = 20


def summary_text(title: str, rows: Iterable[tuple[str, object]]) -> str:
    """``title`` and aligned ``label  value`` lines (at most 20).

    Examples
    --------
    >>> print(summary_text("Coverage", [("overall", "8.7 %"), ("units", 1)]))
    Coverage
      overall  8.7 %
      units    1
    """
    rows = list(rows)[:_MAX_ROWS]
    width = max((len(label) for label, _ in rows), default=0)
    return "\n".join([title] + [f"  {label:<{width}}  {value}" for label, value in rows])


def summary_html(title: str, rows: Iterable[tuple[str, object]]) -> str:
    """A compact HTML table (for Jupyter), every cell escaped.

    Examples
    --------
    >>> summary_html("T", [("a", "<b>")])
    '<div><strong>T</strong><table><tr><th style="text-align:left">a</th><td>&lt;b&gt;</td></tr></table></div>'
    """
    cells = "".join(
        f'<tr><th style="text-align:left">{html.escape(str(label))}</th>'
        f"<td>{html.escape(str(value))}</td></tr>"
        for label, value in list(rows)[:_MAX_ROWS]
    )
    return f"<div><strong>{html.escape(title)}</strong><table>{cells}</table></div>"
