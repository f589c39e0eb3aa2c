"""Reading control-point tables and storing a table in the project's futiangis.toml.

``futiangis crs fit`` stores the fitted grid as ``[crs.local.NAME]``. The planner's file
is otherwise left exactly as it was: a new table is **appended** (every byte before it is
unchanged, comments and layout included); replacing an existing one (``--replace``) goes
through tomlkit, which keeps comments and formatting of everything else. Either way the
result is parsed again before it is written, and written atomically (staging + rename).
"""
from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import LayerReadError, OutputError
from .outputs import write_text_atomic

__all__ = ["read_control_points", "store_config_table", "CONTROL_COLUMNS"]

CONTROL_COLUMNS = ("local_x", "local_y", "x", "y")


def read_control_points(path: str | Path, *, encoding: str | None = None,
                        fields: Mapping[str, str] | None = None,
                        ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Read ``local_x, local_y, x, y`` (and optional ``id``) from a CSV.

    ``fields`` maps a target column to the file's own column (``--field local_x=本地X``).
    Returns ``(ids, local (n, 2), target (n, 2))``.

    Raises
    ------
    LayerReadError
        Missing columns, non-numeric values (line numbers given), duplicate ids.
    """
    path = Path(path)
    if not path.exists():
        raise LayerReadError(f"{path}: file not found.")
    try:
        frame = pd.read_csv(path, encoding=encoding or "utf-8-sig", dtype=str, keep_default_na=False)
    except UnicodeDecodeError:
        raise LayerReadError(f"{path}: text is not valid {encoding or 'UTF-8'}; pass --encoding gbk "
                             "if it was saved by Excel on a Chinese Windows machine.") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LayerReadError(f"{path}: not a readable CSV table ({exc}).") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    renames = {}
    for target, source in (fields or {}).items():
        if target not in (*CONTROL_COLUMNS, "id"):
            raise LayerReadError(f"--field {target}={source}: control points have the columns "
                                 f"{', '.join(CONTROL_COLUMNS)} and id; no {target!r}.")
        if source.strip() not in frame.columns:
            raise LayerReadError(f"{path}: --field {target}={source}: no column {source!r} (found "
                                 f"{', '.join(frame.columns)}).")
        renames[source.strip()] = target
    frame = frame.rename(columns=renames)
    frame.columns = [c if c in renames.values() else c.lower() for c in frame.columns]
    missing = [c for c in CONTROL_COLUMNS if c not in frame.columns]
    if missing:
        raise LayerReadError(
            f"{path}: control points need columns {', '.join(CONTROL_COLUMNS)} (local grid "
            f"coordinates, then the same point in the working CRS) and optionally id; missing "
            f"{', '.join(missing)} (found {', '.join(frame.columns)})."
        )
    values = frame[list(CONTROL_COLUMNS)].apply(lambda s: pd.to_numeric(s.str.strip(), errors="coerce"))
    bad = np.flatnonzero(~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan)).all(axis=1))
    if len(bad):
        lines = ", ".join(str(i + 2) for i in bad[:10])
        raise LayerReadError(f"{path}: {len(bad)} row(s) with a missing or non-numeric coordinate "
                             f"(line {lines}); give metres as plain numbers.")
    ids = (frame["id"].str.strip().tolist() if "id" in frame.columns
           else [str(i + 1) for i in range(len(frame))])
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise LayerReadError(f"{path}: control point id(s) {', '.join(dup)} used twice; make ids unique.")
    arr = values.to_numpy(dtype=float)
    return ids, arr[:, :2], arr[:, 2:]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            raise OutputError(f"cannot store the non-finite value {v!r} in TOML.")
        return repr(v)  # shortest text that reads back as the same double
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string


def _get(doc: Mapping, keys: Sequence[str]):
    node: Any = doc
    for k in keys:
        if not isinstance(node, Mapping) or k not in node:
            return None
        node = node[k]
    return node


def store_config_table(path: str | Path, keys: Sequence[str], values: Mapping[str, Any], *,
                       replace: bool = False, comment: str = "") -> Path:
    """Store ``values`` as the table ``[keys...]`` of the TOML file ``path``.

    Raises
    ------
    OutputError
        The table exists and ``replace`` is False; the file is not valid TOML; the result
        would not be valid TOML (nothing is written then).
    """
    path = Path(path)
    header = ".".join(keys)
    try:
        original = path.read_text(encoding="utf-8") if path.exists() else ""
        doc = tomllib.loads(original)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise OutputError(f"{path}: cannot be read as TOML ({exc}); fix it before storing [{header}].") from None
    exists = _get(doc, keys) is not None
    if exists and not replace:
        raise OutputError(
            f"{path}: [{header}] is already defined; nothing was changed. Pass --replace to "
            "replace it, or choose another --name."
        )
    if not exists:
        lines = [""] if original and not original.endswith("\n\n") else []
        if original and not original.endswith("\n"):
            lines.insert(0, "")
        if comment:
            lines += [f"# {line}" for line in comment.splitlines()]
        lines.append(f"[{header}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
        text = original + "\n".join(lines) + "\n"
    else:
        import tomlkit

        tdoc = tomlkit.parse(original)
        node = tdoc
        for k in keys[:-1]:
            node = node[k]
        table = tomlkit.table()
        for k, v in values.items():
            table.add(k, tomlkit.item(float(v) if isinstance(v, np.floating) else v))
        node[keys[-1]] = table
        text = tomlkit.dumps(tdoc)
    try:
        stored = _get(tomllib.loads(text), keys)
    except tomllib.TOMLDecodeError as exc:
        raise OutputError(
            f"{path}: appending [{header}] would not be valid TOML ({exc}) — e.g. the file "
            "defines it as an inline table; nothing was changed. Edit the file by hand."
        ) from None
    if stored is None or any(stored.get(k) != (float(v) if isinstance(v, np.floating) else v)
                             for k, v in values.items()):
        raise OutputError(f"{path}: [{header}] did not read back as written; nothing was changed.")
    return write_text_atomic(text, path)
