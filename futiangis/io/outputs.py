"""Writing outputs so that nothing of the user's is lost (the writing half of the I/O layer).

Three rules, after tools planners already trust:

* **A folder output owns only what it made.** Every folder output (``build --out``,
  ``target --out``) carries a marker file, :data:`OUTPUT_MARKER` (like cargo's
  ``target/CACHEDIR.TAG``). A folder is written only when it is new, empty, or holds that
  marker; anything else is refused. ``force=True`` (``--force``) replaces a foreign folder,
  but never the layers folder, the config's folder, the current folder, the home folder,
  an input, or a parent of any of them. The folder is built in a hidden staging folder
  beside it and swapped in by rename: a failed, interrupted or disk-full run leaves the
  previous folder byte-identical, never a mix of old and new files.
* **A GeoPackage output adds or replaces one layer** and keeps the others (like
  ``ogr2ogr -update -nln``); replacing an existing layer or file needs ``overwrite=True``
  (``--overwrite``). The file is changed on a copy inside the output's own staging folder
  (where SQLite's ``-journal`` and GDAL's temporary files also go) and renamed into place.
* **An output is never an input.** :func:`check_outputs_are_not_inputs` refuses, before
  anything is read, an output that is the same file as an input (after symlinks and
  hard links), the same GeoPackage *and* layer, or a folder output holding an input.

Temporary files never lie loose beside the user's files: each output has one hidden
staging folder named after it and the process id, removed on success, on error, on
Ctrl-C / SIGTERM / SIGHUP (see :mod:`futiangis.cli.signals`), and — when the process was
killed outright — by the next run.
"""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from ..errors import OutputError

# the folder half and the staging folders, re-exported: every writer is imported from here
from .folders import (
    MARKER_SIGNATURE,
    MARKER_TEXT,
    OUTPUT_MARKER,
    atomic_output_dir,
    check_output_dir,
    check_outputs_are_not_inputs,
    has_output_marker,
)
from .staging import _file_staging, _wrap, describe_os_error

__all__ = [
    "MARKER_SIGNATURE",
    "MARKER_TEXT",
    "OUTPUT_MARKER",
    "atomic_output_dir",
    "check_output_dir",
    "check_outputs_are_not_inputs",
    "describe_os_error",
    "write_bytes_atomic",
    "write_layer",
    "write_text_atomic",
    "has_output_marker",
    "shapefile_field_names",
]


# ---------------------------------------------------------------------------------------
# single files
# ---------------------------------------------------------------------------------------
def write_bytes_atomic(data: bytes, path: str | Path) -> Path:
    """Write ``data`` to ``path`` via the output's staging folder and a rename.

    Raises
    ------
    OutputError
        If the file cannot be written (a full disk says "disk full"); ``path`` is unchanged.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name. Nothing was changed.")
    try:
        with _file_staging(path) as staging:
            tmp = staging / path.name
            tmp.write_bytes(data)
            os.replace(tmp, path)
    except OutputError:
        raise
    except OSError as exc:
        raise _wrap(exc, path) from None
    return path


def write_text_atomic(text: str, path: str | Path, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8 by default)."""
    return write_bytes_atomic(text.encode(encoding), path)


def _gpkg_layers(path: Path) -> list[str]:
    import pyogrio

    try:
        return [str(row[0]) for row in pyogrio.list_layers(path)]
    except Exception as exc:  # noqa: BLE001 - GDAL: not a GeoPackage, truncated …
        raise OutputError(
            f"{path}: exists but cannot be opened as a GeoPackage ({exc}); futiangis adds layers "
            "only to a readable GeoPackage. Choose another file, or pass --overwrite to replace it."
        ) from None


def write_layer(gdf, path: str | Path, *, layer: str | None = None, overwrite: bool = False) -> Path:
    """Write a layer atomically, GeoPackage or GeoJSON by the file extension.

    GeoPackage keeps the layer's CRS (the working CRS, EPSG:4547) and **adds or replaces
    only the layer** ``layer`` (default: the file's stem): the file's other layers are kept.
    GeoJSON is written in EPSG:4326 as RFC 7946 requires, its ``name`` member is
    ``layer`` (default: the file's stem). Text is always UTF-8.

    Parameters
    ----------
    gdf : GeoDataFrame
        The layer to write.
    path : path
        ``.gpkg``, ``.geojson`` or ``.json``.
    layer : str, optional
        Layer name (``--layer-name``).
    overwrite : bool
        Allow replacing an existing layer of a GeoPackage, or an existing GeoJSON file.

    Raises
    ------
    OutputError
        Unsupported extension; the layer/file exists and ``overwrite`` is False; or the
        write failed (the previous file is left byte-identical).
    """
    from pyproj import CRS

    path = Path(path)
    suffix = path.suffix.lower()
    name = layer or path.stem
    options: dict = {}
    if suffix == ".gpkg":
        driver = "GPKG"
        out = gdf
        if any(str(c).lower() == "fid" for c in gdf.columns):
            # GDAL would take a 'fid' attribute as the GeoPackage's integer row id and fail on
            # text or duplicates: keep the attribute, give the row id another name
            options["layer_options"] = {"FID": "gpkg_fid"}
    elif suffix in (".geojson", ".json"):
        driver = "GeoJSON"
        out = gdf.to_crs(4326) if gdf.crs is not None and not CRS(gdf.crs).equals(CRS(4326)) else gdf
    elif suffix in (".parquet", ".geoparquet"):
        driver = "Parquet"
        out = gdf
    elif suffix == ".shp":
        driver = "ESRI Shapefile"
        out = gdf.rename(columns=shapefile_field_names(gdf.columns, gdf.geometry.name))
    else:
        raise OutputError(f"{path}: write GeoPackage (.gpkg), GeoJSON (.geojson), GeoParquet "
                          "(.parquet) or shapefile (.shp) output.")
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a .gpkg or .geojson file name. Nothing was changed.")
    existing = path.exists() or (driver == "ESRI Shapefile" and bool(_existing_parts(path)))
    keep_layers = False
    if existing and driver == "GPKG" and overwrite:
        try:
            _gpkg_layers(path)
            keep_layers = True
        except OutputError:  # not a readable GeoPackage: --overwrite replaces the file
            keep_layers = False
    elif existing and driver == "GPKG":
        keep_layers = True
        if name in _gpkg_layers(path):
            raise OutputError(
                f"{path}: already holds a layer {name!r}; nothing was changed. Pass --overwrite "
                "to replace that layer (the other layers are kept), or choose another name with "
                "--layer-name."
            )
    elif existing and not overwrite:
        raise OutputError(
            f"{path}: the file already exists; nothing was changed. Pass --overwrite to replace "
            "it, or choose another output file."
        )
    try:
        with _file_staging(path) as staging:
            tmp = staging / path.name
            if keep_layers:
                shutil.copy2(path, tmp)  # add/replace one layer on a copy, keep the others
            if driver == "Parquet":
                out.to_parquet(tmp)  # GeoParquet 1.x via pyarrow, CRS in the metadata
            elif driver == "ESRI Shapefile":
                _write_shapefile(out, tmp, path)
                return path
            else:
                out.to_file(tmp, driver=driver, engine="pyogrio", layer=name, **options)
            os.replace(tmp, path)
    except OutputError:
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL raises a variety of errors
        raise _wrap(exc, path) from None
    return path


SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# published in this order: .shp last (and removed first), so whenever a .shp is present
# beside its parts they belong to one and the same write
_PUBLISH_ORDER = (".shx", ".dbf", ".prj", ".cpg", ".shp")


def shapefile_field_names(columns, geometry: str = "geometry") -> dict[str, str]:
    """Renames that fit attribute names into a shapefile's 10 characters, unique.

    ``investment_100m_cny`` -> ``investment``, a second one -> ``investme_1`` …; names that
    fit are kept. Say them to the user: reading the file back needs ``--field``.
    """
    out: dict[str, str] = {}
    taken = {str(c)[:10].lower() for c in columns if len(str(c)) <= 10}
    for c in columns:
        name = str(c)
        if c == geometry or len(name.encode("utf-8")) <= 10:
            continue
        cut = name.encode("utf-8")[:10].decode("utf-8", errors="ignore")
        n = 1
        while cut.lower() in taken:
            stem = name.encode("utf-8")[: 10 - len(str(n)) - 1].decode("utf-8", errors="ignore")
            cut, n = f"{stem}_{n}", n + 1
        taken.add(cut.lower())
        out[c] = cut
    return out


def _existing_parts(final: Path) -> dict[str, Path]:
    """The parts of a shapefile already at ``final`` (either case of the extension)."""
    out = {}
    for ext in SHAPEFILE_PARTS:
        for cand in (final.with_suffix(ext), final.with_suffix(ext.upper())):
            if cand.exists():
                out[ext] = cand
                break
    return out


def _write_shapefile(out, tmp: Path, final: Path) -> None:
    """Write a UTF-8 shapefile (.cpg written) in staging, then publish its parts as one set.

    The previous set (if any) is first moved aside into the staging folder (.shp first),
    then the new parts are renamed in (.shp last). If any rename fails, the parts already
    placed are removed and the previous set is moved back: the folder holds the complete
    previous shapefile, byte-identical, or the complete new one — never a mix.
    """
    out.to_file(tmp, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
    cpg = tmp.with_suffix(".cpg")
    if not cpg.exists():
        cpg.write_text("UTF-8", encoding="ascii")
    made = {ext: tmp.with_suffix(ext) for ext in SHAPEFILE_PARTS if tmp.with_suffix(ext).exists()}
    aside_dir = tmp.parent / "previous"
    aside_dir.mkdir()
    previous = _existing_parts(final)
    moved: list[tuple[Path, Path]] = []  # (aside, original place)
    placed: list[Path] = []
    try:
        for ext in reversed(_PUBLISH_ORDER):  # .shp first out
            if ext in previous:
                aside = aside_dir / previous[ext].name
                os.replace(previous[ext], aside)
                moved.append((aside, previous[ext]))
        for ext in _PUBLISH_ORDER:  # .shp last in
            if ext in made:
                target = final.with_suffix(ext)
                os.replace(made[ext], target)
                placed.append(target)
    except BaseException:
        for target in placed:
            with contextlib.suppress(OSError):
                target.unlink()
        lost = []
        for aside, original in reversed(moved):  # .shp back last
            try:
                os.replace(aside, original)
            except OSError:
                lost.append(original.name)
        if lost:  # never delete the user's previous parts with the staging folder
            rescue = final.parent / f"{final.stem}.previous-shapefile-{os.getpid()}"
            os.replace(aside_dir, rescue)
            raise OutputError(f"{final}: the write failed and {', '.join(lost)} of the previous "
                              f"shapefile could not be put back; they are kept in {rescue}.") from None
        raise
