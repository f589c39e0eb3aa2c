"""Checks on ``[[targets]]`` before :func:`futiangis.targets.spec.parse_targets` builds them.

:mod:`futiangis.targets.spec` is the home of :class:`~futiangis.targets.spec.Target` and
of the rules of a target (units, periods, milestones, supply types). This module adds
what every section gets at load: known keys only (with a "did you mean") and real
numbers where numbers belong (``target = true`` or ``target = "100万"`` are refused), so
the problems are listed with the rest of the file's.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .reader import Problems, Table

__all__ = ["TARGET_KEYS", "check_targets"]

#: every key a [[targets]] table may hold
TARGET_KEYS = ("id", "name_zh", "name_en", "target", "unit", "measure", "layers", "start", "end",
               "deadline", "counts", "supply_types", "source")


def check_targets(items: Any, problems: Problems) -> list[Mapping[str, Any]]:
    """Record type and key problems of the ``[[targets]]`` array; return its tables."""
    if isinstance(items, Mapping):
        items = [items] if items else []
    if not isinstance(items, list | tuple):
        problems.add("[[targets]]", "must be an array of tables: write each as [[targets]].")
        return []
    tables = []
    for n, item in enumerate(items, start=1):
        tid = item.get("id") if isinstance(item, Mapping) else None
        label = f"[[targets]] #{n}" + (f" (id {tid!r})" if tid is not None else "")
        t = Table(item, "targets", problems, label=label)
        if "target" in t:
            t.number("target", above=0.0)
        t.finish(also_known=TARGET_KEYS)
        if isinstance(item, Mapping):
            tables.append(item)
    return tables
