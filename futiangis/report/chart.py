"""The report's progress chart as PNG bytes (matplotlib, drawn into a buffer)."""
from __future__ import annotations

import io as _stdio

import numpy as np

from ..targets import TargetResult

__all__ = ["CHART_MAX_PCT", "build_progress_chart"]

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

    from ..render.fonts import cjk_font_family, warn_no_cjk_font

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
