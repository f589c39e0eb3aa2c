"""Each shipped GeoJSON names itself after its layer kind.

A GeoJSON's top-level ``name`` member is what GDAL (QGIS, ogrinfo) shows as the layer name;
three layers once carried a temporary file's name (``.units.xvx963zm``) from an atomic
write, and were regenerated with their build scripts (scripts/build_real_layers.py,
scripts/build_bike_demand_layer.py).
"""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

LAYERS = Path(__file__).resolve().parents[1] / "layers"
GEOJSON = sorted(LAYERS.glob("*.geojson"))


def test_the_shipped_layers_include_geojson():
    assert {"district", "units", "bike_demand"} <= {p.stem for p in GEOJSON}


@pytest.mark.parametrize("path", GEOJSON, ids=lambda p: p.name)
def test_geojson_name_is_the_layer_kind(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    if "name" in doc:
        assert doc["name"] == path.stem
    sidecar = tomllib.loads((LAYERS / f"{path.stem}.meta.toml").read_text(encoding="utf-8"))
    assert sidecar["kind"] == path.stem and sidecar["file"] == path.name
