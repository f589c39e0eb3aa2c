"""``import futiangis as fg``: the notebook API, lazy, on in-memory GeoDataFrames."""
from __future__ import annotations

import importlib
import math
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import futiangis as fg
from conftest import FUTIAN_X, FUTIAN_Y
from futiangis.errors import CRSError


def _square_and_point(side_m=3000.0):
    h = side_m / 2
    units = gpd.GeoDataFrame({"id": ["u1"]}, crs=4547, index=[7], geometry=[
        shapely.box(FUTIAN_X - h, FUTIAN_Y - h, FUTIAN_X + h, FUTIAN_Y + h)])
    station = gpd.GeoDataFrame({"id": ["s1"]}, crs=4547, geometry=[shapely.Point(FUTIAN_X, FUTIAN_Y)])
    return units, station


def test_import_is_lazy():
    code = ("import sys, futiangis as fg; heavy = [m for m in ('geopandas', 'folium', 'matplotlib',"
            " 'mapclassify') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert set(fg.__all__) >= {"read_layer", "measure", "coverage", "targets", "make_map", "open_project"}


def test_coverage_of_one_point_in_a_3_km_square():
    units, station = _square_and_point()
    result = fg.coverage(units, station, radius_m=500)
    expected = math.pi * 500 ** 2 / 3000 ** 2  # 0.0872665
    assert result.coverage == pytest.approx(expected, rel=0.002)
    assert isinstance(result.units, gpd.GeoDataFrame)
    assert list(result.units.index) == [7]  # aligned to units.index
    assert result.units.loc[7, "coverage"] == pytest.approx(expected, rel=0.002)
    # the gap is the square minus the circle
    assert result.gaps["area_m2"].sum() == pytest.approx(3000 ** 2 - math.pi * 500 ** 2, rel=0.001)
    text = repr(result)
    assert "coverage" in text and "8.7" in text and len(text.splitlines()) <= 20
    assert result._repr_html_().startswith("<div><strong>CoverageResult")


def test_api_names_survive_importing_the_submodules():
    importlib.import_module("futiangis.coverage")
    importlib.import_module("futiangis.targets")
    importlib.import_module("futiangis.measure")
    assert callable(fg.coverage) and callable(fg.targets) and callable(fg.measure)
    assert fg.coverage.__module__ == "futiangis.api"


def test_coverage_refuses_mixed_crs():
    units, station = _square_and_point()
    with pytest.raises(CRSError, match="different CRSs"):
        fg.coverage(units, station.to_crs(32650), radius_m=500)


def test_measure_aligned_to_index():
    boxes = gpd.GeoDataFrame(index=["a", "b"], crs=4547, geometry=[
        shapely.box(0, 0, 100, 100), shapely.LineString([(0, 0), (300, 400)])])
    m = fg.measure(boxes)
    assert list(m.index) == ["a", "b"]
    assert m.loc["a", "area_m2"] == 10_000 and m.loc["a", "length_m"] == 400  # perimeter
    assert m.loc["b", "area_m2"] == 0 and m.loc["b", "length_m"] == 500


def test_read_layer_reprojects_and_warns(tmp_path):
    # a point given in WGS84 comes back in EPSG:4547, metres
    gdf = gpd.GeoDataFrame({"id": ["p1"], "name_zh": ["点"]}, crs=4326,
                           geometry=[shapely.Point(114.05, 22.54)])
    path = tmp_path / "p.geojson"
    gdf.to_file(path, driver="GeoJSON")
    out = fg.read_layer(path)
    assert out.crs.to_epsg() == 4547
    assert 500_000 < out.geometry.iloc[0].x < 510_000


def test_targets_on_in_memory_sites():
    sites = gpd.GeoDataFrame(
        {"id": ["s1"], "status": ["completed"], "year": [2015], "completed_date": ["2015-06-30"],
         "plot_ratio": [4.0], "industrial_share": [1.0], "gfa_new_m2": [2_000.0],
         "investment_100m_cny": [1.0], "supply_type": ["urban_renewal"]},
        crs=4547, geometry=[shapely.box(FUTIAN_X, FUTIAN_Y, FUTIAN_X + 100, FUTIAN_Y + 100)])
    target = dict(id="t", name_zh="目标", name_en="T", target=10_000, unit="m2", measure="gfa_new_m2",
                  layers=["renewal_sites"], start="2015-01-01", end="2015-12-31")
    result = fg.targets(sites, targets=[target])
    row = result.targets.set_index("id").loc["t"]
    assert row["achieved"] == pytest.approx(2_000.0)
    assert row["progress"] == pytest.approx(20.0)
    assert "<table>" in result._repr_html_()


def test_make_map_and_save_offline(tmp_path):
    units, station = _square_and_point()
    m = fg.make_map({"units": units, "stations": station}, title="Test", basemap="none")
    path = fg.save_map(m, tmp_path / "map.html", offline=True)
    html = path.read_text(encoding="utf-8")
    assert "leaflet" in html.lower() and "https://cdn" not in html


def test_open_project_sample():
    project = fg.open_project()
    assert {"units", "district"} <= set(project.catalog())
    assert "Project" in repr(project) and isinstance(project.stats(), pd.DataFrame)
