"""Plain data for JSON: the one conversion of numpy / pandas values every ``to_dict`` uses.

Examples
--------
>>> import numpy as np
>>> jsonable({"n": np.int64(3), "share": np.float64("nan"), "ok": np.bool_(True),
...           "rows": (np.float32(0.5),)})
{'n': 3, 'share': None, 'ok': True, 'rows': [0.5]}
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["jsonable", "records"]


def jsonable(value: Any) -> Any:
    """``value`` with numpy and pandas scalars as Python ones, recursively.

    numpy integers → ``int``, floats → ``float`` (NaN → ``None``: JSON has no NaN), bools
    → ``bool``; ``pd.NA`` / ``NaT`` → ``None``; dates and timestamps → ISO 8601 text;
    mappings → dicts, lists / tuples / arrays → lists. Anything else is returned as is.
    """
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.time)):  # pd.Timestamp is a datetime
        import pandas as pd

        return None if value is pd.NaT else value.isoformat()
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value


def records(table: Any) -> list[dict]:
    """Rows of a DataFrame as JSON-ready dicts (missing values → ``None``)."""
    return [{k: jsonable(v) for k, v in row.items()} for row in table.to_dict("records")]
