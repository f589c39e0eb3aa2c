"""The landing page of a build, ``index.html`` (Jinja2 template, autoescaped)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from . import schemas as S
from .render.popups import bilingual
from .render.tables import Column, table_html

if TYPE_CHECKING:
    from .build import BuildStats
    from .config import Config
    from .render.basemaps import Basemap
    from .render.model import MapSpec

__all__ = ["index_html"]


def _coverage_by_unit(units: gpd.GeoDataFrame, coverage: Mapping[str, Any], lang: str) -> str:
    table = pd.DataFrame({S.ID: units[S.ID].to_numpy(),
                          "name": [bilingual(a, b, lang) for a, b in zip(units[S.NAME_ZH], units[S.NAME_EN])]})
    cols = [Column(S.ID, "编号", "ID"), Column("name", "单元", "Unit")]
    names = {"parks": ("公园", "Parks"), "charging": ("充电", "Charging"), "bike": ("自行车", "Bikes")}
    for theme, result in coverage.items():
        cov = result.units.drop_duplicates(S.ID).set_index(S.ID)["coverage"]
        table[theme] = table[S.ID].map(cov).to_numpy()
        cols.append(Column(theme, names[theme][0] + "覆盖率", names[theme][1] + " coverage", "share"))
    return table_html(table, tuple(cols), lang=lang)


def _provenance_table(layers: Mapping[str, gpd.GeoDataFrame | None], lang: str,
                      provenance: Mapping[str, Mapping[str, Any]]) -> str:
    rows = []
    seen: set[int] = set()
    for kind, frame in layers.items():
        if frame is None or id(frame) in seen:
            continue
        seen.add(id(frame))
        p = provenance.get(kind) or {}
        rows.append({"kind": kind, "title": bilingual(p.get("title_zh", ""), p.get("title_en", ""), lang),
                     "n": len(frame), "source": p.get("source", ""), "licence": p.get("licence", ""),
                     "accuracy": f"{p.get('accuracy_class', '')} ±{p.get('accuracy_m', '?')} m"})
    return table_html(pd.DataFrame(rows), (
        Column("kind", "图层", "Layer"), Column("title", "名称", "Title"), Column("n", "要素数", "Features", "int"),
        Column("accuracy", "精度", "Accuracy"), Column("source", "来源", "Source"), Column("licence", "许可", "Licence")),
        lang=lang)


def index_html(specs: list[MapSpec], stats: BuildStats, layers: Mapping[str, gpd.GeoDataFrame | None],
               config: Config, *, lang: str, pages: list[dict], notes: list[str], basemap: Basemap,
               offline: bool, downloads: Sequence[str] = (),
               provenance: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The landing page (Jinja2 template, autoescaped): links to the maps and figures,
    the target and coverage verdicts, downloads, provenance and notes."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    from .render.panels import coverage_panel_html, targets_note, targets_table_html

    def b(zh: str, en: str) -> str:
        return bilingual(zh, en, lang)

    sections = []
    if stats.targets is not None:
        deadlines = {k: str(v) for k, v in (getattr(stats.targets, "deadlines", None) or {}).items()}
        html = targets_table_html(stats.targets.targets, lang=lang, deadlines=deadlines,
                                  note=targets_note(stats.targets.targets, lang))
        sections.append({"title": b("目标进度", "Target progress"), "parts": [
            {"html": Markup(html), "note": b("基于示意数据", "Based on illustrative data")
             if getattr(stats.targets, "illustrative", False) else ""}]})
    if stats.coverage:
        names = {"parks": ("公园", "Parks"), "charging": ("公共充电", "EV charging"), "bike": ("公共自行车", "Public bikes")}
        parts = [{"title": b(*names.get(theme, (theme, theme))), "html": Markup(coverage_panel_html(result, lang=lang))}
                 for theme, result in stats.coverage.items()]
        sections.append({"title": b("服务覆盖", "Service coverage"), "parts": parts})
        sections.append({"title": b("各单元覆盖率", "Coverage by unit"),
                         "parts": [{"html": Markup(_coverage_by_unit(layers["units"], stats.coverage, lang))}]})
    cards = [{"html": page["html"], "png": page.get("png"), "title": spec.title(lang),
              "summary_zh": spec.summary_zh, "summary_en": spec.summary_en} for spec, page in zip(specs, pages)]
    illustrative = b(
        "注意：CBD 扩展片区、城市更新单元、公园、慢行线路和公共自行车站为示意数据（非官方），仅用于演示方法；相关数字不代表实际情况。",
        "Note: the CBD zones, renewal sites, parks, slow routes and bike stations are illustrative "
        "(not official) data that demonstrate the method; figures based on them are not the real situation.",
    ) if any(s.has_illustrative for s in specs) else ""
    env = Environment(loader=PackageLoader("futiangis", "templates"), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("index.html.j2").render(
        lang=lang, title=b("福田区空间规划地图", "Futian District planning maps"),
        built=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), built_label=b("生成时间", "Built"),
        basemap=b(basemap.title_zh, basemap.title_en), basemap_label=b("打开时的底图（可在地图中切换）", "Basemap on opening (switch it on the map)"),
        offline=offline, offline_label=b("单文件离线页面", "single-file offline pages"),
        illustrative=illustrative, maps_label=b("地图", "Maps"), cards=cards, sections=sections,
        downloads=list(downloads), downloads_label=b("数据下载", "Downloads"),
        sources=Markup(_provenance_table(layers, lang, provenance or {})), sources_label=b("数据来源", "Data sources"),
        notes=notes, notes_label=b("说明", "Notes"),
    )
