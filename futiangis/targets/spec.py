"""Targets as data: the ``[[targets]]`` tables of the config, checked once.

A target has a period (``start``, ``end``), the milestone that counts as delivered
(``counts``: ``completed`` by default, ``approved`` for "space supplied") and the supply
types it counts (``supply_types``). The 2015 work plan's three targets are goals *for
2015*: ``start = "2015-01-01"``, ``end = "2015-12-31"``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..dates import parse_date
from ..errors import ConfigError

__all__ = [
    "MILESTONES",
    "MILESTONE_DATE",
    "SUPPLY_TYPES",
    "SUPPLY_TYPE_ZH",
    "UNIT_LABELS",
    "Target",
    "parse_targets",
    "parse_as_of",
]

#: milestones in order, each with the site column holding its date
MILESTONES = ("planned", "approved", "under_construction", "completed")
MILESTONE_DATE: Mapping[str, str] = {
    "planned": "planned_date",
    "approved": "approved_date",
    "under_construction": "start_date",
    "completed": "completed_date",
}
#: where new industrial space comes from (「其中城市更新」; new land supply; the district
#: buying or leasing space 「用好财力购置…创新产业空间用房」)
SUPPLY_TYPES = ("urban_renewal", "new_land", "purchase_lease", "other")
SUPPLY_TYPE_ZH: Mapping[str, str] = {
    "urban_renewal": "城市更新", "new_land": "新增用地", "purchase_lease": "购置/租赁", "other": "其他",
}
#: unit code -> (base label, planners' label, base units per planners' unit)
UNIT_LABELS: Mapping[str, tuple[str, str, float]] = {
    "m2": ("m²", "万㎡", 1e4),
    "100m_cny": ("亿元", "亿元", 1.0),
}
_REQUIRED_KEYS = ("id", "name_zh", "name_en", "target", "unit", "measure", "layers")
_COUNTABLE = ("approved", "under_construction", "completed")


@dataclass(frozen=True)
class Target:
    """One planning target.

    Attributes
    ----------
    id, name_zh, name_en : str
    target : float
        The amount to reach, in ``unit`` (``m2`` of GFA or ``100m_cny`` = 亿元).
    measure : str
        Site column summed (``gfa_new_m2`` uses the accounted GFA;
        ``investment_100m_cny`` the amount invested in the period).
    layers : tuple of str
        Project layers that count.
    start, end : date or None
        The period. ``None`` start: no lower bound. ``end`` is the deadline.
    counts : str
        Milestone that counts as delivered: ``completed`` (default) or ``approved``.
    supply_types : tuple of str
        Supply types counted (default: all).
    source : str
        Where the target comes from (quoted in reports).
    """

    id: str
    name_zh: str
    name_en: str
    target: float
    unit: str
    measure: str
    layers: tuple[str, ...]
    start: dt.date | None = None
    end: dt.date | None = None
    counts: str = "completed"
    supply_types: tuple[str, ...] = SUPPLY_TYPES
    source: str = ""

    @property
    def deadline(self) -> dt.date | None:
        """The end of the period."""
        return self.end


def _date(item: Mapping[str, Any], key: str, label: str, *, start: bool) -> dt.date | None:
    value = item.get(key)
    if value is None:
        return None
    text = str(value).strip()
    try:
        if start and len(text) == 4 and text.isdigit():
            return dt.date(int(text), 1, 1)  # a start year begins on 1 January
        return parse_date(value)
    except (ValueError, TypeError):
        raise ConfigError(
            f"{label}: {key} = {value!r} is not a date; write it as \"YYYY-MM-DD\" (or a year)."
        ) from None


def parse_targets(raw: Any, *, where: str = "config") -> tuple[Target, ...]:
    """Read and check ``[[targets]]`` tables.

    Parameters
    ----------
    raw : sequence of mappings, or an object with ``section("targets")``
        The tables (a loaded config is accepted for convenience).
    where : str
        Named in error messages (the config file).

    Raises
    ------
    ConfigError
        Naming the config file and target for a missing key, a non-positive target, an
        unknown unit, milestone or supply type, a bad date, an empty layer list, a period
        that ends before it starts, or a duplicate id.
    """
    if hasattr(raw, "section"):
        where = str(raw.path) if getattr(raw, "path", None) else where
        raw = raw.section("targets")
    if isinstance(raw, Mapping):
        raw = (raw,) if raw else ()
    if not raw:
        raise ConfigError(
            f"{where}: no [[targets]] tables; add one per target (id, name_zh, name_en, target, "
            "unit, measure, layers, start, end) — see docs/targets.md."
        )
    out: list[Target] = []
    seen: set[str] = set()
    for n, item in enumerate(raw, start=1):
        label = f"{where}: [[targets]] #{n}" + (f" (id {item.get('id')!r})" if "id" in item else "")
        missing = [k for k in _REQUIRED_KEYS if k not in item]
        if missing:
            raise ConfigError(f"{label}: missing key(s) {', '.join(missing)}; add them.")
        tid = str(item["id"])
        if tid in seen:
            raise ConfigError(f"{label}: duplicate target id {tid!r}; target ids must be unique.")
        seen.add(tid)
        try:
            value = float(item["target"])
        except (TypeError, ValueError):
            raise ConfigError(f"{label}: target = {item['target']!r} is not a number.") from None
        if not np.isfinite(value) or value <= 0:
            raise ConfigError(f"{label}: target = {item['target']!r} must be a positive number.")
        unit = str(item["unit"])
        if unit not in UNIT_LABELS:
            raise ConfigError(f"{label}: unit = {unit!r} is not one of {', '.join(UNIT_LABELS)}.")
        layers = item["layers"]
        layers = (layers,) if isinstance(layers, str) else layers
        layers = tuple(str(v) for v in layers)
        if not layers:
            raise ConfigError(f"{label}: layers is empty; list the project layers that count, e.g. [\"renewal_sites\"].")
        start = _date(item, "start", label, start=True)
        end = _date(item, "end", label, start=False)
        deadline = _date(item, "deadline", label, start=False)
        if end is None:
            end = deadline
        elif deadline is not None and deadline != end:
            raise ConfigError(f"{label}: deadline {deadline} differs from end {end}; keep only end.")
        if start and end and end < start:
            raise ConfigError(f"{label}: the period ends ({end}) before it starts ({start}).")
        counts = str(item.get("counts", "completed"))
        if counts not in _COUNTABLE:
            raise ConfigError(
                f"{label}: counts = {counts!r} is not a milestone; use \"completed\" (space "
                "delivered) or \"approved\" (space supplied)."
            )
        types = item.get("supply_types", SUPPLY_TYPES)
        types = (types,) if isinstance(types, str) else tuple(str(v) for v in types)
        unknown = [t for t in types if t not in SUPPLY_TYPES]
        if unknown or not types:
            raise ConfigError(
                f"{label}: supply_types {list(types)!r} must be a non-empty list of "
                f"{', '.join(SUPPLY_TYPES)}."
            )
        out.append(Target(
            id=tid, name_zh=str(item["name_zh"]), name_en=str(item["name_en"]), target=value,
            unit=unit, measure=str(item["measure"]), layers=layers, start=start, end=end,
            counts=counts, supply_types=types, source=str(item.get("source", "")),
        ))
    return tuple(out)


def parse_as_of(value: Any) -> dt.date | None:
    """Turn ``None``, a date, ``"YYYY-MM-DD"`` or ``"YYYY"`` (= 31 December) into a date.

    Raises
    ------
    ConfigError
        If the value is not a date in one of those forms.
    """
    try:
        return parse_date(value)
    except (ValueError, TypeError):
        raise ConfigError(
            f"as-of date {value!r} is not a date; write YYYY-MM-DD (e.g. 2015-12-31) or a year."
        ) from None
