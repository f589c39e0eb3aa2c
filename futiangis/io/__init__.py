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

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ..encodings import codec_for_cpg, normalise_encoding
from ..errors import LayerReadError
from .catalog import LayerInfo, count_features, read_catalog
from .formats import geojson_feature_ids, read_kml, read_parquet, zipped_shapefile

# rasters (io/rasters.py), the catalogue (io/catalog.py) and writing (io/outputs.py: folder
# ownership, GeoPackage layers, staging) live in their own modules and are re-exported here
from .outputs import atomic_output_dir, write_bytes_atomic, write_layer, write_text_atomic
from .rasters import RASTER_SUFFIXES, RasterData, open_raster, read_raster
from .tables import points_from_table, read_excel_table
from .textcheck import dbf_nul_problems, gpkg_nul_problems

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
    "count_features",
    "open_raster",
    "TABLE_SUFFIXES",
    "read_cpg",
    "shapefile_has_cpg",
]

VECTOR_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json", ".csv", ".xlsx", ".xls", ".kml", ".kmz",
                   ".zip", ".parquet", ".geoparquet", ".dxf")
TABLE_SUFFIXES = (".csv", ".xlsx", ".xls")  # no CRS of their own: --source-crs required
# GeoPackage tables that are not data layers (QGIS keeps its styles in layer_styles)
NON_DATA_TABLES = ("layer_styles", "qgis_projects")


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


def _refuse_nul(path: Path, data: bytes, token: bytes) -> None:
    """A NUL in a text value would be cut there by GDAL (or break Excel): report it."""
    at = data.find(token)
    if at >= 0:
        line = data.count(b"\n", 0, at) + 1
        raise LayerReadError(
            f"{path}: line {line} holds a NUL character (\\u0000) in a text value; readers cut "
            "the text there, so the value would be silently shortened. Remove the character "
            "in the source program and export again."
        )


def _read_csv_points(path: Path, encoding: str | None, rules=None) -> gpd.GeoDataFrame:
    _refuse_nul(path, path.read_bytes(), b"\x00")
    try:
        frame = pd.read_csv(path, encoding=encoding or "utf-8-sig", dtype=str, keep_default_na=False)
    except UnicodeDecodeError:
        raise LayerReadError(
            f"{path}: text is not valid {encoding or 'UTF-8'}; if it came from Excel on a "
            "Chinese Windows machine, pass --encoding gbk."
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LayerReadError(f"{path}: not a readable CSV table ({exc}).") from None
    return points_from_table(frame, path, rules)


def read_cpg(path: str | Path) -> tuple[str, str] | None:
    """(codec, what the .cpg says) for a shapefile with a ``.cpg``, else None.

    Raises
    ------
    LayerReadError
        If the ``.cpg`` names no known encoding.
    """
    cpg = _sibling(Path(path), ".cpg")
    if not cpg.exists():
        return None
    text = cpg.read_bytes()[:200].decode("ascii", errors="replace")
    return codec_for_cpg(text, source=str(cpg)), text.strip()


def _refuse_geometry_property(path: Path, layer: str | None) -> None:
    try:
        fields = [str(f) for f in pyogrio.read_info(path, layer=layer)["fields"]]
    except Exception:  # noqa: BLE001 - unreadable: the read below reports it
        return
    clash = [f for f in fields if f.strip().lower() == "geometry"]
    if clash:
        raise LayerReadError(
            f"{path}: has an attribute named {clash[0]!r}, which clashes with the geometry "
            "column: its values would be silently dropped. Rename the attribute (e.g. to "
            "geometry_note) in the source program and export again."
        )


def read_vector(
    path: str | Path,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    rules=None,
) -> gpd.GeoDataFrame:
    """Read a vector file as it is stored: its own CRS (possibly none), no validation.

    Parameters
    ----------
    path : path
        GeoPackage, Shapefile (or a .zip holding one), GeoJSON, KML/KMZ, GeoParquet, DXF,
        or a CSV / Excel point table with coordinate columns.
    layer : str, optional
        Layer of a multi-layer GeoPackage, folder of a KML, CAD layer of a DXF, shapefile
        in a zip.
    encoding : str, optional
        Text encoding of a shapefile without ``.cpg`` (e.g. ``"gbk"``), of a CSV, of a DXF.
    sheet : str, optional
        Sheet of an Excel workbook.
    rules : mapping of FieldRule, optional
        ``--field`` rules; a point table takes its ``lon``/``lat`` columns from them.

    Returns
    -------
    GeoDataFrame
        ``attrs["read_notes"]`` lists what the reader did (sheet, folder, ids taken …);
        ``attrs["read_warnings"]`` problems to report; ``attrs["shapefile_without_cpg"]``.

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
    declared_by = f"--encoding {encoding}" if encoding else None
    if encoding is not None:
        encoding = normalise_encoding(encoding)
    if suffix == ".csv":
        gdf = _read_csv_points(path, encoding, rules)
        gdf.attrs["encoding"] = encoding or "utf-8"
        gdf.attrs["encoding_declared_by"] = declared_by or "UTF-8 (the CSV default)"
        return gdf
    if suffix in (".xlsx", ".xls"):
        return read_excel_table(path, sheet=sheet, rules=rules)
    if suffix in (".parquet", ".geoparquet"):
        return read_parquet(path)
    if suffix == ".dxf":
        from .dxf import read_dxf

        return read_dxf(path, layer=layer, encoding=encoding)
    if suffix in (".kml", ".kmz"):
        return read_kml(path, layer)
    notes: list[str] = []
    target: str | Path = path
    without_cpg = False
    kwargs: dict = {}
    if suffix == ".zip":
        target, has_cpg, notes = zipped_shapefile(path, layer)
        without_cpg = not has_cpg and encoding is None
    elif suffix == ".shp":
        _check_shapefile_parts(path)
        without_cpg = encoding is None and not shapefile_has_cpg(path)
        if encoding is None:
            cpg = read_cpg(path)
            if cpg is not None:  # decoded here through Python's codecs, with the aliases
                encoding, said = cpg
                declared_by = f"the .cpg ({said})"
            else:
                declared_by = "no .cpg"
    elif suffix in (".geojson", ".json"):
        _refuse_nul(path, path.read_bytes(), b"\\u0000")
    if layer is not None and suffix not in (".zip",):
        kwargs["layer"] = layer
    elif suffix == ".gpkg":
        all_names = list_vector_layers(path)
        names = [n for n in all_names if n not in NON_DATA_TABLES]
        if len(names) > 1:
            raise LayerReadError(
                f"{path}: the GeoPackage holds {len(names)} layers ({', '.join(names)}); "
                "choose one with --layer NAME."
            )
        if len(names) < len(all_names) and names:
            kwargs["layer"] = names[0]
            notes.append(f"read layer {names[0]!r} (QGIS's {', '.join(sorted(set(all_names) - set(names)))} "
                         "table is not a data layer)")
    if suffix != ".zip":  # on the layer that is read (a GeoPackage's is chosen above)
        _refuse_geometry_property(path, kwargs.get("layer"))
    if encoding is not None:
        kwargs["encoding"] = encoding
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = gpd.read_file(target, engine="pyogrio", **kwargs)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise LayerReadError(
            f"{path}: cannot be read ({str(exc).strip()}). The file may be truncated or "
            "not what its extension says; re-export it from the source program."
        ) from None
    except (LookupError, UnicodeDecodeError) as exc:
        hint = (" The file is probably UTF-8: drop --encoding." if encoding and encoding != "utf-8"
                else " If it came from Excel or ArcGIS on a Chinese Windows machine, pass --encoding gbk.")
        raise LayerReadError(
            f"{path}: cannot decode text with encoding {encoding!r} ({exc}).{hint}") from None
    except Exception as exc:  # GDAL raises a variety of errors for corrupt files
        raise LayerReadError(f"{path}: cannot be read ({type(exc).__name__}: {exc}).") from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise LayerReadError(f"{path}: has no geometry column; is it a table without locations?")
    if suffix in (".geojson", ".json"):
        ids = geojson_feature_ids(path, gdf)
        if ids is not None:
            gdf.insert(0, "id", ids)
            notes.append("took the GeoJSON Feature id (RFC 7946) as id")
    gdf.attrs["read_notes"] = notes
    gdf.attrs["read_warnings"] = _nul_problems(path, suffix, target, kwargs.get("layer"), gdf, encoding)
    gdf.attrs["shapefile_without_cpg"] = without_cpg
    gdf.attrs["encoding"] = encoding
    gdf.attrs["encoding_declared_by"] = declared_by or "the file's own encoding"
    return gdf


def _nul_problems(path: Path, suffix: str, target, layer, gdf, encoding) -> list:
    """NULs GDAL would cut values at, looked for in the file's own bytes (GeoPackage, .dbf)."""
    import zipfile

    if suffix == ".gpkg":
        return gpkg_nul_problems(path, layer, gdf)
    if suffix == ".shp":
        dbf = _sibling(path, ".dbf")
        return dbf_nul_problems(dbf.read_bytes(), gdf, encoding=encoding) if dbf.exists() else []
    prefix = f"/vsizip/{path.resolve()}/"
    if suffix == ".zip" and str(target).startswith(prefix):
        inner = str(target)[len(prefix):]
        try:
            with zipfile.ZipFile(path) as zf:
                names = {n.lower(): n for n in zf.namelist()}
                name = names.get(inner[:-4].lower() + ".dbf")
                return dbf_nul_problems(zf.read(name), gdf, encoding=encoding) if name else []
        except (OSError, zipfile.BadZipFile, KeyError):
            return []
    return []


def shapefile_has_cpg(path: str | Path) -> bool:
    """True if a shapefile has a ``.cpg`` declaring its text encoding."""
    return _sibling(Path(path), ".cpg").exists()
