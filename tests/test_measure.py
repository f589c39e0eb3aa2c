"""Areas and lengths in metres: hand-computed boxes and pyproj.Geod geodesic truth."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from futiangis.errors import CRSError
from futiangis.measure import measure_area, measure_length, summarize_measures, union_area_m2

from conftest import box_layer

GEOD = Geod(ellps="GRS80")  # CGCS2000 uses the GRS80-equivalent CGCS2000 ellipsoid


def test_box_area_is_exact():
    boxes = box_layer([(0, 0, 100, 100), (500, 0, 200, 50)])
    np.testing.assert_allclose(measure_area(boxes).to_numpy(), [10_000.0, 10_000.0])
    assert measure_area(boxes).name == "area_m2"
    assert list(measure_area(boxes).index) == list(boxes.index)


def test_union_counts_overlap_once():
    # two 100x100 boxes overlapping by a 50x100 strip: 20,000 - 5,000 = 15,000 m²
    boxes = box_layer([(0, 0, 100, 100), (50, 0, 100, 100)])
    assert measure_area(boxes).sum() == pytest.approx(20_000.0)
    assert union_area_m2(boxes) == pytest.approx(15_000.0)
    summary = summarize_measures(boxes)
    assert summary["total_area_m2"] == pytest.approx(20_000.0)
    assert summary["union_area_m2"] == pytest.approx(15_000.0)
    assert summary["overlap_area_m2"] == pytest.approx(5_000.0)
    assert [f["id"] for f in summary["features"]] == ["f1", "f2"]


def test_length_of_a_3_4_5_line():
    lines = gpd.GeoDataFrame(
        {"id": ["l1"]}, geometry=[shapely.LineString([(495000, 2493500), (495300, 2493900)])], crs=4547
    )
    assert measure_length(lines).iloc[0] == pytest.approx(500.0)
    assert summarize_measures(lines)["total_length_m"] == pytest.approx(500.0)


def test_measuring_degrees_is_refused():
    boxes = box_layer([(0, 0, 100, 100)]).to_crs(4326)
    with pytest.raises(CRSError, match="never measure in degrees"):
        measure_area(boxes)
    with pytest.raises(CRSError, match="projected CRS"):
        measure_length(boxes)


def _random_polygons(rng, n):
    """Random star-shaped polygons (lon/lat) spread over all of Futian."""
    polys = []
    while len(polys) < n:
        cx, cy = rng.uniform(113.99, 114.10), rng.uniform(22.50, 22.59)
        r = rng.uniform(0.0005, 0.01)  # ~50 m to ~1 km
        k = rng.integers(5, 14)
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        rad = r * rng.uniform(0.4, 1.0, k)
        poly = shapely.Polygon(np.column_stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)]))
        if poly.is_valid:  # a valid polygon's area is well defined
            polys.append(poly)
    return polys


def test_areas_agree_with_geodesic_within_001_percent_anywhere_in_futian():
    rng = np.random.default_rng(20151231)
    polys = _random_polygons(rng, 200)
    wgs = gpd.GeoDataFrame({"id": [str(i) for i in range(len(polys))]}, geometry=polys, crs=4326)
    planar = measure_area(wgs.to_crs(4547)).to_numpy()
    # Densify edges so straight projected edges and geodesic edges coincide (<1 m spacing).
    dense = shapely.segmentize(np.asarray(polys, dtype=object), 0.00001)
    geodesic = np.array([abs(GEOD.geometry_area_perimeter(p)[0]) for p in dense])
    rel = np.abs(planar - geodesic) / geodesic
    assert rel.max() < 1e-4, f"worst relative error {rel.max():.2e}"


def test_line_lengths_agree_with_geodesic():
    rng = np.random.default_rng(7)
    pts = np.column_stack([rng.uniform(113.99, 114.10, 60), rng.uniform(22.50, 22.59, 60)])
    lines = [shapely.LineString(pts[i : i + 3]) for i in range(0, 57, 3)]
    wgs = gpd.GeoDataFrame(geometry=lines, crs=4326)
    planar = measure_length(wgs.to_crs(4547)).to_numpy()
    geodesic = np.array([GEOD.geometry_length(shapely.segmentize(line, 0.00001)) for line in lines])
    np.testing.assert_allclose(planar, geodesic, rtol=1e-4)
