"""Basemaps through xyzservices, and the datum each one is drawn in.

=============  ==================================  ======
name           provider                            datum
=============  ==================================  ======
``osm``        OpenStreetMap.Mapnik (default)      WGS84
``cartodb``    CartoDB.Positron                    WGS84
``esri``       Esri.WorldImagery                   WGS84
``tianditu``   天地图 vec_w + cva_w (key needed)     WGS84 (CGCS2000, < 1 m apart)
``gaode``      Gaode.Normal (高德)                  GCJ-02
``none``       no tiles (offline meetings)          WGS84
=============  ==================================  ======

Gaode tiles are drawn in GCJ-02, ~500–600 m off WGS84 in Futian, so every overlay is
shifted WGS84 → GCJ-02 (:func:`futiangis.crs.transform_geometries`) before rendering
on it. The Tianditu key is read by the caller (the CLI reads ``TIANDITU_KEY``) and
passed in; nothing here reads the environment.
"""
from __future__ import annotations

from dataclasses import dataclass

import xyzservices
import xyzservices.providers as xyz

from ..errors import ConfigError

__all__ = ["BASEMAPS", "DEFAULT_BASEMAP", "Basemap", "get_basemap", "TIANDITU_KEY_ENV"]

DEFAULT_BASEMAP = "osm"
TIANDITU_KEY_ENV = "TIANDITU_KEY"
BASEMAPS = ("osm", "cartodb", "esri", "tianditu", "gaode", "none")


@dataclass(frozen=True)
class Basemap:
    """A resolved basemap: tile providers (bottom first) and the datum overlays must use."""

    name: str
    title_zh: str
    title_en: str
    providers: tuple[xyzservices.TileProvider, ...]
    datum: str = "wgs84"

    @property
    def has_tiles(self) -> bool:
        """False for ``none``."""
        return bool(self.providers)


def _tianditu(layer: str, key: str, name: str) -> xyzservices.TileProvider:
    return xyzservices.TileProvider(
        name=name,
        url=(
            "https://t{s}.tianditu.gov.cn/" + layer + "_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
            "&VERSION=1.0.0&LAYER=" + layer + "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
            "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={apikey}"
        ),
        attribution="&copy; 天地图 Tianditu (国家地理信息公共服务平台)",
        subdomains="01234567",
        max_zoom=18,
        apikey=key,
    )


def get_basemap(name: str = DEFAULT_BASEMAP, *, tianditu_key: str | None = None) -> Basemap:
    """Resolve a basemap name.

    Raises
    ------
    ConfigError
        For an unknown name, or ``tianditu`` without a key.
    """
    key = (name or DEFAULT_BASEMAP).strip().lower()
    if key in ("openstreetmap", "osm"):
        return Basemap("osm", "OpenStreetMap", "OpenStreetMap", (xyz.OpenStreetMap.Mapnik,))
    if key in ("cartodb", "carto", "positron"):
        return Basemap("cartodb", "CartoDB 浅色", "CartoDB Positron", (xyz.CartoDB.Positron,))
    if key in ("esri", "imagery", "esri_imagery"):
        return Basemap("esri", "Esri 影像", "Esri World Imagery", (xyz.Esri.WorldImagery,))
    if key == "tianditu":
        if not tianditu_key:
            raise ConfigError(
                f"--basemap tianditu needs a Tianditu (天地图) key: set the environment "
                f"variable {TIANDITU_KEY_ENV} (free key from console.tianditu.gov.cn), or "
                "choose another basemap (osm, cartodb, esri, gaode, none)."
            )
        return Basemap(
            "tianditu", "天地图", "Tianditu",
            (_tianditu("vec", tianditu_key, "Tianditu.Vector"),
             _tianditu("cva", tianditu_key, "Tianditu.Annotation")),
        )
    if key in ("gaode", "amap", "autonavi"):
        return Basemap("gaode", "高德地图", "Gaode (AutoNavi)", (xyz.Gaode.Normal,), datum="gcj02")
    if key == "none":
        return Basemap("none", "无底图", "No basemap", ())
    raise ConfigError(f"Unknown basemap {name!r}; use one of: {', '.join(BASEMAPS)}.")
