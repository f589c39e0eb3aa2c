"""The siting page of ``futiangis build``: where the next charging stations and bike parkings go.

Registered with :mod:`futiangis.render.registry` (``siting.html``). Its ``compute`` step
(:func:`futiangis.siting_run.compute_siting_page`, wired by :mod:`futiangis.build`) runs
:func:`futiangis.siting_run.run_siting` once per build for each theme named in
``[siting.build]`` (default: the next 10 charging stations on land demand, the next 20
bike-parking sites on the shipped trip ends); the page shows, per theme, the area covered
before (existing facilities), the area the new sites add, the existing facilities, the new
sites ranked with their coordinates (WGS84 and GCJ-02), the bike demand cells coloured by
whether they are covered before / only after / not at all, and a panel with the ranked lists
and the before/after shares. Nothing here touches a file.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from .. import schemas as S
from ..coverage import service_area
from .legend import LegendEntry, LegendSection
from .maps import LayerSpec, MapSpec, Panel
from .popups import Field, esc
from .registry import ThemeContext, register_theme
from .tables import Column, table_html
from .themes import _subdistricts

__all__ = ["siting_spec"]

NAMES = {"charging": ("公共充电站", "EV charging"), "bike": ("自行车停放点", "Bike parking"),
         "parks": ("口袋公园", "Pocket parks")}
BEFORE, ADDED, SITE, EXISTING = "#74c0fc", "#51cf66", "#e8590c", "#495057"
DEMAND_COLORS = {"before": "#339af0", "after": "#2f9e44", "uncovered": "#f03e3e"}
_SIMPLIFY_M = 5.0  # outlines only; every number comes from the model



def _areas(result, land, crs) -> tuple[Any, Any]:
    radius = float(result.settings["radius_m"])
    existing = result.existing
    before = shapely.Polygon()
    if len(existing):
        from ..coverage import park_radii

        r = radius
        if result.theme == "parks":
            r = park_radii(existing, ())  # pragma: no cover - parks page not built by default
        before = service_area(existing, radius_m=r).intersection(land)
    new = service_area(result.sites, radius_m=radius) if len(result.sites) else shapely.Polygon()
    return before, new.intersection(land).difference(before)


def _site_fields(unit: str) -> tuple[Field, ...]:
    return (Field("rank", "排名", "Rank", "int"), Field(S.ID, "候选编号", "Candidate"),
            Field("marginal_demand", f"新增覆盖（{unit}）", f"Adds ({unit})", "float"),
            Field("share_cum", "累计覆盖率", "Coverage so far", "share"),
            Field("lon_wgs84", "经度 WGS84", "Lon WGS84", "text"),
            Field("lat_wgs84", "纬度 WGS84", "Lat WGS84", "text"),
            Field("lon_gcj02", "经度 GCJ-02（高德）", "Lon GCJ-02 (Gaode)", "text"),
            Field("lat_gcj02", "纬度 GCJ-02（高德）", "Lat GCJ-02 (Gaode)", "text"),
            Field("unit_id", "所在单元", "Unit"), Field("subdistrict_zh", "所在街道", "街道"))


def _ranked_table(result, lang: str) -> str:
    sites = pd.DataFrame(result.sites.drop(columns=result.sites.geometry.name))
    sites["where"] = [" / ".join(str(v) for v in (u, s) if v) for u, s in
                      zip(sites["unit_id"], sites["subdistrict_zh"])]
    sites["gcj"] = [f"{a:.6f}, {b:.6f}" for a, b in zip(sites["lon_gcj02"], sites["lat_gcj02"])]
    cols = (Column("rank", "排名", "Rank", "int"), Column(S.ID, "候选", "Candidate"),
            Column("marginal_demand", "新增", "Adds", "float"),
            Column("share_cum", "累计覆盖率", "Coverage", "share"),
            Column("gcj", "GCJ-02 经纬度", "GCJ-02 lon, lat"), Column("where", "单元/街道", "Unit / 街道"))
    return table_html(sites, cols, lang=lang)


def siting_spec(layers: Mapping[str, gpd.GeoDataFrame | None], results: Mapping[str, Any], *,
                lang: str = "zh", provenance: Mapping[str, Mapping[str, Any]] | None = None
                ) -> MapSpec | None:
    """The siting page (see the module docstring); None without results or a district.

    ``provenance`` maps a layer kind to its provenance record (from the shell).
    """
    provenance = provenance or {}
    district = layers.get("district")
    if district is None or not results:
        return None
    land = shapely.union_all(district.geometry.to_numpy())
    specs = [LayerSpec("district", district, "福田区界", "Futian boundary", "基础", "Base",
                       color="#343a40", fill=False, weight=2.5, interactive=False,
                       provenance=dict(provenance.get("district") or {})),
             *_subdistricts(layers, provenance)]
    bodies = []
    for i, (theme, res) in enumerate(results.items()):
        zh, en = NAMES.get(theme, (theme, theme))
        group_zh, group_en = f"选址：{zh}", f"Siting: {en}"
        show = i == 0
        prov = {"source": f"futiangis site {theme} --add {len(res.sites)} (MCLP, PuLP + CBC)",
                "accuracy_class": "illustrative" if res.illustrative else "open data"}
        before, added = _areas(res, land, district.crs)
        rows = [{S.ID: f"{theme}_before", S.NAME_ZH: f"{zh}：现状覆盖", S.NAME_EN: f"{en}: covered today",
                 "share": res.share_before, S.ILLUSTRATIVE: bool(res.illustrative)},
                {S.ID: f"{theme}_added", S.NAME_ZH: f"{zh}：新增站点带来的覆盖",
                 S.NAME_EN: f"{en}: added by the new sites", "share": res.share_after,
                 S.ILLUSTRATIVE: bool(res.illustrative)}]
        areas = gpd.GeoDataFrame(rows, geometry=[shapely.simplify(before, _SIMPLIFY_M),
                                                 shapely.simplify(added, _SIMPLIFY_M)], crs=district.crs)
        colors = pd.Series([BEFORE, ADDED], index=areas.index)
        legend = LegendSection(f"{zh}（半径 {res.settings['radius_m']:g} m）",
                               f"{en} ({res.settings['radius_m']:g} m radius)", (
            LegendEntry(BEFORE, f"现状覆盖 {res.share_before:.1%}", f"today {res.share_before:.1%}"),
            LegendEntry(ADDED, f"新增后 {res.share_after:.1%}", f"after {res.share_after:.1%}"),
            LegendEntry(SITE, "新选址（按新增覆盖排名）", "new sites (ranked)", "point"),
            LegendEntry(EXISTING, "现有设施", "existing facilities", "point")))
        specs.append(LayerSpec(f"{theme}_coverage", areas, f"{zh}：覆盖（前/后）",
                               f"{en}: coverage before / after", group_zh, group_en,
                               fields=(Field("share", "覆盖率（需求）", "Coverage (of demand)", "share"),),
                               colors=colors, fill_opacity=0.35, weight=0.6, show=show,
                               provenance=prov, legend=legend))
        if len(res.existing):
            ex = res.existing.copy()
            if S.NAME_ZH not in ex.columns:
                ex[S.NAME_ZH] = ex[S.ID].astype(str)
            specs.append(LayerSpec(f"{theme}_existing", ex, f"{zh}：现有", f"{en}: existing",
                                   group_zh, group_en, fields=(Field(S.ID, "编号", "ID"),),
                                   color=EXISTING, radius=3.0, show=show,
                                   provenance=dict(provenance.get(S.THEME_LAYER.get(theme, theme))
                                                   or {})))
        if theme == "bike" and res.demand_kind == "points":
            dem = res.demand.copy()
            state = ["before" if b else "after" if a else "uncovered"
                     for b, a in zip(dem["covered_before"], dem["covered_after"])]
            dem["state"] = state
            dem[S.ID] = dem["demand_id"].astype(str)
            dem = dem[dem["weight"] > 0]
            bike_demand = layers.get("bike_demand")
            dprov = dict(provenance.get("bike_demand") or {}) \
                if bike_demand is not None else {"source": "数据来源：深圳市政府数据开放平台"}
            specs.append(LayerSpec(
                "bike_demand", dem, "共享单车出行端点（样本）", "Dockless-bike trip ends (sample)",
                group_zh, group_en,
                fields=(Field(S.ID, "网格", "Cell"), Field("weight", "出行端点", "Trip ends", "int"),
                        Field("state", "覆盖", "Covered")),
                colors=dem["state"].map(DEMAND_COLORS), radius=2.0, show=show, provenance=dprov,
                legend=LegendSection("出行端点（数据来源：深圳市政府数据开放平台）",
                                     "Trip ends (source: Shenzhen open-data platform)", (
                    LegendEntry(DEMAND_COLORS["before"], "现状已覆盖", "covered today", "point"),
                    LegendEntry(DEMAND_COLORS["after"], "新增站点覆盖", "covered by new sites", "point"),
                    LegendEntry(DEMAND_COLORS["uncovered"], "仍未覆盖", "still uncovered", "point")))))
        sites = res.sites.copy()
        # short map labels (#1, #2, ...): the popup says what and where
        sites[S.NAME_ZH] = [f"#{r}" for r in sites["rank"]]
        sites[S.NAME_EN] = [f"#{r}" for r in sites["rank"]]
        sites[S.ILLUSTRATIVE] = bool(res.illustrative)
        specs.append(LayerSpec(f"{theme}_sites", sites, f"{zh}：新选址（排名）", f"{en}: new sites (ranked)",
                               group_zh, group_en, fields=_site_fields(res.demand_unit), color=SITE,
                               radius=7.0, show=show, searchable=True, label_min_zoom=14,
                               provenance=prov))
        g = res.greedy
        summary = (f"{esc(zh)} · {esc(en)}: {res.share_before:.1%} → <b>{res.share_after:.1%}</b> "
                   f"({esc(res.demand_kind)}, {esc(res.demand_unit)}; radius {res.settings['radius_m']:g} m; "
                   f"exact {esc(res.exact.status)}; greedy gap {(res.greedy_gap or 0):.2%}, "
                   f"{g.covered_demand / res.total_demand:.1%})")
        notes = "".join(f'<div class="ft-prov">{esc(n)}</div>' for n in res.notes)
        bodies.append(f"<h4>{summary}</h4>{_ranked_table(res, lang)}{notes}")
    bodies.append('<div class="ft-prov">数据来源：深圳市政府数据开放平台 (bike trip ends: a sample of '
                  'May 2021 weekday peaks). Straight-line radius; existing facilities kept and counted '
                  'first; ranked by marginal covered demand.</div>')
    panels = (Panel("选址排名", "Ranked new sites", "".join(bodies), position="bottomleft",
                    open=False, key="siting"),)
    return MapSpec(
        "siting", "下一批站点选址（充电、自行车停放）", "Where next: charging and bike-parking sites",
        "在保留现有设施的前提下，按新增覆盖需求最大化（MCLP，精确求解）选出下一批充电站与自行车停放点；"
        "现状/新增覆盖、排名与高德坐标。",
        "The next charging stations and bike-parking sites chosen to cover the most demand with the "
        "existing facilities kept (MCLP, solved exactly): coverage before/after, the ranked list "
        "and GCJ-02 coordinates for Gaode.",
        tuple(specs), district, panels)


@register_theme("siting", order=70, title=("下一批站点选址", "Where next: siting"))
def _siting(ctx: ThemeContext):
    return siting_spec(ctx.layers, ctx.data or {}, lang=ctx.lang, provenance=ctx.provenance)
