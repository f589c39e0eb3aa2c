"""Property-based tests: random valid and invalid geometries through load → validate → measure → coverage.

Hypothesis draws points, lines and polygons near central Futian in EPSG:4547 — boxes and
convex hulls (valid), arbitrary vertex lists (often bow-ties, slivers, zero-area or
repeated points), empty and missing geometries, duplicate ids — and checks that

* nothing raises except a :class:`~futiangis.errors.FutianGISError`;
* the outcome is the one predicted independently with shapely (``is_valid``,
  ``is_empty``) — an invalid feature is rejected and named, a valid layer loads;
* with ``fix=True`` every repaired geometry is valid, non-empty and of an allowed type;
* the union area is at most the sum of areas; coverage lies in [0, 1] and grows with
  the radius; areas survive EPSG:4547 → 4326 → 4547 and a trip through a GeoJSON file
  (EPSG:4326), and agree with pyproj's geodesic area.

Example counts (``max_examples``) add up to 1,300; ``deadline=None`` because a few
examples write files.
"""
from __future__ import annotations

import math
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, Phase, assume, event, example, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from futiangis.coverage import compute_coverage
from futiangis.errors import FutianGISError, LayerValidationError
from futiangis.load import load_layer
from futiangis.measure import measure_area, measure_length, summarize_measures, union_area_m2
from futiangis.schemas import get_schema
from futiangis.validate import prepare_layer

X0, Y0 = 495_000.0, 2_493_500.0  # central Futian, EPSG:4547
SPAN = 1_500.0
GEOD = Geod(ellps="GRS80")
COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
              phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])

coord = st.tuples(
    st.floats(X0 - SPAN, X0 + SPAN, allow_nan=False, allow_infinity=False),
    st.floats(Y0 - SPAN, Y0 + SPAN, allow_nan=False, allow_infinity=False),
)
# small integer offsets make coincident vertices, collinear runs and touching rings likely
grid_coord = st.tuples(st.integers(-5, 5), st.integers(-5, 5)).map(
    lambda p: (X0 + 40.0 * p[0], Y0 + 40.0 * p[1])
)


@st.composite
def boxes(draw):
    x, y = draw(coord)
    w = draw(st.floats(0.5, 600.0))
    h = draw(st.floats(0.5, 600.0))
    return shapely.box(x, y, x + w, y + h)


@st.composite
def hulls(draw):
    pts = draw(st.lists(coord, min_size=3, max_size=8))
    hull = shapely.MultiPoint(pts).convex_hull
    assume(hull.geom_type == "Polygon" and hull.area > 1e-3)
    return hull


@st.composite
def raw_polygons(draw):
    """Whatever a careless digitizer produces: often invalid, sometimes degenerate."""
    pts = draw(st.lists(st.one_of(coord, grid_coord), min_size=3, max_size=8))
    return shapely.Polygon(pts)


@st.composite
def lines(draw):
    pts = draw(st.lists(st.one_of(coord, grid_coord), min_size=2, max_size=6))
    return shapely.LineString(pts)


points = coord.map(shapely.Point)
valid_polygons = st.one_of(boxes(), hulls())
any_geometry = st.one_of(  # repeated branches weight the draw towards usable geometries
    valid_polygons, valid_polygons, valid_polygons, points, points, lines(), raw_polygons(),
    st.lists(valid_polygons, min_size=2, max_size=3).map(shapely.MultiPolygon),
    st.sampled_from([None, shapely.Polygon(), shapely.LineString()]),
)
ids = st.sampled_from([f"f{i}" for i in range(40)])
hostile_text = st.text(min_size=0, max_size=30)


def _layer(geoms, id_values, names=None) -> gpd.GeoDataFrame:
    data = {"id": id_values}
    if names is not None:
        data["name_zh"] = names
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs="EPSG:4547")


def _signature(gdf) -> list:
    return [(None if g is None else g.wkb, *row) for g, row in
            zip(gdf.geometry.values, gdf.drop(columns="geometry").itertuples(index=True))]


def _prepare(gdf, kind="generic", *, fix=False):
    return prepare_layer(gdf, get_schema(kind), source="fuzz.gpkg", working_crs="EPSG:4547", fix=fix)


def _expected_codes(geoms, id_values, allowed_types) -> set[str]:
    """Which error codes the validator must raise, worked out with shapely alone."""
    codes = set()
    for g in geoms:
        if g is None or g.is_empty:
            codes.add("empty_geometry")
            continue
        if g.geom_type not in allowed_types:
            codes.add("wrong_geometry_type")
        if not shapely.is_valid(g):
            codes.add("invalid_geometry")
    if len(set(id_values)) < len(id_values):
        codes.add("duplicate_id")
    return codes


# ---------------------------------------------------------------------------------------
# validate → measure, in memory (the bulk of the examples)
# ---------------------------------------------------------------------------------------
@settings(max_examples=400, **COMMON)
@given(st.lists(st.tuples(any_geometry, ids, hostile_text), min_size=1, max_size=6))
def test_validate_then_measure_random_layers(rows):
    geoms = [r[0] for r in rows]
    id_values = [r[1] for r in rows]
    gdf = _layer(geoms, id_values, [r[2] for r in rows])
    before = _signature(gdf)
    expected = _expected_codes(geoms, id_values, get_schema("generic").geometry_types)
    event("rejected" if expected else "loaded")
    try:
        prepared = _prepare(gdf)
    except LayerValidationError as exc:
        codes = {p.code for p in exc.problems if p.severity == "error"}
        assert codes == expected
        for p in exc.problems:
            if p.code in ("invalid_geometry", "empty_geometry"):
                assert p.feature_id in id_values  # the feature is named
        return
    finally:
        assert _signature(gdf) == before  # the input frame is never modified
    assert expected == set()
    out = prepared.gdf
    assert list(out.index) == list(gdf.index) and str(out.crs) == "EPSG:4547"
    areas = measure_area(out)
    lengths = measure_length(out)
    assert (areas >= 0).all() and (lengths >= 0).all()
    np.testing.assert_allclose(areas.to_numpy(), [g.area for g in geoms], rtol=1e-12, atol=1e-9)
    summary = summarize_measures(out)
    poly_total = sum(g.area for g in geoms if g.geom_type in ("Polygon", "MultiPolygon"))
    assert summary["total_area_m2"] == pytest.approx(poly_total, rel=1e-12, abs=1e-9)
    assert summary["union_area_m2"] <= summary["total_area_m2"] * (1 + 1e-9) + 1e-6
    assert summary["overlap_area_m2"] >= 0


@settings(max_examples=200, **COMMON)
@given(st.lists(st.one_of(raw_polygons(), valid_polygons), min_size=1, max_size=5),
       st.sampled_from(["parks", "generic"]))
# found by this test: a zero-area ring was "repaired" into an empty polygon and loaded
@example([shapely.Polygon([(X0, Y0)] * 4)], "parks")
@example([shapely.Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 20, Y0)])], "generic")
def test_fix_repairs_or_rejects_never_loads_garbage(polys, kind):
    """With --fix, a loaded layer holds only valid, non-empty geometries of allowed types."""
    n = len(polys)
    rows = {"id": [f"p{i}" for i in range(n)], "name_zh": ["园"] * n, "name_en": ["Park"] * n,
            "status": ["completed"] * n, "park_class": ["community"] * n}
    gdf = gpd.GeoDataFrame(rows, geometry=polys, crs="EPSG:4547")
    event(f"{sum(not shapely.is_valid(p) for p in polys) > 0 and 'some invalid' or 'all valid'}")
    try:
        prepared = _prepare(gdf, kind, fix=True)
    except LayerValidationError as exc:
        event("rejected after --fix")
        assert {p.code for p in exc.problems if p.severity == "error"} <= {
            "empty_geometry", "invalid_geometry", "wrong_geometry_type"}
        return
    geoms = np.asarray(prepared.gdf.geometry.values, dtype=object)
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert set(prepared.gdf.geom_type) <= set(get_schema(kind).geometry_types)
    n_invalid = sum(not shapely.is_valid(p) for p in polys)
    assert len(prepared.repairs) == n_invalid
    assert union_area_m2(prepared.gdf) <= measure_area(prepared.gdf).sum() * (1 + 1e-9) + 1e-6


@settings(max_examples=150, **COMMON)
@given(st.lists(st.one_of(raw_polygons(), lines()), min_size=1, max_size=4))
# found by this test: a zero-length route was "repaired" into a Point and loaded
@example([shapely.LineString([(X0, Y0), (X0, Y0)])])
def test_fix_on_a_routes_layer_keeps_lines(geoms):
    """Repairing a degenerate route must not smuggle a Point into a lines layer."""
    n = len(geoms)
    rows = {"id": [f"r{i}" for i in range(n)], "name_zh": ["道"] * n, "name_en": ["Route"] * n,
            "status": ["planned"] * n, "route_type": ["greenway"] * n}
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4547")
    try:
        prepared = _prepare(gdf, "slow_routes", fix=True)
    except LayerValidationError:
        return
    assert set(prepared.gdf.geom_type) <= {"LineString", "MultiLineString"}
    assert shapely.is_valid(np.asarray(prepared.gdf.geometry.values, dtype=object)).all()


# ---------------------------------------------------------------------------------------
# load from a file (GeoPackage, exact coordinates) → validate → measure → coverage
# ---------------------------------------------------------------------------------------
UNITS = gpd.GeoDataFrame(
    {"id": [f"u{i}{j}" for i in range(3) for j in range(3)]},
    geometry=[shapely.box(X0 - SPAN + i * 1000, Y0 - SPAN + j * 1000,
                          X0 - SPAN + (i + 1) * 1000, Y0 - SPAN + (j + 1) * 1000)
              for i in range(3) for j in range(3)],
    crs="EPSG:4547",
)


@settings(max_examples=150, **COMMON)
@given(st.lists(st.one_of(valid_polygons, raw_polygons(), points, lines()), min_size=1, max_size=5),
       st.floats(10.0, 800.0))
def test_file_load_validate_measure_coverage(config, geoms, radius_m):
    id_values = [f"f{i}" for i in range(len(geoms))]
    gdf = _layer(geoms, id_values)
    expected = _expected_codes(geoms, id_values, get_schema("generic").geometry_types)
    event("rejected" if expected else "loaded")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.gpkg"
        gdf.to_file(path, engine="pyogrio", layer="fuzz", promote_to_multi=False)
        try:
            prepared = load_layer(path, "generic", config=config)
        except FutianGISError as exc:
            assert isinstance(exc, LayerValidationError)
            assert {p.code for p in exc.problems if p.severity == "error"} == expected
            return
    assert expected == set()
    out = prepared.gdf
    np.testing.assert_allclose(measure_area(out).to_numpy(), [g.area for g in geoms], rtol=1e-12, atol=1e-9)
    result = compute_coverage(out, UNITS, radius_m=radius_m)
    share = result.units["coverage"].to_numpy()
    assert ((share >= 0) & (share <= 1 + 1e-12)).all()
    assert 0 <= result.overall["coverage"] <= 1 + 1e-12
    assert result.overall["covered_m2"] <= result.overall["total_m2"] * (1 + 1e-12)
    # the service area is a union: at most the sum of the buffers
    buffers = shapely.buffer(np.asarray(out.geometry.values, dtype=object), radius_m, quad_segs=64)
    assert result.service_area.area <= shapely.area(buffers).sum() * (1 + 1e-9) + 1e-6
    # a larger radius never covers less (the 256-gons of one centre are nested)
    bigger = compute_coverage(out, UNITS, radius_m=radius_m * 1.5)
    assert bigger.overall["covered_m2"] >= result.overall["covered_m2"] * (1 - 1e-9)


@settings(max_examples=100, **COMMON)
@given(st.lists(points, min_size=1, max_size=8), st.floats(1.0, 3_000.0))
def test_coverage_of_points_is_a_share(stations, radius_m):
    facilities = gpd.GeoDataFrame({"id": [f"s{i}" for i in range(len(stations))]},
                                  geometry=stations, crs="EPSG:4547")
    result = compute_coverage(facilities, UNITS, radius_m=radius_m)
    share = result.units["coverage"].to_numpy()
    assert ((share >= 0) & (share <= 1 + 1e-12)).all()
    # never more than n discs, never more than the units
    disc = 128 * math.sin(2 * math.pi / 256) * radius_m**2  # area of a 256-gon
    assert result.overall["covered_m2"] <= len(stations) * disc * (1 + 1e-9)
    assert result.overall["covered_m2"] <= UNITS.area.sum() * (1 + 1e-12)


# ---------------------------------------------------------------------------------------
# areas under reprojection
# ---------------------------------------------------------------------------------------
@settings(max_examples=200, **COMMON)
@given(st.lists(valid_polygons, min_size=1, max_size=4))
def test_area_invariant_under_4547_4326_4547(polys):
    gdf = gpd.GeoDataFrame({"id": [f"p{i}" for i in range(len(polys))]}, geometry=polys, crs=4547)
    back = gdf.to_crs(4326).to_crs(4547)
    np.testing.assert_allclose(measure_area(back).to_numpy(), measure_area(gdf).to_numpy(),
                               rtol=1e-8, atol=1e-6)
    # geodesic truth on the GRS80 (≈ CGCS2000) ellipsoid: GK scale within 6 km of the
    # central meridian is below 1 + 5e-7, so planar and geodesic areas agree to 1e-5
    wgs = gdf.to_crs(4326)
    geodesic = [abs(GEOD.geometry_area_perimeter(g)[0]) for g in wgs.geometry]
    np.testing.assert_allclose(measure_area(gdf).to_numpy(), geodesic, rtol=1e-5, atol=1e-3)


@settings(max_examples=100, **COMMON)
@given(st.lists(valid_polygons, min_size=1, max_size=3))
def test_area_survives_a_geojson_round_trip(config, polys):
    """Write EPSG:4326 GeoJSON (as a user would deliver it), load it: same m² as drawn."""
    gdf = gpd.GeoDataFrame({"id": [f"p{i}" for i in range(len(polys))]}, geometry=polys, crs=4547)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.geojson"
        gdf.to_crs(4326).to_file(path, engine="pyogrio")
        try:
            prepared = load_layer(path, "generic", config=config)
        except LayerValidationError as exc:
            # rounding to GeoJSON's 15 digits may make a hair-thin hull invalid: then it
            # must be reported as such, never as anything else
            assert {p.code for p in exc.problems} == {"invalid_geometry"}
            return
    np.testing.assert_allclose(measure_area(prepared.gdf).to_numpy(), [p.area for p in polys],
                               rtol=1e-7, atol=1e-4)
