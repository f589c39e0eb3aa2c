"""Targets as data, and the accounting of project sites against them.

The plan's headline 「拓展产业空间突破100万平方米（其中城市更新拓展60万平方米），城市更新投资
突破100亿元」 is a goal **for 2015**; it lives in ``futiangis.toml`` as ``[[targets]]`` tables
with a period, the milestone that counts and the supply types counted. The rules are in
:data:`ACCOUNTING_RULES` (printed in every report) and ``docs/targets.md``.

Modules, one purpose each:

* :mod:`.spec` — :class:`Target`, :func:`parse_targets`, :func:`parse_as_of`;
* :mod:`.timeline` — milestone dates, status at a date, contradictions;
* :mod:`.accounting` — :func:`estimate_gfa`, :func:`resolve_overlaps`,
  :func:`assign_columns`, investment by period;
* :mod:`.breakdown` — one zone per site (most land), tables by zone/街道/status/year;
* :mod:`.evaluate` — :func:`account_targets`, the core on GeoDataFrames;
* :mod:`.result` — :class:`TargetResult`.

:func:`futiangis.project.run_target_accounting` (the project shell) loads the project's
layers and the config and calls :func:`account_targets`.
"""
from __future__ import annotations

from .accounting import ACCOUNT_COLUMNS, assign_columns, estimate_gfa, resolve_overlaps
from .evaluate import account_targets, evaluation_date, verdict_text
from .result import ACCOUNTING_RULES, TARGET_COLUMNS, TargetResult
from .spec import MILESTONES, SUPPLY_TYPES, UNIT_LABELS, Target, parse_as_of, parse_targets
from .timeline import read_milestones, status_at

__all__ = [
    "ACCOUNTING_RULES",
    "ACCOUNT_COLUMNS",
    "COLUMNS",
    "MILESTONES",
    "SUPPLY_TYPES",
    "TARGET_COLUMNS",
    "UNIT_LABELS",
    "AREA_LAYERS",
    "Target",
    "TargetResult",
    "account_targets",
    "assign_columns",
    "estimate_gfa",
    "evaluation_date",
    "parse_as_of",
    "parse_targets",
    "read_milestones",
    "resolve_overlaps",
    "status_at",
    "verdict_text",
]

#: the accounting columns counted towards a target (achieved) or shown beside it
COLUMNS = ACCOUNT_COLUMNS
#: ``--by`` choices -> shipped layer
AREA_LAYERS = {"subdistricts": "subdistricts", "units": "units"}

