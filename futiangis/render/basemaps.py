"""Basemaps through xyzservices, and the datum each one is drawn in.

=============  ==================================  ======
name           provider                            datum
=============  ==================================  ======
``osm``        OpenStreetMap.Mapnik                WGS84
``cartodb``    CartoDB.Positron                    WGS84
``esri``       Esri.WorldImagery                   WGS84
``tianditu``   天地图 vec_w + cva_w (key needed)     WGS84 (CGCS2000, < 1 m apart)
``gaode``      Gaode.Normal (高德)                  GCJ-02
``none``       no tiles (default: works offline)    WGS84
=============  ==================================  ======

Every page carries all of them in a basemap switcher (:func:`page_basemaps`); the
build's ``--basemap`` only picks the one selected on opening. Gaode tiles are drawn in
GCJ-02, ~500–600 m off WGS84 in Futian: when it is chosen, the page shifts every
overlay WGS84 → GCJ-02 in the browser (``futiangis.js``, the formula of
:mod:`futiangis.crs` ported and tested against it). The Tianditu key is read by the
caller (the CLI reads ``TIANDITU_KEY``) and passed in; nothing here reads the
environment. Without a key Tianditu is left out of the switcher.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import xyzservices
import xyzservices.providers as xyz

from ..errors import ConfigError

__all__ = ["BASEMAPS", "DEFAULT_BASEMAP", "Basemap", "get_basemap", "page_basemaps", "TIANDITU_KEY_ENV"]

DEFAULT_BASEMAP = "none"
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
        gaode = xyzservices.TileProvider({**xyz.Gaode.Normal, "url": xyz.Gaode.Normal["url"].replace("http://", "https://")})
        return Basemap("gaode", "高德地图", "Gaode (AutoNavi)", (gaode,), datum="gcj02")
    if key == "none":
        return Basemap("none", "无底图", "No basemap", ())
    raise ConfigError(f"Unknown basemap {name!r}; use one of: {', '.join(BASEMAPS)}.")


_TILE_PLACEHOLDERS = re.compile(r"\{([a-zA-Z_]+)\}")


def _tile_url(provider: xyzservices.TileProvider) -> str:
    """The provider's URL template with its own options filled in ({s}/{z}/{x}/{y} kept)."""
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name in ("s", "x", "y", "z"):
            return match.group(0)
        if name == "r":
            return ""
        return str(provider.get(name, match.group(0)))
    url = _TILE_PLACEHOLDERS.sub(fill, str(provider["url"]))
    return re.sub(r"[?&]key=<insert[^&]*", "", url)  # CartoDB's placeholder for an optional key


def page_basemaps(*, lang: str = "zh", tianditu_key: str | None = None) -> list[dict]:
    """Every basemap of the page's switcher: key, escaped title, datum and tile templates.

    ``none`` first (the page works offline); Tianditu only with a key.
    """
    from .popups import bilingual, esc

    # attributions are the providers' own (trusted) HTML; titles are ours, escaped
    out = []
    for name in ("none", "osm", "cartodb", "esri", "tianditu", "gaode"):
        if name == "tianditu" and not tianditu_key:
            continue
        b = get_basemap(name, tianditu_key=tianditu_key)
        title = bilingual(b.title_zh, b.title_en, lang)
        if b.datum == "gcj02":
            title += " (GCJ-02)"
        out.append({
            "key": b.name, "title": esc(title), "datum": b.datum,
            "tiles": [{"url": _tile_url(p), "attribution": p.get("html_attribution") or p.get("attribution", ""),
                       "subdomains": p.get("subdomains", "abc"), "maxZoom": int(p.get("max_zoom", 18))}
                      for p in b.providers],
        })
    return out
