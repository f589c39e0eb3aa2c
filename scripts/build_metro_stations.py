"""Build layers/metro_stations.geojson from the Baidu POI list of 2015 (BD-09).

    python scripts/build_metro_stations.py [--shared ../shared/data]

Reads the verbatim ``transit/raw_lzxue/szmetro.js`` (BD-09 lon/lat), converts every point
BD-09 → WGS84 with :func:`futiangis.crs.bd09_to_wgs84` (not the shared converted copy),
keeps the stations inside the shipped district boundary and prints the cross-checks:
distance to the independently converted shared copy, the count in Futian against its
``in_futian`` flag, and the distance to the Wikipedia station points in
``reference/futian_reference_points_wgs84.csv``. Never imported by the package.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from futiangis.config import load_config
from futiangis.crs import bd09_to_wgs84
from futiangis.io import write_layer, write_text_atomic
from futiangis.load import load_shipped_layer

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-12-01"
_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
        "十一": 11}


def read_baidu_js(path: Path) -> pd.DataFrame:
    text = path.read_text(encoding="utf-8")
    body = text[text.index("["): text.rindex("]") + 1]
    rows = json.loads(body)
    return pd.DataFrame([{
        "title": r["title"], "address": r.get("address", ""),
        "checkin_num": int(r.get("checkin_num") or 0),
        "lon_bd09": float(r["point"]["lng"]), "lat_bd09": float(r["point"]["lat"]),
    } for r in rows])


def _lines(address: str) -> str:
    found = re.findall(r"([一二三四五六七八九十]+)号线", address)
    return ",".join(str(_NUM[n]) for n in dict.fromkeys(found) if n in _NUM)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "layers")
    args = parser.parse_args(argv)
    config = load_config(ROOT / "futiangis.toml")
    raw = read_baidu_js(args.shared / "transit" / "raw_lzxue" / "szmetro.js")
    lon, lat = bd09_to_wgs84(raw["lon_bd09"].to_numpy(), raw["lat_bd09"].to_numpy())
    pts = gpd.GeoDataFrame(raw, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    district = load_shipped_layer("district", config=config).to_crs(4326).union_all()
    inside = pts.within(district).to_numpy()

    shared = gpd.read_file(args.shared / "transit" /
                           "shenzhen_metro_stations_2015_baidu_wgs84_converted.geojson")
    key = dict(zip(zip(shared["lon_bd09"].round(9), shared["lat_bd09"].round(9)), shared.geometry))
    ref = [key.get((a, b)) for a, b in zip(raw["lon_bd09"].round(9), raw["lat_bd09"].round(9))]
    ok = np.array([g is not None for g in ref])
    mine = pts[ok].to_crs(4547).geometry.to_numpy()
    theirs = gpd.GeoSeries([g for g in ref if g is not None], crs=4326).to_crs(4547).to_numpy()
    gap = shapely.distance(mine, theirs)
    print(f"metro: {len(raw)} stations read (BD-09); matched {ok.sum()} in the shared copy, "
          f"max distance to its conversion {gap.max() * 1000:.1f} mm")
    print(f"in Futian: {inside.sum()} (shared in_futian flag: {int(shared['in_futian'].sum())})")

    refs = pd.read_csv(args.shared / "reference" / "futian_reference_points_wgs84.csv")
    sel = pts[inside].copy()
    sel["name_zh"] = sel["title"].str.replace("地铁站", "站", regex=False)
    for _, r in refs.iterrows():
        name = str(r.iloc[0])
        if "station" not in name.lower() and "站" not in name:
            continue
        p = gpd.GeoSeries([shapely.Point(r["lon"], r["lat"])], crs=4326).to_crs(4547).iloc[0]
        d = sel.to_crs(4547).distance(p)
        print(f"  reference {name}: nearest Baidu station {sel.loc[d.idxmin(), 'name_zh']} "
              f"at {d.min():.0f} m")

    sel = sel.sort_values("lon_bd09").reset_index(drop=True)
    out = gpd.GeoDataFrame({
        "id": [f"metro_{i + 1}" for i in range(len(sel))],
        "name_zh": sel["name_zh"],
        "name_en": ["Metro station " + n.removesuffix("站") for n in sel["name_zh"]],
        "lines": [_lines(a) for a in sel["address"]],
        "checkin_num": sel["checkin_num"],
        "lon_bd09": sel["lon_bd09"], "lat_bd09": sel["lat_bd09"],
        "accuracy_class": "open data",
        "source": "Baidu Map POI (lzxue/lzxue.github.io result/szmetro.js, 2015-11), BD-09 -> WGS84 by futiangis",
        "illustrative": False,
    }, geometry=shapely.set_precision(sel.geometry.to_numpy(), 1e-7), crs=4326)
    write_layer(out, args.out / "metro_stations.geojson", overwrite=True)  # this script made it
    write_text_atomic(_META.format(n=len(out), today=TODAY), args.out / "metro_stations.meta.toml")
    print(f"wrote {len(out)} stations to {args.out / 'metro_stations.geojson'}")


_META = """kind = "metro_stations"
file = "metro_stations.geojson"
title_zh = "地铁站（2015年，不完整）"
title_en = "Metro stations (2015, partial)"
source = "Baidu Map POI list of Shenzhen metro stations, 2015-11 (lzxue/lzxue.github.io @ aaab9deae99a43c252613b7afbf8236a2ba39e90 : result/szmetro.js, verbatim in shared/data/transit/raw_lzxue/). BD-09 coordinates converted BD-09 -> GCJ-02 -> WGS84 by futiangis.crs (scripts/build_metro_stations.py); the BD-09 originals are kept as lon_bd09/lat_bd09; stations inside the shipped district boundary kept."
licence = "none stated; Baidu Map POI data (Baidu's terms apply): REFERENCE ONLY"
crs = "EPSG:4326"
crs_verified = "source is BD-09 (SOURCES.md: 1.1-1.3 km from OSM station nodes as-is, 11-176 m after BD-09 -> WGS84); this conversion agrees with the independently converted shared copy"
accuracy_class = "open data"
accuracy_m = 200
date = "{today}"
notes = "{n} stations in Futian. PARTIAL and OUTDATED: the 2015 network (Lines 1-5 era); Lines 7, 9, 10, 11, 14 and later stations are missing, so metro access is understated. Points are station POIs, not entrances. English names are placeholders (no English names in the source)."
"""


if __name__ == "__main__":
    main()
