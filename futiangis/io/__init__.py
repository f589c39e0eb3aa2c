"""All file access: reading vector layers and rasters, the layer catalogue, atomic writes.

Engine choice (deliberate): vector files are read and written through **pyogrio**
(geopandas' default engine: vectorised, honours a shapefile's ``.cpg``, and accepts an
explicit ``encoding`` for GBK files without one). **fiona** is used where a record-level
view is the right tool: listing the layers of a multi-layer file with their schema and
checking what was written (the tests read every output back with fiona, an independent
reader). Rasters go through **rasterio**. No module sets ``PROJ_*``/``GDAL_DATA``: each
library keeps its own bundled data.

The writers (:func:`write_layer`, :func:`write_bytes_atomic`, :func:`atomic_output_dir`)
live in :mod:`futiangis.io.outputs` and are re-exported here: every output is written in its
own staging folder and renamed into place, a folder output owns only what it made, and a
GeoPackage output adds or replaces one layer.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from affine import Affine

import contextlib
import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyproj import CRS

from ..errors import LayerReadError

# writing lives in io/outputs.py (folder ownership, GeoPackage layers, staging); re-exported here
from .outputs import atomic_output_dir, write_bytes_atomic, write_layer, write_text_atomic

__all__ = [
    "VECTOR_SUFFIXES",
    "RASTER_SUFFIXES",
    "LayerInfo",
    "read_vector",
    "list_vector_layers",
    "read_catalog",
    "open_raster",
    "RasterData",
    "read_raster",
    "write_layer",
    "write_bytes_atomic",
    "write_text_atomic",
    "atomic_output_dir",
]

VECTOR_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json", ".csv")
RASTER_SUFFIXES = (".tif", ".tiff")
LON_NAMES = ("lon", "lng", "longitude", "long", "x", "经度")
LAT_NAMES = ("lat", "latitude", "y", "纬度")


# ---------------------------------------------------------------------------------------
# reading vectors
# ---------------------------------------------------------------------------------------
def list_vector_layers(path: str | Path) -> list[str]:
    """Return the layer names in a vector file (several for a GeoPackage)."""
    import fiona

    try:
        return list(fiona.listlayers(str(path)))
    except Exception as exc:  # fiona.errors.DriverError and friends
        raise LayerReadError(
            f"{path}: cannot open as a vector file ({exc}). Check that it really is a "
            f"{Path(path).suffix or 'vector'} file (not a zip archive or a saved web page); "
            "unzip it or export the layer again."
        ) from None


def _check_shapefile_parts(path: Path) -> None:
    missing = [ext for ext in (".shx", ".dbf") if not _sibling(path, ext).exists()]
    if missing:
        raise LayerReadError(
            f"{path}: shapefile is incomplete, missing {' and '.join(missing)} beside the .shp. "
            "A shapefile needs .shp, .shx and .dbf (and .prj for its CRS, .cpg for its text "
            "encoding); copy all the parts together, or export the layer as GeoPackage."
        )


def _sibling(path: Path, ext: str) -> Path:
    for cand in (path.with_suffix(ext), path.with_suffix(ext.upper())):
        if cand.exists():
            return cand
    return path.with_suffix(ext)


def _read_csv_points(path: Path, encoding: str | None) -> gpd.GeoDataFrame:
    try:
        frame = pd.read_csv(path, encoding=encoding or "utf-8-sig", dtype=str, keep_default_na=False)
    except UnicodeDecodeError:
        raise LayerReadError(
            f"{path}: text is not valid {encoding or 'UTF-8'}; if it came from Excel on a "
            "Chinese Windows machine, pass --encoding gbk."
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LayerReadError(f"{path}: not a readable CSV table ({exc}).") from None
    cols = {c.strip().lower(): c for c in frame.columns}
    lon_col = next((cols[n] for n in LON_NAMES if n in cols), None)
    lat_col = next((cols[n] for n in LAT_NAMES if n in cols), None)
    if lon_col is None or lat_col is None:
        raise LayerReadError(
            f"{path}: a CSV layer needs longitude and latitude columns (named one of "
            f"{', '.join(LON_NAMES)} / {', '.join(LAT_NAMES)}); found {list(frame.columns)}."
        )
    lon = pd.to_numeric(frame[lon_col].str.strip(), errors="coerce")
    lat = pd.to_numeric(frame[lat_col].str.strip(), errors="coerce")
    bad = frame.index[lon.isna() | lat.isna()]
    if len(bad):
        rows = ", ".join(str(i + 2) for i in bad[:10])
        raise LayerReadError(
            f"{path}: {len(bad)} row(s) have a missing or non-numeric {lon_col}/{lat_col} "
            f"(line {rows}); fill in decimal degrees."
        )
    attrs = frame.drop(columns=[lon_col, lat_col])
    attrs = attrs.apply(lambda s: s.replace("", np.nan))
    attrs = attrs.apply(_maybe_numeric)
    return gpd.GeoDataFrame(attrs, geometry=gpd.points_from_xy(lon, lat), crs=None)


def _maybe_numeric(series: pd.Series) -> pd.Series:
    converted = pd.to_numeric(series, errors="coerce")
    if converted.notna().sum() == series.notna().sum():
        return converted
    return series


def read_vector(
    path: str | Path, *, layer: str | None = None, encoding: str | None = None
) -> gpd.GeoDataFrame:
    """Read a vector file as it is stored: its own CRS (possibly none), no validation.

    Parameters
    ----------
    path : path
        GeoPackage, Shapefile, GeoJSON or CSV with lon/lat columns.
    layer : str, optional
        Layer name for a multi-layer GeoPackage.
    encoding : str, optional
        Text encoding of a shapefile without ``.cpg`` (e.g. ``"gbk"``), or of a CSV.

    Raises
    ------
    LayerReadError
        With the file name and what to do, if the file cannot be read.
    """
    path = Path(path)
    if not path.exists():
        raise LayerReadError(f"{path}: file not found.")
    suffix = path.suffix.lower()
    if suffix not in VECTOR_SUFFIXES:
        raise LayerReadError(
            f"{path}: unsupported file type {suffix!r}; use one of {', '.join(VECTOR_SUFFIXES)}."
        )
    if suffix == ".csv":
        return _read_csv_points(path, encoding)
    if suffix == ".shp":
        _check_shapefile_parts(path)
    kwargs: dict = {}
    if layer is not None:
        kwargs["layer"] = layer
    elif suffix == ".gpkg":
        names = list_vector_layers(path)
        if len(names) > 1:
            raise LayerReadError(
                f"{path}: the GeoPackage holds {len(names)} layers ({', '.join(names)}); "
                "choose one with --layer NAME."
            )
    if encoding is not None:
        kwargs["encoding"] = encoding
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = gpd.read_file(path, engine="pyogrio", **kwargs)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise LayerReadError(
            f"{path}: cannot be read ({str(exc).strip()}). The file may be truncated or "
            "not what its extension says; re-export it from the source program."
        ) from None
    except (LookupError, UnicodeDecodeError) as exc:
        raise LayerReadError(f"{path}: cannot decode text with encoding {encoding!r} ({exc}).") from None
    except Exception as exc:  # GDAL raises a variety of errors for corrupt files
        raise LayerReadError(f"{path}: cannot be read ({type(exc).__name__}: {exc}).") from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise LayerReadError(f"{path}: has no geometry column; is it a table without locations?")
    return gdf


def shapefile_has_cpg(path: str | Path) -> bool:
    """True if a shapefile has a ``.cpg`` declaring its text encoding."""
    return _sibling(Path(path), ".cpg").exists()


# ---------------------------------------------------------------------------------------
# rasters
# ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def open_raster(path: str | Path):
    """Open a raster with rasterio, turning failures into :class:`LayerReadError`."""
    import rasterio
    from rasterio.errors import RasterioIOError

    path = Path(path)
    if not path.exists():
        raise LayerReadError(f"{path}: raster file not found.")
    try:
        ds = rasterio.open(path)
    except RasterioIOError as exc:
        raise LayerReadError(
            f"{path}: cannot be opened as a raster ({exc}). Check that it is a complete "
            "GeoTIFF (not a saved web page or a partial download); download or export it again."
        ) from None
    try:
        yield ds
    finally:
        ds.close()


@dataclass(frozen=True)
class RasterData:
    """A single-band raster read into memory.

    ``values`` is a float64 masked array (nodata masked); ``transform`` maps pixel to
    CRS coordinates (affine); ``crs`` is a :class:`pyproj.CRS` or None if the file has none.
    """

    path: Path
    values: np.ma.MaskedArray
    transform: Affine
    crs: CRS | None
    nodata: float | None
    bounds: tuple[float, float, float, float]

    @property
    def res(self) -> tuple[float, float]:
        """Pixel size (x, y) in CRS units."""
        return (abs(self.transform.a), abs(self.transform.e))


def read_raster(path: str | Path, *, band: int = 1) -> RasterData:
    """Read one band of a raster (GeoTIFF) into memory, nodata masked.

    Raises
    ------
    LayerReadError
        If the file cannot be opened or has no such band.
    """
    path = Path(path)
    with open_raster(path) as ds:
        if band < 1 or band > ds.count:
            raise LayerReadError(f"{path}: has {ds.count} band(s); band {band} requested.")
        try:
            values = ds.read(band, masked=True).astype("float64")
        except Exception as exc:
            raise LayerReadError(f"{path}: cannot read pixel values ({exc}); the file may be truncated.") from None
        crs = CRS.from_user_input(ds.crs.to_wkt()) if ds.crs else None
        return RasterData(path, values, ds.transform, crs, ds.nodata, tuple(ds.bounds))


# ---------------------------------------------------------------------------------------
# the catalogue of shipped layers
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayerInfo:
    """One shipped layer and its provenance (from ``layers/<kind>.meta.toml``)."""

    kind: str
    path: Path
    title_zh: str
    title_en: str
    source: str
    licence: str
    crs: str
    crs_verified: str
    accuracy_class: str
    accuracy_m: float | None
    date: str
    notes: str

    def as_dict(self) -> dict:
        """Plain-data view (paths as strings) for JSON output."""
        out = dict(self.__dict__)
        out["path"] = str(self.path)
        return out


_META_KEYS = ("kind", "file", "source", "licence", "crs", "accuracy_class", "date")


def read_catalog(layers_dir: str | Path) -> dict[str, LayerInfo]:
    """Read every ``*.meta.toml`` sidecar in ``layers_dir``, keyed by layer kind."""
    layers_dir = Path(layers_dir)
    if not layers_dir.is_dir():
        raise LayerReadError(f"{layers_dir}: layers folder not found; check [paths] layers in the config.")
    catalog: dict[str, LayerInfo] = {}
    for meta_path in sorted(layers_dir.glob("*.meta.toml")):
        try:
            with open(meta_path, "rb") as fh:
                meta = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise LayerReadError(f"{meta_path}: invalid TOML ({exc}).") from None
        missing = [k for k in _META_KEYS if k not in meta]
        if missing:
            raise LayerReadError(f"{meta_path}: provenance is missing {', '.join(missing)}.")
        catalog[meta["kind"]] = LayerInfo(
            kind=meta["kind"],
            path=(layers_dir / meta["file"]).resolve(),
            title_zh=meta.get("title_zh", ""),
            title_en=meta.get("title_en", ""),
            source=meta["source"],
            licence=meta["licence"],
            crs=meta["crs"],
            crs_verified=meta.get("crs_verified", ""),
            accuracy_class=meta["accuracy_class"],
            accuracy_m=meta.get("accuracy_m"),
            date=str(meta["date"]),
            notes=meta.get("notes", ""),
        )
    return catalog


def count_features(path: str | Path) -> int:
    """Feature count of a vector file, or pixel count of a raster (without loading it)."""
    path = Path(path)
    if path.suffix.lower() in RASTER_SUFFIXES:
        with open_raster(path) as ds:
            return int(ds.width * ds.height)
    try:
        return int(pyogrio.read_info(path)["features"])
    except Exception as exc:
        raise LayerReadError(f"{path}: cannot be read ({exc}).") from None
