"""Benchmark the way in: read, map + validate, and import of a planner's files.

    python scripts/bench_intake.py [--repeat 5]

Three files made here, at the sizes a district's files reach:

* a 10,000-row GBK shapefile without .cpg of renewal units with Chinese column names
  (编号, 项目名称, 状态, 计容面积 in 万㎡ by --field, 投资额 in 万元), polygons;
* a 10,000-row XLSX of charging stations (名称, 经度, 纬度 in GCJ-02, 充电桩数);
* a DXF of 2,000 entities: 1,000 closed LWPOLYLINE outlines with 1,000 TEXT labels
  inside them, in EPSG:4547 metres.

For each: **read** (``futiangis.io.read_vector``: the file as stored), **load** (read +
field/value mapping + validation + reprojection: ``futiangis.load.load_layer``, what
``validate`` and every analysis run) and **import** (load + ``write_layer`` to a
GeoPackage, what ``futiangis import`` does). Medians of ``--repeat`` runs with
``time.perf_counter``; the table is printed (docs/own-data.md quotes it).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from futiangis.config import load_config  # noqa: E402
from futiangis.crs import wgs84_to_gcj02  # noqa: E402
from futiangis.io import read_vector, write_layer  # noqa: E402
from futiangis.load import load_layer  # noqa: E402

X0, Y0 = 503_000.0, 2_491_500.0  # central Futian, EPSG:4547
STATUSES = ("竣工", "已建成", "在建", "已获批", "规划", "拟建")


def make_shapefile(folder: Path, n: int) -> Path:
    rng = np.random.default_rng(11)
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x = X0 + (i % side) * 60.0
    y = Y0 + (i // side) * 50.0
    w = rng.uniform(10, 40, n)
    h = rng.uniform(10, 40, n)
    gdf = gpd.GeoDataFrame({
        "编号": [f"FT-{k:05d}" for k in i],
        "项目名称": [f"测试更新单元{k}" for k in i],
        "状态": [STATUSES[k % len(STATUSES)] for k in i],
        "容积率": rng.uniform(2, 8, n).round(2),
        "计容面积": rng.uniform(0.5, 20, n).round(2),
        "投资额": rng.uniform(1_000, 300_000, n).round(0),
        "批准时间": ["2014年3月"] * n,
    }, geometry=shapely.box(x, y, x + w, y + h), crs=4547)
    path = folder / "renewal_gbk.shp"
    gdf.to_file(path, engine="pyogrio", encoding="GBK")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def make_xlsx(folder: Path, n: int) -> Path:
    rng = np.random.default_rng(12)
    lon = rng.uniform(114.00, 114.10, n)
    lat = rng.uniform(22.51, 22.58, n)
    glon, glat = wgs84_to_gcj02(lon, lat)
    frame = pd.DataFrame({"名称": [f"充电站{k}" for k in range(n)], "经度": np.round(glon, 7),
                          "纬度": np.round(glat, 7), "充电桩数": rng.integers(1, 30, n)})
    path = folder / "stations.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        frame.to_excel(xl, sheet_name="充电站", index=False)
    return path


def make_dxf(folder: Path, n_entities: int) -> Path:
    import ezdxf

    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    doc.layers.add("分区")
    doc.layers.add("注记")
    n = n_entities // 2
    side = int(np.ceil(np.sqrt(n)))
    for k in range(n):
        x, y = X0 + (k % side) * 120.0, Y0 + (k // side) * 120.0
        msp.add_lwpolyline([(x, y), (x + 100, y), (x + 100, y + 100), (x, y + 100)], close=True,
                           dxfattribs={"layer": "分区"})
        msp.add_text(f"分区{k}", dxfattribs={"layer": "注记", "insert": (x + 50, y + 50)})
    path = folder / "zones.dxf"
    doc.saveas(path)
    return path


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    config = load_config(ROOT / "futiangis.toml")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = [
            ("GBK shapefile, renewal_sites", make_shapefile(folder, 10_000), "renewal_sites",
             {"encoding": "gbk", "fields": ("gfa_new_m2=计容面积:万㎡", "investment_100m_cny=投资额:万元")},
             {"encoding": "gbk"}, 10_000),
            ("XLSX, charging_stations", make_xlsx(folder, 10_000), "charging_stations",
             {"source_crs": "gcj02", "sheet": "充电站"}, {"sheet": "充电站"}, 10_000),
            ("DXF, units", make_dxf(folder, 2_000), "units", {"source_crs": "EPSG:4547", "layer": "分区"},
             {"layer": "分区"}, 2_000),
        ]
        for label, path, kind, load_kw, read_kw, size in cases:
            out = folder / f"{path.stem}_out.gpkg"

            def do_import(path=path, kind=kind, load_kw=load_kw, out=out):
                prepared = load_layer(path, kind, config=config, **load_kw)
                write_layer(prepared.gdf, out, overwrite=True)

            read_s = _median(lambda path=path, read_kw=read_kw: read_vector(path, **read_kw), args.repeat)
            load_s = _median(lambda path=path, kind=kind, load_kw=load_kw: load_layer(path, kind, config=config, **load_kw),
                             args.repeat)
            import_s = _median(do_import, args.repeat)
            rows.append({"file": label, "rows": size, "read_s": read_s, "load_s": load_s, "import_s": import_s})
    print(f"{'file':<32}{'rows/entities':>14}{'read s':>9}{'load s':>9}{'import s':>10}{'rows/s':>10}")
    for r in rows:
        print(f"{r['file']:<32}{r['rows']:>14,}{r['read_s']:>9.2f}{r['load_s']:>9.2f}{r['import_s']:>10.2f}"
              f"{r['rows'] / r['import_s']:>10,.0f}")
    print(f"(medians of {args.repeat} runs, time.perf_counter; load = read + map + validate + "
          "reproject; import = load + write GeoPackage)")
    return rows


if __name__ == "__main__":
    main()
