"""Rebuild the shipped open-data layers in layers/ from ../shared/data.

    python scripts/build_real_layers.py [--shared ../shared/data]

Writes district, units, charging_stations (GeoJSON, EPSG:4326) and dem (GeoTIFF) with
their provenance sidecars, converting GCJ-02 sources with futiangis's own converter and
printing the cross-checks against the independently converted copies in shared/.
Uses only the public futiangis API; never imported by the package.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from pyproj import Geod
from rasterio.windows import from_bounds

from futiangis.crs import gcj02_to_wgs84, transform_geometries
from futiangis.io import write_bytes_atomic, write_layer

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "layers"
TODAY = "2026-11-26"
GEOD = Geod(ellps="WGS84")
MARGIN_M = 2_000  # facilities this close outside the district still serve land inside it
SUBDISTRICT_EN = {
    "futian": "Futian", "futianbaoshuiqu": "Futian Bonded Zone (Fubao area)", "huafu": "Huafu",
    "huaqiangbei": "Huaqiangbei", "lianhua": "Lianhua", "meiling": "Meilin", "nanyuan": "Nanyuan",
    "shatou": "Shatou", "xiangmihu": "Xiangmihu", "yuanling": "Yuanling",
}


def _meta(**kw) -> str:
    lines = []
    for k, v in kw.items():
        if isinstance(v, str):
            v = v.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{k} = "{v}"')
        else:
            lines.append(f"{k} = {v}")
    return "\n".join(lines) + "\n"


def _round(gdf: gpd.GeoDataFrame, decimals: int = 7) -> gpd.GeoDataFrame:
    out = gdf.copy()
    geoms = shapely.make_valid(np.asarray(out.geometry.values, dtype=object))
    out.geometry = shapely.set_precision(geoms, 10 ** -decimals)
    assert shapely.is_valid(np.asarray(out.geometry.values, dtype=object)).all()
    return out


def build_district(shared: Path) -> gpd.GeoDataFrame:
    src = shared / "boundaries" / "datav_440304_futian_gcj02.geojson"
    raw = gpd.read_file(src, engine="pyogrio")
    geoms = transform_geometries(raw.geometry.values, "gcj02", "wgs84")
    district = gpd.GeoDataFrame(
        {
            "id": ["440304"],
            "name_zh": ["福田区"],
            "name_en": ["Futian District"],
            "accuracy_class": ["open data"],
            "source": ["Aliyun DataV.GeoAtlas areas_v3 440300_full.json (AutoNavi), GCJ-02 -> WGS84 by futiangis"],
            "illustrative": [False],
        },
        geometry=list(geoms),
        crs=4326,
    )
    district = _round(district)
    # cross-checks: the pre-converted copy and the BSD-3 transbigdata boundary
    ref = gpd.read_file(shared / "boundaries" / "datav_440304_futian_wgs84_converted.geojson")
    hausdorff = district.to_crs(4547).geometry.values[0].hausdorff_distance(
        ref.to_crs(4547).geometry.values[0])
    tbd = gpd.read_file(shared / "boundaries" / "transbigdata_sz_districts_wgs84.json")
    tf = tbd[tbd["qh"] == "福田"].to_crs(4547).union_all()
    mine = district.to_crs(4547).union_all()
    iou = mine.intersection(tf).area / mine.union(tf).area
    area, _ = GEOD.geometry_area_perimeter(district.geometry.values[0])
    print(f"district: geodesic area {abs(area) / 1e6:.3f} km²; Hausdorff distance to the shared "
          f"converted copy {hausdorff:.3f} m; IoU vs transbigdata {iou:.4f}")
    return district


def build_units(shared: Path, district: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    shp = shared / "ev_charging" / "st_evcdp_SZ_districts_shp" / "SZ_districts.shp"
    taz = gpd.read_file(shp, engine="pyogrio").to_crs(4547)
    taz = taz.sort_values("TAZID").reset_index(drop=True)
    boundary = district.to_crs(4547).union_all()
    share = taz.intersection(boundary).area / taz.area
    keep = taz[share >= 0.5].copy()
    # Make the units a partition: zones overlap slightly (digitizing); lower TAZID keeps it.
    taken = shapely.Polygon()
    geoms = []
    for geom in keep.geometry:
        clipped = geom.intersection(boundary).difference(taken)
        geoms.append(clipped)
        taken = taken.union(clipped)
    keep = keep.assign(geometry=geoms)
    # District land that no Futian TAZ covers (boundary mismatch, coast, river):
    rest = gpd.GeoSeries(shapely.get_parts(boundary.difference(taken)), crs=4547)
    rest = rest[rest.area > 0]
    big = rest[rest.area >= 100_000]
    big = big.iloc[np.argsort(-big.area.to_numpy())]
    small = rest[rest.area < 100_000]
    for piece in small:  # merge slivers into the unit sharing the longest border
        shared_len = keep.geometry.buffer(0.01).intersection(piece.buffer(0.01)).length
        j = shared_len.idxmax() if shared_len.max() > 0 else keep.distance(piece).idxmin()
        keep.loc[j, "geometry"] = shapely.union(keep.loc[j, "geometry"], piece)
    units = gpd.GeoDataFrame(
        {
            "id": [f"taz_{int(t)}" for t in keep["TAZID"]],
            "name_zh": [f"交通小区 {int(t)}" for t in keep["TAZID"]],
            "name_en": [f"Traffic zone {int(t)}" for t in keep["TAZID"]],
            "taz_id": keep["TAZID"].astype(int).to_numpy(),
        },
        geometry=keep.geometry.to_numpy(),
        crs=4547,
    )
    extra = gpd.GeoDataFrame(
        {
            "id": [f"rest_{i + 1}" for i in range(len(big))],
            "name_zh": [f"小区外区域 {i + 1}" for i in range(len(big))],
            "name_en": [f"Outside the TAZ set {i + 1}" for i in range(len(big))],
            "taz_id": pd.array([None] * len(big), dtype="Int64"),
        },
        geometry=big.to_numpy(),
        crs=4547,
    )
    units = pd.concat([units, extra], ignore_index=True)
    units["accuracy_class"] = "open data"
    units["source"] = np.where(
        units["taz_id"].isna(),
        "District land not in any Futian TAZ (ST-EVCDP SZ_districts), clipped from the boundary",
        "ST-EVCDP SZ_districts traffic analysis zone (MIT), clipped to the Futian boundary",
    )
    units["illustrative"] = False
    units = units.to_crs(4326)
    units = _round(units)
    u = units.to_crs(4547)
    print(f"units: {len(keep)} TAZ (≥50 % inside Futian) + {len(big)} remainder pieces ≥ 0.1 km² "
          f"({big.area.sum() / 1e6:.3f} km²); {len(small)} slivers merged ({small.area.sum():.0f} m²); "
          f"sum {u.area.sum() / 1e6:.4f} km² vs district {boundary.area / 1e6:.4f} km²")
    return units


def build_charging(shared: Path, district: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    raw = pd.read_csv(shared / "ev_charging" / "urbanev_stations_inf_raw_gcj02.csv")
    lon, lat = gcj02_to_wgs84(raw["longitude"].to_numpy(), raw["latitude"].to_numpy())
    pts = gpd.GeoDataFrame(raw, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    boundary = district.union_all()
    inside = pts[pts.within(boundary)].copy()
    # stations beyond the boundary serve land inside it: keep those within MARGIN_M, marked
    metric = pts.to_crs(4547)
    near = metric.distance(district.to_crs(4547).union_all()) <= MARGIN_M
    outside = pts[near & ~pts.within(boundary)].copy()
    ref = gpd.read_file(shared / "ev_charging" / "urbanev_stations_inf_raw_wgs84_converted.geojson")
    ref = ref.set_index("station_id").loc[inside["station_id"]]
    _, _, d = GEOD.inv(inside.geometry.x.to_numpy(), inside.geometry.y.to_numpy(),
                       ref.geometry.x.to_numpy(), ref.geometry.y.to_numpy())
    print(f"charging_stations: {len(inside)} of {len(raw)} UrbanEV stations inside Futian "
          f"(shared copy flags {int(ref['in_futian'].sum())} of them in_futian); {int(inside['charge_count'].sum())} piles; "
          f"max offset vs shared converted copy {d.max():.4f} m")
    print(f"charging_stations: {len(outside)} more stations outside Futian within {MARGIN_M:,} m of it "
          f"({int(outside['charge_count'].sum())} piles), kept with outside_district = true")
    both = pd.concat([inside.assign(_out=False), outside.assign(_out=True)])
    out = gpd.GeoDataFrame(
        {
            "id": [f"ev_{int(s)}" for s in both["station_id"]],
            "name_zh": [f"公共充电站 {int(s)}" + (" （区外）" if o else "") for s, o in zip(both["station_id"], both["_out"])],
            "name_en": [f"Public charging station {int(s)}" + (" (outside Futian)" if o else "")
                        for s, o in zip(both["station_id"], both["_out"])],
            "piles": both["charge_count"].astype(int).to_numpy(),
            "station_id": both["station_id"].astype(int).to_numpy(),
            "lon_gcj02": both["longitude"].to_numpy(),
            "lat_gcj02": both["latitude"].to_numpy(),
            "outside_district": both["_out"].to_numpy(dtype=bool),
            "accuracy_class": "open data",
            "source": "UrbanEV inf_raw.csv (CC0), Sep 2022–Feb 2023; GCJ-02 -> WGS84 by futiangis",
            "illustrative": False,
        },
        geometry=both.geometry.to_numpy(),
        crs=4326,
    )
    return _round(out)


def build_subdistricts(shared: Path) -> gpd.GeoDataFrame:
    """The 10 real 街道 polygons of Futian (pkuimyy/aed-map via shared/), land only."""
    raw = gpd.read_file(shared / "subdistricts" / "futian_subdistricts_wgs84.geojson", engine="pyogrio")
    keys = raw["file_key"].astype(str)
    names = [n.split(" (")[0] for n in raw["name_zh"].astype(str)]
    out = gpd.GeoDataFrame(
        {
            "id": [f"jd_{k}" for k in keys],
            "name_zh": names,
            "name_en": [SUBDISTRICT_EN.get(k, k) for k in keys],
            "stats_code": raw["stats_code_areacity"].astype(str).to_numpy(),
            "accuracy_class": "open data",
            "source": [f"{p} (licence not stated: reference use)" for p in raw["source"]],
            "note": ["the source names this polygon 福田保税区; it most likely stands for the 福保街道 "
                     "jurisdiction (福保街道 440304011, 福田保税区 440304400)" if k == "futianbaoshuiqu" else ""
                     for k in keys],
            "illustrative": False,
        },
        geometry=raw.geometry.to_numpy(),
        crs=4326,
    )
    out = _round(out).sort_values("id").reset_index(drop=True)
    area = sum(abs(GEOD.geometry_area_perimeter(g)[0]) for g in out.geometry)
    print(f"subdistricts: {len(out)} polygons, {area / 1e6:.2f} km² geodesic (land only)")
    return out


def build_dem(shared: Path, district: gpd.GeoDataFrame) -> bytes:
    src_path = shared / "raster" / "shenzhen_srtmgl1_dem_wgs84.tif"
    minx, miny, maxx, maxy = district.total_bounds
    pad = 0.01
    with rasterio.open(src_path) as src:
        window = from_bounds(minx - pad, miny - pad, maxx + pad, maxy + pad, src.transform)
        window = window.round_offsets().round_lengths()
        data = src.read(1, window=window)
        profile = src.profile | {
            "height": data.shape[0], "width": data.shape[1],
            "transform": src.window_transform(window), "compress": "deflate", "predictor": 2,
            "tiled": False,
        }
    tmp = LAYERS / ".dem.tmp.tif"
    with rasterio.open(tmp, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(source="NASA SRTMGL1 v003 via OpenTopography (jjguoxh/myEarth)", vertical_datum="EGM96")
    blob = tmp.read_bytes()
    tmp.unlink()
    valid = data[data != profile["nodata"]]
    print(f"dem: {data.shape[1]}x{data.shape[0]} px, {valid.min()}–{valid.max()} m, "
          f"{len(blob) / 1024:.0f} KiB")
    return blob


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--only", nargs="*", default=None, metavar="KIND",
                        help="rebuild only these layers (district, units, charging_stations, subdistricts, dem)")
    args = parser.parse_args()
    shared = args.shared
    district = build_district(shared)
    only = set(args.only) if args.only else None
    if only is not None:
        if "subdistricts" in only:
            _write_subdistricts(shared)
        if "charging_stations" in only:
            _write_charging(shared, district)
        return
    _write_subdistricts(shared)
    write_layer(district, LAYERS / "district.geojson", overwrite=True)
    area, _ = GEOD.geometry_area_perimeter(district.geometry.values[0])
    (LAYERS / "district.meta.toml").write_text(_meta(
        kind="district", file="district.geojson", title_zh="福田区行政边界", title_en="Futian District boundary",
        source="Aliyun DataV.GeoAtlas areas_v3 `440300_full.json` (data from AutoNavi/Gaode), copied verbatim in anzhou99/GeoJsons @ 6137cf53; feature adcode 440304. Converted GCJ-02 -> WGS84 by futiangis.crs (scripts/build_real_layers.py).",
        licence="NONE STATED upstream (DataV/AutoNavi): reference use only until terms are confirmed; replace with the official 福田区 boundary from the Shenzhen planning bureau for publication.",
        crs="EPSG:4326",
        crs_verified="source is GCJ-02 (DataV); converted by futiangis; matches the independently converted copy in shared/ to < 0.01 m and the BSD-3 transbigdata WGS84 boundary with IoU ≥ 0.99",
        accuracy_class="open data", accuracy_m=50, date=TODAY,
        notes=f"Geodesic area {abs(area) / 1e6:.2f} km² (official figure 78.66–78.8 km²). Web-map generalisation: ± tens of metres.",
    ), encoding="utf-8")

    units = build_units(shared, district)
    write_layer(units, LAYERS / "units.geojson", overwrite=True)
    (LAYERS / "units.meta.toml").write_text(_meta(
        kind="units", file="units.geojson", title_zh="统计单元（交通小区）", title_en="Statistical units (traffic analysis zones)",
        source="ST-EVCDP `datasets/SZ_districts` (IntelligentSystemsLab/ST-EVCDP @ 27c5e7ea): 491 Shenzhen traffic analysis zones. Kept the zones with ≥ 50 % of their area in Futian, clipped to the district boundary, overlaps resolved (lower TAZID keeps), slivers < 0.1 km² merged into the neighbour with the longest shared border; district land in no TAZ ≥ 0.1 km² kept as `rest_N` units so the units partition the district.",
        licence="MIT (© 2023 IntelligentSystemsLab); boundary part as for `district`",
        crs="EPSG:4326",
        crs_verified="source .prj is EPSG:3857 on WGS84; best-fit shift against the WGS84 Futian boundary ≈ 0 m E, 55 m S (SOURCES.md)",
        accuracy_class="open data", accuracy_m=60, date=TODAY,
        notes="Stand-in for the 10 街道 (subdistrict) polygons, which are not publicly available; replace with official 街道/社区 units when supplied.",
    ), encoding="utf-8")

    _write_charging(shared, district)
    write_bytes_atomic(build_dem(shared, district), LAYERS / "dem.tif")
    _write_dem_meta()


def _write_subdistricts(shared: Path) -> None:
    subs = build_subdistricts(shared)
    write_layer(subs, LAYERS / "subdistricts.geojson", overwrite=True)
    (LAYERS / "subdistricts.meta.toml").write_text(_meta(
        kind="subdistricts", file="subdistricts.geojson", title_zh="街道", title_en="Subdistricts (街道)",
        source="pkuimyy/aed-map @ d8aba6cb39b30593097f1e696b880afe4e66f35d : 汇总/<pinyin>.json (the 10 Futian files; removed in the next commit), names from 汇总/街道编码.CSV, 12-digit codes from xiangyuecn/AreaCity-JsSpider-StatsGov (MIT), as derived in shared/data/subdistricts/futian_subdistricts_wgs84.geojson.",
        licence="NONE STATED by the source repository (which does not say where the polygons came from): reference use only; replace with the official 街道 boundaries for publication.",
        crs="EPSG:4326",
        crs_verified="WGS84 (no crs member; union vs the WGS84-converted DataV district IoU 0.919, vs the raw GCJ-02 polygon 0.778; best-fit shift 0 m E / 55 m S, where GCJ-02 would need ~525 m E / 300 m S)",
        accuracy_class="open data", accuracy_m=150, date=TODAY,
        notes="Real 街道 polygons, simplified (13-97 vertices each; ±50-150 m edges). They cover LAND ONLY: their union (74.76 km²) leaves out the Shenzhen Bay water and mangrove strip inside the DataV district polygon (79.79 km²), which is why futiangis uses their union as the land mask of coverage denominators. One small gap between 福田 and 南园 near (114.077, 22.532). CAVEAT: there is no separate 福保街道 polygon; the one the source names 福田保税区 most likely stands for the 福保 jurisdiction (福保街道 440304011, 福田保税区 440304400).",
    ), encoding="utf-8")


def _write_charging(shared: Path, district: gpd.GeoDataFrame) -> None:
    charging = build_charging(shared, district)
    write_layer(charging, LAYERS / "charging_stations.geojson", overwrite=True)
    (LAYERS / "charging_stations.meta.toml").write_text(_meta(
        kind="charging_stations", file="charging_stations.geojson", title_zh="公共充电站", title_en="Public EV charging stations",
        source="UrbanEV `data/inf_raw.csv` (IntelligentSystemsLab/UrbanEV @ 14a019a3), 1,587 Shenzhen public stations, Sep 2022–Feb 2023; cite Li et al. 2025, Scientific Data 12:523, doi:10.1038/s41597-025-04874-4. Converted GCJ-02 -> WGS84 by futiangis; kept the stations inside the Futian boundary and, marked outside_district = true, those within 2 km outside it (they serve land inside Futian); original GCJ-02 coordinates kept as lon_gcj02/lat_gcj02.",
        licence="CC0-1.0",
        crs="EPSG:4326",
        crs_verified="source is GCJ-02 (48 stations fall in the sea/HK when read as WGS84, 0 after conversion); futiangis conversion matches the shared pre-converted copy to < 1 cm (7 mm max)",
        accuracy_class="open data", accuracy_m=10, date=TODAY,
        notes="Station points as geocoded by the app the data came from (±10 m typical). Reflects 2022–23, not 2015. The published TAZIDs were assigned with unconverted GCJ-02 points and are NOT used.",
    ), encoding="utf-8")


def _write_dem_meta() -> None:
    (LAYERS / "dem.meta.toml").write_text(_meta(
        kind="dem", file="dem.tif", title_zh="数字高程模型（SRTM 30 m）", title_en="Digital elevation model (SRTM 1″)",
        source="NASA SRTM GL1 v003 (doi:10.5067/MEaSUREs/SRTM/SRTMGL1.003) via OpenTopography, as `shenzhen_dem.tif` in jjguoxh/myEarth @ a723a8e5; window over Futian + 0.01° cut with rasterio.",
        licence="Public domain (US Government, NASA SRTM)",
        crs="EPSG:4326",
        crs_verified="GeoTIFF tags EPSG:4326 (WGS84 horizontal, EGM96 heights); the highest cell in the Lianhuashan box lies at the Wikipedia summit point",
        accuracy_class="open data", accuracy_m=30, date=TODAY,
        notes="1 arc-second (~30 m) cells; terrain of February 2000 (before later reclamation and the Antuoshan quarry works); a surface model including some vegetation and buildings. Vertical error ~±10 m.",
    ), encoding="utf-8")


if __name__ == "__main__":
    main()
