"""jsonable: the one numpy/pandas → JSON conversion, and row labels."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from futiangis.jsonutil import jsonable, records
from futiangis.labels import row_labels


def test_jsonable_converts_every_numpy_and_pandas_scalar():
    value = {"i": np.int32(7), "f": np.float32(0.25), "nan": np.nan, "b": np.bool_(False),
             "na": pd.NA, "nat": pd.NaT, "d": dt.date(2015, 12, 31), "ts": pd.Timestamp("2016-01-02"),
             "nested": [np.int64(1), (np.float64(2.5),)], "arr": np.array([1, 2])}
    out = jsonable(value)
    assert out == {"i": 7, "f": 0.25, "nan": None, "b": False, "na": None, "nat": None,
                   "d": "2015-12-31", "ts": "2016-01-02T00:00:00", "nested": [1, [2.5]], "arr": [1, 2]}
    assert type(out["i"]) is int and type(out["b"]) is bool and type(out["f"]) is float
    json.dumps(out)  # plain data


def test_records_of_a_frame_with_missing_values():
    frame = pd.DataFrame({"id": ["a", "b"], "n": pd.array([1, None], dtype="Int64"), "x": [0.5, np.nan]})
    assert records(frame) == [{"id": "a", "n": 1, "x": 0.5}, {"id": "b", "n": None, "x": None}]


def test_row_labels_count_positions_not_index_labels():
    frame = pd.DataFrame({"v": [1, 2, 3]}, index=[30, 10, 20])
    labels = row_labels(frame)
    assert labels.tolist() == ["row 1", "row 2", "row 3"] and list(labels.index) == [30, 10, 20]
