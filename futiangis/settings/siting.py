"""``[siting]`` settings: candidate grid, demand cells, solver limits and the per-theme demand."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .reader import Table

__all__ = ["SITING_THEMES", "SitingSettings", "SitingTheme", "parse_siting"]

SITING_THEMES = ("charging", "bike", "parks")


@dataclass(frozen=True)
class SitingTheme:
    """``[siting.<theme>]``: what the theme's demand is and the radius of a new site.

    ``demand`` is ``"land"`` (land area) or the name of a shipped point layer weighted by
    ``weight`` (e.g. ``bike_demand`` by ``trip_ends``); ``new_radius_m`` overrides the
    theme's ``[coverage.<theme>]`` radius for new sites (None: use it).
    """

    demand: str = "land"
    weight: str | None = None
    new_radius_m: float | None = None


@dataclass(frozen=True)
class SitingSettings:
    """``[siting]``: generated candidates every ``candidate_spacing_m`` over land outside
    ``exclude_layers``; area/raster demand cut into ``demand_cell_m`` cells; CBC limits;
    the themes; and ``build`` (theme -> number of new sites shown by ``futiangis build``)."""

    candidate_spacing_m: float = 100.0
    demand_cell_m: float = 50.0
    exclude_layers: tuple[str, ...] = ("parks",)
    time_limit_s: float = 600.0
    threads: int = 2
    build: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({"charging": 10, "bike": 20}))
    themes: Mapping[str, SitingTheme] = field(default_factory=lambda: MappingProxyType({
        "charging": SitingTheme(),
        "bike": SitingTheme(demand="bike_demand", weight="trip_ends"),
        "parks": SitingTheme(new_radius_m=300.0),
    }))

    def theme(self, name: str) -> SitingTheme:
        """The settings of theme ``name`` (defaults when the file has no such table)."""
        return self.themes.get(name, SitingTheme())


def parse_siting(table: Table) -> SitingSettings:
    """Read ``[siting]`` and its ``[siting.<theme>]`` tables."""
    d = SitingSettings()
    themes = dict(d.themes)
    for name in SITING_THEMES:
        if name not in table:
            continue
        sub = table.table(name)
        default = d.theme(name)
        themes[name] = SitingTheme(
            demand=sub.string("demand", default.demand),
            weight=sub.string("weight", default.weight),
            new_radius_m=sub.number("new_radius_m", default.new_radius_m, above=0.0, unit="metres"),
        )
        sub.finish()
    build = dict(d.build)
    if "build" in table:
        b = table.table("build")
        build = {k: b.integer(k, at_least=0) for k in b.keys()}
        for k in build:
            if k not in SITING_THEMES:
                b.problem(k, f"is not a siting theme; use {', '.join(SITING_THEMES)}.")
    return SitingSettings(
        candidate_spacing_m=table.number("candidate_spacing_m", d.candidate_spacing_m, above=0.0,
                                         unit="metres"),
        demand_cell_m=table.number("demand_cell_m", d.demand_cell_m, above=0.0, unit="metres"),
        exclude_layers=table.strings("exclude_layers", d.exclude_layers),
        time_limit_s=table.number("time_limit_s", d.time_limit_s, above=0.0, unit="seconds"),
        threads=table.integer("threads", d.threads, at_least=1),
        build=MappingProxyType(build),
        themes=MappingProxyType(themes),
    )
