"""Point tables: CSV and Excel (XLSX/XLS) sheets with coordinate columns -> points.

A table has no CRS: the caller's ``--source-crs`` says what the numbers are (GCJ-02
degrees from Gaode, EPSG:4547 metres, a local grid …). Which columns hold the
coordinates is decided by :func:`futiangis.fields.coordinate_rules` (``--field lon=…``
first, then the common spellings 经度/lon/lng/x/POINT_X …) and said in the notes.
Values are read as text and numbers are recognised per column, so codes such as
``001`` stay text when a column is not wholly numeric.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import LayerReadError
from ..fields import FIELD_ALIASES, FieldRule, coordinate_rules

__all__ = ["points_from_table", "read_excel_table", "maybe_numeric"]


def maybe_numeric(series: pd.Series) -> pd.Series:
    """The column as numbers if every non-empty value is one, else unchanged."""
    converted = pd.to_numeric(series, errors="coerce")
    if converted.notna().sum() == series.notna().sum():
        return converted
    return series


def points_from_table(frame: pd.DataFrame, path: Path,
                      rules: Mapping[str, FieldRule] | None = None) -> gpd.GeoDataFrame:
    """Build points from a table of text cells; coordinate columns by name or ``--field``.

    The result has no CRS and carries ``attrs["read_notes"]`` (which columns were used).

    Raises
    ------
    LayerReadError
        No coordinate columns, or a row without numeric coordinates (line numbers given).
    """
    frame = frame.rename(columns=lambda c: str(c).strip())
    try:
        lon_col, lat_col, notes = coordinate_rules(frame.columns, rules or {})
    except Exception as exc:  # ConfigError: explicit column missing or ambiguous
        raise LayerReadError(f"{path}: {exc}") from None
    if lon_col is None or lat_col is None:
        lons = "/".join(FIELD_ALIASES["lon"][0])
        lats = "/".join(FIELD_ALIASES["lat"][0])
        raise LayerReadError(
            f"{path}: a point table needs longitude/x and latitude/y columns (named one of "
            f"{lons} / {lats}, or say which with --field lon=COLUMN --field lat=COLUMN); "
            f"found {list(frame.columns)}."
        )
    text_lon = frame[lon_col].astype("string").str.strip()
    text_lat = frame[lat_col].astype("string").str.strip()
    lon = pd.to_numeric(text_lon, errors="coerce")
    lat = pd.to_numeric(text_lat, errors="coerce")
    bad = np.flatnonzero((lon.isna() | lat.isna()).to_numpy())
    if len(bad):
        rows = ", ".join(str(int(i) + 2) for i in bad[:10])  # the header is line/row 1
        raise LayerReadError(
            f"{path}: {len(bad)} row(s) have a missing or non-numeric {lon_col}/{lat_col} "
            f"(line {rows}); fill in the coordinates (decimal degrees, or metres with "
            "--source-crs EPSG:n)."
        )
    attrs = frame.drop(columns=[lon_col, lat_col])
    # values kept as written: every column stays text ("001", "0755"); the layer's schema
    # converts the columns it declares as numbers (validate.prepare_layer)
    attrs = attrs.apply(lambda s: s.replace("", np.nan))
    gdf = gpd.GeoDataFrame(attrs, geometry=gpd.points_from_xy(lon.astype(float), lat.astype(float)), crs=None)
    gdf.attrs["read_notes"] = notes
    gdf.attrs["coordinate_columns"] = (str(lon_col), str(lat_col))
    return gdf


def read_excel_table(path: Path, *, sheet: str | None, rules: Mapping[str, FieldRule] | None = None
                     ) -> gpd.GeoDataFrame:
    """Read one sheet of an XLSX (openpyxl) or XLS (calamine, else xlrd) workbook as points.

    Without ``sheet`` a workbook with one sheet is read; with several the error lists them
    (choose with ``--sheet NAME``).
    """
    engine = _xls_engine() if path.suffix.lower() == ".xls" else "openpyxl"
    try:
        with warnings.catch_warnings():  # pandas deprecates its xlrd engine (the fallback)
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            book = pd.ExcelFile(path, engine=engine)
    except ImportError:
        raise LayerReadError(f"{path}: reading .xls needs the python-calamine (or xlrd) package "
                             "(pip install python-calamine); or save the sheet as .xlsx.") from None
    except Exception as exc:  # zipfile.BadZipFile, xlrd.XLRDError, ...
        raise LayerReadError(
            f"{path}: cannot be opened as an Excel workbook ({type(exc).__name__}: {exc}); save "
            "it again from Excel/WPS as .xlsx."
        ) from None
    with book:
        names = [str(n) for n in book.sheet_names]
        if sheet is None:
            if len(names) > 1:
                raise LayerReadError(
                    f"{path}: the workbook has {len(names)} sheets ({', '.join(names)}); choose "
                    "one with --sheet NAME."
                )
            sheet = names[0]
        elif sheet not in names:
            raise LayerReadError(f"{path}: no sheet {sheet!r}; sheets: {', '.join(names)}.")
        frame = pd.read_excel(book, sheet_name=sheet, dtype=object, header=0)
    frame = frame.dropna(how="all")
    frame = frame.loc[:, [not str(c).startswith("Unnamed:") or frame[c].notna().any() for c in frame.columns]]
    text = frame.apply(lambda s: s.map(_cell_text))
    gdf = points_from_table(text, path, rules)
    gdf.attrs["read_notes"] = [f"read sheet {sheet!r} ({len(gdf)} rows)"] + gdf.attrs.get("read_notes", [])
    return gdf


def _xls_engine() -> str:
    """pandas' engine for Excel 97-2003 (.xls): calamine when installed, else xlrd."""
    import importlib.util

    return "calamine" if importlib.util.find_spec("python_calamine") else "xlrd"


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()
