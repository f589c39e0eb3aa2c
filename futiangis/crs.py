"""Coordinate reference systems: the working CRS and China's obfuscated datums.

* Working CRS: EPSG:4547 (CGCS2000 / 3-degree Gauss-Krüger CM 114E), metres.
  All areas, lengths and buffers are computed there; EPSG:4326 only to render.
* GCJ-02 ("Mars coordinates", used by Gaode/AutoNavi, Tencent and most Chinese web
  maps) and BD-09 (Baidu) are not EPSG CRSs but deterministic offsets from WGS84 of
  a few hundred metres. The forward WGS84 -> GCJ-02 formula is public; the inverse
  has no closed form, so :func:`gcj02_to_wgs84` solves it by fixed-point iteration
  to better than 1e-9 degrees (≈ 0.1 mm).

All converters are vectorised over NumPy arrays and apply to any shapely geometry
(points, lines, polygons, multi-parts) through :func:`shapely.transform`.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from .errors import CRSError

__all__ = [
    "WORKING_CRS",
    "RENDER_CRS",
    "SOURCE_CRS_CHOICES",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "wgs84_to_bd09",
    "bd09_to_wgs84",
    "transform_geometries",
    "parse_source_crs",
    "require_projected",
    "require_same_crs",
]

WORKING_CRS = "EPSG:4547"
RENDER_CRS = "EPSG:4326"
SOURCE_CRS_CHOICES = ("gcj02", "bd09", "wgs84", "EPSG:<code>")

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
_ITER_TOL_DEG = 1e-10
_MAX_ITER = 30


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset (dlon, dlat) in degrees at WGS84 position (lon, lat)."""
    x = lon - 105.0
    y = lat - 35.0
    dlat = (
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def _arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS84 lon/lat (degrees, array-like) to GCJ-02.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02([114.0579], [22.5431])
    >>> round(float(lon[0]) - 114.0579, 4), round(float(lat[0]) - 22.5431, 4)
    (0.0051, -0.0027)
    """
    lon, lat = _arrays(lon, lat)
    dlon, dlat = _delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert GCJ-02 lon/lat to WGS84 by fixed-point iteration of the forward formula.

    The residual ``wgs84_to_gcj02(result) - input`` is below 1e-9 degrees.
    """
    glon, glat = _arrays(lon, lat)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(_MAX_ITER):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon = wlon - elon
        wlat = wlat - elat
        if np.all(np.abs(elon) < _ITER_TOL_DEG) and np.all(np.abs(elat) < _ITER_TOL_DEG):
            break
    return wlon, wlat


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert GCJ-02 lon/lat to Baidu BD-09."""
    x, y = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert BD-09 lon/lat to GCJ-02 (closed-form start, refined by iteration)."""
    blon, blat = _arrays(lon, lat)
    x, y = blon - 0.0065, blat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    glon, glat = z * np.cos(theta), z * np.sin(theta)
    for _ in range(_MAX_ITER):
        flon, flat = gcj02_to_bd09(glon, glat)
        elon, elat = flon - blon, flat - blat
        glon, glat = glon - elon, glat - elat
        if np.all(np.abs(elon) < _ITER_TOL_DEG) and np.all(np.abs(elat) < _ITER_TOL_DEG):
            break
    return glon, glat


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS84 lon/lat to BD-09 (via GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Convert BD-09 lon/lat to WGS84 (via GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_CONVERTERS: dict[tuple[str, str], Callable] = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}


def transform_geometries(geometries, source: str, target: str) -> np.ndarray:
    """Convert an array of shapely geometries (lon/lat degrees) between datums.

    Parameters
    ----------
    geometries : array-like of shapely geometries
        Points, lines or polygons (any multi-part) in ``source`` lon/lat.
    source, target : {"wgs84", "gcj02", "bd09"}
        Datums to convert between.

    Returns
    -------
    numpy.ndarray of shapely geometries, same length and order, every vertex converted;
    Z values (heights) are kept unchanged (the datums differ only horizontally).
    """
    if source == target:
        return np.asarray(geometries, dtype=object)
    try:
        func = _CONVERTERS[(source, target)]
    except KeyError:
        raise CRSError(
            f"No converter from {source!r} to {target!r}; use wgs84, gcj02 or bd09."
        ) from None

    def _apply(coords: np.ndarray) -> np.ndarray:
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat, *coords[:, 2:].T])  # Z (heights) kept as they are

    arr = np.asarray(geometries, dtype=object)
    if arr.ndim == 0:  # one geometry
        return shapely.transform(arr, _apply, include_z=bool(shapely.has_z(arr)))
    has_z = np.zeros(len(arr), dtype=bool)
    present = ~shapely.is_missing(arr)
    has_z[present] = shapely.has_z(arr[present])
    if not has_z.any():
        return shapely.transform(arr, _apply)
    out = np.empty(len(arr), dtype=object)
    out[~has_z] = shapely.transform(arr[~has_z], _apply)
    out[has_z] = shapely.transform(arr[has_z], _apply, include_z=True)
    return out


def parse_source_crs(value: str | None, *, local_grids=None):
    """Parse a ``--source-crs`` value.

    Returns ``None`` (use the file's own CRS), ``"gcj02"`` / ``"bd09"`` (Chinese
    web-map datums, lon/lat degrees), a :class:`~futiangis.localgrid.LocalGrid` for
    ``local:NAME`` (looked up in ``local_grids``, the config's ``[crs.local]``), or a
    :class:`pyproj.CRS`.

    Raises
    ------
    CRSError
        If the value names no known CRS.
    """
    if value is None or value == "":
        return None
    if value.strip().lower().startswith("local:"):
        from .localgrid import local_grid_from_config

        return local_grid_from_config(value.strip()[len("local:"):].strip(), local_grids)
    key = value.strip().lower().replace("-", "").replace("_", "")
    if key in ("gcj02", "gcj", "mars", "amap", "gaode"):
        return "gcj02"
    if key in ("bd09", "bd09ll", "baidu"):
        return "bd09"
    if key in ("wgs84", "wgs"):
        return CRS.from_epsg(4326)
    try:
        return CRS.from_user_input(value)
    except PyprojCRSError:
        raise CRSError(
            f"Unknown CRS {value!r}. Use gcj02, bd09, wgs84, local:NAME (a grid fitted with "
            "`futiangis crs fit`) or an EPSG code such as "
            "EPSG:4326 (WGS84 lon/lat), EPSG:4490 (CGCS2000) or EPSG:4547 (CGCS2000 GK CM 114E)."
        ) from None


# ---- China's plane grids: zone prefixes and the older datums -------------------------------
# CGCS2000 3-degree Gauss-Krüger at CM 114E (Shenzhen): without / with the zone number 38
# in front of the easting.
GK_CM114_NO_PREFIX = "EPSG:4547"
GK_CM114_ZONE38 = "EPSG:4526"
OLD_DATUMS = {"Beijing 1954": "Beijing 1954 (北京54)", "Xian 1980": "Xian 1980 (西安80)"}


def _false_easting(crs) -> float | None:
    op = getattr(crs, "coordinate_operation", None)
    for param in getattr(op, "params", []) or []:
        if param.name.lower() == "false easting":
            return float(param.value)
    return None


def suggest_plane_crs(x: float, y: float) -> str | None:
    """A hint for metre coordinates near Shenzhen: which CGCS2000 GK code they fit.

    An easting like 38 505 000 carries the 3-degree zone number 38 (EPSG:4526); one like
    505 000 does not (EPSG:4547). Returns None when (x, y) is neither.
    """
    if not 2_300_000 <= y <= 2_600_000:
        return None
    if 38_300_000 <= x <= 38_700_000:
        return (f"eastings like {x:,.0f} carry the 3-degree zone number 38 in front: "
                f"CGCS2000 / 3-degree GK zone 38 is {GK_CM114_ZONE38} (without the prefix it "
                f"would be {GK_CM114_NO_PREFIX})")
    if 300_000 <= x <= 700_000:
        return (f"eastings like {x:,.0f} (no zone prefix) and northings like {y:,.0f} fit "
                f"CGCS2000 / 3-degree GK CM 114E, {GK_CM114_NO_PREFIX} (Beijing 1954 / Xian 1980 "
                "GK CM 114E are EPSG:2435 / EPSG:2383; a city's local grid needs "
                "`futiangis crs fit`)")
    return None


def zone_prefix_mismatch(crs, x: float) -> str | None:
    """Message when the eastings and the CRS disagree about the zone prefix, else None."""
    fe = _false_easting(crs)
    if fe is None or not crs.is_projected:
        return None
    if fe < 1e7 and x > 1e7:
        zone = int(x // 1e6)
        code = GK_CM114_ZONE38 if zone == 38 else f"the CGCS2000 3-degree zone {zone} code"
        return (f"the eastings (≈ {x:,.0f}) start with the zone number {zone}, but "
                f"{crs.to_string()} has no zone prefix (false easting {fe:,.0f} m): the data are "
                f"in {code}; re-run with --source-crs {code if zone == 38 else 'EPSG:n'}.")
    if fe > 1e7 and x < 1e7:
        return (f"the eastings (≈ {x:,.0f}) have no zone prefix, but {crs.to_string()} expects "
                f"one (false easting {fe:,.0f} m): the data are probably in "
                f"{GK_CM114_NO_PREFIX}; re-run with --source-crs {GK_CM114_NO_PREFIX}.")
    return None


def old_datum_name(crs) -> str | None:
    """'Beijing 1954 (北京54)' / 'Xian 1980 (西安80)' if ``crs`` is on one of them."""
    try:
        datum = crs.datum.name if crs.datum is not None else ""
    except Exception:  # pragma: no cover - exotic CRSs
        datum = ""
    for key, label in OLD_DATUMS.items():
        if key.lower() in datum.lower():
            return label
    return None


def require_projected(crs, what: str = "this operation") -> None:
    """Raise :class:`CRSError` unless ``crs`` is a projected CRS in metres."""
    if crs is None:
        raise CRSError(f"{what} needs a CRS; the data has none. Set one with --source-crs.")
    crs = CRS.from_user_input(crs)
    if not crs.is_projected:
        raise CRSError(
            f"{what} needs a projected CRS in metres, got geographic {crs.to_string()}; "
            f"reproject with .to_crs({WORKING_CRS!r}) first (never measure in degrees)."
        )
    unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    if unit not in ("metre", "meter"):
        raise CRSError(f"{what} needs metres; {crs.to_string()} uses {unit!r}.")


def require_same_crs(*layers, what: str = "this operation") -> None:
    """The CRS-mismatch policy: refuse, never reproject silently.

    Every layer (GeoDataFrame, GeoSeries or a CRS) must have a projected CRS in metres,
    and all the same one. Load layers through :func:`futiangis.load.load_layer` (which
    reprojects each to the working CRS once, at the door) or call ``.to_crs()`` yourself.

    Raises
    ------
    CRSError
        Naming both CRSs and how to fix it.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> a = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs=4547)
    >>> require_same_crs(a, a.to_crs(32650), what="coverage")
    Traceback (most recent call last):
    ...
    futiangis.errors.CRSError: coverage: layers are in different CRSs (EPSG:4547 vs EPSG:32650); ...
    """
    crss = [getattr(layer, "crs", layer) for layer in layers]
    for crs in crss:
        require_projected(crs, what)
    first = CRS.from_user_input(crss[0])
    for crs in crss[1:]:
        other = CRS.from_user_input(crs)
        if not first.equals(other):
            raise CRSError(
                f"{what}: layers are in different CRSs ({first.to_string()} vs "
                f"{other.to_string()}); load both through futiangis.load (working CRS "
                f"{WORKING_CRS}) or reproject with .to_crs() first."
            )
