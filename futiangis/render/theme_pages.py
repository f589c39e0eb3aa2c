"""The five built-in theme pages, registered for ``futiangis build``.

Each entry adapts the build's statistics to one ``*_spec`` function of
:mod:`futiangis.render.themes`; see :mod:`futiangis.render.registry` for adding a page.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .registry import ThemeContext, ThemeSettings, register_theme
from .themes import cbd_renewal_spec, charging_spec, overview_spec, parks_spec, slow_bike_spec


@register_theme("overview", order=10, title=("福田区规划总览", "Futian planning overview"))
def _overview(ctx: ThemeContext):
    return overview_spec(ctx.layers, lang=ctx.lang, provenance=ctx.provenance)


def _progress_by_year(settings: ThemeSettings, layers: Mapping[str, Any]) -> dict[str, Any]:
    """The target table as of the end of every year the sites mention (for the slider).

    Uses the accounting's own ``--as-of`` rule (a site whose ``year`` is later moves back
    one column), so each year's numbers are those of ``futiangis target --as-of YEAR-12-31``.
    """
    sites, zones = layers.get("renewal_sites"), layers.get("cbd_zones")
    if sites is None or zones is None or "year" not in sites.columns:
        return {}
    from ..targets import account_targets

    years = sorted({int(y) for y in sites["year"].dropna()})
    if not years:
        return {}
    span = range(years[0] - 1, years[-1] + 1)
    progress: dict = {y: account_targets(sites, zones, settings.targets, as_of=dt.date(y, 12, 31)).targets
                for y in span}
    # each site's status at the end of each year, from its milestone dates (issue 12's
    # dated accounting: before its earliest date a site does not exist)
    from ..targets.timeline import read_milestones, status_at

    milestones = read_milestones(sites)
    statuses = pd.DataFrame({y: status_at(milestones, dt.date(y, 12, 31)) for y in span}, index=sites.index)
    return {"progress": progress, "statuses": statuses}


@register_theme("cbd_renewal", order=20, title=("CBD 扩展与城市更新", "CBD expansion & urban renewal"),
                compute=_progress_by_year)
def _cbd_renewal(ctx: ThemeContext):
    data = ctx.data or {}
    return cbd_renewal_spec(ctx.layers, ctx.stats.targets, lang=ctx.lang,
                            progress_by_year=data.get("progress") or None, statuses_by_year=data.get("statuses"),
                            provenance=ctx.provenance)


@register_theme("parks", order=30, title=("公园与服务覆盖", "Parks & coverage"))
def _parks(ctx: ThemeContext):
    return parks_spec(ctx.layers, ctx.stats.coverage.get("parks"), ctx.threshold("parks", 0.8),
                      radii=ctx.stats.park_radii, lang=ctx.lang, provenance=ctx.provenance)


@register_theme("slow_bike", order=40, title=("慢行交通与公共自行车", "Slow traffic & public bikes"))
def _slow_bike(ctx: ThemeContext):
    max_grade = ctx.settings.terrain.cycling_max_grade_pct
    return slow_bike_spec(ctx.layers, ctx.stats.coverage.get("bike"), ctx.stats.gradients,
                          ctx.threshold("bike", 0.8), max_grade_pct=max_grade, lang=ctx.lang,
                          provenance=ctx.provenance)


@register_theme("charging", order=50, title=("公共充电覆盖", "EV charging coverage"))
def _charging(ctx: ThemeContext):
    return charging_spec(ctx.layers, ctx.stats.coverage.get("charging"), ctx.threshold("charging", 1.0),
                         lang=ctx.lang, provenance=ctx.provenance)
