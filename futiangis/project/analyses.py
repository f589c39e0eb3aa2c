"""Target accounting, terrain and per-unit statistics of a project.

A mixin of :class:`~futiangis.project.Project`: each loads the project's layers unless
given and calls the pure core (:mod:`futiangis.targets`, :mod:`futiangis.terrain`,
:mod:`futiangis.join`).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import schemas as S
from ..errors import ConfigError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from ..config import Config
    from ..io import LayerInfo, RasterData
    from ..targets import TargetResult
    from ..terrain import TerrainResult


@dataclass(frozen=True)
class StatsSummary:
    """Per-unit statistics and what they rest on (``futiangis stats``).

    Attributes
    ----------
    table : DataFrame
        One row per unit or zone (:func:`futiangis.join.summarize_units`); the result's own.
    by : {"units", "zones"}
    unit_layer : str
        The catalogue layer of the rows.
    missing_layers, illustrative_layers : tuple of str
        Statistics layers not in the catalogue (their columns are left out) and those
        that are illustrative data.
    """

    table: pd.DataFrame
    by: str
    unit_layer: str
    missing_layers: tuple[str, ...] = ()
    illustrative_layers: tuple[str, ...] = ()


class PlanAnalyses:
    """Targets, terrain and stats of a :class:`~futiangis.project.Project` (mixed into it)."""

    if TYPE_CHECKING:  # provided by Project
        config: Config

        def catalog(self) -> dict[str, LayerInfo]: ...
        def layer(self, kind: str) -> gpd.GeoDataFrame: ...
        def has_layer(self, kind: str) -> bool: ...
        def provenance_of(self, frame: Any, kind: str) -> Mapping[str, Any]: ...
        def layer_path(self, kind: str) -> Path: ...
        def read_raster(self, path: str | Path) -> RasterData: ...

    def targets(
        self,
        *,
        sites: gpd.GeoDataFrame | None = None,
        zones: gpd.GeoDataFrame | None = None,
        areas: gpd.GeoDataFrame | None = None,
        as_of: Any = None,
        by: str | None = "subdistricts",
        sources: Mapping[str, str] | None = None,
    ) -> TargetResult:
        """Account ``[[targets]]`` against the sites (default: the project's layers).

        Parameters
        ----------
        sites, zones : GeoDataFrame, optional
            Sites (schema ``renewal_sites``) and CBD zones; default: the project's layers.
        areas : GeoDataFrame, optional
            Areas for ``by_area``; default: the project layer named by ``by``.
        as_of : date or str, optional
            Evaluation date (``YYYY-MM-DD`` or a year); default: each target's end.
        by : {"subdistricts", "units"} or None
            Which areas ``by_area`` uses (街道 or traffic zones); None: no area table.
        sources : mapping, optional
            ``sites`` / ``zones`` / ``areas`` → how the report names a frame the caller
            brings (e.g. its file); the project's own layers are named from the catalogue.

        Raises
        ------
        ConfigError
            If there are no targets or one names a measure the sites do not have.
        CRSError
            If the layers are not all in the same projected CRS (never reprojected here).
        """
        from ..crs import require_same_crs
        from ..errors import CRSError, LayerValidationError, Problem
        from ..targets import AREA_LAYERS, account_targets, parse_as_of

        as_of = parse_as_of(as_of)
        if not self.config.targets:
            raise ConfigError(
                f"{self.config.where}: no [[targets]] tables; add one per target (id, name_zh, "
                "name_en, target, unit, measure, layers, start, end) — see docs/targets.md."
            )
        if sites is None:
            sites = self.layer("renewal_sites")
        if zones is None:
            zones = self.layer("cbd_zones")
        if areas is None and by is not None:
            kind = AREA_LAYERS.get(by, by)
            areas = self.layer(kind) if self.has_layer(kind) else None
        frames = {"sites": sites, "zones": zones, "areas": areas}
        area_kind = AREA_LAYERS.get(by, by) if by is not None else "areas"
        prov = {"sites": self.provenance_of(sites, "renewal_sites"),
                "zones": self.provenance_of(zones, "cbd_zones"),
                "areas": self.provenance_of(areas, area_kind) if areas is not None else {}}

        def _source(role: str, default: str) -> str:
            return (sources or {}).get(role) or S.source_label(prov[role], default)

        for what, frame in frames.items():
            if frame is not None and frame.crs is None:
                raise CRSError(f"{what} have no CRS; load them with futiangis.load.load_layer "
                               "(--source-crs).")
        require_same_crs(*(f for f in frames.values() if f is not None),
                         what="target accounting (sites, zones, areas)")
        if S.ID not in zones.columns:
            raise LayerValidationError(_source("zones", "zones"), [Problem(
                "missing_field", "zones need an 'id' column.", field=S.ID)])
        result = account_targets(sites, zones, self.config.targets, as_of=as_of, areas=areas,
                                 area_kind=by if areas is not None else None,
                                 source=_source("sites", "sites"))
        labels = {"sites": _source("sites", "sites"), "zones": _source("zones", "zones")}
        if areas is not None:
            labels["areas"] = _source("areas", by or "areas")
        return dataclasses.replace(
            result, illustrative=(S.is_illustrative(sites, prov["sites"])
                                  or S.is_illustrative(zones, prov["zones"])),
            sources=labels)

    def terrain(
        self,
        *,
        routes: gpd.GeoDataFrame | None = None,
        parks: gpd.GeoDataFrame | None = None,
        dem: RasterData | str | Path | None = None,
        smooth_m: float | None = None,
    ) -> TerrainResult:
        """Route gradients and park elevations with the ``[terrain]`` settings."""
        from ..terrain import analyse_terrain

        settings = self.config.terrain
        if dem is None:
            dem = self.layer_path(settings.dem_layer)
        if isinstance(dem, str | Path):
            dem = self.read_raster(dem)
        if routes is None:
            routes = self.layer("slow_routes")
        if parks is None:
            parks = self.layer("parks")
        return analyse_terrain(
            routes, parks, dem,
            provenance={"slow_routes": self.provenance_of(routes, "slow_routes"),
                        "parks": self.provenance_of(parks, "parks")},
            sample_step_m=settings.sample_step_m,
            max_grade_pct=settings.cycling_max_grade_pct,
            smooth_m=settings.smooth_m if smooth_m is None else smooth_m,
        )

    def stats(self, by: str = "units") -> pd.DataFrame:
        """Stations, routes and parks per statistical unit (``units``) or CBD zone (``zones``).

        The table of :meth:`stats_summary`, which also says which layers were missing or
        illustrative.
        """
        return self.stats_summary(by).table

    def stats_summary(self, by: str = "units") -> StatsSummary:
        """:meth:`stats` with what the table rests on, as a frozen :class:`StatsSummary`."""
        from ..join import STATS_LAYERS, disjoint_zones, summarize_units

        if by not in ("units", "zones"):
            raise ConfigError(f"stats --by must be 'units' or 'zones', got {by!r}.")
        unit_kind = self.config.region.units_layer if by == "units" else "cbd_zones"
        units = self.layer(unit_kind)
        if by == "zones":
            geoms, _ = disjoint_zones(units)
            units = units.set_geometry(geoms)
        catalog = self.catalog()
        present = {k: self.layer(k) for k in STATS_LAYERS if self.has_layer(k)}
        return StatsSummary(
            table=summarize_units(units, present), by=by, unit_layer=unit_kind,
            missing_layers=tuple(k for k in STATS_LAYERS if k not in present),
            illustrative_layers=tuple(k for k in present if catalog[k].accuracy_class == "illustrative"))
