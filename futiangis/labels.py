"""How messages and tables name a feature that has no id: ``row N`` (1-based).

Examples
--------
>>> import pandas as pd
>>> row_labels(pd.DataFrame({"x": [1, 2]}, index=[10, 20])).tolist()
['row 1', 'row 2']
"""
from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["row_labels"]


def row_labels(frame: Any) -> pd.Series:
    """``row 1`` … ``row N`` for the rows of ``frame`` (by position), indexed like it.

    The number is the row's position, counted from 1 as a spreadsheet or a GIS attribute
    table shows it, never the index label (which a planner does not see).
    """
    return pd.Series([f"row {i + 1}" for i in range(len(frame))], index=frame.index, dtype=object)
