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
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..errors import OutputError

__all__ = [
    "OUTPUT_MARKER",
    "MARKER_TEXT",
    "describe_os_error",
    "write_bytes_atomic",
    "write_text_atomic",
    "write_layer",
    "atomic_output_dir",
    "check_output_dir",
    "check_outputs_are_not_inputs",
]

#: name of the marker file in every folder output
OUTPUT_MARKER = ".futiangis-output"
MARKER_SIGNATURE = "Signature: futiangis-output"
MARKER_TEXT = (
    f"{MARKER_SIGNATURE}\n"
    "# This folder was written by futiangis (build / target --out) and is replaced as a\n"
    "# whole by the next run. futiangis refuses to write into a folder without this file.\n"
    "# Keep your own files elsewhere: they would be removed with the next output.\n"
)
_STAGING_TAG = "futiangis-staging"
_DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


# ---------------------------------------------------------------------------------------
# error text
# ---------------------------------------------------------------------------------------
def describe_os_error(exc: BaseException) -> str:
    """Short reason for an OS error; a full disk (or quota, or file-size limit) says so."""
    err = getattr(exc, "errno", None)
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    if err in _DISK_FULL:
        return f"disk full ({reason})"
    if err in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"permission denied ({reason}): choose a folder you can write to"
    return reason


def _wrap(exc: BaseException, path: Path, what: str = "cannot write") -> OutputError:
    if isinstance(exc, OutputError):
        return exc
    if isinstance(exc, OSError):
        return OutputError(f"{path}: {what} ({describe_os_error(exc)}); nothing was changed.")
    text = str(exc)
    if "No space left" in text or "disk full" in text.lower():
        return OutputError(f"{path}: {what} (disk full: {type(exc).__name__}: {text}); nothing was changed.")
    return OutputError(f"{path}: {what} ({type(exc).__name__}: {text}); nothing was changed.")


# ---------------------------------------------------------------------------------------
# staging folders
# ---------------------------------------------------------------------------------------
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, owned by someone else
        return True
    return True


def _remove_stale(parent: Path, prefix: str) -> None:
    """Remove staging folders named ``prefix<pid>.*`` whose process is gone (killed)."""
    with contextlib.suppress(OSError):
        for stale in parent.glob(prefix + "*"):
            pid = stale.name[len(prefix):].split(".")[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)


def _ensure_parent(parent: Path, final: Path) -> None:
    """Create ``parent`` or raise a clear OutputError (a file in the way, read-only …)."""
    for p in [parent, *parent.parents]:
        if p.exists() and not p.is_dir():
            raise OutputError(
                f"{final}: cannot create it because {p} is a file, not a folder; "
                "choose another output path. Nothing was changed."
            )
        if p.exists():
            break
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{final}: cannot create the folder {parent} ({describe_os_error(exc)}); "
                          "nothing was changed.") from None


def _make_staging(parent: Path, name: str, final: Path) -> Path:
    prefix = f".{name}.{_STAGING_TAG}."
    _remove_stale(parent, prefix)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}.", dir=parent))
    except OSError as exc:
        raise OutputError(f"{final}: cannot write in {parent} ({describe_os_error(exc)}); "
                          "nothing was changed.") from None
    os.chmod(staging, 0o755)  # mkdtemp makes 0700; published folders must be readable (web servers)
    return staging


@contextlib.contextmanager
def _file_staging(final: Path) -> Iterator[Path]:
    """A staging folder for one output file; removed whatever happens."""
    _ensure_parent(final.parent, final)
    staging = _make_staging(final.parent, final.name, final)
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
    except Exception as exc:  # not a GeoPackage, truncated …
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
    existing = path.exists()
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
    except Exception as exc:  # GDAL raises a variety of errors
        raise _wrap(exc, path) from None
    return path


SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


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


def _write_shapefile(out, tmp: Path, final: Path) -> None:
    """Write a UTF-8 shapefile (.cpg written) in staging, then rename every part into place."""
    out.to_file(tmp, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
    cpg = tmp.with_suffix(".cpg")
    if not cpg.exists():
        cpg.write_text("UTF-8", encoding="ascii")
    for stale in SHAPEFILE_PARTS:  # parts of an older shapefile that this one does not have
        old = final.with_suffix(stale)
        if old.exists() and not tmp.with_suffix(stale).exists():
            old.unlink()
    for part in SHAPEFILE_PARTS:
        made = tmp.with_suffix(part)
        if made.exists():
            os.replace(made, final.with_suffix(part))


# ---------------------------------------------------------------------------------------
# folder outputs
# ---------------------------------------------------------------------------------------
def _resolved(p: str | Path) -> Path:
    return Path(os.path.realpath(os.path.expanduser(str(p))))


def _is_within(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def has_output_marker(folder: Path) -> bool:
    """True if ``folder`` holds a futiangis output marker."""
    marker = folder / OUTPUT_MARKER
    try:
        with open(marker, encoding="utf-8", errors="replace") as fh:
            return fh.read(len(MARKER_SIGNATURE)) == MARKER_SIGNATURE
    except OSError:
        return False


def _default_protected() -> list[tuple[Path, str]]:
    out = [(_resolved(os.getcwd()), "the current folder"), (_resolved(Path.home()), "your home folder")]
    out.append((Path(os.path.abspath(os.sep)), "the file-system root"))
    return out


def check_output_dir(
    final_dir: str | Path,
    *,
    force: bool = False,
    protected: Iterable[tuple[str | Path, str]] = (),
) -> Path:
    """Check that a folder output may be (re)placed at ``final_dir``; return it resolved.

    Parameters
    ----------
    final_dir : path
        The folder to publish.
    force : bool
        Replace a folder that holds files futiangis did not write (``--force``).
    protected : iterable of (path, description)
        Paths never replaced, even with ``force``: the output may be neither one of them
        nor a parent of one (e.g. ``(config.layers_dir, "the layers folder")``, an input
        file). The current folder, the home folder and ``/`` are always protected.

    Raises
    ------
    OutputError
        Naming the folder and saying how to proceed.
    """
    final = _resolved(final_dir)
    for p, what in [*((_resolved(p), w) for p, w in protected), *_default_protected()]:
        if _is_within(p, final):
            rel = "is" if p == final else "contains"
            raise OutputError(
                f"{final}: refusing to write the output there: it {rel} {what} ({p}), which "
                "futiangis never replaces, even with --force. Nothing was changed. Choose a new "
                "or empty folder for the output, e.g. --out maps_out."
            )
    if final.exists() and not final.is_dir():
        raise OutputError(f"{final}: is a file, not a folder; choose another output folder. "
                          "Nothing was changed.")
    if final.is_dir():
        if os.path.ismount(final):
            raise OutputError(
                f"{final}: is a mount point (a drive or share), which cannot be swapped in "
                f"atomically; write into a folder inside it, e.g. --out {final / 'maps'}. "
                "Nothing was changed."
            )
        try:
            entries = sorted(e.name for e in os.scandir(final))
        except OSError as exc:
            raise OutputError(f"{final}: cannot list the folder ({describe_os_error(exc)}).") from None
        if entries and not has_output_marker(final) and not force:
            shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")
            raise OutputError(
                f"{final}: the folder already holds files futiangis did not write ({shown}) and "
                f"no {OUTPUT_MARKER} marker; nothing was changed. Choose a new or empty folder, "
                "or pass --force to replace the folder's whole contents with the output."
            )
    return final


@contextlib.contextmanager
def atomic_output_dir(
    final_dir: str | Path,
    *,
    force: bool = False,
    protected: Iterable[tuple[str | Path, str]] = (),
) -> Iterator[Path]:
    """Build a folder output in a staging folder, then swap it into place.

    Checks ownership first (:func:`check_output_dir`), yields the staging folder, writes
    the :data:`OUTPUT_MARKER` into it, and publishes it with two renames (previous folder
    aside, new folder in, previous removed). On any exception — a full disk, Ctrl-C,
    SIGTERM — the staging folder is removed and ``final_dir`` is left exactly as it was.
    Staging folders left by a killed process (its pid is in the name) are removed on the
    next call.

    Raises
    ------
    OutputError
        If the folder may not be written (see :func:`check_output_dir`), its parent cannot
        be created or written, or publishing fails (the previous folder is kept).
    """
    protected = list(protected)
    final = check_output_dir(final_dir, force=force, protected=protected)
    _ensure_parent(final.parent, final)
    staging = _make_staging(final.parent, final.name, final)
    try:
        yield staging
        (staging / OUTPUT_MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise _wrap(exc, final, "cannot write the output") from None
        raise
    try:
        check_output_dir(final, force=force, protected=protected)  # still ours at publish time
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    backup = Path(tempfile.mkdtemp(prefix=f".{final.name}.{_STAGING_TAG}.{os.getpid()}.previous.",
                                   dir=final.parent))
    backup.rmdir()  # a free name for the previous folder
    try:
        if final.exists():
            os.replace(final, backup)
        os.replace(staging, final)
    except OSError as exc:
        if backup.exists() and not final.exists():
            os.replace(backup, final)
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{final}: cannot publish output ({describe_os_error(exc)}); "
                          "previous output kept.") from None
    shutil.rmtree(backup, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# an output is never an input
# ---------------------------------------------------------------------------------------
def _same_file(a: Path, b: Path) -> bool:
    if _resolved(a) == _resolved(b):
        return True
    try:
        return os.path.samefile(a, b)  # hard links
    except OSError:
        return False


def _single_layer(path: Path) -> str | None:
    try:
        import pyogrio

        names = [str(r[0]) for r in pyogrio.list_layers(path)]
    except Exception:
        return None
    return names[0] if len(names) == 1 else None


def check_outputs_are_not_inputs(
    outputs: Sequence[tuple[str | Path, str | None]],
    inputs: Sequence[tuple[str | Path, str | None]],
    *,
    folders: Sequence[str | Path] = (),
) -> None:
    """Refuse outputs that would replace an input of the same command.

    Call it before anything is read.

    Parameters
    ----------
    outputs : sequence of (path, layer)
        Output files; ``layer`` is the GeoPackage layer written (None for other formats).
    inputs : sequence of (path, layer)
        Input files; ``layer`` is the GeoPackage layer read (None: its only layer).
    folders : sequence of path
        Folder outputs: no input may lie inside one.

    Raises
    ------
    OutputError
        Naming the output, the input and how to proceed.
    """
    for out, out_layer in outputs:
        out = Path(out)
        for inp, in_layer in inputs:
            inp = Path(inp)
            if not _same_file(out, inp):
                continue
            how = "" if _resolved(out) == Path(os.path.abspath(out)) and _resolved(inp) == Path(os.path.abspath(inp)) \
                else " (through a symbolic link)"
            if out.suffix.lower() == ".gpkg":
                in_layer = in_layer or _single_layer(inp) if inp.exists() else in_layer
                if in_layer is not None and out_layer is not None and in_layer != out_layer:
                    continue  # another layer of the same GeoPackage: the input is kept
                raise OutputError(
                    f"{out}: layer {out_layer!r} of this GeoPackage is also an input ({inp}"
                    f"{', layer ' + repr(in_layer) if in_layer else ''}){how}; writing it would "
                    "destroy the input, so nothing was read or written. Write to another file or "
                    "choose another layer name (--layer-name)."
                )
            raise OutputError(
                f"{out}: is also an input of this command ({inp}){how}; writing it would destroy "
                "the input, so nothing was read or written. Write the output to another file."
            )
    for folder in folders:
        final = _resolved(folder)
        for inp, _ in inputs:
            if _is_within(_resolved(inp), final):
                raise OutputError(
                    f"{final}: the output folder holds an input of this command ({inp}); it is "
                    "replaced as a whole, so nothing was read or written. Move the input out of "
                    "it, or choose another output folder."
                )
