"""Network access by theme and the 5/10/15-minute life circles (GB 50180-2018).

The shell over :mod:`futiangis.network` and :mod:`futiangis.access` that turns the
project's settings (``[network]``, ``[access]`` in ``futiangis.toml``) and the shipped
layers into results, as :func:`futiangis.coverage.run_coverage` does for circles.

**The standard.** GB 50180-2018 《城市居住区规划设计标准》 defines the 15-, 10- and 5-minute
life-circle residential areas (十五分钟/十分钟/五分钟生活圈居住区, §2.0.2–2.0.4) by the time a
resident walks to meet daily needs, and Table 3.0.4 (居住区分级控制规模) gives their walking
distances: 800–1000 m, 500 m and 300 m. **The project's own choices**, stated in every
output: the distance is measured along the network (the standard says walking distance,
not how it is measured); the 15-minute circle uses 1000 m (the upper end of 800–1000 m);
the themes checked (parks, EV charging, public bikes, metro) are this project's
selection, each checked at every circle (the standard assigns its own facility lists to
the circle levels); a circle *reaches* a theme in a unit when the network service area
covers at least ``reach_share`` (default 50 %) of the unit's land.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from . import schemas as S
from .access import AccessResult, SnappedFacilities, compute_access
from .config import Config
from .coverage import select_scenario
from .errors import ConfigError
from .jsonutil import records
from .network import StreetNetwork, build_network, report_connectivity
from .settings.access import ACCESS_THEMES, LIFE_CIRCLE_STANDARD, Circle, NetworkSettings, ReachSettings

__all__ = [
    "THEMES",
    "compute_lifecircle_page",
    "THEME_LAYER",
    "AccessRun",
    "AccessSettings",
    "LifeCircleResult",
    "access_settings",
    "network_from_lines",
    "run_access",
    "run_lifecircle",
]

THEMES = ACCESS_THEMES
#: the coverage themes' facility layers (:data:`futiangis.schemas.THEME_LAYER`) plus metro
THEME_LAYER = MappingProxyType({**S.THEME_LAYER, "metro": "metro_stations"})
THEME_ZH = {"parks": "公园", "charging": "充电站", "bike": "公共自行车", "metro": "地铁站"}
STANDARD = LIFE_CIRCLE_STANDARD
PROJECT_CHOICES = (
    "Project's own choices: distance measured along the network; 1000 m for the 15-minute "
    "circle (upper end of 800–1000 m); themes parks/charging/bike/metro checked at every "
    "circle; a circle reaches a theme in a unit when the network service area covers ≥ "
    "reach_share of its land; service area = reached network buffered by trim_m.")


@dataclass(frozen=True)
class AccessSettings(NetworkSettings, ReachSettings):
    """``[network]`` and ``[access]`` of the config together: the fields (and the only copy
    of their defaults) are those of :class:`~futiangis.settings.access.NetworkSettings` and
    :class:`~futiangis.settings.access.ReachSettings`, both checked at load."""

    @property
    def network_layer(self) -> str:
        """The ``[network] layer`` kind (the street network's layer)."""
        return self.layer


def access_settings(config: Config) -> AccessSettings:
    """The config's ``[network]`` and ``[access]`` as one :class:`AccessSettings`.

    Both sections were checked when the config was loaded (a bad value is a
    :class:`~futiangis.errors.ConfigError` naming its key there).
    """
    return AccessSettings(**{f.name: getattr(section, f.name)
                             for section in (config.network, config.access)
                             for f in dataclasses.fields(section)})


def network_from_lines(lines: gpd.GeoDataFrame, settings: AccessSettings, *, label: str = "",
                       barriers=None, crossings=None, **overrides) -> StreetNetwork:
    """:func:`~futiangis.network.build_network` with the configured settings (overridable)."""
    kw: dict[str, Any] = {
        "snap_m": settings.snap_m, "grade_field": settings.grade_field,
        "impedance_field": settings.impedance_field, "impedance": settings.impedance,
        "reference_speed_kmh": settings.reference_speed_kmh, "crossing_m": settings.crossing_m,
    }
    kw.update({k: v for k, v in overrides.items() if v is not None})
    return build_network(lines, barriers=barriers, crossings=crossings, label=label, **kw)


def _shipped_network(config: Config, settings: AccessSettings) -> StreetNetwork:
    from .load import load_shipped_layer, shipped_provenance

    lines = load_shipped_layer(settings.network_layer, config=config)
    prov = shipped_provenance(settings.network_layer, config=config)
    label = f"{settings.network_layer}: {prov.get('title_en', '')} — {prov.get('title_zh', '')}"
    return network_from_lines(lines, settings, label=label)


def project_land_mask(config: Config):
    """The configured land mask (``[coverage] land_mask``) as coverage applies it, and its note.

    Uses the project shell's own rule (:class:`futiangis.project.Project`: the union of
    the named shipped layer, e.g. the 街道 polygons, which cover land only), so
    straight-line and network coverage share one denominator.
    """
    from .project import Project

    return Project(config)._land_mask(None, None)  # the one definition of the land mask


@dataclass(frozen=True)
class AccessRun:
    """Network access of one theme at several distances (frozen)."""

    theme: str
    results: tuple[AccessResult, ...]
    snapped: SnappedFacilities
    connectivity: dict
    standard: str
    illustrative: bool = False
    notes: tuple[str, ...] = ()

    def to_list(self) -> list[dict]:
        """The JSON of ``futiangis access THEME --json``: one dict per distance."""
        out = []
        for r in self.results:
            d = r.to_dict()
            d["theme"] = self.theme
            d["standard"] = self.standard
            d["illustrative"] = self.illustrative
            d["settings"]["network_connectivity"] = {
                k: v for k, v in self.connectivity.items() if k not in ("settings", "components_top")}
            d["notes"] = list(self.notes) + d["notes"]
            out.append(d)
        return out


def run_access(
    theme: str,
    config: Config,
    *,
    network: StreetNetwork | None = None,
    facilities: gpd.GeoDataFrame | None = None,
    units: gpd.GeoDataFrame | None = None,
    max_m: Sequence[float] | None = None,
    trim_m: float | None = None,
    max_snap_m: float | None = None,
    scenario: str = "current",
    land: gpd.GeoDataFrame | None = None,
    residential: gpd.GeoDataFrame | None = None,
    population=None,
    settings: AccessSettings | None = None,
    ceiling=None,
) -> AccessRun:
    """Network access for a theme with the configured (or given) settings and layers.

    Loads the shipped network (``[network] layer``, by default the derived, coarse
    ``arterial_network``), units and the theme's facility layer unless given.
    """
    from .load import load_shipped_layer, shipped_provenance

    if theme not in THEMES:
        raise ConfigError(f"Unknown access theme {theme!r}; use one of {', '.join(THEMES)}.")
    settings = settings or access_settings(config)
    if network is None:
        network = _shipped_network(config, settings)
    land_note = ""
    if units is None:
        units = load_shipped_layer(config.units_layer, config=config)
        if land is None:  # the shipped units describe Futian: the project's land mask applies
            land, land_note = project_land_mask(config)
    facilities_prov: Mapping[str, Any] = {}
    if facilities is None:
        facilities = load_shipped_layer(THEME_LAYER[theme], config=config)
        facilities_prov = shipped_provenance(THEME_LAYER[theme], config=config)
    counted, note = select_scenario(facilities, scenario)
    distances = tuple(max_m) if max_m else settings.distances_m
    trim = settings.trim_m if trim_m is None else float(trim_m)
    quad_segs = config.coverage.quad_segs
    results, snapped = compute_access(
        network, counted, units, max_m=distances, trim_m=trim,
        max_snap_m=settings.max_snap_m if max_snap_m is None else float(max_snap_m),
        count_snap_distance=settings.count_snap_distance, land=land, residential=residential,
        population=population, quad_segs=quad_segs, ceiling=ceiling)
    illustrative = S.is_illustrative(facilities, facilities_prov) or "illustrative" in network.label.lower() \
        or "derived" in network.label.lower()
    notes = [f"{THEME_LAYER[theme]}: {note}.",
             (f"Network: {network.label or 'user network'}; service area = reached network "
              f"buffered by trim {trim:g} m; distances along the network (cost metres).")]
    if land_note:
        notes.append(land_note)
    if "coarse" in network.label.lower():
        notes.append("The network is DERIVED, COARSE (arterials from traffic-zone edges + "
                     "illustrative slow routes): no local streets, so network reach is "
                     "understated; use --network with a real centreline file.")
    if S.is_illustrative(facilities, facilities_prov):
        notes.append(f"ILLUSTRATIVE: the {THEME_LAYER[theme]} layer is illustrative, not "
                     "official data.")
    if theme == "metro":
        notes.append("Metro stations: Baidu POI 2015, partial (Lines 1–5 era), reference only.")
    return AccessRun(theme, tuple(results), snapped, report_connectivity(snapped.network),
                     settings.standard, illustrative, tuple(notes))


@dataclass(frozen=True)
class LifeCircleResult:
    """Which themes each life circle reaches, per unit and per 街道 (subdistrict).

    Frozen; ``units`` and ``subdistricts`` are the result's own tables.
    """

    circles: tuple[Circle, ...]
    themes: tuple[str, ...]
    runs: dict[str, AccessRun]
    units: pd.DataFrame
    subdistricts: pd.DataFrame | None
    reach_share: float
    standard: str
    notes: tuple[str, ...] = ()
    network: StreetNetwork | None = None

    def to_dict(self) -> dict:
        """Plain data for JSON."""
        def rows(frame):
            return None if frame is None else records(frame)
        return {
            "standard": self.standard,
            "project_choices": PROJECT_CHOICES,
            "reach_share": self.reach_share,
            "circles": [{"minutes": c.minutes, "distance_m": c.distance_m, "name_zh": c.name_zh}
                        for c in self.circles],
            "themes": list(self.themes),
            "units": rows(self.units),
            "subdistricts": rows(self.subdistricts),
            "futian": {t: {f"{c.minutes}min": run.results[i].overall.get("coverage")
                           for i, c in enumerate(self.circles)} for t, run in self.runs.items()},
            "notes": list(self.notes),
        }


def _circle_table(runs: dict[str, AccessRun], circles, share: float) -> pd.DataFrame:
    first = next(iter(runs.values())).results[0].units
    table = pd.DataFrame({S.ID: first[S.ID].to_numpy()})
    if S.NAME_ZH in first.columns:
        table[S.NAME_ZH] = first[S.NAME_ZH].to_numpy()
    for i, c in enumerate(circles):
        reached: list[list[str]] = [[] for _ in range(len(table))]
        for theme, run in runs.items():
            cov = run.results[i].units["coverage"].to_numpy(dtype=float)
            table[f"{theme}_{c.minutes}min"] = cov
            for k in np.flatnonzero(np.nan_to_num(cov) >= share):
                reached[k].append(theme)
        table[f"reached_{c.minutes}min"] = [",".join(r) for r in reached]
        table[f"count_{c.minutes}min"] = [len(r) for r in reached]
    return table


def run_lifecircle(
    config: Config,
    *,
    network: StreetNetwork | None = None,
    units: gpd.GeoDataFrame | None = None,
    subdistricts: gpd.GeoDataFrame | None = None,
    trim_m: float | None = None,
    land: gpd.GeoDataFrame | None = None,
    facilities: Mapping[str, gpd.GeoDataFrame] | None = None,
) -> LifeCircleResult:
    """Every theme at every life circle: per-unit and per-街道 table of themes reached.

    Subdistricts default to the shipped ``subdistricts`` layer when the catalogue has one.
    """
    from .io import read_catalog
    from .load import load_shipped_layer

    settings = access_settings(config)
    network = network or _shipped_network(config, settings)
    notes = [PROJECT_CHOICES]
    if units is None:
        units = load_shipped_layer(config.units_layer, config=config)
        if land is None:
            land, land_note = project_land_mask(config)
            if land_note:
                notes.append(land_note)
    if subdistricts is None and "subdistricts" in read_catalog(config.layers_dir):
        subdistricts = load_shipped_layer("subdistricts", config=config)
    if subdistricts is None:
        notes.append("No subdistricts (街道) layer shipped or given: per-街道 table omitted.")
    distances = [c.distance_m for c in settings.circles]
    runs: dict[str, AccessRun] = {}
    sub_runs: dict[str, AccessRun] = {}
    ceiling = sub_ceiling = None  # the whole network buffered: the same for every theme
    for theme in settings.themes:
        fac = (facilities or {}).get(theme)
        runs[theme] = run_access(theme, config, network=network, units=units, facilities=fac,
                                 max_m=distances, trim_m=trim_m, land=land, settings=settings,
                                 ceiling=ceiling)
        ceiling = runs[theme].results[0].ceiling_cov
        if subdistricts is not None:
            sub_runs[theme] = run_access(theme, config, network=network, units=subdistricts,
                                         facilities=fac, max_m=distances, trim_m=trim_m,
                                         land=land, settings=settings, ceiling=sub_ceiling)
            sub_ceiling = sub_runs[theme].results[0].ceiling_cov
        notes += [n for n in runs[theme].notes if n not in notes]
    return LifeCircleResult(
        circles=settings.circles, themes=settings.themes, runs=runs,
        units=_circle_table(runs, settings.circles, settings.reach_share),
        subdistricts=_circle_table(sub_runs, settings.circles, settings.reach_share) if sub_runs else None,
        reach_share=settings.reach_share, standard=settings.standard, notes=tuple(notes),
        network=network)


def compute_lifecircle_page(config: Any, layers: Mapping[str, Any]) -> Any:
    """The build's life-circle statistics, or None when no network layer is shipped."""
    from .io import read_catalog

    if access_settings(config).network_layer not in read_catalog(config.layers_dir):
        return None
    given = {t: layers[k] for t, k in THEME_LAYER.items() if layers.get(k) is not None}
    land, _ = project_land_mask(config)
    return run_lifecircle(config, units=layers["units"], subdistricts=layers.get("subdistricts"),
                          facilities=given, land=land)
