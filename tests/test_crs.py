"""GCJ-02 / BD-09 converters and CRS parsing.

Expected values come from outside futiangis: the published results of the
wandergis/coordtransform library (test/app.js) for (116.404, 39.915), distances from
pyproj.Geod, and the independently converted copies in ../shared/data.
"""
from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod

from futiangis.crs import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    parse_source_crs,
    require_projected,
    transform_geometries,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from futiangis.errors import CRSError

GEOD = Geod(ellps="WGS84")


def _metres(lon1, lat1, lon2, lat2):
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


def test_wgs84_to_gcj02_matches_published_coordtransform_result():
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.41024449916938, abs=1e-10)
    assert lat == pytest.approx(39.91640428150164, abs=1e-10)


def test_gcj02_to_bd09_matches_published_result():
    lon, lat = gcj02_to_bd09(116.404, 39.915)
    assert lon == pytest.approx(116.41036949371029, abs=1e-10)
    assert lat == pytest.approx(39.92133699351021, abs=1e-10)


def test_bd09_to_gcj02_within_decimetres_of_published_closed_form():
    # coordtransform's closed-form inverse is approximate; ours is iterated to 1e-10°.
    lon, lat = bd09_to_gcj02(116.404, 39.915)
    assert _metres(lon, lat, 116.39762729119315, 39.90865673957631) < 0.1
    back = gcj02_to_bd09(lon, lat)
    assert back[0] == pytest.approx(116.404, abs=1e-9)
    assert back[1] == pytest.approx(39.915, abs=1e-9)


def test_gcj02_to_wgs84_within_decimetres_of_published_one_step_inverse():
    lon, lat = gcj02_to_wgs84(116.404, 39.915)
    assert _metres(lon, lat, 116.39775550083061, 39.91359571849836) < 0.5


@pytest.fixture(scope="module")
def shenzhen_grid():
    lon, lat = np.meshgrid(np.linspace(113.75, 114.65, 40), np.linspace(22.40, 22.86, 30))
    return lon.ravel(), lat.ravel()


def test_gcj02_round_trip_within_1m_over_shenzhen(shenzhen_grid):
    lon, lat = shenzhen_grid
    glon, glat = wgs84_to_gcj02(lon, lat)
    # the offset is real (hundreds of metres) ...
    offset = _metres(lon, lat, glon, glat)
    assert offset.min() > 200 and offset.max() < 800
    # ... and both directions invert each other to far better than 1 m
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    assert _metres(lon, lat, wlon, wlat).max() < 1.0
    g2lon, g2lat = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert _metres(lon, lat, g2lon, g2lat).max() < 1.0


def test_bd09_round_trip_within_1m_over_shenzhen(shenzhen_grid):
    lon, lat = shenzhen_grid
    blon, blat = wgs84_to_bd09(lon, lat)
    assert _metres(lon, lat, blon, blat).min() > 500  # BD-09 adds ~ another 600 m
    wlon, wlat = bd09_to_wgs84(blon, blat)
    assert _metres(lon, lat, wlon, wlat).max() < 1.0


@pytest.mark.parametrize(
    "geom",
    [
        shapely.Point(114.05, 22.54),
        shapely.LineString([(114.0, 22.5), (114.05, 22.55), (114.1, 22.56)]),
        shapely.Polygon(
            [(114.0, 22.5), (114.1, 22.5), (114.1, 22.6), (114.0, 22.6)],
            holes=[[(114.04, 22.54), (114.06, 22.54), (114.06, 22.56)]],
        ),
        shapely.MultiPolygon([shapely.box(114.0, 22.5, 114.01, 22.51), shapely.box(114.05, 22.55, 114.06, 22.56)]),
    ],
)
def test_transform_geometries_converts_every_vertex_and_inverts(geom):
    gcj = transform_geometries([geom], "wgs84", "gcj02")[0]
    assert gcj.geom_type == geom.geom_type
    src = shapely.get_coordinates(geom)
    out = shapely.get_coordinates(gcj)
    assert out.shape == src.shape
    exp_lon, exp_lat = wgs84_to_gcj02(src[:, 0], src[:, 1])
    np.testing.assert_allclose(out[:, 0], exp_lon, atol=1e-12)
    np.testing.assert_allclose(out[:, 1], exp_lat, atol=1e-12)
    back = shapely.get_coordinates(transform_geometries([gcj], "gcj02", "wgs84")[0])
    assert _metres(src[:, 0], src[:, 1], back[:, 0], back[:, 1]).max() < 0.01


def test_transform_geometries_unknown_datum_is_a_clear_error():
    with pytest.raises(CRSError, match="No converter from 'wgs84' to 'cgcs'"):
        transform_geometries([shapely.Point(114, 22.5)], "wgs84", "cgcs")


@pytest.mark.parametrize(
    "value, expected",
    [("gcj02", "gcj02"), ("GCJ-02", "gcj02"), ("gaode", "gcj02"), ("bd09", "bd09"), ("baidu", "bd09")],
)
def test_parse_source_crs_chinese_datums(value, expected):
    assert parse_source_crs(value) == expected


def test_parse_source_crs_epsg_and_wgs84():
    assert parse_source_crs("EPSG:4547").to_epsg() == 4547
    assert parse_source_crs("wgs84").to_epsg() == 4326
    assert parse_source_crs(None) is None


def test_parse_source_crs_unknown_names_the_choices():
    with pytest.raises(CRSError, match="Unknown CRS 'EPSG:999999'.*gcj02, bd09, wgs84"):
        parse_source_crs("EPSG:999999")


def test_require_projected_refuses_degrees():
    with pytest.raises(CRSError, match="projected CRS in metres, got geographic"):
        require_projected(CRS.from_epsg(4326), "measuring areas")
    with pytest.raises(CRSError, match="needs a CRS"):
        require_projected(None)
    require_projected("EPSG:4547")  # no error


@pytest.mark.shared_data
def test_converter_agrees_with_shared_preconverted_stations(shared_data):
    import geopandas as gpd
    import pandas as pd

    raw = pd.read_csv(shared_data / "ev_charging" / "urbanev_stations_inf_raw_gcj02.csv")
    ref = gpd.read_file(shared_data / "ev_charging" / "urbanev_stations_inf_raw_wgs84_converted.geojson")
    ref = ref.set_index("station_id").loc[raw["station_id"]]
    lon, lat = gcj02_to_wgs84(raw["longitude"].to_numpy(), raw["latitude"].to_numpy())
    dist = _metres(lon, lat, ref.geometry.x.to_numpy(), ref.geometry.y.to_numpy())
    assert len(dist) == 1587
    assert dist.max() < 0.05
