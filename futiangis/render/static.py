"""Static PNG figures of the theme maps, for Word and PowerPoint submissions.

Drawn with matplotlib in the working CRS (EPSG:4547, metres: the scale bar is exact),
no tiles needed. Same colours, dash patterns and legend classes as the web map, names
of zones, parks and 街道 on the map, a scale bar (matplotlib-scalebar), a north arrow,
and Chinese labels in the packaged Noto Sans CJK SC (:mod:`futiangis.render.fonts`;
English-only labels and one warning when no CJK font exists). Uses a
:class:`matplotlib.figure.Figure` directly, not pyplot's global state; returns PNG
bytes (writing is the caller's job).
"""
from __future__ import annotations

import io

import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib_scalebar.scalebar import ScaleBar

from .fonts import PREFERRED_FONTS, cjk_font_family, warn_no_cjk_font
from .model import LayerSpec, MapSpec
from .popups import bilingual

__all__ = ["render_static_png", "cjk_font_family", "PREFERRED_FONTS", "PNG_LABEL_MAX_ZOOM"]

#: layers labelled on the web map from this zoom or lower are labelled on the figure too
PNG_LABEL_MAX_ZOOM = 14.0


def _dash(pattern: str | None):
    if not isinstance(pattern, str) or not pattern.strip():
        return "-"
    return (0, tuple(float(v) * 0.6 for v in str(pattern).split()))


def _draw_layer(ax, layer: LayerSpec) -> None:
    frame = layer.frame
    if frame.empty or not layer.show:
        return
    colors = (layer.colors.reindex(frame.index).fillna(layer.color).to_numpy()
              if layer.colors is not None else np.full(len(frame), layer.color, dtype=object))
    fills = layer.fill_colors.reindex(frame.index).fillna(layer.color).to_numpy() if layer.fill_colors is not None else colors
    dashes = (layer.dashes.reindex(frame.index).to_numpy() if layer.dashes is not None
              else np.full(len(frame), layer.dash, dtype=object))
    kinds = frame.geometry.geom_type
    polys = kinds.isin(["Polygon", "MultiPolygon"]).to_numpy()
    lines = kinds.isin(["LineString", "MultiLineString"]).to_numpy()
    points = kinds.isin(["Point", "MultiPoint"]).to_numpy()
    if polys.any():
        sub = frame[polys]
        if layer.fill:
            sub.plot(ax=ax, color=list(fills[polys]), alpha=min(layer.fill_opacity + 0.1, 0.9), linewidth=0)
        for (_, geom), color, dash in zip(sub.boundary.items(), colors[polys], dashes[polys]):
            ax.plot(*_xy(geom), color=color, linewidth=layer.weight * 0.5, linestyle=_dash(dash))
    if lines.any():
        frame[lines].plot(ax=ax, color=list(colors[lines]), linewidth=layer.weight * 0.6)
    if points.any():
        radius = layer.radius.reindex(frame.index).to_numpy()[points] if isinstance(layer.radius, pd.Series) \
            else np.full(points.sum(), float(layer.radius))
        frame[points].plot(ax=ax, color=list(fills[points]), markersize=(radius * 1.3) ** 2,
                           edgecolor=list(colors[points]), linewidth=0.4, alpha=0.9)


def _xy(geom):
    """x and y arrays of a (multi)line, NaN between parts, for one ``ax.plot`` call."""
    parts = list(getattr(geom, "geoms", [geom]))
    xs, ys = [], []
    for part in parts:
        c = np.asarray(part.coords)
        if len(c):
            xs += list(c[:, 0]) + [np.nan]
            ys += list(c[:, 1]) + [np.nan]
    return xs, ys


_CONTROL = dict.fromkeys([*range(0x20), 0x7F])  # drawn as nothing (no glyph in any font)


def _draw_labels(ax, layer: LayerSpec, text) -> None:
    if not layer.show or layer.label_min_zoom is None or layer.label_min_zoom > PNG_LABEL_MAX_ZOOM:
        return
    frame = layer.frame
    points = shapely.point_on_surface(np.asarray(frame.geometry.values, dtype=object))
    zh = frame["name_zh"] if "name_zh" in frame else pd.Series("", index=frame.index)
    en = frame["name_en"] if "name_en" in frame else pd.Series("", index=frame.index)
    for pt, a, b in zip(points, zh, en):
        label = text(str(a) if pd.notna(a) else "", str(b) if pd.notna(b) else "").translate(_CONTROL)
        if pt is None or pt.is_empty or not label:
            continue
        ax.text(pt.x, pt.y, label, fontsize=6.5, ha="center", va="center", color="#222", zorder=5,
                path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")])


def _legend_handles(spec: MapSpec, text):
    handles: list = []
    for layer in spec.layers:
        if layer.legend is None or not layer.show:
            continue
        handles.append(Patch(facecolor="none", edgecolor="none", label=text(layer.legend.title_zh, layer.legend.title_en)))
        for e in layer.legend.entries + layer.legend.sizes:
            label = "  " + text(e.label_zh, e.label_en) + (f" ({e.count:,})" if e.count is not None else "")
            if e.shape == "line":
                handles.append(Line2D([], [], color=e.color, linewidth=2.5, label=label))
            elif e.shape == "outline":
                handles.append(Line2D([], [], color=e.color, linewidth=1.8, linestyle=_dash(e.dash), label=label))
            elif e.shape in ("point", "size"):
                size = 2 * float(e.radius) if e.shape == "size" and e.radius else 7
                handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=e.color,
                                      markeredgecolor="#555", markersize=size, label=label))
            else:
                handles.append(Patch(facecolor=e.color, edgecolor="#555", alpha=0.8, label=label))
    return handles


def _north_arrow(ax) -> None:
    ax.annotate("N", xy=(0.95, 0.95), xytext=(0.95, 0.84), xycoords="axes fraction",
                ha="center", va="center", fontsize=12, fontweight="normal",
                arrowprops=dict(facecolor="black", width=4, headwidth=11, headlength=10))


def render_static_png(spec: MapSpec, *, lang: str = "zh", dpi: int = 150) -> bytes:
    """PNG of a theme map: layers, names, legend, scale bar, north arrow, bilingual title.

    Layers hidden by default on the web map are left out here too; illustrative data is
    flagged under the title. Without any CJK font the labels are English only (one
    :class:`~futiangis.render.fonts.CJKFontMissingWarning`).
    """
    family = cjk_font_family()
    if family is None:
        warn_no_cjk_font()

        def text(zh: str, en: str) -> str:
            return en or ("" if any("\u2e80" <= ch for ch in zh) else zh)
    else:
        def text(zh: str, en: str) -> str:
            return bilingual(zh, en, lang)
    rc: dict = {"font.family": "sans-serif", "axes.unicode_minus": False,
          "font.sans-serif": ([family] if family else []) + ["DejaVu Sans"]}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(11, 7.6), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.04, 0.68, 0.85))
        for layer in spec.layers:
            _draw_layer(ax, layer)
        for layer in spec.layers:
            _draw_labels(ax, layer, text)
        minx, miny, maxx, maxy = spec.extent.total_bounds
        padx, pady = (maxx - minx) * 0.03, (maxy - miny) * 0.03
        ax.set_xlim(minx - padx, maxx + padx)
        ax.set_ylim(miny - pady, maxy + pady)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.add_artist(ScaleBar(1.0, units="m", location="lower left", box_alpha=0.8, length_fraction=0.25))
        _north_arrow(ax)
        if family is None:
            first, second = spec.title_en, ""
        else:
            first, second = (spec.title_zh, spec.title_en) if lang != "en" else (spec.title_en, spec.title_zh)
        fig.text(0.02, 0.965, first, fontsize=17, fontweight="normal", va="center")
        fig.text(0.02, 0.93, second, fontsize=11, color="#444", va="center")
        if spec.has_illustrative:
            fig.text(0.98, 0.965, text("含示意数据，非官方", "Contains illustrative data, not official"),
                     fontsize=9, color="#7a5200", ha="right", va="center",
                     bbox=dict(facecolor="#fff3cd", edgecolor="#e0c36a", boxstyle="round,pad=0.3"))
        handles = _legend_handles(spec, text)
        if handles:
            fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.69, 0.9), fontsize=7.5,
                       frameon=False, handlelength=1.6, borderaxespad=0)
        crs_note = "EPSG:4547 (CGCS2000 / 3° GK CM 114E)"
        fig.text(0.02, 0.012, f"{text('坐标系', 'CRS')}: {crs_note} · futiangis", fontsize=7, color="#666")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
