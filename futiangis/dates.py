"""Dates as planners write them: ``YYYY-MM-DD``, a bare year (= 31 December), or a date.

One parser for the config (target periods, ``--as-of``) and for the layers (site
milestone dates), so a year means the same everywhere: the **end** of that year, the
conservative reading (a site "completed in 2014" is certain to be complete only on
31 December 2014).
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["parse_date", "to_dates"]


def parse_date(value: Any) -> dt.date | None:
    """Turn one value into a date; ``None`` for missing; ``ValueError`` if unreadable.

    Examples
    --------
    >>> parse_date("2015")
    datetime.date(2015, 12, 31)
    >>> parse_date(2014.0)
    datetime.date(2014, 12, 31)
    >>> parse_date("2015-06-30")
    datetime.date(2015, 6, 30)
    >>> parse_date(None) is None
    True
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, (int, np.integer, float, np.floating)):
        if float(value) != int(value) or not 1000 <= int(value) <= 9999:
            raise ValueError(f"{value!r} is not a year")
        return dt.date(int(value), 12, 31)
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 4 and text.isdigit():
        return dt.date(int(text), 12, 31)
    if len(text) >= 10 and text[10:11] in ("T", " "):  # 2015-06-30T00:00:00 from some drivers
        text = text[:10]
    text = text.replace("/", "-")
    return dt.date.fromisoformat(text)


def to_dates(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse a column: (Series of ``datetime.date`` or None, mask of unreadable values)."""
    out: list[dt.date | None] = []
    bad = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values.to_numpy(dtype=object)):
        try:
            out.append(parse_date(v))
        except (ValueError, TypeError, OverflowError):
            out.append(None)
            bad[i] = True
    return pd.Series(out, index=values.index, dtype=object), bad
