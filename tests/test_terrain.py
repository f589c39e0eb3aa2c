"""Route gradients and park elevations on synthetic DEMs with known slopes."""
from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Geod
from affine import Affine

from futiangis.errors import ConfigError, CRSError
from futiangis.project import run_terrain
from futiangis.io import read_raster
from futiangis.terrain import (
    INTERPOLATION,
    park_elevation,
    route_gradients,
    sample_dem,
)

from conftest import FUTIAN_X, FUTIAN_Y

CELL = 10.0
NX, NY = 200, 150  # 2 km × 1.5 km
X0, Y0 = FUTIAN_X - 1000.0, FUTIAN_Y + 750.0  # top-left corner


def write_dem(path, func, *, crs="EPSG:4547", transform=None, shape=(NY, NX)):
    transform = transform or Affine(CELL, 0, X0, 0, -CELL, Y0)
    rows, cols = np.indices(shape)
    xs = transform.c + (cols.ravel() + 0.5) * transform.a  # cell centres
    ys = transform.f + (rows.ravel() + 0.5) * transform.e
    z = func(xs, ys).reshape(shape)
    with rasterio.open(path, "w", driver="GTiff", height=shape[0], width=shape[1], count=1,
                       dtype="float64", crs=crs, transform=transform, nodata=-9999) as dst:
        dst.write(z, 1)
    return read_raster(path)


@pytest.fixture
def slope_dem(tmp_path):
    # elevation = 0.05 × (x − X0) metres: a 5 % slope rising east
    return write_dem(tmp_path / "slope.tif", lambda x, y: 0.05 * (x - X0))


def routes(*lines, ids=None):
    ids = ids or [f"r{i + 1}" for i in range(len(lines))]
    return gpd.GeoDataFrame({"id": ids}, geometry=list(lines), crs=4547)


def line(*xy):
    return shapely.LineString([(FUTIAN_X + x, FUTIAN_Y + y) for x, y in xy])


def test_constant_slope_gives_5_percent_along_x_and_0_along_y(slope_dem):
    table = route_gradients(
        routes(line((-500, 0), (500, 0)), line((0, -400), (0, 400)), ids=["east", "north"]),
        slope_dem, step_m=30, max_grade_pct=4.0)
    east, north = table.loc[0], table.loc[1]
    assert east["id"] == "east" and east["length_m"] == pytest.approx(1000)
    assert east["mean_grade_pct"] == pytest.approx(5.0, abs=1e-9)
    assert east["max_grade_pct"] == pytest.approx(5.0, abs=1e-9)
    assert east["steep_length_m"] == pytest.approx(1000)  # all of it is over 4 %
    # ends at x − X0 = 500 and 1500 m: 25 m and 75 m
    assert east["elev_min_m"] == pytest.approx(25.0) and east["elev_max_m"] == pytest.approx(75.0)
    assert north["mean_grade_pct"] == pytest.approx(0.0, abs=1e-9)
    assert north["max_grade_pct"] == pytest.approx(0.0, abs=1e-9)
    assert north["steep_length_m"] == 0
    assert north["elev_min_m"] == pytest.approx(50.0) == north["elev_max_m"]


def test_diagonal_and_threshold(slope_dem):
    diag = routes(line((-300, -300), (300, 300)))
    table = route_gradients(diag, slope_dem, step_m=30, max_grade_pct=4.0)
    # along 45°, the grade is 5 % × cos 45° = 3.536 %: below a 4 % threshold
    assert table.loc[0, "mean_grade_pct"] == pytest.approx(5 / math.sqrt(2), abs=1e-9)
    assert table.loc[0, "steep_length_m"] == 0
    steep = route_gradients(diag, slope_dem, step_m=30, max_grade_pct=3.0)
    assert steep.loc[0, "steep_length_m"] == pytest.approx(600 * math.sqrt(2))


def test_samples_are_no_further_apart_than_the_step(slope_dem):
    table = route_gradients(routes(line((0, 0), (100, 0))), slope_dem, step_m=30, max_grade_pct=4)
    assert table.loc[0, "samples"] == 5  # ceil(100 / 30) = 4 segments of 25 m


def test_mixed_route_is_length_weighted(tmp_path):
    # a hill rising 10 % east of x = FUTIAN_X, flat west of it
    dem = write_dem(tmp_path / "hinge.tif",
                    lambda x, y: np.where(x > FUTIAN_X, 0.10 * (x - FUTIAN_X), 0.0))
    # 600 m flat, then 300 m at 10 % (the hinge cell blends: keep it away from samples)
    table = route_gradients(routes(line((-600, 0), (0, 0), (300, 0))), dem, step_m=10,
                            max_grade_pct=4.0)
    row = table.loc[0]
    assert row["max_grade_pct"] == pytest.approx(10.0, abs=1e-6)
    assert row["mean_grade_pct"] == pytest.approx((300 * 10.0) / 900, rel=0.02)
    assert row["steep_length_m"] == pytest.approx(300, abs=10)


def test_dem_in_wgs84_is_sampled_in_its_own_crs(tmp_path):
    # z = 1000 m per degree of latitude; route due north along the central meridian
    # (x = 500,000 m in EPSG:4547 is 114° E). Expected grade from the geodesic length
    # of one degree of latitude there (pyproj.Geod).
    lat0 = 22.50
    transform = Affine(1 / 3600, 0, 113.99, 0, -1 / 3600, 22.56)
    dem = write_dem(tmp_path / "lat.tif", lambda lon, lat: 1000.0 * (lat - lat0),
                    crs="EPSG:4326", transform=transform, shape=(216, 72))
    geod = Geod(ellps="GRS80")
    _, _, metres_per_0_01_deg = geod.inv(114.0, 22.52, 114.0, 22.53)
    expected = 1000.0 * 0.01 / metres_per_0_01_deg * 100  # ≈ 0.903 %
    from pyproj import Transformer

    to_gk = Transformer.from_crs(4326, 4547, always_xy=True)
    (x1, x2), (y1, y2) = to_gk.transform([114.0, 114.0], [22.52, 22.53])
    route = gpd.GeoDataFrame({"id": ["n"]}, geometry=[shapely.LineString([(x1, y1), (x2, y2)])],
                             crs=4547)
    table = route_gradients(route, dem, step_m=30, max_grade_pct=4)
    assert table.loc[0, "mean_grade_pct"] == pytest.approx(expected, rel=0.005)


def test_sample_dem_is_bilinear_exact_on_a_plane(slope_dem):
    assert INTERPOLATION == "bilinear"
    xs = np.array([X0 + 17.3, X0 + 1234.5, X0 + 5.0])
    ys = np.array([Y0 - 100.1, Y0 - 33.0, Y0 - 5.0])
    assert sample_dem(slope_dem, xs, ys) == pytest.approx(0.05 * (xs - X0))
    off = sample_dem(slope_dem, np.array([X0 - 50]), np.array([Y0 - 50]))
    assert np.isnan(off[0])


def test_route_off_the_dem_gets_nan_grades(slope_dem):
    far = routes(line((5000, 5000), (5100, 5000)))
    row = route_gradients(far, slope_dem, step_m=30, max_grade_pct=4).loc[0]
    assert np.isnan(row["mean_grade_pct"]) and row["steep_length_m"] == 0


def test_multilinestring_parts_are_graded_separately(slope_dem):
    multi = shapely.MultiLineString([line((-500, 0), (-400, 0)), line((0, 0), (0, 100))])
    row = route_gradients(routes(multi), slope_dem, step_m=30, max_grade_pct=4).loc[0]
    # 100 m at 5 % and 100 m at 0 %: mean 2.5 %, no jump between the parts
    assert row["mean_grade_pct"] == pytest.approx(2.5, abs=1e-9)
    assert row["max_grade_pct"] == pytest.approx(5.0, abs=1e-9)
    assert row["length_m"] == pytest.approx(200)


def test_smoothing_keeps_a_plane_and_damps_noise(tmp_path, slope_dem):
    plain = route_gradients(routes(line((-500, 0), (500, 0))), slope_dem, step_m=10,
                            max_grade_pct=4, smooth_m=100)
    assert plain.loc[0, "mean_grade_pct"] == pytest.approx(5.0, rel=0.05)
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 3.0, (NY, NX))
    noisy = write_dem(tmp_path / "noisy.tif", lambda x, y: noise.ravel())
    r = routes(line((-500, 0), (500, 0)))
    raw = route_gradients(r, noisy, step_m=10, max_grade_pct=4).loc[0, "mean_grade_pct"]
    smooth = route_gradients(r, noisy, step_m=10, max_grade_pct=4, smooth_m=150).loc[0, "mean_grade_pct"]
    assert smooth < raw / 3


def test_park_elevation_min_max_over_touched_cells(slope_dem):
    # park over columns 100.5–105.5 (x − X0 = 1005–1055 m): touches columns 100–105,
    # whose centres are at 1005 … 1055 m → 50.25 m … 52.75 m
    park = gpd.GeoDataFrame({"id": ["p"]}, crs=4547, geometry=[
        shapely.box(X0 + 1005, Y0 - 200, X0 + 1055, Y0 - 100)])
    row = park_elevation(park, slope_dem).loc[0]
    assert row["elev_min_m"] == pytest.approx(50.25)
    assert row["elev_max_m"] == pytest.approx(52.75)
    assert row["elev_range_m"] == pytest.approx(2.5)
    # coverage-weighted mean of a plane over the park = value at its centroid (x − X0 = 1030)
    assert row["elev_mean_m"] == pytest.approx(51.5)


def test_bad_inputs(slope_dem):
    r = routes(line((0, 0), (100, 0)))
    with pytest.raises(ConfigError, match="sample_step_m"):
        route_gradients(r, slope_dem, step_m=0, max_grade_pct=4)
    with pytest.raises(CRSError, match="projected"):
        route_gradients(r.to_crs(4326), slope_dem, step_m=30, max_grade_pct=4)


def test_run_terrain_on_shipped_layers(config):
    from futiangis.io import read_catalog

    catalog = read_catalog(config.layers_dir)
    if not {"slow_routes", "parks", "dem"} <= set(catalog):
        pytest.skip("shipped slow_routes/parks not present yet")
    result = run_terrain(config)
    assert len(result.routes) > 0 and len(result.parks) > 0
    assert result.step_m <= result.dem_res_m + 1e-9  # sampled at ≤ the DEM resolution
    # SRTM 1″ at 22.5° N: 30.7 m north–south, 28.6 m east–west
    assert 28 < result.dem_res_m < 29
    assert result.routes["mean_grade_pct"].notna().all()
    assert (result.routes["max_grade_pct"] >= result.routes["mean_grade_pct"]).all()
    assert (result.parks["elev_range_m"] >= 0).all()
    assert result.illustrative["slow_routes"] is True
    data = result.to_dict()
    assert data["interpolation"] == "bilinear" and data["routes"][0]["id"]
