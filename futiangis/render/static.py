"""Static PNG figures of the theme maps, for Word and PowerPoint submissions.

Drawn with matplotlib in the working CRS (EPSG:4547, metres: the scale bar is exact),
no tiles needed. Same colours and legend classes as the web map, plus a scale bar
(matplotlib-scalebar), a north arrow and Chinese labels (WenQuanYi Micro Hei when
installed; any CJK font otherwise). Uses a :class:`matplotlib.figure.Figure` directly,
not pyplot's global state; returns PNG bytes (writing is the caller's job).
"""
from __future__ import annotations

import io
from functools import lru_cache

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib_scalebar.scalebar import ScaleBar

from .maps import LayerSpec, MapSpec
from .popups import bilingual

__all__ = ["render_static_png", "cjk_font_family", "PREFERRED_FONTS"]

PREFERRED_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC",
                   "Microsoft YaHei", "SimHei", "PingFang SC")


@lru_cache(maxsize=1)
def cjk_font_family() -> str | None:
    """First installed font that can show Chinese (WenQuanYi Micro Hei preferred), or None."""
    from matplotlib import font_manager

    def pick() -> str | None:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in PREFERRED_FONTS if name in installed), None)

    found = pick()
    if found is None:
        # matplotlib's font cache predates a font installed later (e.g. apt-get install
        # fonts-wqy-microhei): register the CJK font files the system has.
        for path in font_manager.findSystemFonts():
            low = path.lower()
            if any(key in low for key in ("wqy", "notosanscjk", "sourcehansans", "msyh", "simhei")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = pick()
    return found


def _draw_layer(ax, layer: LayerSpec) -> None:
    frame = layer.frame
    if frame.empty or not layer.show:
        return
    colors = (layer.colors.reindex(frame.index).fillna(layer.color).to_numpy()
              if layer.colors is not None else np.full(len(frame), layer.color, dtype=object))
    kinds = frame.geometry.geom_type
    polys = kinds.isin(["Polygon", "MultiPolygon"]).to_numpy()
    lines = kinds.isin(["LineString", "MultiLineString"]).to_numpy()
    points = kinds.isin(["Point", "MultiPoint"]).to_numpy()
    if polys.any():
        sub = frame[polys]
        if layer.fill:
            sub.plot(ax=ax, color=list(colors[polys]), alpha=min(layer.fill_opacity + 0.1, 0.9), linewidth=0)
        sub.boundary.plot(ax=ax, color=list(colors[polys]), linewidth=layer.weight * 0.5,
                          linestyle="--" if layer.dash else "-")
    if lines.any():
        frame[lines].plot(ax=ax, color=list(colors[lines]), linewidth=layer.weight * 0.6)
    if points.any():
        radius = layer.radius.reindex(frame.index).to_numpy()[points] if isinstance(layer.radius, pd.Series) \
            else np.full(points.sum(), float(layer.radius))
        frame[points].plot(ax=ax, color=list(colors[points]), markersize=(radius * 1.3) ** 2,
                           edgecolor="white", linewidth=0.3, alpha=0.9)


def _legend_handles(spec: MapSpec, lang: str):
    handles = []
    for layer in spec.layers:
        if layer.legend is None or not layer.show:
            continue
        handles.append(Patch(facecolor="none", edgecolor="none",
                             label=bilingual(layer.legend.title_zh, layer.legend.title_en, lang)))
        for e in layer.legend.entries:
            label = "  " + bilingual(e.label_zh, e.label_en, lang) + (f" ({e.count})" if e.count is not None else "")
            if e.shape == "line":
                handles.append(Line2D([], [], color=e.color, linewidth=2.5, label=label))
            elif e.shape == "point":
                handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=e.color,
                                      markeredgecolor="white", markersize=7, label=label))
            else:
                handles.append(Patch(facecolor=e.color, edgecolor="#555", alpha=0.8, label=label))
    return handles


def _north_arrow(ax) -> None:
    ax.annotate("N", xy=(0.95, 0.95), xytext=(0.95, 0.84), xycoords="axes fraction",
                ha="center", va="center", fontsize=12, fontweight="normal",
                arrowprops=dict(facecolor="black", width=4, headwidth=11, headlength=10))


def render_static_png(spec: MapSpec, *, lang: str = "zh", dpi: int = 150) -> bytes:
    """PNG of a theme map: layers, legend, scale bar, north arrow, bilingual title.

    Layers hidden by default on the web map are left out here too; illustrative data is
    flagged under the title.
    """
    family = cjk_font_family()
    rc = {"font.family": "sans-serif", "axes.unicode_minus": False,
          "font.sans-serif": ([family] if family else []) + ["DejaVu Sans"]}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(11, 7.6), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.04, 0.68, 0.85))
        for layer in spec.layers:
            _draw_layer(ax, layer)
        minx, miny, maxx, maxy = spec.extent.total_bounds
        padx, pady = (maxx - minx) * 0.03, (maxy - miny) * 0.03
        ax.set_xlim(minx - padx, maxx + padx)
        ax.set_ylim(miny - pady, maxy + pady)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.add_artist(ScaleBar(1.0, units="m", location="lower left", box_alpha=0.8, length_fraction=0.25))
        _north_arrow(ax)
        first, second = (spec.title_zh, spec.title_en) if lang != "en" else (spec.title_en, spec.title_zh)
        fig.text(0.02, 0.965, first, fontsize=17, fontweight="normal", va="center")
        fig.text(0.02, 0.93, second, fontsize=11, color="#444", va="center")
        if spec.has_illustrative:
            fig.text(0.98, 0.965, bilingual("含示意数据，非官方", "Contains illustrative data, not official", lang),
                     fontsize=9, color="#7a5200", ha="right", va="center",
                     bbox=dict(facecolor="#fff3cd", edgecolor="#e0c36a", boxstyle="round,pad=0.3"))
        handles = _legend_handles(spec, lang)
        if handles:
            fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.69, 0.9), fontsize=7.5,
                       frameon=False, handlelength=1.6, borderaxespad=0)
        crs_note = "EPSG:4547 (CGCS2000 / 3° GK CM 114E)"
        fig.text(0.02, 0.012, f"{bilingual('坐标系', 'CRS', lang)}: {crs_note} · futiangis", fontsize=7, color="#666")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
