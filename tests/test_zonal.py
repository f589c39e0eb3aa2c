"""Zonal sums on GeoTIFFs with known cell values: exact partial pixels vs rasterio masks."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine

from futiangis.errors import CRSError
from futiangis.io import RasterData, read_raster
from futiangis.zonal import compare_zonal_methods, zonal_stats, zonal_sum, zonal_sum_masked

from conftest import FUTIAN_X, FUTIAN_Y

CELL = 10.0
X0, Y0 = FUTIAN_X, FUTIAN_Y + 40.0  # top-left corner of the raster


def write_tif(path, values, *, nodata=None, crs="EPSG:4547"):
    values = np.asarray(values, dtype="float64")
    with rasterio.open(
        path, "w", driver="GTiff", height=values.shape[0], width=values.shape[1], count=1,
        dtype="float64", crs=crs, transform=Affine(CELL, 0, X0, 0, -CELL, Y0), nodata=nodata,
    ) as dst:
        dst.write(values, 1)
    return path


def cells_box(c0, r0, c1, r1):
    """Polygon from fractional column/row positions (row 0 at the top)."""
    return shapely.box(X0 + c0 * CELL, Y0 - r1 * CELL, X0 + c1 * CELL, Y0 - r0 * CELL)


def zones(*geoms, crs=4547):
    return gpd.GeoSeries(list(geoms), crs=crs)


@pytest.fixture
def counting_raster(tmp_path):
    # 4 × 4 cells of 10 m holding 1..16 row by row:
    #   1  2  3  4
    #   5  6  7  8
    #   9 10 11 12
    #  13 14 15 16
    return read_raster(write_tif(tmp_path / "count.tif", np.arange(1, 17).reshape(4, 4)))


def test_polygon_cutting_cells_gets_exact_partial_sums(counting_raster):
    # columns 0.25–2.25 and rows 0–1.75: ¾ of column 0, column 1, ¼ of column 2;
    # row 0 whole, ¾ of row 1.
    # row 0: 0.75·1 + 2 + 0.25·3 = 3.5; row 1: 0.75·(0.75·5 + 6 + 0.25·7) = 8.625
    zone = zones(cells_box(0.25, 0, 2.25, 1.75))
    assert zonal_sum(zone, counting_raster).iloc[0] == pytest.approx(12.125, abs=1e-9)


def test_rasterio_masks_differ_from_the_exact_sum(counting_raster):
    zone = zones(cells_box(0.25, 0, 2.25, 1.75))
    table = compare_zonal_methods(zone, counting_raster)
    row = table.iloc[0]
    assert row["exact"] == pytest.approx(12.125)
    # centre inside: cells (0,0) (0,1) (1,0) (1,1) = 1 + 2 + 5 + 6
    assert row["centre"] == pytest.approx(14.0)
    # touched: columns 0–2 of rows 0–1 = 1 + 2 + 3 + 5 + 6 + 7
    assert row["all_touched"] == pytest.approx(24.0)
    assert row["centre_minus_exact"] == pytest.approx(1.875)
    assert row["all_touched_minus_exact"] == pytest.approx(11.875)
    # the area-consistent answer: 2 × 1.75 cells of this polygon exist
    assert zone.area.iloc[0] == pytest.approx(2 * 1.75 * CELL * CELL)


def test_ones_raster_gives_area_in_cells_for_any_shape(tmp_path):
    raster = read_raster(write_tif(tmp_path / "ones.tif", np.ones((4, 4))))
    tri = shapely.Polygon([(X0 + 3, Y0 - 2), (X0 + 37, Y0 - 5), (X0 + 11, Y0 - 33)])
    disc = shapely.Point(X0 + 20, Y0 - 20).buffer(13.3, quad_segs=64)
    sums = zonal_sum(zones(tri, disc), raster)
    # exactextract keeps cell fractions in single precision: ~1e-8 relative
    assert sums.tolist() == pytest.approx([tri.area / 100, disc.area / 100], rel=1e-6)
    masked = zonal_sum_masked(zones(tri, disc), raster, all_touched=False)
    assert masked.iloc[0] != pytest.approx(tri.area / 100, rel=1e-3)  # whole cells only


def test_half_cells_of_ones(tmp_path):
    # the example: 10 m cells of value 1, a polygon cutting cells in half
    raster = read_raster(write_tif(tmp_path / "ones.tif", np.ones((4, 4))))
    zone = zones(cells_box(0.5, 0.5, 3.5, 2.5))  # 3 × 2 cells' worth, 10 cells cut
    assert zonal_sum(zone, raster).iloc[0] == pytest.approx(6.0)


def test_nodata_cells_are_ignored(tmp_path):
    values = np.arange(1, 17, dtype=float).reshape(4, 4)
    values[0, 1] = -9999
    raster = read_raster(write_tif(tmp_path / "nd.tif", values, nodata=-9999))
    zone = zones(cells_box(0, 0, 2, 2))  # cells 1, (nodata), 5, 6
    assert zonal_sum(zone, raster).iloc[0] == pytest.approx(12.0)
    assert zonal_sum_masked(zone, raster, all_touched=False).iloc[0] == pytest.approx(12.0)


def test_polygons_in_another_crs_are_reprojected(counting_raster):
    poly = cells_box(0.25, 0, 2.25, 1.75)
    wgs = zones(poly).to_crs(4326)
    assert zonal_sum(wgs, counting_raster).iloc[0] == pytest.approx(12.125, rel=1e-5)


def test_index_kept_empty_geometry_and_outside_polygon(counting_raster):
    z = gpd.GeoSeries([cells_box(0, 0, 1, 1), shapely.Polygon(), cells_box(10, 10, 11, 11)],
                      index=["a", "b", "c"], crs=4547)
    sums = zonal_sum(z, counting_raster)
    assert list(sums.index) == ["a", "b", "c"]
    assert sums.tolist() == pytest.approx([1.0, 0.0, 0.0])


def test_min_max_take_every_touched_cell(counting_raster):
    stats = zonal_stats(zones(cells_box(0.9, 0.9, 2.1, 2.1)), counting_raster, ["min", "max"])
    # touches columns 0–2 and rows 0–2: min 1, max 11
    assert stats.iloc[0].tolist() == [1.0, 11.0]


def test_raster_without_crs_is_refused(counting_raster):
    bare = RasterData(None, counting_raster.values, counting_raster.transform, None, None,
                      counting_raster.bounds)
    with pytest.raises(CRSError, match="no CRS"):
        zonal_sum(zones(cells_box(0, 0, 1, 1)), bare)
