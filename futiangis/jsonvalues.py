"""Numbers for JSON: numpy scalars as Python ones, NaN as ``null``.

The one conversion the ``to_dict()`` of the network-access and siting results share.

Examples
--------
>>> import numpy as np
>>> [to_json_value(v) for v in (np.int64(3), np.float64("nan"), np.bool_(True), "a")]
[3, None, True, 'a']
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["to_json_value"]


def to_json_value(value: Any) -> Any:
    """``value`` ready for :func:`json.dumps`: numpy integers, floats and booleans as Python
    ones, NaN as None; anything else unchanged."""
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
