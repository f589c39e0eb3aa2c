"""The life-circle map: network service areas at 5/10/15 minutes beside straight-line circles.

:func:`lifecircle_spec` turns a :class:`futiangis.lifecircle.LifeCircleResult` into a
:class:`~futiangis.render.maps.MapSpec`: per theme, the network service areas (reached
network buffered by the trim) at the three circles, the straight-line circles of the
same radii as outlines and the 15-minute gaps; per unit, how many themes each circle
reaches; a panel with the per-街道 (or per-unit) table, the standard and the project's
choices. Nothing here computes a statistic or touches a file; the page is registered
with :mod:`futiangis.render.registry` (its ``compute`` step calls
:func:`futiangis.lifecircle.run_lifecircle` once per build).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from .. import schemas as S
from .legend import LegendEntry, LegendSection
from .model import LayerSpec, MapSpec, Panel
from .popups import Field, bilingual, esc
from .registry import ThemeContext, register_theme
from .tables import Column, table_html

__all__ = ["lifecircle_spec", "lifecircle_table_html"]

THEME_NAMES = {"parks": ("公园", "Parks"), "charging": ("公共充电", "EV charging"),
               "bike": ("公共自行车", "Public bikes"), "metro": ("地铁站", "Metro")}
CIRCLE_COLORS = ("#2b8a3e", "#74b816", "#fab005")  # 5, 10, 15 minutes: darkest nearest
COUNT_COLORS = ("#f1f3f5", "#d0ebff", "#74c0fc", "#339af0", "#1864ab")
_SIMPLIFY_M = 5.0  # drawn outlines only; every number is computed on the full geometry


def lifecircle_table_html(frame: pd.DataFrame, circles, *, lang: str = "zh") -> str:
    """Which themes each circle reaches, one row per unit/街道 (escaped)."""
    names = {t: bilingual(*THEME_NAMES.get(t, (t, t)), lang) for t in THEME_NAMES}
    table = pd.DataFrame({S.ID: frame[S.ID].astype(str)})
    if S.NAME_ZH in frame.columns:
        table["name"] = frame[S.NAME_ZH].astype(str)
    cols = [Column(S.ID, "编号", "ID")] + ([Column("name", "名称", "Name")] if "name" in table else [])
    for c in circles:
        reached = frame[f"reached_{c.minutes}min"].fillna("")
        table[f"c{c.minutes}"] = ["、".join(names.get(t, t) for t in r.split(",") if t) or "—"
                                  for r in reached]
        cols.append(Column(f"c{c.minutes}", f"{c.minutes}分钟（{c.distance_m:g} m）",
                           f"{c.minutes} min ({c.distance_m:g} m)"))
    return table_html(table, tuple(cols), lang=lang)


def lifecircle_spec(layers: Mapping[str, gpd.GeoDataFrame | None], lc: Any, *,
                    network_lines: gpd.GeoDataFrame | None = None, lang: str = "zh",
                    provenance: Mapping[str, Mapping[str, Any]] | None = None) -> MapSpec:
    """The life-circle page (see the module docstring)."""
    district, units = layers["district"], layers["units"]
    assert district is not None and units is not None, "district and units are required"
    land = shapely.union_all(district.geometry.to_numpy())
    specs = [LayerSpec("district", district, "福田区界", "Futian boundary", "基础", "Base",
                       color="#343a40", fill=False, weight=2.5,
                       provenance=dict((provenance or {}).get("district") or {}), interactive=False)]
    prov = dict((provenance or {}).get("network") or {})
    if network_lines is None and getattr(lc, "network", None) is not None:
        network_lines = lc.network.edges[[S.EDGE_ID, S.LINE_ID, S.LENGTH_M, "geometry"]].copy()
        network_lines.insert(0, S.ID, network_lines[S.EDGE_ID].astype(str))
        prov = {"source": lc.network.label, "accuracy_class": "illustrative"}
    if network_lines is not None:
        specs.append(LayerSpec(
            "network", network_lines, "步行网络（派生，粗略）", "Walking network (derived, coarse)",
            "基础", "Base", fields=(Field(S.LINE_ID, "线路", "Line"),
                                   Field(S.LENGTH_M, "长度", "Length", "length_m")),
            color="#495057", fill=False, weight=1.2, provenance=prov))
    # units: number of themes reached per circle
    table = lc.units.set_index(S.ID)
    n_themes = len(lc.themes)
    for i, c in enumerate(lc.circles):
        col = f"count_{c.minutes}min"
        frame = units.copy()
        frame[col] = frame[S.ID].map(table[col]).fillna(0).astype(int)
        frame["reached"] = frame[S.ID].map(table[f"reached_{c.minutes}min"]).fillna("")
        colors = frame[col].map(lambda k: COUNT_COLORS[min(int(k), len(COUNT_COLORS) - 1)])
        specs.append(LayerSpec(
            f"reach_count_{c.minutes}", frame, f"{c.name_zh}：达到的主题数",
            f"{c.minutes}-minute circle: themes reached", "生活圈", "Life circles",
            fields=(Field(S.ID, "编号", "ID"), Field(col, "达到主题数", "Themes reached", "int"),
                    Field("reached", "达到的主题", "Themes")),
            colors=colors, fill_opacity=0.6, weight=0.6, show=(i == len(lc.circles) - 1),
            provenance=dict((provenance or {}).get("units") or {}),
            legend=None if i < len(lc.circles) - 1 else LegendSection(
                "达到的主题数（各生活圈同色）", "Themes reached (same colours for every circle)",
                                 tuple(LegendEntry(COUNT_COLORS[k], f"{k} / {n_themes}",
                                                   f"{k} of {n_themes}", "fill")
                                       for k in range(n_themes + 1) if k < len(COUNT_COLORS)))))
    for t_i, (theme, run) in enumerate(lc.runs.items()):
        zh, en = THEME_NAMES.get(theme, (theme, theme))
        prov = {"source": f"futiangis access {theme}: {run.results[0].settings['network_label']}",
                "accuracy_class": "illustrative" if run.illustrative else "open data"}
        rows, geoms, rings = [], [], []
        for c, r in zip(lc.circles, run.results):
            area = shapely.intersection(r.network_cov.service_area, land)
            rows.append({S.ID: f"{theme}_{c.minutes}", S.NAME_ZH: f"{zh}{c.name_zh}",
                         S.NAME_EN: f"{en}, {c.minutes} min ({c.distance_m:g} m)",
                         "coverage": r.overall.get("coverage"),
                         "straight_coverage": r.overall.get("straight_coverage"),
                         "reached_length_m": r.reached_length_m, "trim_m": r.settings["trim_m"],
                         S.ILLUSTRATIVE: bool(run.illustrative)})
            geoms.append(shapely.simplify(area, _SIMPLIFY_M))
            rings.append(shapely.simplify(shapely.intersection(r.straight_cov.service_area, land),
                                          _SIMPLIFY_M))
        fields = (Field("coverage", "网络覆盖率", "Network coverage", "share"),
                  Field("straight_coverage", "直线覆盖率", "Straight-line coverage", "share"),
                  Field("reached_length_m", "可达路网长度", "Network reached", "length_m"),
                  Field("trim_m", "两侧服务宽度", "Lateral trim", "length_m"))
        order = list(range(len(rows)))[::-1]  # 15 min drawn first, 5 min on top
        net = gpd.GeoDataFrame([rows[k] for k in order], geometry=[geoms[k] for k in order],
                               crs=units.crs)
        net_colors = pd.Series([CIRCLE_COLORS[k % 3] for k in order], index=net.index)
        legend = LegendSection(f"{zh}：沿路网", f"{en}: along the network", tuple(
            LegendEntry(CIRCLE_COLORS[i % 3], f"{c.minutes}分钟（{c.distance_m:g} m）",
                        f"{c.minutes} min ({c.distance_m:g} m)", "fill")
            for i, c in enumerate(lc.circles)))
        specs.append(LayerSpec(f"{theme}_network", net, f"{zh}：路网服务范围", f"{en}: network service area",
                               "生活圈", "Life circles", fields=fields, colors=net_colors,
                               fill_opacity=0.35, weight=0.8, show=(t_i == 0), provenance=prov,
                               legend=legend))
        circ = gpd.GeoDataFrame([rows[k] for k in order], geometry=[rings[k] for k in order],
                                crs=units.crs)
        specs.append(LayerSpec(f"{theme}_circles", circ, f"{zh}：直线距离圈", f"{en}: straight-line circles",
                               "生活圈", "Life circles", fields=fields, colors=net_colors,
                               fill=False, weight=1.5, dash="6 4", show=(t_i == 0), provenance=prov))
        gaps = run.results[-1].gaps.copy()
        if len(gaps):
            gaps[S.ID] = gaps["gap_id"].astype(str)
            gaps[S.NAME_ZH] = "十五分钟服务空白 " + gaps["gap_id"].astype(str)
            gaps[S.NAME_EN] = "15-minute gap " + gaps["gap_id"].astype(str)
            gaps = gaps.set_geometry(shapely.simplify(gaps.geometry.to_numpy(), _SIMPLIFY_M))
            gaps = gaps[~gaps.geometry.is_empty]
        specs.append(LayerSpec(f"{theme}_gaps", gaps, f"{zh}：十五分钟服务空白", f"{en}: 15-minute gaps",
                               "生活圈", "Life circles",
                               fields=(Field(S.AREA_M2, "空白面积", "Gap area", "area_m2"),
                                       Field("unit_id", "所在单元", "Unit")),
                               color="#e03131", fill_opacity=0.3, weight=0.5, show=False,
                               provenance=prov))
    by = lc.subdistricts if lc.subdistricts is not None else lc.units
    title = ("各街道达到的主题", "Themes reached per 街道 (subdistrict)") if lc.subdistricts is not None \
        else ("各单元达到的主题", "Themes reached per unit")
    body = lifecircle_table_html(by, lc.circles, lang=lang)
    foot = "".join(f'<div class="ft-prov">{esc(n)}</div>' for n in [lc.standard, *lc.notes[:3]])
    panels = (Panel(title[0], title[1], body + foot, position="bottomleft", open=False),)
    return MapSpec(
        "lifecircle", "5/10/15 分钟生活圈（沿路网）", "5/10/15-minute life circles (along the network)",
        "沿路网的 300/500/1000 m 服务范围与直线距离圈对比、服务空白及各街道达到的主题（GB 50180-2018）；路网为派生粗略干道网。",
        "Network service areas at 300/500/1000 m beside straight-line circles, the gaps and the themes "
        "each circle reaches per 街道 (GB 50180-2018); the network is a derived, coarse arterial network.",
        tuple(specs), district, panels)



@register_theme("lifecircle", order=60, title=("5/10/15 分钟生活圈", "5/10/15-minute life circles"))
def _lifecircle_page(ctx: ThemeContext) -> MapSpec | None:
    return None if ctx.data is None else lifecircle_spec(ctx.layers, ctx.data, lang=ctx.lang,
                                                         provenance=ctx.provenance)
