"""futiangis.lifecircle and its map: which themes each 5/10/15-minute circle reaches.

One straight 1,000 m street along y = 0, two units of 500 × 200 m on it; a charging
station 100 m from the west end. At 300 m the reached street is x = 0–400; buffered by the
100 m trim it covers the west unit's 0–400 m strip (80,000 m²) and a half disc of 100 m
beyond x = 400 (a 256-gon: 64 · sin(2π/256) · 100² m²), out of 100,000 m². The other
themes' facilities are 2 km away, off the network.
"""
from __future__ import annotations

import math

import geopandas as gpd
import pytest
import shapely

from futiangis import schemas as S
from futiangis.errors import ConfigError
from futiangis.lifecircle import access_settings, network_from_lines, run_lifecircle
from futiangis.render.lifecircle import lifecircle_spec

from test_network import X0, Y0, lines_layer

HALF_DISC = 64 * math.sin(2 * math.pi / 256) * 100 ** 2
WEST_300 = (80_000 + HALF_DISC) / 100_000


def _pts(xy, **cols):
    return gpd.GeoDataFrame({"id": [f"f{i}" for i in range(len(xy))], **cols}, crs=4547,
                            geometry=[shapely.Point(X0 + x, Y0 + y) for x, y in xy])


@pytest.fixture(scope="module")
def circle(config):
    net = network_from_lines(lines_layer([[(0, 0), (1000, 0)]]), access_settings(config),
                             label="test street")
    units = gpd.GeoDataFrame({"id": ["west", "east"], "name_zh": ["西", "东"], "name_en": ["W", "E"]},
                             crs=4547, geometry=[shapely.box(X0, Y0 - 100, X0 + 500, Y0 + 100),
                                                 shapely.box(X0 + 500, Y0 - 100, X0 + 1000, Y0 + 100)])
    far = [(2000, 2000)]
    park = gpd.GeoDataFrame({"id": ["p"]}, crs=4547,
                            geometry=[shapely.box(X0 + 2000, Y0 + 2000, X0 + 2100, Y0 + 2100)])
    facilities = {"charging": _pts([(100, 0)]), "bike": _pts(far), "metro": _pts(far), "parks": park}
    lc = run_lifecircle(config, network=net, units=units, subdistricts=units, facilities=facilities)
    return lc, units


def test_circles_reach_what_the_hand_count_says(circle):
    lc, _ = circle
    rows = lc.units.set_index(S.ID)
    assert rows.loc["west", "charging_5min"] == pytest.approx(WEST_300, rel=1e-6)
    assert rows.loc["west", "reached_5min"] == "charging"
    assert rows.loc["east", "reached_5min"] == ""  # 0 %
    # at 1000 m the whole street is reached from x = 100: both units covered alike
    assert rows.loc["east", "reached_15min"] == "charging"
    assert rows.loc["west", "count_15min"] == 1
    for theme in ("bike", "metro", "parks"):
        assert rows.loc["west", f"{theme}_15min"] == 0.0
    assert lc.subdistricts is not None and len(lc.subdistricts) == 2
    doc = lc.to_dict()
    assert [c["distance_m"] for c in doc["circles"]] == [300.0, 500.0, 1000.0]
    assert "GB 50180-2018" in doc["standard"] and "Project's own choices" in doc["project_choices"]


def test_lifecircle_map_has_network_and_circles_per_theme(circle):
    lc, units = circle
    district = units.dissolve()
    spec = lifecircle_spec({"district": district, "units": units}, lc)
    keys = [layer.key for layer in spec.layers]
    for theme in ("parks", "charging", "bike", "metro"):
        assert {f"{theme}_network", f"{theme}_circles", f"{theme}_gaps"} <= set(keys)
    assert {"network", "reach_count_5", "reach_count_15"} <= set(keys)
    charging = next(layer for layer in spec.layers if layer.key == "charging_network")
    assert sorted(charging.frame["coverage"].round(6)) == sorted(
        round(r.overall["coverage"], 6) for r in lc.runs["charging"].results)
    assert "充电" in spec.panels[0].body_html and "GB 50180-2018" in spec.panels[0].body_html


def test_bad_access_settings_are_named(tmp_path):
    from futiangis.config import load_config

    path = tmp_path / "futiangis.toml"
    path.write_text('[access]\nreach_share = 2\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="reach_share"):
        access_settings(load_config(path))
    path.write_text('[access]\nthemes = ["parks", "schools"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="schools"):
        access_settings(load_config(path))
