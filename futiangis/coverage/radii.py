"""Service radii: one for all, one per facility, or by park size and class (GB/T 50563-2010)."""
from __future__ import annotations

from numbers import Real

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schemas as S
from ..crs import require_projected
from ..errors import ConfigError
from ..validate import feature_labels
from .result import CoverageInputError

__all__ = ["radius_array", "park_radii", "park_exclusions"]


def radius_array(facilities: gpd.GeoDataFrame, radius_m) -> tuple[np.ndarray, dict]:
    n = len(facilities)
    if isinstance(radius_m, pd.Series):
        if not radius_m.index.equals(facilities.index):
            raise CoverageInputError(
                "radius_m is a Series whose index does not match the facilities' index; "
                "build it from the facilities (e.g. facilities['radius_m']) or .reindex it."
            )
        radii = pd.to_numeric(radius_m, errors="coerce").to_numpy(dtype="float64")
        mode = "per_facility"
    elif isinstance(radius_m, Real) and not isinstance(radius_m, bool):
        radii = np.full(n, float(radius_m))
        mode = "constant"
    else:
        raise CoverageInputError(
            f"radius_m must be a number of metres or a Series aligned to the facilities, "
            f"got {type(radius_m).__name__}."
        )
    bad = ~np.isfinite(radii) | (radii <= 0)
    if bad.any():
        ids = ", ".join(feature_labels(facilities)[bad].head(10))
        raise CoverageInputError(
            f"service radius must be a positive number of metres; facility(ies) {ids} have "
            f"{', '.join(str(v) for v in radii[bad][:10])}. Fix the radius (field 'radius_m')."
        )
    values, counts = np.unique(radii, return_counts=True)
    info = {
        "mode": mode,
        "min": float(radii.min()) if n else None,
        "max": float(radii.max()) if n else None,
        "counts": {f"{v:g}": int(c) for v, c in zip(values, counts)},
    }
    return radii, info


def park_radii(parks: gpd.GeoDataFrame, rules, *, exclude_classes=()) -> pd.Series:
    """Service radius of each park from its class and area, first matching rule wins.

    GB/T 50563-2010 (公园绿地服务半径覆盖率): parks of ≥ 5,000 m² serve 500 m, parks of
    2,000–5,000 m² serve 300 m, smaller ones are not counted. A park matching no rule, or
    whose ``park_class`` is in ``exclude_classes`` (``nature_reserve``: not public park
    green space), gets NaN: it is not counted.

    Parameters
    ----------
    parks : GeoDataFrame
        Park polygons in the working CRS (``park_class`` column optional).
    rules : sequence of mappings
        Each has ``radius_m`` and optionally ``min_area_m2`` (park area ≥ this) and
        ``park_class`` (class equals this). Ordered from the most specific/largest down.
    exclude_classes : sequence of str
        Classes that are not public park green space.

    Returns
    -------
    Series
        ``radius_m`` per park (NaN = not counted), indexed like ``parks``.

    Raises
    ------
    ConfigError
        If a rule lacks ``radius_m``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> parks = gpd.GeoDataFrame({"id": ["small", "mid", "big"]}, crs=4547, geometry=[
    ...     shapely.box(0, 0, 30, 50), shapely.box(0, 0, 60, 50), shapely.box(0, 0, 200, 100)])
    >>> rules = [{"min_area_m2": 5_000, "radius_m": 500}, {"min_area_m2": 2_000, "radius_m": 300}]
    >>> park_radii(parks, rules).tolist()
    [nan, 300.0, 500.0]
    """
    require_projected(parks.crs, "park radii by area")
    areas = parks.geometry.area.to_numpy()
    classes = (
        parks[S.PARK_CLASS].astype(str).to_numpy()
        if S.PARK_CLASS in parks.columns else np.full(len(parks), "", dtype=object)
    )
    radii = np.full(len(parks), np.nan)
    for i, raw in enumerate(rules):
        # typed [coverage.parks] radii (futiangis.settings.RadiusRule) or plain mappings
        rule = raw.as_dict() if hasattr(raw, "as_dict") else raw
        if "radius_m" not in rule:
            raise ConfigError(
                f"[coverage.parks] radii rule {i + 1} has no radius_m; "
                "write e.g. { min_area_m2 = 5_000, radius_m = 500 }."
            )
        match = np.isnan(radii) & (areas >= float(rule.get("min_area_m2", 0)))
        if "park_class" in rule:
            match &= classes == str(rule["park_class"])
        radii[match] = float(rule["radius_m"])
    radii[np.isin(classes, [str(c) for c in exclude_classes])] = np.nan
    return pd.Series(radii, index=parks.index, name="radius_m")


def park_exclusions(parks: gpd.GeoDataFrame, radii: pd.Series, *, exclude_classes=()) -> pd.DataFrame:
    """The parks :func:`park_radii` leaves out, each with its area and why."""
    labels = feature_labels(parks)
    classes = parks[S.PARK_CLASS].astype(str) if S.PARK_CLASS in parks.columns else pd.Series("", index=parks.index)
    rows = []
    for i in np.flatnonzero(radii.isna().to_numpy()):
        cls = classes.iloc[i]
        why = (f"class {cls!r} is not public park green space" if cls in exclude_classes
               else "smaller than the smallest park the standard counts")
        rows.append({"id": labels.iloc[i], "park_class": cls, "area_m2": float(parks.geometry.iloc[i].area),
                     "reason": why})
    return pd.DataFrame(rows, columns=["id", "park_class", "area_m2", "reason"])


