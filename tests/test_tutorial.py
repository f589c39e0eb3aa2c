"""docs/tutorial.ipynb runs from top to bottom and its outputs say what the text promises."""
from __future__ import annotations

import math
import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

ROOT = Path(__file__).resolve().parents[1]


def _text(cell) -> str:
    return "".join(o.get("text", "") or "".join(o.get("data", {}).get("text/plain", ""))
                   for o in cell.get("outputs", []))


def test_tutorial_runs_and_its_numbers_hold(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(ROOT / "docs" / "tutorial.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    cells = {tag: c for c in nb.cells for tag in c.get("metadata", {}).get("tags", [])}
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))

    assert _text(cells["read"]).startswith("EPSG:4547 3")
    # independent check of the coverage: circles of 900 m around the stations the notebook read,
    # clipped to the units, over the units' area (shapely with 512 segments per quarter circle)
    from futiangis.load import load_layer

    stations = load_layer(tmp_path / "my_stations.csv", source_crs="gcj02").gdf
    units = gpd.read_file(ROOT / "layers" / "units.geojson").to_crs(4547)
    land = shapely.union_all(units.geometry.to_numpy())
    circles = shapely.union_all(shapely.buffer(stations.geometry.to_numpy(), 900, quad_segs=512))
    expected = shapely.intersection(land, circles).area / land.area
    shown = float(re.search(r"overall coverage: ([0-9.]+)", _text(cells["coverage"])).group(1))
    assert shown == pytest.approx(expected, rel=0.002)
    assert 0 < shown < 0.2
    assert re.search(r"\d+ units, [0-9.]+ km² in total", _text(cells["measure"]))
    assert _text(cells["map"]).strip() == "my_stations.html True"
    assert (tmp_path / "my_stations.html").stat().st_size > 10_000
    assert not math.isnan(shown)
