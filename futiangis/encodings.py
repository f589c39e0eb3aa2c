"""Text encodings of planners' files: codec names, ``.cpg`` aliases, mojibake checks.

Chinese offices deliver shapefiles and CSVs in GBK (Windows code page 936) as often as in
UTF-8, and the ``.cpg`` beside a shapefile says so in a dozen spellings (``936``,
``ANSI 936``, ``CP936``, ``GB2312``, ``GBK``, ``GB18030``, ``UTF-8``, ``65001`` …).
:func:`codec_for_cpg` maps them onto Python codec names (GB2312 and 936 are read as GBK,
their superset, so a GBK-only character in a file labelled GB2312 still decodes);
:func:`normalise_encoding` checks an ``--encoding`` value; :func:`mojibake_problems`
looks at the decoded text and says when the declared or chosen encoding was wrong —
whatever declared it (no ``.cpg``, a wrong ``.cpg``, or ``--encoding gbk`` on a UTF-8 file).
"""
from __future__ import annotations

import codecs
import re

import pandas as pd

from .errors import LayerReadError, Problem

__all__ = ["CPG_ALIASES", "codec_for_cpg", "mojibake_problems", "normalise_encoding"]

#: ``.cpg`` contents (upper case, spaces and dashes removed) -> Python codec
CPG_ALIASES = {
    "936": "gbk", "ANSI936": "gbk", "CP936": "gbk", "MS936": "gbk", "WINDOWS936": "gbk",
    "GB2312": "gbk", "GB231280": "gbk", "EUCCN": "gbk", "GBK": "gbk",
    "GB18030": "gb18030", "54936": "gb18030",
    "950": "big5", "ANSI950": "big5", "BIG5": "big5",
    "UTF8": "utf-8", "65001": "utf-8", "UTF8BOM": "utf-8-sig",
    "1252": "cp1252", "ANSI1252": "cp1252", "CP1252": "cp1252",
    "88591": "latin-1", "ISO88591": "latin-1", "LATIN1": "latin-1",
    "437": "cp437", "ANSI437": "cp437", "OEM": "cp437",
}
_KNOWN = "utf-8, gbk (also for GB2312 / code page 936), gb18030, big5"
# Latin-1 decodings of GBK/UTF-8 Chinese text are runs of characters in U+0080..U+00FF.
_LATIN1_RUN = re.compile(r"[\u0080-\u00ff]{2,}")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_DOUBLE_BYTE = ("gbk", "gb18030", "gb2312", "cp936", "big5", "cp950")


def normalise_encoding(name: str, *, what: str = "--encoding") -> str:
    """Return the Python codec name for ``name`` (``GB2312`` and ``936`` become ``gbk``).

    Raises
    ------
    LayerReadError
        If ``name`` is not a text encoding Python knows (e.g. the typo ``gbkk``).

    Examples
    --------
    >>> normalise_encoding("GB2312"), normalise_encoding("ANSI 936"), normalise_encoding("utf8")
    ('gbk', 'gbk', 'utf-8')
    """
    key = re.sub(r"[\s_\-]", "", str(name)).upper()
    if key in CPG_ALIASES:
        return CPG_ALIASES[key]
    try:
        info = codecs.lookup(str(name).strip())
    except LookupError:
        raise LayerReadError(
            f"{what} {name!r} is not a known text encoding; use one of {_KNOWN}, or another "
            "Python codec name."
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise LayerReadError(f"{what} {name!r} is not a text encoding; use one of {_KNOWN}.")
    return info.name


def codec_for_cpg(text: str, *, source: str) -> str:
    """The codec a ``.cpg`` file's content names.

    Raises
    ------
    LayerReadError
        If the ``.cpg`` names no known encoding (saying what it contains).
    """
    first = (text.strip().splitlines() or [""])[0].strip()
    if not first:
        raise LayerReadError(
            f"{source}: the .cpg file is empty; write the encoding in it (UTF-8 or GBK) or "
            "delete it and pass --encoding."
        )
    return normalise_encoding(first, what=f"{source}: the .cpg says")


def _text_columns(gdf) -> list[str]:
    geom = getattr(gdf, "_geometry_column_name", None)
    out = [str(geom)] if geom else []
    return [c for c in gdf.columns if c not in out and (
        gdf[c].dtype == object or pd.api.types.is_string_dtype(gdf[c]))]


def mojibake_problems(gdf, *, encoding: str | None, declared_by: str, path) -> list[Problem]:
    """Problems when decoded text is visibly not what the file holds (at most one).

    Two checks, run on every read whatever declared the encoding:

    * text in U+0080..U+00FF runs that re-encodes to valid GBK/UTF-8 Chinese: the bytes
      were read as Latin-1 (no ``.cpg``, or a ``.cpg`` saying 1252 / 8859-1);
    * Chinese text that re-encodes (in the encoding used) to valid, different UTF-8: a
      UTF-8 file read as GBK (``--encoding gbk`` or a ``.cpg`` of 936 on a UTF-8 file).

    Parameters
    ----------
    gdf : DataFrame
        As read.
    encoding : str or None
        The codec the text was decoded with (None: the reader's default).
    declared_by : str
        What chose it, for the message ("no .cpg", "the .cpg (GB2312)", "--encoding gbk").
    path : path
        The file, for the message.
    """
    from pathlib import Path

    path = Path(path)
    used = (encoding or "").lower().replace("_", "-")
    used = {"utf8": "utf-8"}.get(used, used)
    for col in _text_columns(gdf):
        for value in gdf[col].dropna().astype(str).head(500):
            if _LATIN1_RUN.search(value):
                raw = value.encode("latin-1", errors="ignore")
                for guess in ("utf-8", "gbk"):
                    try:
                        decoded = raw.decode(guess)
                    except UnicodeDecodeError:
                        continue
                    if _CJK.search(decoded):
                        return [_problem(path, col, declared_by, guess, decoded)]
            if used in _DOUBLE_BYTE and _CJK.search(value):
                try:
                    as_utf8 = value.encode(used).decode("utf-8")
                except (UnicodeError, LookupError):
                    continue
                # real GBK text is almost never also valid UTF-8 *Chinese* (3 bytes a character)
                if as_utf8 != value and _CJK.search(as_utf8):
                    return [_problem(path, col, declared_by, "utf-8", as_utf8)]
    return []


def _problem(path, col, declared_by, guess, decoded) -> Problem:
    sample = repr(decoded[:20])
    if declared_by == "no .cpg":
        return Problem(
            "encoding_unknown",
            f"the shapefile has no .cpg and its text decodes as {guess.upper()} Chinese (e.g. "
            f"{sample}), not as read. Re-run with --encoding {guess}, or add a {path.stem}.cpg "
            f"file containing '{guess.upper()}'.",
            field=col,
        )
    if declared_by.startswith("--encoding"):
        fix = ("drop --encoding (the file is UTF-8) or pass --encoding utf-8" if guess == "utf-8"
               else f"pass --encoding {guess}")
        return Problem(
            "encoding_mismatch",
            f"{declared_by} does not match the file: its text is {guess.upper()} Chinese (e.g. "
            f"{sample}) and was misread as mojibake. Re-run and {fix}.",
            field=col,
        )
    fix = f"Re-run with --encoding {guess}"
    if declared_by.startswith("the .cpg"):
        fix += f", or correct {path.stem}.cpg to '{guess.upper()}'"
    return Problem(
        "encoding_mismatch",
        f"the text was decoded as {declared_by} says, but it is {guess.upper()} Chinese (e.g. "
        f"{sample}), misread as mojibake. {fix}.",
        field=col,
    )
