"""Rebuild layers/bike_demand.geojson (+ .meta.toml) from ../shared/data/bike_demand.

    python scripts/build_bike_demand_layer.py [--shared ../shared/data]

The trip ends per 100 m cell come from the shared DERIVED file; its grid was published in
GCJ-02, so the cell centres are converted again here with futiangis's own converter from
the original GCJ-02 centres (kept as lon_gcj02/lat_gcj02), checked against the shared
converted copy and against the raw grid table, and kept when the centre lies inside the
shipped district boundary. Uses only the public futiangis API; never imported by the package.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

from futiangis.crs import gcj02_to_wgs84
from futiangis.io import write_layer, write_text_atomic

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "layers"
TODAY = "2026-12-01"
GEOD = Geod(ellps="WGS84")
ATTRIBUTION = "数据来源：深圳市政府数据开放平台"


def _toml(**kw) -> str:
    lines = []
    for k, v in kw.items():
        if isinstance(v, str):
            lines.append(f'{k} = "' + v.replace("\\", "\\\\").replace('"', '\\"') + '"')
        else:
            lines.append(f"{k} = {v}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    args = parser.parse_args()
    shared = Path(args.shared) / "bike_demand"
    src = shared / "futian_dockless_bike_trip_ends_100m_wgs84_converted.geojson"
    cells = gpd.read_file(src, engine="pyogrio")
    grid = pd.read_csv(shared / "raw_simoncha" / "grid_metadata_100m.csv").set_index("grid_id")
    # 1. the GCJ-02 centres are the raw grid's centres
    raw = grid.loc[cells["grid_id"]]
    dmax = np.abs(raw[["center_lng", "center_lat"]].to_numpy()
                  - cells[["lon_gcj02", "lat_gcj02"]].to_numpy()).max()
    print(f"GCJ-02 centres vs raw grid_metadata_100m.csv: max |Δ| {dmax:.1e}°")
    # 2. our conversion vs the shared converted copy
    lon, lat = gcj02_to_wgs84(cells["lon_gcj02"].to_numpy(), cells["lat_gcj02"].to_numpy())
    _, _, dist = GEOD.inv(lon, lat, cells.geometry.x.to_numpy(), cells.geometry.y.to_numpy())
    print(f"futiangis GCJ-02 -> WGS84 vs the shared converted centres: max {np.max(dist):.3f} m")
    district = gpd.read_file(LAYERS / "district.geojson", engine="pyogrio")
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326)
    inside = pts.within(district.geometry.iloc[0]).to_numpy()
    agree = int((inside == cells["in_futian"].to_numpy(dtype=bool)).sum())
    print(f"inside the shipped district: {int(inside.sum())} cells "
          f"(shared in_futian flag: {int(cells['in_futian'].sum())}; agree on {agree}/{len(cells)})")
    out = gpd.GeoDataFrame(
        {
            "id": cells["grid_id"].astype(str),
            "trip_ends": cells["trip_ends"].astype(int),
            "departures": cells["departures_10peaks"].astype(int),
            "arrivals": cells["arrivals_10peaks"].astype(int),
            "grid_size_m": cells["grid_size_m"].astype(int),
            "lon_gcj02": cells["lon_gcj02"].round(7),
            "lat_gcj02": cells["lat_gcj02"].round(7),
            "accuracy_class": "open data",
            "illustrative": False,
            "source": ATTRIBUTION + " 共享单车企业每日订单表 (sample, 2021-05-10..14 peaks)",
        },
        geometry=gpd.points_from_xy(np.round(lon, 7), np.round(lat, 7)),
        crs=4326,
    )[inside].sort_values("id").reset_index(drop=True)
    print(f"kept {len(out)} cells, {int(out['trip_ends'].sum()):,} trip ends "
          f"({int((out['trip_ends'] == 0).sum())} cells with 0)")
    write_layer(out, LAYERS / "bike_demand.geojson")
    meta = _toml(
        kind="bike_demand",
        file="bike_demand.geojson",
        title_zh="共享单车出行端点（100 米网格）",
        title_en="Dockless-bike trip ends per 100 m cell",
        source=(
            f"{ATTRIBUTION}（共享单车企业每日订单表）. Processed grid and counts from "
            "simoncha1201/shenzhen-bike-rebalancing @ 9075373090ff9a66869ce392df02d37ca44bbcaf "
            "(data/processed/grid_metadata_100m.csv, 10 peak windows). A SAMPLE: 291,000 raw orders "
            "(the first pages of ≈ 7.86 M) of 2021-05-10..14, cleaned to 69,357 orders with an end "
            "in a Futian box, AM (07–10) and PM (17–20) peaks only. Trip ends = departures + "
            "arrivals per 100 m cell, summed over the 10 peak windows. Cell centres converted "
            "GCJ-02 -> WGS84 by futiangis (original GCJ-02 centres kept as lon_gcj02/lat_gcj02); "
            "cells whose centre lies inside the shipped district boundary."
        ),
        licence=(
            "no licence file in the processing repository; the 深圳市政府数据开放平台 asks "
            f"users to credit it: 「{ATTRIBUTION}」. Reference use; cite the platform"
        ),
        crs="EPSG:4326",
        crs_verified=(
            "grid published in GCJ-02 (4.30 % of trip ends fall outside Shenzhen land read as "
            "WGS84, 0.04 % after conversion; SOURCES.md); futiangis conversion agrees with the "
            f"shared converted copy to {np.max(dist) * 1000:.0f} mm"
        ),
        accuracy_class="open data",
        accuracy_m=71,
        date=TODAY,
        notes=(
            "A demand proxy, not station locations: where dockless bikes start and end trips "
            "in weekday peaks, from a partial sample of one week of May 2021, so the relative "
            "pattern matters, not the absolute counts. Each point stands for its 100 m cell "
            "(±71 m, half the cell diagonal). Shenzhen's docked public-bike system no longer "
            f"operates. Attribution required wherever it is shown: {ATTRIBUTION}."
        ),
    )
    write_text_atomic(meta, LAYERS / "bike_demand.meta.toml")
    print("wrote layers/bike_demand.geojson and layers/bike_demand.meta.toml")


if __name__ == "__main__":
    main()
