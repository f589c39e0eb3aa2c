"""Coverage with the project's rules: radii from ``[coverage.<theme>]``, land mask, scope.

A mixin of :class:`~futiangis.project.Project`: it loads the layers a theme needs and hands
GeoDataFrames and typed settings to the pure :mod:`futiangis.coverage`.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import schemas as S
from ..errors import ConfigError

if TYPE_CHECKING:
    import geopandas as gpd

    from ..config import Config
    from ..coverage import CoverageResult
    from ..io import RasterData


class CoverageRules:
    """The coverage analysis of a :class:`~futiangis.project.Project` (mixed into it)."""

    if TYPE_CHECKING:  # provided by Project
        config: Config

        def layer(self, kind: str) -> gpd.GeoDataFrame: ...
        def has_layer(self, kind: str) -> bool: ...
        def read_raster(self, path: str | Path) -> RasterData: ...
        def provenance_of(self, frame: Any, kind: str) -> Mapping[str, Any]: ...

    def coverage(
        self,
        theme: str,
        *,
        units: gpd.GeoDataFrame | None = None,
        facilities: gpd.GeoDataFrame | None = None,
        radius_m: Any = None,
        population: RasterData | str | Path | None = None,
        residential: gpd.GeoDataFrame | None = None,
        scenario: str = "current",
        district: gpd.GeoDataFrame | None = None,
        water: gpd.GeoDataFrame | None = None,
        by: str = "units",
        project_masks: bool | None = None,
    ) -> CoverageResult:
        """Coverage for ``theme`` with the rules of ``[coverage.<theme>]``.

        Loads the project's units (or the layer named by ``by``), district and the theme's
        facility layer unless given. With your own ``units`` and no ``district``, the
        overall figure is for the union of your units.

        Parameters
        ----------
        theme : str
            A ``[coverage.<theme>]`` of the config (``parks``, ``charging``, ``bike`` …).
        radius_m : float or Series, optional
            Overrides the configured radius (for parks: one radius for every park).
        population : RasterData or path, optional
            People per cell, for population coverage.
        residential : GeoDataFrame, optional
            Residential land as the denominator.
        water : GeoDataFrame, optional
            Water polygons: the land mask becomes the district minus them.
        by : {"units", "subdistricts"}
            Which project layer gives the rows when ``units`` is not given.
        project_masks : bool, optional
            Apply ``[coverage] land_mask`` and the theme's ``scope`` (default: only for the
            project's own units; your own units describe your own area).
        scenario : {"current", "planned"}
            ``current``: only ``completed`` facilities count; ``planned``: all statuses.
        """
        import pandas as pd

        from ..coverage import (
            compute_coverage,
            park_exclusions,
            park_radii,
            select_scenario,
            with_unit_verdicts,
        )

        settings = self.config.coverage.theme(theme)
        if settings is None:
            known = ", ".join(self.config.coverage.themes) or "none"
            raise ConfigError(
                f"{self.config.where}: no [coverage.{theme}] section (configured themes: "
                f"{known}); add its radius_m (or radii), standard and threshold "
                "(see docs/coverage.md)."
            )
        region = self.config.region
        own_units = units is None if project_masks is None else bool(project_masks)
        if units is None:
            units = self.layer(region.units_layer if by == "units" else by)
            if district is None:
                district = self.layer(region.district_layer)
        land, land_note = (self._land_mask(water, district)
                           if own_units or water is not None else (None, ""))
        scope, scope_note = self._scope(settings.scope) if own_units else (None, "")
        from_catalog = facilities is None
        if facilities is None:
            facilities = self.layer(settings.layer)
        if isinstance(population, str | Path):
            population = self.read_raster(population)
        if population is not None:  # people per cell: −9999 fill values are not people
            from ..zonal import check_population_raster

            population = check_population_raster(population)
        illustrative = S.is_illustrative(facilities, self.provenance_of(facilities, settings.layer))
        counted, note = select_scenario(facilities, scenario)
        excluded = None
        rule_text = settings.rule
        if radius_m is None:
            if settings.radii:
                rules = [r.as_dict() for r in settings.radii]
                radius_m = park_radii(counted, rules, exclude_classes=settings.exclude_classes)
                excluded = park_exclusions(counted, radius_m, exclude_classes=settings.exclude_classes)
                keep = radius_m.notna()
                counted, radius_m = counted[keep], radius_m[keep]
            elif settings.radius_m is None and settings.spacing_m is not None:
                # a spacing is not a radius: converted by the stated rule (square grid)
                radius_m = settings.service_radius_m
                rule_text = (f"stations {settings.spacing_m:g} m apart on a square grid leave no point "
                             f"farther than spacing/√2 = {radius_m:.0f} m from a station: that is "
                             "the coverage radius")
            else:
                radius_m = settings.radius_m
        elif isinstance(radius_m, pd.Series):
            radius_m = radius_m.loc[counted.index]
        result = compute_coverage(
            counted,
            units,
            radius_m=radius_m,
            quad_segs=self.config.coverage.quad_segs,
            district=district,
            residential=residential,
            population=population,
            standard=settings.standard,
            threshold=settings.threshold,
            land=land,
            scope=scope,
        )
        notes = [n for n in (land_note, scope_note) if n]
        if excluded is not None and len(excluded):
            notes.append("Not counted: " + "; ".join(
                f"{r.id} ({r.reason})" for r in excluded.itertuples()))
        if S.OUTSIDE_DISTRICT in counted.columns:
            n_out = int(counted[S.OUTSIDE_DISTRICT].fillna(False).astype(bool).sum())
            if n_out:
                notes.append(f"{n_out} facilities outside the district boundary count: "
                             "they serve land inside it.")
        radius_info = result.radius_m
        if (settings.radii and isinstance(radius_info, dict) and excluded is not None
                and radius_info["mode"] in ("per_facility", "constant")):
            radius_info = {**radius_info, "mode": "by_park_area",
                           "rules": [r.as_dict() for r in settings.radii]}
        notes.append(f"{settings.layer}: {note}.")
        if illustrative:
            notes.append(
                f"ILLUSTRATIVE: the {settings.layer} layer is illustrative, not official "
                "data; coverage figures show the method, not the real situation."
            )
        if from_catalog and settings.layer == "charging_stations":
            notes.append(
                "Charging stations are the UrbanEV snapshot of Sep 2022–Feb 2023 (real, built).")
        # the result is frozen: everything the shell knows goes in with one copy
        result = dataclasses.replace(
            result, clause=settings.clause, deadline=settings.deadline or None, rule=rule_text,
            excluded=excluded, radius_m=radius_info, theme=theme, scenario=scenario,
            illustrative=illustrative, has_status=S.STATUS in facilities.columns,
            notes=(*result.notes, *notes))
        return with_unit_verdicts(result)

    def _land_mask(self, water: gpd.GeoDataFrame | None,
                   district: gpd.GeoDataFrame | None) -> tuple[Any, str]:
        """District minus water: a planner's water layer, else the ``[coverage] land_mask`` layer."""
        import shapely

        from ..coverage import CoverageInputError

        if water is not None:
            if district is None:
                raise CoverageInputError("a water layer needs the district boundary to subtract it from.")
            land = shapely.difference(shapely.union_all(district.geometry.to_numpy()),
                                      shapely.union_all(water.geometry.to_numpy()))
            return land, "Land mask: the district minus the water layer given."
        source = self.config.coverage.land_mask
        if not source:
            return None, ""
        if not self.has_layer(source):
            return None, f"Land mask layer {source!r} not shipped: denominators include water."
        layer = self.layer(source)
        return (shapely.union_all(layer.geometry.to_numpy()),
                f"Land mask: union of the shipped {source!r} polygons (land only; the sea and river "
                "channels are not counted as uncovered).")

    def _scope(self, text: str) -> tuple[Any, str]:
        """The declared scope of a rule, e.g. ``scope = "cbd_zones:zone_core"``."""
        import shapely

        if not text:
            return None, ""
        kind, _, fid = text.partition(":")
        if not self.has_layer(kind):
            return None, f"Scope layer {kind!r} not shipped: the rule is applied to the whole district."
        layer = self.layer(kind)
        if fid:
            layer = layer[layer[S.ID].astype(str) == fid]
            if layer.empty:
                raise ConfigError(f"{self.config.where}: scope {text!r}: no feature {fid!r} in {kind!r}.")
        return shapely.union_all(layer.geometry.to_numpy()), f"Scope: the rule applies within {text}."
