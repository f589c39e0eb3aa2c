"""Shared fixtures: the project config, the shared-data folder, tiny metric layers.

Tiny layers are built from shapely boxes in EPSG:4547 near Futian (x = 500,000 m is the
central meridian 114°E; y ≈ 2,494,000 m is ≈ 22.54°N) so their answers can be worked out
by hand.
"""
from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from futiangis.config import load_config

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
# A point in central Futian in EPSG:4547 (≈ 114.049 E, 22.54 N; false easting 500,000 m at 114 E)
FUTIAN_X = 505_000.0
FUTIAN_Y = 2_493_500.0


@pytest.fixture(scope="session")
def config():
    """The project's own configuration (futiangis.toml at the repo root)."""
    return load_config(ROOT / "futiangis.toml")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip the test cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present beside the repo")
    return SHARED_DATA


def box_layer(boxes, *, ids=None, crs="EPSG:4547", **columns) -> gpd.GeoDataFrame:
    """GeoDataFrame of boxes given as (x0, y0, width, height) offsets from central Futian."""
    geoms = [shapely.box(FUTIAN_X + x, FUTIAN_Y + y, FUTIAN_X + x + w, FUTIAN_Y + y + h)
             for x, y, w, h in boxes]
    ids = ids or [f"f{i + 1}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"id": ids, **columns}, geometry=geoms, crs=crs)


@pytest.fixture
def browser_required() -> bool:
    """True when browser tests must run (CI=true or FUTIANGIS_REQUIRE_BROWSER=1)."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("FUTIANGIS_REQUIRE_BROWSER") == "1"
