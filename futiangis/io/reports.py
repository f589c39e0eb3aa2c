"""Writing a report folder: contents built elsewhere (bytes or text), written here.

The report builders of the core (:mod:`futiangis.report`) return a mapping of file name to
content and never touch a file; this module, the file-touching side, writes them. Every
file is written atomically (:func:`futiangis.io.write_bytes_atomic`), and
:func:`publish_files` builds the whole folder in a staging folder and swaps it in
(:func:`futiangis.io.outputs.atomic_output_dir`), so a failed run leaves the previous
folder byte-identical.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from .outputs import atomic_output_dir, write_bytes_atomic

__all__ = ["publish_files", "write_files"]


def write_files(files: Mapping[str, bytes | str], folder: str | Path) -> list[Path]:
    """Write ``files`` (relative name → bytes, or text written as UTF-8) into ``folder``.

    ``folder`` is a staging folder (of :func:`publish_files` or of ``futiangis build``):
    files are written one by one, each atomically, so publish the folder as a whole.

    Returns
    -------
    list of Path
        The files written, in the order of ``files``.
    """
    folder = Path(folder)
    written = []
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        written.append(write_bytes_atomic(data, folder / name))
    return written


def publish_files(
    files: Mapping[str, bytes | str],
    out_dir: str | Path,
    *,
    force: bool = False,
    protected: Iterable[tuple[str | Path, str]] = (),
) -> list[Path]:
    """Publish the folder ``out_dir`` holding exactly ``files``, as a whole.

    The folder is written only when new, empty or a previous futiangis output, unless
    ``force``; never over a ``protected`` path or a parent of one.

    Returns
    -------
    list of Path
        The files written (at their published place).

    Raises
    ------
    OutputError
        If the folder may not or cannot be written; nothing was changed.
    """
    out = Path(out_dir)
    with atomic_output_dir(out, force=force, protected=protected) as staging:
        names = [p.relative_to(staging) for p in write_files(files, staging)]
    return [out / n for n in names]
