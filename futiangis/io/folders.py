"""Folder outputs own only what they made; an output is never an input.

See :mod:`futiangis.io.outputs` for the rules; this module holds the folder half
(:func:`check_output_dir`, :func:`atomic_output_dir`, the :data:`OUTPUT_MARKER`) and the
output-is-an-input refusal (:func:`check_outputs_are_not_inputs`).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..errors import OutputError
from .staging import _STAGING_TAG, _ensure_parent, _make_staging, _pid_alive, _wrap, describe_os_error

__all__ = ["MARKER_TEXT", "OUTPUT_MARKER", "atomic_output_dir", "check_output_dir",
           "check_outputs_are_not_inputs", "has_output_marker"]

#: name of the marker file in every folder output
OUTPUT_MARKER = ".futiangis-output"


MARKER_SIGNATURE = "Signature: futiangis-output"


MARKER_TEXT = (
    f"{MARKER_SIGNATURE}\n"
    "# This folder was written by futiangis (build / target --out) and is replaced as a\n"
    "# whole by the next run. futiangis refuses to write into a folder without this file.\n"
    "# Keep your own files elsewhere: they would be removed with the next output.\n"
)


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


def _restore_killed_swap(final: Path) -> None:
    """Put back a previous output that a killed run had moved aside but not yet replaced."""
    if final.exists():
        return
    prefix = f".{final.name}.{_STAGING_TAG}."
    with contextlib.suppress(OSError):
        for aside in sorted(final.parent.glob(prefix + "*.previous.*")):
            pid = aside.name[len(prefix):].split(".")[0]
            if pid.isdigit() and not _pid_alive(int(pid)) and aside.is_dir():
                os.replace(aside, final)
                return


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
    _restore_killed_swap(final)
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
    except Exception:  # noqa: BLE001 - unreadable: the read itself will say so
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

