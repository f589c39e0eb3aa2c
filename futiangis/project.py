"""The project shell: a project folder (config + layer catalogue) -> loaded layers -> results.

A *project* is what a planner owns: a ``futiangis.toml`` and a ``layers/`` folder of
layers with ``*.meta.toml`` provenance sidecars (``futiangis init DIR`` writes one from
the Futian sample). :class:`Project` is the only place that knows about the config file,
the catalogue and paths; it loads layers through the one door (:mod:`futiangis.load`)
and hands GeoDataFrames and typed settings to the pure analysis modules
(:mod:`~futiangis.coverage`, :mod:`~futiangis.targets`, :mod:`~futiangis.terrain`,
:mod:`~futiangis.join`), which never see a :class:`~futiangis.config.Config`. The CLI, the
build and ``import futiangis as fg`` all stand on it.

The ``run_*`` functions are the same calls with a config in front, for scripts.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schemas as S
from .config import CONFIG_NAME, Config, find_config, load_config, sample_root
from .errors import ConfigError, LayerReadError, OutputError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from .coverage import CoverageResult
    from .io import LayerInfo, RasterData
    from .targets import TargetResult
    from .terrain import TerrainResult
    from .validate import PreparedLayer

__all__ = [
    "Project",
    "open_project",
    "init_project",
    "run_coverage",
    "run_target_accounting",
    "run_terrain",
    "stats_by",
    "load_build_layers",
    "PROJECT_README",
]

#: layers a build needs (the boundary and the statistical units)
REQUIRED_LAYERS = ("district", "units")
#: the layers drawn on the theme maps (each optional)
THEME_LAYERS = ("cbd_zones", "renewal_sites", "parks", "slow_routes", "charging_stations",
                "bike_stations", "subdistricts")
#: theme layers drawn when present and not mentioned when absent
_OPTIONAL_LAYERS = ("subdistricts",)


@dataclass(frozen=True)
class Project:
    """A project folder: its settings and its layer catalogue, loaded on demand.

    Layers are read, validated and reprojected to the working CRS once, then cached.

    Examples
    --------
    >>> project = open_project()            # ./futiangis.toml, else the Futian sample
    >>> project.config.crs.working
    'EPSG:4547'
    >>> "units" in project.catalog()
    True
    """

    config: Config
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def _summary(self) -> tuple[str, list[tuple[str, object]]]:
        try:
            kinds = ", ".join(sorted(self.catalog()))
        except LayerReadError:
            kinds = "(no layers folder)"
        rows: list[tuple[str, object]] = [
            ("config", self.config.where), ("layers", self.layers_dir), ("catalogue", kinds),
            ("working CRS", self.config.crs.working),
            ("targets", ", ".join(t.id for t in self.config.targets) or "none"),
            ("coverage themes", ", ".join(self.config.coverage.themes) or "none"),
        ]
        return f"Project {self.root}" + (" (packaged Futian sample)" if self.config.packaged else ""), rows

    def __repr__(self) -> str:
        from .summary import summary_text

        return summary_text(*self._summary())

    def _repr_html_(self) -> str:
        from .summary import summary_html

        return summary_html(*self._summary())

    # -- where things are ---------------------------------------------------------------
    @property
    def root(self) -> Path:
        """The project folder (where ``futiangis.toml`` is)."""
        return self.config.root

    @property
    def layers_dir(self) -> Path:
        """``[paths] layers``."""
        return self.config.paths.layers

    @property
    def maps_dir(self) -> Path:
        """``[paths] maps``: default output of ``futiangis build``."""
        return self.config.paths.maps

    def catalog(self) -> dict[str, LayerInfo]:
        """The layer catalogue: kind -> :class:`~futiangis.io.LayerInfo` (from the sidecars)."""
        if "catalog" not in self._cache:
            from .io import read_catalog

            self._cache["catalog"] = read_catalog(self.layers_dir)
        return dict(self._cache["catalog"])

    def has_layer(self, kind: str) -> bool:
        """True if the catalogue lists ``kind`` and its file exists."""
        try:
            info = self.catalog().get(kind)
        except LayerReadError:
            return False
        return info is not None and info.path.exists()

    def layer_path(self, kind: str) -> Path:
        """The file of catalogue layer ``kind`` (e.g. the DEM GeoTIFF)."""
        catalog = self.catalog()
        if kind not in catalog:
            raise LayerReadError(
                f"{self.layers_dir}: no layer {kind!r} in the catalogue (have: "
                f"{', '.join(sorted(catalog))}). Add {kind}.<ext> with a {kind}.meta.toml sidecar."
            )
        return catalog[kind].path

    # -- loading ------------------------------------------------------------------------
    def district_wgs84(self) -> gpd.GeoDataFrame | None:
        """The district boundary in EPSG:4326 (for location checks), or None."""
        if "district_wgs84" not in self._cache:
            from .load import load_district_wgs84

            self._cache["district_wgs84"] = load_district_wgs84(self.config)
        return self._cache["district_wgs84"]

    def layer(self, kind: str) -> gpd.GeoDataFrame:
        """Catalogue layer ``kind``, validated, in the working CRS (cached; do not modify)."""
        key = f"layer:{kind}"
        if key not in self._cache:
            from .load import load_layer

            info = self.catalog().get(kind)
            if info is None:
                self.layer_path(kind)  # raises the message naming the catalogue
                raise AssertionError("unreachable")
            district = None if kind == self.config.region.district_layer else self.district_wgs84()
            gdf = load_layer(info.path, kind, config=self.config, district_wgs84=district).gdf
            gdf.attrs["provenance"] = info.as_dict()
            self._cache[key] = gdf
        return self._cache[key]

    def read_layer(self, path: str | Path, kind: str = "generic", **options: Any) -> PreparedLayer:
        """A planner's own file as layer ``kind`` (see :func:`futiangis.load.load_layer`)."""
        from .load import load_layer

        options.setdefault("district_wgs84", self.district_wgs84())
        return load_layer(path, kind, config=self.config, **options)

    def read_raster(self, path: str | Path) -> RasterData:
        """A raster checked to overlap the district (see :func:`futiangis.load.load_raster`)."""
        from .load import load_raster

        return load_raster(path, config=self.config, district_wgs84=self.district_wgs84())

    def build_layers(self) -> tuple[dict[str, gpd.GeoDataFrame | None], list[str]]:
        """The layers of a build: ``district`` and ``units`` (required) and the theme layers.

        A theme layer that is not in the catalogue is ``None`` with a note (its map is
        drawn without it).
        """
        region = self.config.region
        layers: dict[str, gpd.GeoDataFrame | None] = {}
        notes: list[str] = []
        for kind in (region.district_layer, region.units_layer):
            layers[kind] = self.layer(kind)
        layers["district"] = layers[region.district_layer]
        layers["units"] = layers[region.units_layer]
        catalog = self.catalog()
        for kind in THEME_LAYERS:
            if kind not in catalog or not catalog[kind].path.exists():
                layers[kind] = None
                if kind not in _OPTIONAL_LAYERS:
                    notes.append(f"layer {kind!r} is not shipped (layers folder "
                                 f"{self.layers_dir.name}/): maps drawn without it.")
                continue
            layers[kind] = self.layer(kind)
        return layers, notes

    # -- analyses -----------------------------------------------------------------------
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

        from .coverage import (
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
            from .zonal import check_population_raster

            population = check_population_raster(population)
        illustrative = S.is_illustrative(facilities)
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

        from .coverage import CoverageInputError

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

    def targets(
        self,
        *,
        sites: gpd.GeoDataFrame | None = None,
        zones: gpd.GeoDataFrame | None = None,
        areas: gpd.GeoDataFrame | None = None,
        as_of: Any = None,
        by: str | None = "subdistricts",
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

        Raises
        ------
        ConfigError
            If there are no targets or one names a measure the sites do not have.
        CRSError
            If the layers are not all in the same projected CRS (never reprojected here).
        """
        from .crs import require_same_crs
        from .errors import CRSError, LayerValidationError, Problem
        from .targets import AREA_LAYERS, _source, account_targets, parse_as_of

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
        for what, frame in frames.items():
            if frame is not None and frame.crs is None:
                raise CRSError(f"{what} have no CRS; load them with futiangis.load.load_layer "
                               "(--source-crs).")
        require_same_crs(*(f for f in frames.values() if f is not None),
                         what="target accounting (sites, zones, areas)")
        if S.ID not in zones.columns:
            raise LayerValidationError(_source(zones, "zones"), [Problem(
                "missing_field", "zones need an 'id' column.", field=S.ID)])
        result = account_targets(sites, zones, self.config.targets, as_of=as_of, areas=areas,
                                 area_kind=by if areas is not None else None,
                                 source=_source(sites, "sites"))
        sources = {"sites": _source(sites, "sites"), "zones": _source(zones, "zones")}
        if areas is not None:
            sources["areas"] = _source(areas, by or "areas")
        return dataclasses.replace(
            result, illustrative=S.is_illustrative(sites) or S.is_illustrative(zones),
            sources=sources)

    def terrain(
        self,
        *,
        routes: gpd.GeoDataFrame | None = None,
        parks: gpd.GeoDataFrame | None = None,
        dem: RasterData | str | Path | None = None,
        smooth_m: float | None = None,
    ) -> TerrainResult:
        """Route gradients and park elevations with the ``[terrain]`` settings."""
        from .terrain import analyse_terrain

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
            sample_step_m=settings.sample_step_m,
            max_grade_pct=settings.cycling_max_grade_pct,
            smooth_m=settings.smooth_m if smooth_m is None else smooth_m,
        )

    def stats(self, by: str = "units") -> pd.DataFrame:
        """Stations, routes and parks per statistical unit (``units``) or CBD zone (``zones``).

        ``result.attrs`` holds ``by``, ``unit_layer``, ``missing_layers`` (kinds not in the
        catalogue) and ``illustrative_layers``.
        """
        from .join import STATS_LAYERS, disjoint_zones, summarize_units

        if by not in ("units", "zones"):
            raise ConfigError(f"stats --by must be 'units' or 'zones', got {by!r}.")
        unit_kind = self.config.region.units_layer if by == "units" else "cbd_zones"
        units = self.layer(unit_kind)
        if by == "zones":
            geoms, _ = disjoint_zones(units)
            units = units.set_geometry(geoms)
        catalog = self.catalog()
        present = {k: self.layer(k) for k in STATS_LAYERS if self.has_layer(k)}
        out = summarize_units(units, present)
        out.attrs["by"] = by
        out.attrs["unit_layer"] = unit_kind
        out.attrs["missing_layers"] = [k for k in STATS_LAYERS if k not in present]
        out.attrs["illustrative_layers"] = [
            k for k in present if catalog[k].accuracy_class == "illustrative"]
        return out


def open_project(path: str | Path | None = None) -> Project:
    """Open a project: a folder holding ``futiangis.toml``, or the ``.toml`` itself.

    Without ``path``: ``./futiangis.toml`` if present, else the packaged Futian sample.

    Raises
    ------
    ConfigError
        If there is no config there or it is invalid.
    """
    if path is None:
        return Project(find_config())
    p = Path(path)
    if p.is_dir():
        p = p / CONFIG_NAME
    return Project(load_config(p))


# ---------------------------------------------------------------------------------------
# futiangis init
# ---------------------------------------------------------------------------------------
PROJECT_README = """# futiangis project

This folder is a futiangis project: `futiangis.toml` (settings: CRS, targets, coverage
radii and thresholds, terrain) and `layers/` (one file per layer kind, each with a
`KIND.meta.toml` provenance sidecar: source, licence, CRS, accuracy). It started as a
copy of the Futian sample; the sample's CBD zones, renewal sites, parks, slow routes and
bike stations are ILLUSTRATIVE data.

Run commands from this folder (or pass `--config PATH/futiangis.toml`):

    futiangis layers                 # what is in layers/, with provenance
    futiangis build                  # maps/ : the interactive maps and index.html
    futiangis target                 # progress against [[targets]]

## Replacing a layer with your own

1. Check your file against the layer kind: `futiangis validate my_parks.shp --kind parks`
   (add `--source-crs gcj02` for coordinates copied from Gaode/Tencent, `--encoding gbk`
   for a GBK shapefile without .cpg).
2. Convert it into the project: `futiangis import my_parks.shp --kind parks -o layers/parks.gpkg`.
3. Edit `layers/parks.meta.toml`: set `file = "parks.gpkg"` and say where the data come
   from (source, licence, crs, crs_verified, accuracy_class, accuracy_m, date). Delete the
   old file if you no longer need it.

Settings are checked when loaded: an unknown key, a threshold outside 0–1 or a radius
that is not a positive number is refused with the key named.
"""


def init_project(dest: str | Path) -> Path:
    """Write a new project folder at ``dest`` from the Futian sample.

    Writes ``futiangis.toml``, ``layers/`` (every catalogue layer with its provenance
    sidecar) and ``README.md``. ``dest`` must not exist or be an empty folder; nothing
    is ever overwritten.

    Raises
    ------
    OutputError
        If ``dest`` is a file or a non-empty folder, or cannot be written.
    """
    import shutil
    import tempfile

    from .io import read_catalog

    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        what = "a file" if not dest.is_dir() else "a folder that is not empty"
        raise OutputError(f"{dest} is {what}; `futiangis init` writes only into a new or empty "
                          "folder. Choose another name.")
    sample = sample_root()
    sample_config = load_config(sample / CONFIG_NAME)
    catalog = read_catalog(sample_config.paths.layers)
    parent = dest.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=parent))
    except OSError as exc:
        raise OutputError(f"{dest}: cannot create the project folder ({exc.strerror}).") from None
    try:
        shutil.copyfile(sample / CONFIG_NAME, staging / CONFIG_NAME)
        layers = staging / "layers"
        layers.mkdir()
        for info in catalog.values():
            shutil.copyfile(info.path, layers / info.path.name)
            sidecar = info.path.parent / f"{info.kind}.meta.toml"
            if sidecar.exists():
                shutil.copyfile(sidecar, layers / sidecar.name)
        (staging / "README.md").write_text(PROJECT_README, encoding="utf-8")
        if dest.exists():
            dest.rmdir()  # empty (checked above); replaced by the staged folder
        staging.rename(dest)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{dest}: the project could not be written ({exc.strerror}); "
                          "nothing was left behind.") from None
    return dest


# ---------------------------------------------------------------------------------------
# the same calls with a config in front (scripts, tests)
# ---------------------------------------------------------------------------------------
def run_coverage(theme: str, config: Config, **options: Any) -> CoverageResult:
    """:meth:`Project.coverage` of the project described by ``config``."""
    return Project(config).coverage(theme, **options)


def run_target_accounting(config: Config, **options: Any) -> TargetResult:
    """:meth:`Project.targets` of the project described by ``config``."""
    return Project(config).targets(**options)


def run_terrain(config: Config, **options: Any) -> TerrainResult:
    """:meth:`Project.terrain` of the project described by ``config``."""
    return Project(config).terrain(**options)


def stats_by(config: Config, by: str = "units") -> pd.DataFrame:
    """:meth:`Project.stats` of the project described by ``config``."""
    return Project(config).stats(by)


def load_build_layers(config: Config) -> tuple[dict[str, gpd.GeoDataFrame | None], list[str]]:
    """:meth:`Project.build_layers` of the project described by ``config``."""
    return Project(config).build_layers()
