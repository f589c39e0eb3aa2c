"""Typed settings for ``[[targets]]``: the plan's targets as data.

Each table names the target (``id``, ``name_zh``, ``name_en``), its amount (``target``
> 0) and ``unit`` (``m2`` of GFA or ``100m_cny`` = 亿元), the site column summed
(``measure``), the project ``layers`` that count and the ``deadline``; optionally the
period (``start``, ``end``), what ``counts`` and the ``supply_types`` included.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .reader import Problems, Table

__all__ = ["UNITS", "Target", "parse_targets"]

#: target units the reports know how to show
UNITS = ("m2", "100m_cny")


@dataclass(frozen=True)
class Target:
    """One planning target read from the ``[[targets]]`` section of the config.

    ``unit`` is ``"m2"`` (square metres of GFA) or ``"100m_cny"`` (亿元, 10^8 CNY);
    ``measure`` is the site column summed (``gfa_new_m2`` uses the accounted GFA, see
    :mod:`futiangis.targets`); ``layers`` lists the project layers that count toward it.
    """

    id: str
    name_zh: str
    name_en: str
    target: float
    unit: str
    measure: str
    layers: tuple[str, ...]
    deadline: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    counts: Any = None
    supply_types: tuple[str, ...] = ()


def parse_targets(items: Any, problems: Problems) -> tuple[Target, ...]:
    """Read the ``[[targets]]`` array (every problem recorded in ``problems``)."""
    if isinstance(items, Mapping):
        items = [items] if items else []
    if not isinstance(items, list | tuple):
        problems.add("[[targets]]", "must be an array of tables: write each as [[targets]].")
        return ()
    out: list[Target] = []
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        tid = item.get("id") if isinstance(item, Mapping) else None
        label = f"[[targets]] #{n}" + (f" (id {tid!r})" if tid is not None else "")
        t = Table(item, "targets", problems, label=label)
        missing = [k for k in ("id", "name_zh", "name_en", "target", "unit", "measure", "layers")
                   if k not in t]
        if missing:
            t.problem(None, f"missing key(s) {', '.join(missing)}; add them.")
        ident = t.string("id", "")
        if ident in seen:
            t.problem("id", f"duplicate target id {ident!r}; target ids must be unique.")
        seen.add(ident)
        layers = t.strings("layers", ())
        if "layers" in t and not layers:
            t.problem(None, 'layers is empty; list the project layers that count, e.g. ["renewal_sites"].')
        start, end = t.date("start"), t.date("end")
        if start and end and start > end:
            t.problem("end", f"= {end} is before start = {start}.")
        target = Target(
            id=ident,
            name_zh=t.string("name_zh", ""),
            name_en=t.string("name_en", ""),
            target=t.number("target", float("nan"), above=0.0),
            unit=t.string("unit", "m2", choices=UNITS),
            measure=t.string("measure", ""),
            layers=layers,
            deadline=t.date("deadline"),
            start=start,
            end=end,
            counts=t.raw("counts"),
            supply_types=t.strings("supply_types", ()),
        )
        t.finish()
        out.append(target)
    return tuple(out)
