"""Legends for categories and classed choropleths.

Classes come from :mod:`mapclassify` (user-defined planning thresholds or Natural
Breaks); colours from :mod:`branca` colour maps. The legend is HTML built here with
every label escaped, added to the map as a Leaflet control, and reused by the static
PNG figures (:mod:`futiangis.render.static`) so both show the same classes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import branca.colormap as bcm
import mapclassify
import numpy as np
import pandas as pd

from .popups import bilingual, esc

__all__ = [
    "LegendEntry",
    "LegendSection",
    "Classes",
    "classify",
    "palette",
    "legend_html",
    "LEGEND_CSS",
    "NO_DATA_COLOR",
]

NO_DATA_COLOR = "#bdbdbd"


@dataclass(frozen=True)
class LegendEntry:
    """One swatch: ``shape`` is ``fill``, ``line`` or ``point``."""

    color: str
    label_zh: str
    label_en: str
    shape: str = "fill"
    count: int | None = None


@dataclass(frozen=True)
class LegendSection:
    """A titled group of swatches (one per styled layer)."""

    title_zh: str
    title_en: str
    entries: tuple[LegendEntry, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Classes:
    """A classification: ``class_index`` per value (-1 = no data), bins, colours, labels."""

    class_index: pd.Series
    bins: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]

    def color_of(self) -> pd.Series:
        """Colour per value, aligned to the input index."""
        lookup = dict(enumerate(self.colors))
        return self.class_index.map(lambda i: lookup.get(i, NO_DATA_COLOR))


def palette(name: str, n: int) -> tuple[str, ...]:
    """``n`` colours sampled evenly from a branca linear colour map (e.g. ``YlGn_09``)."""
    cmap = getattr(bcm.linear, name)
    if n == 1:
        return (cmap.rgb_hex_str(cmap.vmax),)
    span = cmap.vmax - cmap.vmin
    return tuple(cmap.rgb_hex_str(cmap.vmin + span * (0.15 + 0.85 * i / (n - 1))) for i in range(n))


def _fmt(v: float, as_pct: bool) -> str:
    return f"{100 * v:.0f} %" if as_pct else f"{v:,.1f}".rstrip("0").rstrip(".")


def classify(
    values: pd.Series,
    *,
    bins: tuple[float, ...] | None = None,
    k: int = 5,
    cmap: str = "YlGn_09",
    as_pct: bool = False,
) -> Classes:
    """Class numeric ``values`` for a choropleth.

    Parameters
    ----------
    values : Series
        Numbers; NaN means no data (class -1, grey).
    bins : tuple of float, optional
        Upper bounds of the classes (mapclassify ``UserDefined``), e.g. planning
        thresholds ``(0.5, 0.8, 0.9, 1.0)``. Without ``bins``, Natural Breaks in ``k``
        classes (fewer if there are fewer distinct values).
    cmap : str
        branca linear colour map name.
    as_pct : bool
        Labels show 0–1 values as per cent.
    """
    numeric = pd.to_numeric(values, errors="coerce")
    valid = numeric.dropna()
    index = pd.Series(-1, index=values.index, dtype="int64")
    if valid.empty:
        return Classes(index, (), (), ())
    y = valid.to_numpy(dtype="float64")
    if bins is not None:
        upper = sorted(float(b) for b in bins)
        if upper[-1] < y.max():
            upper.append(float(y.max()))
        classifier = mapclassify.UserDefined(y, upper)
    else:
        n_distinct = len(np.unique(y))
        kk = max(1, min(k, n_distinct))
        classifier = mapclassify.NaturalBreaks(y, k=kk) if kk > 1 else mapclassify.UserDefined(y, [y.max()])
    index.loc[valid.index] = classifier.yb.astype("int64")
    edges = [float(b) for b in classifier.bins]
    colors = palette(cmap, len(edges))
    labels = []
    low = float(y.min())
    for i, hi in enumerate(edges):
        lo = low if i == 0 else edges[i - 1]
        op = "≤" if i == 0 else "–"
        labels.append(f"{_fmt(lo, as_pct)} {op} {_fmt(hi, as_pct)}" if i else f"≤ {_fmt(hi, as_pct)}")
    return Classes(index, tuple(edges), colors, tuple(labels))


def legend_html(title_zh: str, title_en: str, sections: tuple[LegendSection, ...], *, lang: str = "zh") -> str:
    """HTML of a legend box; every title and label escaped."""
    parts = [f'<div class="ft-legend-title">{esc(bilingual(title_zh, title_en, lang))}</div>']
    for section in sections:
        if not section.entries:
            continue
        parts.append(f'<div class="ft-legend-section">{esc(bilingual(section.title_zh, section.title_en, lang))}</div>')
        for e in section.entries:
            label = bilingual(e.label_zh, e.label_en, lang)
            if e.count is not None:
                label = f"{label} ({e.count})"
            parts.append(
                f'<div class="ft-legend-row"><span class="ft-sw ft-sw-{esc(e.shape)}" '
                f'style="--c:{esc(e.color)}"></span>{esc(label)}</div>'
            )
    return "".join(parts)


LEGEND_CSS = """
.ft-legend{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;
 box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.35 "WenQuanYi Micro Hei","Noto Sans CJK SC",
 "Microsoft YaHei",sans-serif;max-height:38vh;overflow:auto;max-width:300px}
.ft-legend-title{font-weight:bold;margin-bottom:2px}
.ft-legend-section{font-weight:bold;margin-top:5px;color:#333}
.ft-legend-row{display:flex;align-items:center;gap:6px;margin:1px 0}
.ft-sw{display:inline-block;flex:none;width:16px;height:11px;background:var(--c);
 border:1px solid rgba(0,0,0,.35);opacity:.85}
.ft-sw-line{height:0;border:0;border-top:3px solid var(--c);opacity:1}
.ft-sw-point{width:10px;height:10px;border-radius:50%}
"""
