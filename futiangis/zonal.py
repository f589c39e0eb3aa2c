"""Zonal statistics of a raster over polygons, with exact partial-pixel handling.

A population raster holds people per cell. The people inside a polygon are the sum of
``cell value × fraction of the cell inside the polygon``. :func:`zonal_sum` computes that
with **exactextract** (exact cell coverage fractions, not a yes/no mask). The common
shortcut, rasterio's :func:`rasterio.features.geometry_mask`, counts a cell wholly or not
at all — by its centre (``all_touched=False``) or when touched (``all_touched=True``);
:func:`zonal_sum_masked` implements it and :func:`compare_zonal_methods` shows the
difference, which the tests check on rasters with known answers.

Polygons are reprojected to the raster's CRS (the raster is never resampled: resampling
a count raster changes the total). The raster comes in already read
(:class:`futiangis.io.RasterData`, from :func:`futiangis.load.load_raster`); nothing
here opens files.
"""
from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from .errors import CRSError
from .io import RasterData

__all__ = ["check_population_raster", "compare_zonal_methods", "zonal_stats", "zonal_sum", "zonal_sum_masked"]


def _zones_in_raster_crs(zones: gpd.GeoSeries | gpd.GeoDataFrame, raster: RasterData) -> gpd.GeoSeries:
    geoms = zones.geometry if isinstance(zones, gpd.GeoDataFrame) else zones
    if raster.crs is None:
        raise CRSError(
            f"{raster.path}: the raster has no CRS, so polygons cannot be placed on it; "
            "assign one (e.g. `gdal_edit.py -a_srs EPSG:4547 FILE` on a copy)."
        )
    if geoms.crs is None:
        raise CRSError("zonal statistics need polygons with a CRS; set one with .set_crs(...).")
    if not CRS.from_user_input(geoms.crs).equals(CRS.from_user_input(raster.crs)):
        geoms = geoms.to_crs(raster.crs)
    return geoms


def _numpy_source(raster: RasterData):
    from exactextract.raster import NumPyRasterSource

    t = raster.transform
    if t.b != 0 or t.d != 0:
        raise CRSError(f"{raster.path}: rotated rasters are not supported; warp it north-up first.")
    ny, nx = raster.values.shape
    xmin, ymax = t.c, t.f
    xmax, ymin = xmin + t.a * nx, ymax + t.e * ny
    # exactextract expects a north-up grid (ymax at row 0); a south-up one is flipped.
    values = raster.values
    if t.e > 0:
        values = values[::-1]
        ymin, ymax = ymax, ymin
    # a full boolean mask: exactextract reads ``.mask`` window by window
    values = np.ma.masked_array(
        np.ma.getdata(values).astype("float64"), mask=np.ma.getmaskarray(values)
    )
    return NumPyRasterSource(values, xmin, ymin, xmax, ymax)


def zonal_stats(
    zones: gpd.GeoSeries | gpd.GeoDataFrame, raster: RasterData, ops: list[str]
) -> pd.DataFrame:
    """Coverage-weighted zonal statistics (exactextract) per polygon.

    Parameters
    ----------
    zones : GeoSeries or GeoDataFrame
        Polygons with a CRS; reprojected to the raster's CRS if needed.
    raster : RasterData
        One band, nodata masked (nodata cells are ignored).
    ops : list of str
        exactextract operations, e.g. ``["sum"]``, ``["min", "max", "mean"]``. ``sum``
        weights each cell by the fraction of it inside the polygon; ``min``/``max`` take
        every cell the polygon covers at all.

    Returns
    -------
    DataFrame
        One column per operation, indexed like ``zones``. Empty or missing geometries get
        0 for ``sum``/``count`` and NaN otherwise.
    """
    from exactextract import exact_extract

    geoms = _zones_in_raster_crs(zones, raster)
    out = pd.DataFrame(np.nan, index=geoms.index, columns=list(ops), dtype="float64")
    for op in ops:
        if op in ("sum", "count"):
            out[op] = 0.0
    arr = geoms.to_numpy()
    usable = ~shapely.is_missing(arr) & ~shapely.is_empty(arr) & (shapely.area(arr) > 0)
    if not usable.any():
        return out
    frame = gpd.GeoDataFrame(
        {"_row": np.flatnonzero(usable)}, geometry=geoms.to_numpy()[usable], crs=geoms.crs
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # exactextract warns about the NumPy source's missing SRS
        result = exact_extract(
            _numpy_source(raster), frame, list(ops), include_cols=["_row"], output="pandas"
        )
    rows = result["_row"].to_numpy()
    for op in ops:
        col = out.columns.get_loc(op)
        out.iloc[rows, col] = result[op].to_numpy(dtype="float64")
    return out


def zonal_sum(zones: gpd.GeoSeries | gpd.GeoDataFrame, raster: RasterData) -> pd.Series:
    """Sum of raster values inside each polygon, partial cells weighted by their fraction.

    For a population raster this is the population of each polygon.

    Examples
    --------
    A 2 × 2 raster of 10 m cells holding 100 each; a polygon covering half of each cell
    holds 200:

    >>> import numpy as np, geopandas as gpd, shapely
    >>> from affine import Affine
    >>> from futiangis.io import RasterData
    >>> from pyproj import CRS
    >>> r = RasterData(None, np.ma.masked_array(np.full((2, 2), 100.0)),
    ...                Affine(10, 0, 500000, 0, -10, 2490020), CRS(4547), None,
    ...                (500000, 2490000, 500020, 2490020))
    >>> zone = gpd.GeoSeries([shapely.box(500000, 2490000, 500020, 2490010)], crs=4547)
    >>> float(zonal_sum(zone, r).iloc[0])
    200.0
    >>> half = gpd.GeoSeries([shapely.box(500000, 2490000, 500010, 2490020)], crs=4547)
    >>> float(zonal_sum(half.translate(5, 0), r).iloc[0])  # halves of all four cells
    200.0
    """
    return zonal_stats(zones, raster, ["sum"])["sum"].rename("sum")


def zonal_sum_masked(
    zones: gpd.GeoSeries | gpd.GeoDataFrame, raster: RasterData, *, all_touched: bool
) -> pd.Series:
    """Sum of raster values in each polygon by rasterio masking (whole cells in or out).

    ``all_touched=False`` takes a cell when its centre is inside; ``True`` takes every
    cell the polygon touches. Both ignore partial cells, which is why :func:`zonal_sum`
    is the one futiangis uses; this exists to show the difference.
    """
    from rasterio.features import geometry_mask

    geoms = _zones_in_raster_crs(zones, raster)
    values = np.ma.filled(raster.values.astype("float64"), 0.0)
    sums = []
    for geom in geoms.to_numpy():
        if geom is None or geom.is_empty:
            sums.append(0.0)
            continue
        inside = geometry_mask(
            [geom], out_shape=values.shape, transform=raster.transform,
            all_touched=all_touched, invert=True,
        )
        sums.append(float(values[inside].sum()))
    return pd.Series(sums, index=geoms.index, name="sum", dtype="float64")


def compare_zonal_methods(
    zones: gpd.GeoSeries | gpd.GeoDataFrame, raster: RasterData
) -> pd.DataFrame:
    """Zonal sums by exact coverage fractions and by rasterio masks, side by side.

    Returns
    -------
    DataFrame
        Indexed like ``zones``: ``exact`` (exactextract), ``centre`` (rasterio mask,
        ``all_touched=False``), ``all_touched`` (rasterio mask, ``all_touched=True``) and
        the differences ``centre_minus_exact``, ``all_touched_minus_exact``.
    """
    exact = zonal_sum(zones, raster)
    centre = zonal_sum_masked(zones, raster, all_touched=False)
    touched = zonal_sum_masked(zones, raster, all_touched=True)
    return pd.DataFrame({
        "exact": exact,
        "centre": centre,
        "all_touched": touched,
        "centre_minus_exact": centre - exact,
        "all_touched_minus_exact": touched - exact,
    })


#: values a population raster without a nodata tag uses for "no data": anything negative
#: (−9999, −32768, −3.4e38 = float32's lowest) and the huge positive fill values
_SENTINEL_ABS = 1e30


def check_population_raster(raster: RasterData, *, nodata: float | None = None) -> RasterData:
    """Refuse pixel values that cannot be people, or mask them as nodata when told to.

    A population raster holds people per cell: a negative value (a ``−9999`` or
    ``−3.4e38`` fill value of a raster without a nodata tag) or a huge one (``3.4e38``)
    is not a count, and summing it gives negative populations. NaN cells are treated as
    nodata.

    Parameters
    ----------
    raster : RasterData
        As read (cells equal to the file's own nodata value already masked).
    nodata : float, optional
        ``--nodata V``: cells equal to ``V`` are masked as nodata first.

    Returns
    -------
    RasterData
        ``raster`` itself, or a copy with the ``nodata`` cells (and NaN cells) masked.

    Raises
    ------
    LayerValidationError
        Naming the file, how many cells and which values, and how to fix it
        (``--nodata V``, or ``gdal_edit.py -a_nodata V`` on a copy).
    """
    from dataclasses import replace

    from .errors import LayerValidationError, Problem

    values = raster.values
    data = np.ma.getdata(values)
    mask = np.ma.getmaskarray(values) | np.isnan(data)
    if nodata is not None:
        if not np.isfinite(nodata):
            mask = mask | (np.isinf(data) & (np.sign(data) == np.sign(nodata)))
        else:
            as_stored = np.float32(nodata) if np.float32(nodata) != nodata else nodata
            mask = mask | np.isclose(data, float(as_stored), rtol=1e-6, atol=0.0) | (data == nodata)
    raster = replace(raster, values=np.ma.masked_array(data, mask=mask),
                     nodata=raster.nodata if nodata is None else nodata)
    valid = data[~mask]
    bad = valid[(valid < 0) | ~np.isfinite(valid) | (np.abs(valid) >= _SENTINEL_ABS)]
    if bad.size:
        distinct = np.unique(bad)
        shown = ", ".join(f"{v:g}" for v in distinct[:5]) + (" …" if distinct.size > 5 else "")
        tag = "has no nodata value" if raster.nodata is None else f"has nodata = {raster.nodata:g}, but"
        suggestion = f"{distinct[0]:g}" if distinct.size == 1 else "V"
        raise LayerValidationError(str(raster.path), [Problem(
            "population_not_a_count",
            f"the population raster {tag}: {bad.size} cell(s) hold values that cannot be "
            f"people ({shown}; a count of people is ≥ 0), so they would be summed as negative "
            f"or absurd populations. If they mark cells without data, pass --nodata "
            f"{suggestion} (or set the tag on a copy: gdal_edit.py -a_nodata {suggestion} FILE); "
            "otherwise fix the raster.",
        )])
    return raster
