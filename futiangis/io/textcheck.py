"""Text values a reader would change silently: NUL characters and other control characters.

GDAL reads a text value as a C string: a NUL (``\\x00``) inside a GeoPackage or shapefile
attribute cuts the value there, silently ("甲\\x00乙" comes back as "甲"). So the NUL is
looked for in the file's own bytes — in the GeoPackage's SQLite table, in the shapefile's
.dbf records — and reported as an error naming file, feature id and field. Other control
characters (ESC, BEL, vertical tab …) survive the read; they are reported once per field
as a warning (they are shown escaped in terminal output and replaced in XLSX).
(CSV and GeoJSON are checked for NUL by their readers, with the line number.)
"""
from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problem

__all__ = ["gpkg_nul_problems", "dbf_nul_problems", "control_character_warnings"]

_MAX_LISTED = 20
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _label(frame: pd.DataFrame | None, row: int, fallback: str) -> str:
    if frame is not None and "id" in frame.columns and 0 <= row < len(frame):
        value = frame["id"].iloc[row]
        if value is not None and not (isinstance(value, float) and np.isnan(value)) and str(value).strip():
            return str(value)
    return fallback


def _nul_problem(field: str, feature: str, what: str) -> Problem:
    return Problem(
        "nul_in_value",
        f"the value holds a NUL character (\\u0000) {what}; GDAL cuts the text there, so it "
        "would be silently shortened. Remove the character in the source program (or with "
        "a field calculator: replace(field, char(0), '')) and export again.",
        feature_id=feature, field=field)


def gpkg_nul_problems(path: Path, layer: str | None, frame: pd.DataFrame | None = None) -> list[Problem]:
    """NUL characters inside the text columns of a GeoPackage layer (read with sqlite3)."""
    problems: list[Problem] = []
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return problems
    with contextlib.closing(con):
        try:
            tables = [r[0] for r in con.execute(
                "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes')")]
            table = layer if layer in tables else (tables[0] if len(tables) == 1 else None)
            if table is None:
                return problems
            quoted = '"' + table.replace('"', '""') + '"'
            info = list(con.execute(f"PRAGMA table_info({quoted})"))
            pk = next((r[1] for r in info if r[5]), None)
            texts = [r[1] for r in info if "TEXT" in str(r[2]).upper() or str(r[2]).strip() == ""]
            if not texts or pk is None:
                return problems
            qpk = '"' + pk.replace('"', '""') + '"'
            order = {fid: i for i, (fid,) in enumerate(con.execute(f"SELECT {qpk} FROM {quoted} ORDER BY {qpk}"))}
            for name in texts:
                qcol = '"' + name.replace('"', '""') + '"'
                rows = con.execute(
                    f"SELECT {qpk} FROM {quoted} WHERE typeof({qcol}) = 'text' AND "
                    f"instr(CAST({qcol} AS BLOB), X'00') > 0 ORDER BY {qpk} LIMIT {_MAX_LISTED + 1}").fetchall()
                for (fid,) in rows[:_MAX_LISTED]:
                    feature = _label(frame, order.get(fid, -1), f"fid {fid}")
                    problems.append(_nul_problem(name, feature, "inside the GeoPackage value"))
        except sqlite3.Error:
            return problems
    return problems


def dbf_nul_problems(data: bytes, frame: pd.DataFrame | None = None, *, encoding: str | None = None) -> list[Problem]:
    """NUL characters inside the character fields of a shapefile's .dbf (its raw bytes).

    A NUL followed by more text in the same field is reported; NULs that only pad the
    field to its width (some writers pad with NUL instead of spaces) are not.
    """
    problems: list[Problem] = []
    if len(data) < 32:
        return problems
    n_records = int.from_bytes(data[4:8], "little")
    header_len = int.from_bytes(data[8:10], "little")
    record_len = int.from_bytes(data[10:12], "little")
    fields = []
    offset = 1  # the deletion flag
    pos = 32
    while pos + 32 <= header_len and data[pos] != 0x0D:
        raw_name = data[pos:pos + 11].split(b"\x00")[0]
        kind = chr(data[pos + 11])
        length = data[pos + 16]
        try:
            name = raw_name.decode(encoding or "utf-8")
        except (UnicodeDecodeError, LookupError):
            name = raw_name.decode("latin-1")
        if kind == "C":
            fields.append((name, offset, length))
        offset += length
        pos += 32
    if not fields or record_len <= 0:
        return problems
    end = header_len + n_records * record_len
    body = np.frombuffer(data[header_len:min(end, len(data))], dtype=np.uint8)
    n = len(body) // record_len
    records = body[: n * record_len].reshape(n, record_len)
    live = records[:, 0] != ord("*")  # deleted records are not read by GDAL
    live_index = np.cumsum(live) - 1
    for name, start, length in fields:
        cells = records[:, start:start + length]
        nul = cells == 0
        text = ~nul & (cells != 0x20)
        if not nul.any():
            continue
        first_nul = np.where(nul.any(axis=1), nul.argmax(axis=1), length)
        last_text = np.where(text.any(axis=1), length - 1 - text[:, ::-1].argmax(axis=1), -1)
        bad = np.flatnonzero(live & (first_nul < last_text))
        for i in bad[:_MAX_LISTED]:
            feature = _label(frame, int(live_index[i]), f"record {int(live_index[i]) + 1}")
            problems.append(_nul_problem(name, feature, "inside the .dbf value"))
    return problems


def control_character_warnings(frame: pd.DataFrame) -> list[Problem]:
    """One warning per text column holding control characters (other than tab/newline)."""
    out: list[Problem] = []
    geometry = getattr(frame, "_geometry_column_name", None)
    for col in frame.columns:
        if col == geometry or not (pd.api.types.is_object_dtype(frame[col]) or pd.api.types.is_string_dtype(frame[col])):
            continue
        values = frame[col]
        hit = values.map(lambda v: isinstance(v, str) and _CONTROL.search(v) is not None).to_numpy(dtype=bool)
        if not hit.any():
            continue
        rows = np.flatnonzero(hit)
        chars = sorted({f"U+{ord(c):04X}" for v in values.iloc[rows[:50]] for c in _CONTROL.findall(v)})
        first = _label(frame, int(rows[0]), f"row {int(rows[0]) + 1}")
        out.append(Problem(
            "control_character",
            f"{len(rows)} value(s) hold control characters ({', '.join(chars)}), first in feature "
            f"{first!r}; they are kept as data, shown escaped in terminal output and replaced in "
            "XLSX. Remove them in the source program if they are not meant to be there.",
            feature_id=first, field=str(col), severity="warning"))
    return out
