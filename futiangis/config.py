"""One explicit configuration object, loaded from a TOML file and passed around.

Nothing in futiangis reads settings from globals or the working directory: every
function that needs a setting takes a :class:`Config` (or the value itself).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from pyproj import CRS

from .errors import ConfigError

__all__ = ["Config", "load_config", "default_config_path"]


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class Config:
    """Project settings.

    Attributes
    ----------
    path : Path or None
        File the settings came from.
    working_crs, render_crs : str
        CRS for measurement (projected, metres) and for web rendering.
    layers_dir, maps_dir : Path
        Absolute folders for the shipped layers and generated maps.
    shenzhen_bbox_wgs84 : tuple of 4 floats
        (min lon, min lat, max lon, max lat) plausibility window for input data.
    sections : Mapping
        The whole TOML document, read-only, for the analysis modules
        (``targets``, ``coverage``, ``terrain`` …) to parse their own sections.
    """

    path: Path | None
    working_crs: str = "EPSG:4547"
    render_crs: str = "EPSG:4326"
    layers_dir: Path = Path("layers")
    maps_dir: Path = Path("maps")
    shenzhen_bbox_wgs84: tuple[float, float, float, float] = (113.70, 22.35, 114.70, 22.90)
    district_layer: str = "district"
    units_layer: str = "units"
    gcj02_check_min_points: int = 5
    sliver_area_m2: float = 1.0
    sections: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def section(self, name: str) -> Mapping[str, Any]:
        """Return a read-only top-level section (empty mapping if absent)."""
        return self.sections.get(name, MappingProxyType({}))


def default_config_path() -> Path:
    """The project's ``futiangis.toml``: beside the package (source/editable install)."""
    return Path(__file__).resolve().parent.parent / "futiangis.toml"


def load_config(path: str | Path | None = None) -> Config:
    """Load settings from ``path`` (default: :func:`default_config_path`).

    Raises
    ------
    ConfigError
        If the file is missing, is not valid TOML, or holds an invalid value.
    """
    path = Path(path) if path is not None else default_config_path()
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(
            f"Config file {path} not found. Pass --config PATH or create futiangis.toml "
            "(see the README for the keys)."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix the syntax and retry.") from None
    base = path.resolve().parent
    crs = doc.get("crs", {})
    paths = doc.get("paths", {})
    region = doc.get("region", {})
    validation = doc.get("validation", {})
    working = crs.get("working", "EPSG:4547")
    try:
        wcrs = CRS.from_user_input(working)
    except Exception:
        raise ConfigError(f"{path}: [crs] working = {working!r} is not a known CRS.") from None
    if not wcrs.is_projected:
        raise ConfigError(
            f"{path}: [crs] working = {working!r} is geographic; areas need a projected "
            "CRS in metres such as EPSG:4547."
        )
    bbox = tuple(float(v) for v in region.get("shenzhen_bbox_wgs84", (113.70, 22.35, 114.70, 22.90)))
    if len(bbox) != 4 or bbox[0] >= bbox[2] or bbox[1] >= bbox[3]:
        raise ConfigError(
            f"{path}: [region] shenzhen_bbox_wgs84 must be [min_lon, min_lat, max_lon, max_lat]."
        )
    return Config(
        path=path,
        working_crs=working,
        render_crs=crs.get("render", "EPSG:4326"),
        layers_dir=(base / paths.get("layers", "layers")).resolve(),
        maps_dir=(base / paths.get("maps", "maps")).resolve(),
        shenzhen_bbox_wgs84=bbox,  # type: ignore[arg-type]
        district_layer=region.get("district_layer", "district"),
        units_layer=region.get("units_layer", "units"),
        gcj02_check_min_points=int(region.get("gcj02_check_min_points", 5)),
        sliver_area_m2=float(validation.get("sliver_area_m2", 1.0)),
        sections=_freeze(doc),
    )
