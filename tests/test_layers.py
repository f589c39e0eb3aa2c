"""The shipped layers: all load through the one door, with provenance, and are what they claim."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from futiangis.io import read_catalog
from futiangis.load import load_raster, load_shipped_layer, shipped_path
from futiangis.schemas import LAYER_KINDS

# "network" is the kind of a planner's own centreline file; the shipped one is arterial_network
VECTOR_KINDS = [k for k in LAYER_KINDS if k != "network"]
ILLUSTRATIVE = {"cbd_zones", "renewal_sites", "parks", "slow_routes", "bike_stations"}


@pytest.fixture(scope="module")
def layers(config):
    return {kind: load_shipped_layer(kind, config=config) for kind in VECTOR_KINDS}


def test_catalog_has_the_nine_layers_with_provenance(config):
    catalog = read_catalog(config.layers_dir)
    assert set(catalog) == set(VECTOR_KINDS) | {"dem"}
    for info in catalog.values():
        assert info.path.exists(), info.path
        assert info.source and info.licence and info.crs and info.date
        assert info.accuracy_class in ("open data", "digitized", "illustrative")
    for kind in ILLUSTRATIVE:
        assert catalog[kind].accuracy_class == "illustrative"


@pytest.mark.parametrize("kind", VECTOR_KINDS)
def test_every_vector_layer_loads_valid_in_working_crs(layers, kind):
    gdf = layers[kind]
    assert len(gdf) > 0
    assert gdf.crs.to_epsg() == 4547
    assert gdf["id"].is_unique
    assert shapely.is_valid(np.asarray(gdf.geometry.values, dtype=object)).all()


@pytest.mark.parametrize("kind", sorted(ILLUSTRATIVE))
def test_illustrative_layers_say_so_in_every_record(layers, kind):
    gdf = layers[kind]
    assert gdf["illustrative"].astype(bool).all()
    assert (gdf["accuracy_class"] == "illustrative").all()


def test_everything_lies_in_futian(layers):
    district = layers["district"].union_all().buffer(1.0)  # 1 m for rounding at the edge
    for kind, gdf in layers.items():
        if kind == "subdistricts":  # another source with ±50-150 m edges (see its meta.toml):
            # every 街道 centred in the district, and < 1.5 % of their land beyond its edge
            assert gdf.geometry.representative_point().within(district).all()
            union = gdf.union_all()
            assert union.difference(district).area < 0.015 * union.area
            continue
        if "outside_district" in gdf.columns:  # stations beyond the edge, marked, within 2 km of it
            out = gdf["outside_district"].fillna(False).astype(bool)
            assert not gdf.geometry[out].within(district).any()
            assert gdf.geometry[out].within(district.buffer(2000.0 + 1.0)).all()
            gdf = gdf[~out]
        inside = gdf.geometry.within(district)
        assert inside.all(), (kind, list(gdf.loc[~inside, "id"]))


def test_district_area_matches_official_order_of_magnitude(layers):
    # official 78.66-78.8 km²; the web-map boundary includes some shoreline: 79.79 km²
    area_km2 = layers["district"].area.sum() / 1e6
    assert 78.0 < area_km2 < 81.0


def test_units_partition_the_district(layers):
    units, district = layers["units"], layers["district"]
    total = units.area.sum()
    union = units.union_all().area
    d = district.area.sum()
    assert abs(union - d) / d < 1e-5
    assert (total - union) < 100.0  # overlaps only from 1e-7° coordinate rounding


def test_charging_stations_are_the_real_urbanev_futian_set(layers):
    st = layers["charging_stations"]
    inside = st[~st["outside_district"].astype(bool)]
    assert len(inside) == 271
    assert int(inside["piles"].sum()) == 2478
    assert st.loc[st["outside_district"].astype(bool), "name_en"].str.endswith("(outside Futian)").all()
    assert st["id"].str.startswith("ev_").all()
    assert not st["illustrative"].astype(bool).any()


@pytest.mark.shared_data
def test_charging_stations_match_shared_in_futian_flag(layers, shared_data):
    import geopandas as gpd

    ref = gpd.read_file(shared_data / "ev_charging" / "urbanev_stations_inf_raw_wgs84_converted.geojson")
    flagged = set(ref.loc[ref["in_futian"].astype(bool), "station_id"].astype(int))
    st = layers["charging_stations"]
    out = st["outside_district"].astype(bool)
    assert set(st.loc[~out, "station_id"].astype(int)) == flagged
    # the stations outside: the shared copy's non-Futian stations within 2 km of the district
    district = layers["district"].union_all()
    ref = ref.to_crs(4547)
    near = ref[~ref["in_futian"].astype(bool) & (ref.distance(district) <= 2000.0)]
    assert set(st.loc[out, "station_id"].astype(int)) == set(near["station_id"].astype(int))


def test_dem_covers_the_district_with_plausible_heights(config, layers):
    dem = load_raster(shipped_path("dem", config=config), config=config)
    minx, miny, maxx, maxy = layers["district"].to_crs(4326).total_bounds
    l, b, r, t = dem.bounds
    assert l < minx and b < miny and r > maxx and t > maxy
    assert dem.res[0] == pytest.approx(1 / 3600, rel=1e-6)  # SRTM 1 arc-second


def test_renewal_sites_have_the_declared_attributes(layers):
    sites = layers["renewal_sites"]
    assert set(sites["status"]) <= {"planned", "approved", "under_construction", "completed"}
    assert sites["gfa_new_m2"].isna().sum() >= 1  # some must be estimated
    assert (sites["gfa_new_m2"].dropna() >= 0).all()
