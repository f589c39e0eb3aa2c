"""Readers for the formats planners' files arrive in besides GeoPackage/Shapefile/GeoJSON.

* **Zipped shapefile** (``.zip`` as downloaded or mailed): read in place through GDAL's
  ``/vsizip/``, never unpacked; the parts (.shx, .dbf, .prj, .cpg) are checked inside.
* **KML / KMZ** (Google Earth): GDAL's LIBKML driver; every folder with placemarks is read
  (its name kept in ``kml_folder``) unless ``--layer`` names one; KML display fields
  (altitudeMode, tessellate …) are dropped and said.
* **GeoParquet**: pyarrow through geopandas (the bundled GDAL has no Parquet driver).
* **RFC 7946 Feature ids**: GDAL turns an integer Feature ``id`` into the row number and
  drops it; it is taken back as the ``id`` column.
"""
from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pandas as pd
import pyogrio

from ..errors import LayerReadError

__all__ = ["zipped_shapefile", "read_kml", "read_parquet", "geojson_feature_ids"]

_KML_DISPLAY = ("timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude",
                "visibility", "drawOrder", "icon", "snippet")
_MAX_ID_SCAN_BYTES = 200 * 2**20


def zipped_shapefile(path: Path, layer: str | None) -> tuple[str, bool, list[str]]:
    """``(GDAL path, has .cpg, notes)`` of the shapefile inside a zip archive.

    Raises
    ------
    LayerReadError
        Not a zip, no shapefile inside, several (without ``--layer``), or missing parts.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.startswith("__MACOSX/")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise LayerReadError(f"{path}: not a readable zip archive ({exc}).") from None
    shps = [n for n in names if n.lower().endswith(".shp")]
    if layer is not None:
        shps = [n for n in shps if PurePosixPath(n).stem == layer] or shps[:0]
    if not shps:
        raise LayerReadError(
            f"{path}: no shapefile (.shp){f' named {layer!r}' if layer else ''} inside the zip "
            f"(it holds {', '.join(names[:10]) or 'nothing'}); unzip it and read the file inside."
        )
    if len(shps) > 1:
        stems = ", ".join(PurePosixPath(n).stem for n in shps)
        raise LayerReadError(f"{path}: the zip holds {len(shps)} shapefiles ({stems}); choose one "
                             "with --layer NAME.")
    shp = shps[0]
    stem = shp[:-4]
    lower = {n.lower() for n in names}
    missing = [ext for ext in (".shx", ".dbf") if (stem + ext).lower() not in lower]
    if missing:
        raise LayerReadError(
            f"{path}: the shapefile {shp} inside the zip is incomplete, missing "
            f"{' and '.join(missing)}; zip all the parts together."
        )
    has_cpg = (stem + ".cpg").lower() in lower
    return f"/vsizip/{path.resolve()}/{shp}", has_cpg, [f"read {shp} inside {path.name}"]


def read_kml(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    """Read a KML/KMZ: one folder (``layer``) or every folder with placemarks."""
    try:
        listing = pyogrio.list_layers(path)
    except Exception as exc:
        raise LayerReadError(f"{path}: cannot be read as KML/KMZ ({exc}); export it again from "
                             "Google Earth (File → Save Place As).") from None
    names = [str(n) for n, _ in listing]
    if layer is not None and layer not in names:
        raise LayerReadError(f"{path}: no folder {layer!r}; folders: {', '.join(names)}.")
    frames, notes = [], []
    for name in ([layer] if layer else names):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            part = gpd.read_file(path, layer=name, engine="pyogrio")
        if len(part) == 0:
            continue
        part["kml_folder"] = name
        frames.append(part)
    if not frames:
        raise LayerReadError(f"{path}: no placemarks with geometry in {', '.join(names) or 'the file'}.")
    gdf = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=frames[0].crs)
    dropped = [c for c in _KML_DISPLAY if c in gdf.columns]
    if dropped:
        gdf = gdf.drop(columns=dropped)
        notes.append(f"dropped KML display fields: {', '.join(dropped)}")
    if "description" in gdf.columns and gdf["description"].fillna("").astype(str).str.strip().eq("").all():
        gdf = gdf.drop(columns=["description"])
    notes.insert(0, f"read {len(gdf)} placemarks from KML folder(s) "
                    f"{', '.join(sorted(gdf['kml_folder'].unique()))}")
    gdf.attrs["read_notes"] = notes
    return gdf


def read_parquet(path: Path) -> gpd.GeoDataFrame:
    """Read a GeoParquet file (pyarrow)."""
    try:
        return gpd.read_parquet(path)
    except Exception as exc:  # ArrowInvalid, ValueError (no geo metadata), ...
        raise LayerReadError(
            f"{path}: cannot be read as GeoParquet ({type(exc).__name__}: {exc}); export it "
            "again (QGIS ≥ 3.32 or geopandas to_parquet)."
        ) from None


def geojson_feature_ids(path: Path, gdf: gpd.GeoDataFrame) -> list | None:
    """The Feature ``id`` members of a GeoJSON file, if every feature has one and GDAL
    did not keep them as an ``id`` column; else None."""
    if "id" in gdf.columns or path.stat().st_size > _MAX_ID_SCAN_BYTES:
        return None
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return None
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(feats, list) or len(feats) != len(gdf) or not feats:
        return None
    ids = [f.get("id") if isinstance(f, dict) else None for f in feats]
    if any(i is None or isinstance(i, bool) for i in ids):
        return None
    return [str(i) for i in ids]
