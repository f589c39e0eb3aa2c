"""Bilingual, escaped popup and tooltip content.

Attribute values are data: every value that reaches HTML passes through
:func:`html.escape` here, in Python, before it is embedded in a page. Pages carry the
escaped strings only; the small JavaScript that assembles a popup (see
:mod:`futiangis.render.maps`) concatenates those strings with labels that were escaped
the same way, so a name such as ``<img src=x onerror=alert(1)>`` shows as text.

Numbers are formatted the way Chinese planning documents quote them: areas in m² with
万㎡ (10,000 m²) beside, money in 亿元 (10^8 CNY), grades in per cent.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import schemas as S

__all__ = [
    "Field",
    "bilingual",
    "esc",
    "format_value",
    "format_area_m2",
    "format_land_m2",
    "format_length_m",
    "feature_properties",
    "ILLUSTRATIVE_NOTE_ZH",
    "ILLUSTRATIVE_NOTE_EN",
]

ILLUSTRATIVE_NOTE_ZH = "示意数据，非官方"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ILLUSTRATIVE_NOTE_EN = "Illustrative, not official data"

# Value kinds a Field can format.
KINDS = (
    "text", "int", "count", "float", "area_m2", "land_m2", "length_m", "pct", "share", "grade_pct",
    "money_100m_cny", "status", "year", "direction", "bool", "category",
)


@dataclass(frozen=True)
class Field:
    """One popup row: a column, its bilingual label and how to format its values.

    ``kind`` is one of ``text``, ``int``, ``float``, ``area_m2`` (m² with 万㎡),
    ``length_m`` (m with km), ``pct`` (value already in per cent), ``share`` (0–1 shown
    as per cent), ``grade_pct``, ``money_100m_cny`` (亿元 = 10^8 CNY), ``status``, ``year``,
    ``direction``, ``bool``, ``category`` (bilingual via ``values_zh``).
    """

    column: str
    label_zh: str
    label_en: str
    kind: str = "text"
    #: for ``kind="category"``: Chinese name of each value (the value itself is the English)
    values_zh: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Field {self.column!r}: unknown kind {self.kind!r}; use one of {KINDS}.")

    def label(self, lang: str) -> str:
        """Bilingual label, the chosen language first."""
        return bilingual(self.label_zh, self.label_en, lang)


def esc(value: Any) -> str:
    """HTML-escape ``str(value)`` (quotes too); None and NaN become an empty string."""
    if _missing(value):
        return ""
    # C0 control characters are HTML parse errors: shown as U+FFFD instead
    return _CONTROL.sub("\ufffd", html.escape(str(value), quote=True))


def bilingual(zh: str, en: str, lang: str = "zh", sep: str = " · ") -> str:
    """``"中文 · English"`` (``lang="zh"``) or ``"English · 中文"`` (``lang="en"``); unescaped."""
    zh, en = (zh or "").strip(), (en or "").strip()
    if not zh or not en or zh == en:
        return zh or en
    return f"{zh}{sep}{en}" if lang != "en" else f"{en}{sep}{zh}"


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) if np.isscalar(value) else False
    except (TypeError, ValueError):
        return False


def format_area_m2(value: float) -> str:
    """``12,345 m²（1.23 万㎡）``; areas under 100 m² keep one decimal.

    Examples
    --------
    >>> format_area_m2(123456.4)
    '123,456 m²（12.35 万㎡）'
    """
    value = float(value)
    m2 = f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{m2} m²（{value / 10_000:,.2f} 万㎡）"


def format_land_m2(value: float) -> str:
    """Land area: ``74.01 km²（74,012,651 m²）`` from 1 km² up, else ``12.35 ha（123,456 m²）``.

    万㎡ is kept for floor area (GFA); land is read in km² or hectares.

    Examples
    --------
    >>> format_land_m2(74_012_651)
    '74.01 km²（74,012,651 m²）'
    >>> format_land_m2(123_456)
    '12.35 ha（123,456 m²）'
    """
    value = float(value)
    if abs(value) < 100:
        return f"{value:,.1f} m²"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f} km²（{value:,.0f} m²）"
    return f"{value / 1e4:,.2f} ha（{value:,.0f} m²）"


def format_length_m(value: float) -> str:
    """``1,234 m（1.23 km）``."""
    value = float(value)
    return f"{value:,.0f} m（{value / 1000:,.2f} km）"


def format_value(value: Any, kind: str, lang: str = "zh", values_zh: Mapping[str, str] | None = None) -> str:
    """Format one value for display (unescaped text); missing values give ``""``.

    A missing ``count`` (piles, docks: optional since issue 11) is shown as 未知 / unknown,
    never as an empty cell that reads like zero.
    """
    if _missing(value):
        return bilingual("未知", "unknown", lang) if kind == "count" else ""
    if kind == "count":
        kind = "int"
    if kind == "category":
        text = str(value)
        return bilingual((values_zh or {}).get(text, text), text.replace("_", " "), lang)
    if kind == "area_m2":
        return format_area_m2(value)
    if kind == "land_m2":
        return format_land_m2(value)
    if kind == "length_m":
        return format_length_m(value)
    if kind == "int":
        return f"{int(round(float(value))):,}"
    if kind == "float":
        return f"{float(value):,.2f}"
    if kind == "pct":
        return f"{float(value):.1f} %"
    if kind == "share":
        return f"{100 * float(value):.1f} %"
    if kind == "grade_pct":
        return f"{float(value):.1f} %"
    if kind == "money_100m_cny":
        return f"{float(value):,.2f} 亿元"
    if kind == "year":
        return f"{int(float(value))}"
    if kind == "status":
        return bilingual(S.STATUS_ZH.get(str(value), str(value)), str(value).replace("_", " "), lang)
    if kind == "direction":
        return bilingual(S.DIRECTION_ZH.get(str(value), str(value)), str(value), lang)
    if kind == "bool":
        return bilingual("是", "yes", lang) if bool(value) else bilingual("否", "no", lang)
    return str(value)


def _is_illustrative(row: Mapping[str, Any], provenance: Mapping[str, Any]) -> bool:
    flag = row.get(S.ILLUSTRATIVE)
    if not _missing(flag) and bool(flag):
        return True
    acc = row.get(S.ACCURACY)
    if not _missing(acc) and str(acc).strip().lower().startswith("illustrative"):
        return True
    return str(provenance.get("accuracy_class", "")).strip().lower().startswith("illustrative")


def feature_properties(
    features: pd.DataFrame,
    fields: tuple[Field, ...],
    *,
    lang: str = "zh",
    provenance: Mapping[str, Any] | None = None,
) -> list[dict]:
    """Compact, escaped per-feature properties for a web map.

    Parameters
    ----------
    features : DataFrame
        Attribute table (geometry ignored); row order is kept.
    fields : tuple of Field
        Rows of the popup, in order.
    lang : {"zh", "en"}
        Which language comes first.
    provenance : mapping, optional
        The layer's provenance; ``accuracy_class`` decides illustrative-ness when the
        feature has no ``illustrative`` / ``accuracy_class`` of its own.

    Returns
    -------
    list of dict
        One dict per row: ``n`` name (escaped, bilingual), ``parts`` the escaped names
        one per language (the page isolates each for bidirectional text), ``v`` list of
        escaped formatted values aligned with ``fields``, ``i`` 1 if the feature is
        illustrative (absent otherwise).
    """
    provenance = provenance or {}
    out = []
    records = features.drop(columns=[c for c in ("geometry",) if c in features.columns])
    for row in records.to_dict("records"):
        zh = "" if _missing(row.get(S.NAME_ZH)) else str(row.get(S.NAME_ZH)).strip()
        en = "" if _missing(row.get(S.NAME_EN)) else str(row.get(S.NAME_EN)).strip()
        parts = [p for p in ((zh, en) if lang != "en" else (en, zh)) if p]
        if len(parts) == 2 and parts[0] == parts[1]:
            parts = parts[:1]
        parts = parts or [str(row.get(S.ID, ""))]
        values = [esc(format_value(row.get(f.column), f.kind, lang, f.values_zh)) for f in fields]
        props: dict[str, Any] = {"n": esc(" · ".join(parts)), "parts": [esc(p) for p in parts], "v": values}
        if _is_illustrative(row, provenance):
            props["i"] = 1
        out.append(props)
    return out
