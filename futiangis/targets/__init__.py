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

:func:`run_target_accounting` is the shell: it loads the shipped layers and the config.
"""
from __future__ import annotations

from pathlib import Path

from typing import Any

import geopandas as gpd

from ..errors import CRSError, LayerValidationError, Problem
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
    "run_target_accounting",
    "status_at",
    "verdict_text",
]

#: the accounting columns counted towards a target (achieved) or shown beside it
COLUMNS = ACCOUNT_COLUMNS
#: ``--by`` choices -> shipped layer
AREA_LAYERS = {"subdistricts": "subdistricts", "units": "units"}


def _source(gdf: gpd.GeoDataFrame, default: str) -> str:
    prov = gdf.attrs.get("provenance") or {}
    if prov:
        title = prov.get("title_en") or prov.get("kind", default)
        # the file's name, never its absolute path (outputs travel to other machines)
        path = prov.get("path")
        where = f"{Path(str(path)).parent.name}/{Path(str(path)).name}" if path else default
        return f"{where} — {title}; accuracy: {prov.get('accuracy_class', '?')}"
    return gdf.attrs.get("source", default)


def _to_working(gdf: gpd.GeoDataFrame, crs: str, what: str) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        raise CRSError(f"{what} have no CRS; load them with futiangis.load.load_layer (--source-crs).")
    return gdf if gdf.crs.equals(crs) else gdf.to_crs(crs)


def run_target_accounting(
    config,
    *,
    sites: gpd.GeoDataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    areas: gpd.GeoDataFrame | None = None,
    as_of: Any = None,
    by: str | None = "subdistricts",
) -> TargetResult:
    """Evaluate every configured target against the sites (the shell around :func:`account_targets`).

    Parameters
    ----------
    config : Config
        Supplies the targets (``[[targets]]``), the working CRS and the layers folder.
    sites, zones : GeoDataFrame, optional
        Sites (schema ``renewal_sites``) and CBD zones; default: the shipped layers.
    areas : GeoDataFrame, optional
        Areas for ``by_area``; default: the shipped layer named by ``by``.
    as_of : date or str, optional
        Evaluation date (``YYYY-MM-DD`` or a year); default: each target's end.
    by : {"subdistricts", "units"} or None
        Which areas ``by_area`` uses (街道 or traffic zones); None: no area table.

    Raises
    ------
    ConfigError
        If the targets are malformed or name a measure the sites do not have.
    LayerValidationError
        If a site has an unknown status, a negative value or an unreadable date.
    """
    from ..errors import LayerReadError
    from ..load import load_shipped_layer

    as_of = parse_as_of(as_of)
    targets = parse_targets(config)
    if sites is None:
        sites = load_shipped_layer("renewal_sites", config=config)
    if zones is None:
        zones = load_shipped_layer("cbd_zones", config=config)
    if areas is None and by is not None:
        try:
            areas = load_shipped_layer(AREA_LAYERS.get(by, by), config=config)
        except LayerReadError:
            areas = None
    sites = _to_working(sites, config.working_crs, "sites")
    zones = _to_working(zones, config.working_crs, "zones")
    if areas is not None:
        areas = _to_working(areas, config.working_crs, "areas")
    if "id" not in zones.columns:
        raise LayerValidationError(_source(zones, "zones"), [Problem(
            "missing_field", "zones need an 'id' column.", field="id")])
    from .. import schemas as S

    result = account_targets(sites, zones, targets, as_of=as_of, areas=areas,
                             area_kind=by if areas is not None else None, source=_source(sites, "sites"))
    result.illustrative = S.is_illustrative(sites) or S.is_illustrative(zones)
    result.sources = {"sites": _source(sites, "sites"), "zones": _source(zones, "zones")}
    if areas is not None:
        result.sources["areas"] = _source(areas, by or "areas")
    return result
