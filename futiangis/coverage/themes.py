"""Coverage themes (parks, charging, bike) with the config's rules: the shell over the core.

Reads the ``[coverage.<theme>]`` settings, loads the shipped layers when none are given, and
applies the project's land mask and each rule's declared scope before calling
:func:`~futiangis.coverage.compute.compute_coverage`.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Mapping

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from .. import schemas as S
from ..config import Config
from ..errors import ConfigError
from ..io import RasterData
from .compute import compute_coverage
from .radii import park_exclusions, park_radii
from .result import COVERAGE, CoverageInputError, CoverageResult, verdict_of

__all__ = ["THEMES", "SCENARIOS", "run_coverage", "select_scenario"]

THEMES = ("parks", "charging", "bike")
#: ``current``: only facilities whose status is ``completed`` (built) count;
#: ``planned``: every facility in the layer counts (the situation "after the plan").
SCENARIOS = ("current", "planned")
_THEME_LAYER = {"parks": "parks", "charging": "charging_stations", "bike": "bike_stations"}


def _theme_settings(theme: str, config: Config) -> Mapping[str, Any]:
    if theme not in THEMES:
        raise ConfigError(f"Unknown coverage theme {theme!r}; use one of {', '.join(THEMES)}.")
    section = config.section("coverage").get(theme)
    if section is None:
        raise ConfigError(
            f"{config.path}: no [coverage.{theme}] section; add its radius_m (or radii), "
            "standard and threshold (see docs/coverage.md)."
        )
    return section


def select_scenario(facilities: gpd.GeoDataFrame, scenario: str) -> tuple[gpd.GeoDataFrame, str]:
    """Facilities that count in ``scenario`` and a note saying which.

    ``current`` keeps status ``completed`` (built); ``planned`` keeps every status. A
    layer without a status column (the charging stations: real, built stations of
    2022–23) counts whole in both.
    """
    if scenario not in SCENARIOS:
        raise ConfigError(f"Unknown scenario {scenario!r}; use one of {', '.join(SCENARIOS)}.")
    if S.STATUS not in facilities.columns:
        return facilities, "all facilities count (the layer has no status: built facilities)"
    if scenario == "planned":
        return facilities, "all statuses count (planned, approved, under construction, completed)"
    built = facilities[facilities[S.STATUS].astype(str) == "completed"]
    return built, f"only status 'completed' counts ({len(built)} of {len(facilities)})"


def run_coverage(
    theme: str,
    config: Config,
    *,
    units: gpd.GeoDataFrame | None = None,
    facilities: gpd.GeoDataFrame | None = None,
    radius_m=None,
    population: RasterData | str | Path | None = None,
    residential: gpd.GeoDataFrame | None = None,
    scenario: str = "current",
    district: gpd.GeoDataFrame | None = None,
    water: gpd.GeoDataFrame | None = None,
    by: str = "units",
    project_masks: bool | None = None,
) -> CoverageResult:
    """Coverage for a theme (``parks``, ``charging``, ``bike``) with the config's radii.

    Loads the shipped ``units``, ``district`` and facility layer (``parks``,
    ``charging_stations``, ``bike_stations``) unless given. With your own ``units`` and no
    ``district``, the overall figure is for the union of your units (not Futian).

    Parameters
    ----------
    theme : {"parks", "charging", "bike"}
    config : Config
        ``[coverage]`` gives quad_segs; ``[coverage.<theme>]`` the radius (``radius_m``,
        or ``radii`` rules by park size for parks), ``standard`` and ``threshold``.
    units, facilities, district : GeoDataFrame, optional
        Layers in the working CRS (e.g. from :func:`futiangis.load.load_layer`).
    radius_m : float or Series, optional
        Overrides the configured radius (for parks: one radius for every park).
    population : RasterData or path, optional
        Population raster (people per cell) for population coverage.
    residential : GeoDataFrame, optional
        Residential land as the denominator.
    water : GeoDataFrame, optional
        Water polygons: the land mask becomes the district minus them.
    by : {"units", "subdistricts"}
        Which shipped layer gives the rows when ``units`` is not given.
    project_masks : bool, optional
        Apply the configured land mask (``[coverage] land_mask``) and the theme's ``scope``;
        default: only for the shipped units (your own units describe your own area).
    scenario : {"current", "planned"}
        ``current``: only ``completed`` facilities count (today); ``planned``: all
        statuses (after the plan). Charging stations have no status and all count.

    Returns
    -------
    CoverageResult
    """
    from ..load import load_raster, load_shipped_layer

    from ..errors import LayerReadError

    settings = _theme_settings(theme, config)
    shipped_units = units is None if project_masks is None else bool(project_masks)
    if units is None:
        units = load_shipped_layer(config.units_layer if by == "units" else by, config=config)
        if district is None:
            district = load_shipped_layer(config.district_layer, config=config)
    # the configured land mask and scope describe Futian: applied to the shipped units (your
    # own units get a mask from --water)
    land, land_note = (_land_mask(config, water, district, load_shipped_layer, LayerReadError)
                       if shipped_units or water is not None else (None, ""))
    scope, scope_note = (_scope(settings, config, load_shipped_layer, LayerReadError)
                         if shipped_units else (None, ""))
    if facilities is None:
        facilities = load_shipped_layer(_THEME_LAYER[theme], config=config)
    if isinstance(population, (str, Path)):
        population = load_raster(population, config=config)
    illustrative = S.is_illustrative(facilities)
    counted, note = select_scenario(facilities, scenario)
    excluded = None
    rule_text = str(settings.get("rule", ""))
    if radius_m is None:
        if theme == "parks":
            rules = settings.get("radii")
            if not rules:
                raise ConfigError(
                    f"{config.path}: [coverage.parks] needs radii = [{{ min_area_m2 = 0, "
                    "radius_m = 300 }, ...] (or pass --radius-m)."
                )
            exclude = tuple(str(c) for c in settings.get("exclude_classes", ("nature_reserve",)))
            radius_m = park_radii(counted, rules, exclude_classes=exclude)
            excluded = park_exclusions(counted, radius_m, exclude_classes=exclude)
            keep = radius_m.notna()
            counted, radius_m = counted[keep], radius_m[keep]
        elif "spacing_m" in settings:  # a spacing is not a radius: convert it by the stated rule
            rule = str(settings.get("radius_rule", "square_grid"))
            if rule != "square_grid":
                raise ConfigError(f"{config.path}: [coverage.{theme}] radius_rule = {rule!r}; use \"square_grid\".")
            radius_m = float(settings["spacing_m"]) / math.sqrt(2.0)
            rule_text = (f"stations {float(settings['spacing_m']):g} m apart on a square grid leave no point farther "
                         f"than spacing/√2 = {radius_m:.0f} m from a station: that is the coverage radius")
        else:
            if "radius_m" not in settings:
                raise ConfigError(f"{config.path}: [coverage.{theme}] needs radius_m (metres).")
            radius_m = float(settings["radius_m"])
    elif isinstance(radius_m, pd.Series):
        radius_m = radius_m.loc[counted.index]
    quad_segs = int(config.section("coverage").get("quad_segs", 64))
    result = compute_coverage(
        counted,
        units,
        radius_m=radius_m,
        quad_segs=quad_segs,
        district=district,
        residential=residential,
        population=population,
        standard=str(settings.get("standard", "")),
        threshold=float(settings["threshold"]) if "threshold" in settings else None,
        land=land,
        scope=scope,
    )
    result.clause = str(settings.get("clause", ""))
    result.deadline = str(settings["deadline"]) if settings.get("deadline") else None
    result.rule = rule_text
    result.excluded = excluded
    for n in (land_note, scope_note):
        if n:
            result.notes.append(n)
    if excluded is not None and len(excluded):
        result.notes.append("Not counted: " + "; ".join(f"{r.id} ({r.reason})" for r in excluded.itertuples()))
    if S.OUTSIDE_DISTRICT in counted.columns:
        n_out = int(counted[S.OUTSIDE_DISTRICT].fillna(False).astype(bool).sum())
        if n_out:
            result.notes.append(f"{n_out} facilities outside the district boundary count: they serve land inside it.")
    _unit_verdicts(result)
    if theme == "parks" and isinstance(result.radius_m, dict) and result.radius_m["mode"] in ("per_facility", "constant") and excluded is not None:
        result.radius_m["mode"] = "by_park_area"
        result.radius_m["rules"] = [dict(r) for r in settings.get("radii", ())]
    result.theme = theme
    result.scenario = scenario
    result.illustrative = illustrative
    result.has_status = S.STATUS in facilities.columns
    result.notes.append(f"{_THEME_LAYER[theme]}: {note}.")
    if illustrative:
        result.notes.append(
            f"ILLUSTRATIVE: the {_THEME_LAYER[theme]} layer is illustrative, not official "
            "data; coverage figures show the method, not the real situation."
        )
    if theme == "charging":
        result.notes.append(
            "Charging stations are the UrbanEV snapshot of Sep 2022–Feb 2023 (real, built)."
        )
    return result


def _unit_verdicts(result: CoverageResult) -> None:
    """Every unit row says 达标/未达标 and by how many percentage points."""
    v = [verdict_of(c, result.threshold, result.deadline) for c in result.units[COVERAGE]]
    result.units["verdict"] = [x["verdict"] for x in v]
    result.units["verdict_zh"] = [x["verdict_zh"] for x in v]
    result.units["margin_pp"] = [x["margin_pp"] for x in v]


def _land_mask(config: Config, water, district, load, read_error) -> tuple[BaseGeometry | None, str]:
    """District minus water: a planner's water layer, else the shipped 街道 union (land only)."""
    if water is not None:
        if district is None:
            raise CoverageInputError("a water layer needs the district boundary to subtract it from.")
        land = shapely.difference(shapely.union_all(district.geometry.to_numpy()),
                                  shapely.union_all(water.geometry.to_numpy()))
        return land, "Land mask: the district minus the water layer given."
    source = str(config.section("coverage").get("land_mask", ""))
    if not source:
        return None, ""
    try:
        layer = load(source, config=config)
    except read_error:
        return None, f"Land mask layer {source!r} not shipped: denominators include water."
    return (shapely.union_all(layer.geometry.to_numpy()),
            f"Land mask: union of the shipped {source!r} polygons (land only; the sea and river channels "
            "are not counted as uncovered).")


def _scope(settings, config: Config, load, read_error) -> tuple[BaseGeometry | None, str]:
    """The declared scope of a rule, e.g. ``scope = "cbd_zones:zone_core"``."""
    text = str(settings.get("scope", ""))
    if not text:
        return None, ""
    kind, _, fid = text.partition(":")
    try:
        layer = load(kind, config=config)
    except read_error:
        return None, f"Scope layer {kind!r} not shipped: the rule is applied to the whole district."
    if fid:
        layer = layer[layer[S.ID].astype(str) == fid]
        if layer.empty:
            raise ConfigError(f"{config.path}: scope {text!r}: no feature {fid!r} in {kind!r}.")
    return shapely.union_all(layer.geometry.to_numpy()), f"Scope: the rule applies within {text}."
