"""Legends for categories and classed choropleths.

Classes come from :mod:`mapclassify` (user-defined planning thresholds or Natural
Breaks); colours from :mod:`branca` colour maps. The legend is HTML built here with
every label escaped, added to the map as a Leaflet control, and reused by the static
PNG figures (:mod:`futiangis.render.static`) so both show the same classes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .model import LegendEntry, LegendSection
from .palette import NO_DATA_COLOR, sequential
from .popups import bilingual, esc

__all__ = [
    "LegendEntry",
    "LegendSection",
    "Classes",
    "classify",
    "palette",
    "legend_html",
    "NO_DATA_COLOR",
]


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

    def counts(self) -> tuple[int, ...]:
        """Number of values in each class."""
        return tuple(int((self.class_index == i).sum()) for i in range(len(self.colors)))


def palette(name: str, n: int) -> tuple[str, ...]:
    """``n`` colours of the named sequential ramp (see :mod:`futiangis.render.palette`)."""
    return sequential(name, n)


def _fmt(v: float, as_pct: bool) -> str:
    return f"{100 * v:.0f} %" if as_pct else f"{v:,.1f}".rstrip("0").rstrip(".")


def classify(
    values: pd.Series,
    *,
    bins: tuple[float, ...] | None = None,
    k: int = 5,
    cmap: str = "coverage",
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
        Ramp name in :data:`futiangis.render.palette.SEQUENTIAL`.
    as_pct : bool
        Labels show 0–1 values as per cent.
    """
    import mapclassify  # drawing code only: keeps `futiangis --help` fast

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


def _swatch(e: LegendEntry) -> str:
    if e.shape == "size":
        d = 2 * float(e.radius or 5)
        return (f'<span class="ft-sw ft-sw-size" style="--c:{esc(e.color)};width:{d:.0f}px;height:{d:.0f}px"></span>')
    dash = " ft-dash" if e.dash else ""
    return f'<span class="ft-sw ft-sw-{esc(e.shape)}{dash}" style="--c:{esc(e.color)}"></span>'


def legend_html(title_zh: str, title_en: str, sections, *, lang: str = "zh") -> str:
    """HTML of a legend box; every title and label escaped.

    ``sections`` holds :class:`LegendSection` s or ``(layer_key, LegendSection)`` pairs;
    a keyed section carries ``data-layer`` so the page shows it only while its layer is
    visible. Class counts follow each label; a section's ``sizes`` become a size key.
    """
    parts = [f'<details open><summary class="ft-legend-title">{esc(bilingual(title_zh, title_en, lang))}</summary>']
    for item in sections:
        key, section = item if isinstance(item, tuple) else (None, item)
        if not section.entries and not section.sizes:
            continue
        attr = f' data-layer="{esc(key)}"' if key else ""
        parts.append(f'<div class="ft-legend-sec"{attr}><div class="ft-legend-section">'
                     f'{esc(bilingual(section.title_zh, section.title_en, lang))}</div>')
        for e in section.entries + section.sizes:
            label = bilingual(e.label_zh, e.label_en, lang)
            if e.count is not None:
                label = f"{label} ({e.count:,})"
            parts.append(f'<div class="ft-legend-row">{_swatch(e)}{esc(label)}</div>')
        parts.append("</div>")
    parts.append("</details>")
    return "".join(parts)
