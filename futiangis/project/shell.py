"""The project itself: a folder (config + layer catalogue), its layers loaded on demand.

:class:`Project` is the only place that knows about the config file, the catalogue and
paths; it loads layers through the one door (:mod:`futiangis.load`). Its analyses live
beside it by theme (:mod:`.coverage_rules`, :mod:`.analyses`) and are mixed in here.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..config import CONFIG_NAME, Config, find_config, load_config
from ..errors import LayerReadError
from .analyses import PlanAnalyses
from .coverage_rules import CoverageRules

if TYPE_CHECKING:
    import geopandas as gpd

    from ..io import LayerInfo, RasterData
    from ..validate import PreparedLayer

#: layers a build needs (the boundary and the statistical units)
REQUIRED_LAYERS = ("district", "units")
#: the layers drawn on the theme maps (each optional)
THEME_LAYERS = ("cbd_zones", "renewal_sites", "parks", "slow_routes", "charging_stations",
                "bike_stations", "subdistricts")
#: theme layers drawn when present and not mentioned when absent
_OPTIONAL_LAYERS = ("subdistricts",)


@dataclass(frozen=True)
class Project(CoverageRules, PlanAnalyses):
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
        from ..summary import summary_text

        return summary_text(*self._summary())

    def _repr_html_(self) -> str:
        from ..summary import summary_html

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
            from ..io import read_catalog

            self._cache["catalog"] = read_catalog(self.layers_dir)
        return dict(self._cache["catalog"])

    @property
    def provenance(self) -> Mapping[str, Mapping[str, Any]]:
        """Layer kind → its provenance record (``layers/<kind>.meta.toml``: ``title_zh``,
        ``title_en``, ``source``, ``licence``, ``crs``, ``accuracy_class``, ``accuracy_m``,
        ``date``, ``notes``, ``path``), read-only; empty without a layers folder.

        The provenance travels beside the frames, never in ``gdf.attrs`` (which pandas
        documents as experimental and many operations drop): the shell hands this mapping
        to render (``ThemeContext.provenance``) and to the analyses that name their sources.
        """
        if "provenance" not in self._cache:
            try:
                catalog = self.catalog()
            except LayerReadError:
                catalog = {}
            self._cache["provenance"] = MappingProxyType(
                {kind: MappingProxyType(info.as_dict()) for kind, info in catalog.items()})
        return self._cache["provenance"]

    def provenance_of(self, frame: Any, kind: str) -> Mapping[str, Any]:
        """The provenance of ``frame`` if it is the project's own layer ``kind``, else ``{}``.

        A frame a caller brings (their own file) has no catalogue record; the project's
        cached layer (what :meth:`layer` and :meth:`build_layers` hand out) has one.
        """
        if frame is None or frame is self._cache.get(f"layer:{kind}"):
            return self.provenance.get(kind, {})
        return {}

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
            from ..load import load_district_wgs84

            self._cache["district_wgs84"] = load_district_wgs84(self.config)
        return self._cache["district_wgs84"]

    def layer(self, kind: str) -> gpd.GeoDataFrame:
        """Catalogue layer ``kind``, validated, in the working CRS (cached; do not modify)."""
        key = f"layer:{kind}"
        if key not in self._cache:
            from ..load import load_layer

            info = self.catalog().get(kind)
            if info is None:
                self.layer_path(kind)  # raises the message naming the catalogue
                raise AssertionError("unreachable")
            district = None if kind == self.config.region.district_layer else self.district_wgs84()
            self._cache[key] = load_layer(info.path, kind, config=self.config,
                                          district_wgs84=district).gdf
        return self._cache[key]

    def read_layer(self, path: str | Path, kind: str = "generic", **options: Any) -> PreparedLayer:
        """A planner's own file as layer ``kind`` (see :func:`futiangis.load.load_layer`)."""
        from ..load import load_layer

        options.setdefault("district_wgs84", self.district_wgs84())
        return load_layer(path, kind, config=self.config, **options)

    def read_raster(self, path: str | Path) -> RasterData:
        """A raster checked to overlap the district (see :func:`futiangis.load.load_raster`)."""
        from ..load import load_raster

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
