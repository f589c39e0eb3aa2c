"""Generate the planner's kit (tests/data/kit/): files as a planner's really arrive (issue 11).

    python tests/make_planner_kit.py [--out DIR]

Every file is made from the TRUTH constants below (exact rectangles and points in
EPSG:4547, the working CRS), written the way the planner's tools write them:

* ``renewal_units_gbk.shp`` — renewal units with Chinese column names (编号, 项目名称, 状态,
  容积率, 产业比例, 计容面积 in 万㎡, 投资额 in 万元, 批准时间, 竣工时间) and Chinese statuses, in GBK
  **without a .cpg** (as ArcGIS on a Chinese Windows machine leaves them);
* ``stations_gcj02.xlsx`` — charging stations copied from Gaode: 名称, 经度, 纬度 (GCJ-02),
  充电桩数, on sheet 充电站 beside a notes sheet 说明;
* ``stations_min.csv`` — only ``id,name,lon,lat`` (WGS84);
* ``parks.kmz`` — park outlines from Google Earth (WGS84), folder 公园;
* ``zones_local.dxf`` — zone outlines drawn in an **invented** local plane grid (CAD layer
  分区, labels on 注记), with ``control_points.csv`` (five points, exact) and
  ``control_points_bad.csv`` (point P3 moved 5 m);
* ``zones_open.dxf`` (an unclosed outline), ``zones_block.dxf`` (a block reference on the
  zone layer), ``zones_hatch.dxf`` (the zones as fills: 西区 a closed polyline hatched as
  well, 东区 a polyline, 北区 only a HATCH with an island, a pond, as its hole);
* ``renewal_yearly.gpkg`` — renewal units with one investment column per year and units in
  the headers (2014年投资(万元), 2015年投资(万元), 计容建筑面积(万㎡)) for the 100亿元 target;
* ``stations_old.xls`` — the Gaode stations again as an Excel 97-2003 workbook (xlwt).

The local grid below is made up for the tests (scale, rotation, offsets): it is not, and
is not close to, any real city's grid.
"""
from __future__ import annotations

import argparse
import math
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data" / "kit"

# ---- truth (EPSG:4547 metres) ---------------------------------------------------------------
# The unit square the coverage checks run in: 6 km x 5 km in central Futian.
SQUARE = (503_000.0, 2_491_500.0, 509_000.0, 2_496_500.0)

# renewal units: id, 项目名称, 状态, (x0, y0, w, h), 计容面积 万㎡ (None = not given),
# 容积率, 产业比例, 投资额 万元, 批准时间, 竣工时间
RENEWAL = [
    ("FT-01", "车公庙工业区更新", "竣工", (503_400, 2_492_200, 200, 150), 12.5, 6.0, None, 250_000, "2013-03", "2015年6月"),
    ("FT-02", "八卦岭片区更新", "已建成", (504_000, 2_492_200, 180, 120), 8.0, 5.5, None, 120_000, "2012-01", "2015.10"),
    ("FT-03", "上沙村城市更新", "在建", (504_600, 2_492_200, 220, 160), 10.0, 6.2, None, 150_000, "2015-03", None),
    ("FT-04", "华强北片区更新", "已获批", (505_200, 2_492_200, 150, 150), 6.0, 4.8, None, 90_000, "2015年2月", None),
    ("FT-05", "梅林关更新单元", "规划", (505_800, 2_492_200, 250, 200), 20.0, 7.0, None, 300_000, None, None),
    ("FT-06", "泥岗工业区更新", "拟建", (506_400, 2_492_200, 100, 80), None, 4.0, 0.5, 20_000, None, None),
]
STATUS_OF = {"竣工": "completed", "已建成": "completed", "在建": "under_construction",
             "已获批": "approved", "规划": "planned", "拟建": "planned"}

# charging stations from Gaode (true WGS84 positions given in EPSG:4547; converted to GCJ-02)
STATIONS_XLSX = [
    ("福田中心充电站", (504_000.0, 2_493_000.0), 12),
    ("会展中心充电站", (507_000.0, 2_493_000.0), 8),
    ("莲花山充电站", (504_500.0, 2_495_500.0), 6),
    ("梅林充电站", (507_500.0, 2_495_500.0), 10),
]
# minimal CSV (WGS84)
STATIONS_CSV = [
    ("c1", "市民中心站", (505_000.0, 2_494_000.0)),
    ("c2", "Huaqiang Station", (508_000.0, 2_492_500.0)),
    ("c3", "香蜜湖站", (503_800.0, 2_495_800.0)),
]
# parks (KMZ): name, (x0, y0, w, h)
PARKS = [
    ("测试中心公园", (505_700.0, 2_493_800.0, 600.0, 400.0)),
    ("测试社区公园", (503_925.0, 2_495_750.0, 150.0, 100.0)),
]
# zones drawn in the local grid: name, (x0, y0, x1, y1) in EPSG:4547
ZONES = [
    ("西区", (503_000.0, 2_491_500.0, 506_000.0, 2_494_000.0)),
    ("东区", (506_000.0, 2_491_500.0, 509_000.0, 2_494_000.0)),
    ("北区", (503_000.0, 2_494_000.0, 509_000.0, 2_496_500.0)),
]
# the invented local grid: x = TX + A u - B v, y = TY + B u + A v  (u, v local)
GRID_SCALE = 0.999_987_65
GRID_ROTATION_DEG = 1.2345
GRID_A = GRID_SCALE * math.cos(math.radians(GRID_ROTATION_DEG))
GRID_B = GRID_SCALE * math.sin(math.radians(GRID_ROTATION_DEG))
GRID_TX = 480_000.0
GRID_TY = 2_470_000.0
CONTROL = [("P1", 503_100.0, 2_491_600.0), ("P2", 508_900.0, 2_491_700.0), ("P3", 508_800.0, 2_496_400.0),
           ("P4", 503_200.0, 2_496_300.0), ("P5", 506_050.0, 2_494_020.0)]
MOVED_POINT, MOVED_M = "P3", 5.0

# renewal units with one column per year of investment (GeoPackage: long headers with units)
# id, 项目名称, 状态, (x0, y0, w, h), 计容建筑面积 万㎡, 2014年投资 万元, 2015年投资 万元, 竣工时间
RENEWAL_YEARLY = [
    ("RY-01", "皇岗村更新", "竣工", (503_400, 2_493_200, 200, 150), 9.0, 80_000, 120_000, "2015年11月"),
    ("RY-02", "水围村更新", "在建", (504_000, 2_493_200, 180, 120), 7.5, 50_000, 95_000, None),
    ("RY-03", "沙头工业区更新", "已批", (504_600, 2_493_200, 150, 150), 5.0, None, 30_500, None),
]
YEARLY_HEADERS = ("2014年投资(万元)", "2015年投资(万元)")

# a CAD drawing with fills: 西区 and 东区 as closed polylines (西区 also hatched: the same area
# twice), 北区 drawn only as a HATCH with an island (a 400 m x 300 m pond, a hole)
POND = (505_000.0, 2_495_000.0, 400.0, 300.0)  # x0, y0, w, h in EPSG:4547


def to_local(x, y):
    """Inverse of the invented grid: EPSG:4547 -> local (u, v)."""
    dx, dy = np.asarray(x, float) - GRID_TX, np.asarray(y, float) - GRID_TY
    s2 = GRID_A ** 2 + GRID_B ** 2
    return (GRID_A * dx + GRID_B * dy) / s2, (-GRID_B * dx + GRID_A * dy) / s2


def _box(x0, y0, w, h):
    return shapely.box(x0, y0, x0 + w, y0 + h)


def _to_wgs84(points):
    gs = gpd.GeoSeries([shapely.Point(p) for p in points], crs=4547).to_crs(4326)
    return [(float(p.x), float(p.y)) for p in gs]


def write_renewal(out: Path) -> None:
    rows = []
    for rid, name, status, (x0, y0, w, h), gfa, far, share, inv, appr, done in RENEWAL:
        rows.append({"编号": rid, "项目名称": name, "状态": status, "容积率": far, "产业比例": share,
                     "计容面积": gfa, "投资额": float(inv), "批准时间": appr or "", "竣工时间": done or "",
                     "geometry": _box(x0, y0, w, h)})
    gdf = gpd.GeoDataFrame(rows, crs=4547)
    path = out / "renewal_units_gbk.shp"
    gdf.to_file(path, engine="pyogrio", encoding="GBK")
    path.with_suffix(".cpg").unlink(missing_ok=True)  # as left by a Chinese Windows export


def write_stations_xlsx(out: Path) -> None:
    from futiangis.crs import wgs84_to_gcj02

    wgs = _to_wgs84([p for _, p, _ in STATIONS_XLSX])
    lon, lat = wgs84_to_gcj02([p[0] for p in wgs], [p[1] for p in wgs])
    frame = pd.DataFrame({"名称": [s[0] for s in STATIONS_XLSX], "经度": np.round(lon, 7),
                          "纬度": np.round(lat, 7), "充电桩数": [s[2] for s in STATIONS_XLSX]})
    with pd.ExcelWriter(out / "stations_gcj02.xlsx", engine="openpyxl") as xl:
        pd.DataFrame({"说明": ["坐标取自高德地图（GCJ-02）", "Coordinates copied from Gaode (GCJ-02)"]}).to_excel(
            xl, sheet_name="说明", index=False)
        frame.to_excel(xl, sheet_name="充电站", index=False)


def write_stations_csv(out: Path) -> None:
    wgs = _to_wgs84([p for _, _, p in STATIONS_CSV])
    lines = ["id,name,lon,lat"] + [f"{i},{n},{lon:.8f},{lat:.8f}" for (i, n, _), (lon, lat) in zip(STATIONS_CSV, wgs)]
    (out / "stations_min.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_parks_kmz(out: Path) -> None:
    placemarks = []
    for name, (x0, y0, w, h) in PARKS:
        ring = _to_wgs84([(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h), (x0, y0)])
        coords = " ".join(f"{lon:.9f},{lat:.9f},0" for lon, lat in ring)
        placemarks.append(
            f"<Placemark><name>{name}</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
            f"{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>")
    kml = ('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
           "<Document><name>公园轮廓</name><Folder><name>公园</name>" + "".join(placemarks)
           + "</Folder></Document></kml>\n")
    info = zipfile.ZipInfo("doc.kml", date_time=(2015, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(out / "parks.kmz", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(info, kml.encode("utf-8"))


def _dxf(out: Path, name: str, *, open_outline=False, block=False) -> None:
    import ezdxf

    doc = ezdxf.new("R2010")
    doc.header["$HANDSEED"] = "100"
    msp = doc.modelspace()
    doc.layers.add("分区")
    doc.layers.add("注记")
    for i, (zname, (x0, y0, x1, y1)) in enumerate(ZONES):
        u, v = to_local([x0, x1, x1, x0], [y0, y0, y1, y1])
        pts = list(zip(u.tolist(), v.tolist()))
        closed = not (open_outline and i == 1)
        msp.add_lwpolyline(pts, close=closed, dxfattribs={"layer": "分区"})
        cu, cv = to_local((x0 + x1) / 2, (y0 + y1) / 2)
        msp.add_text(zname, dxfattribs={"layer": "注记", "insert": (float(cu), float(cv))})
    if block:
        arrow = doc.blocks.new("北向")
        arrow.add_lwpolyline([(0, 0), (20, 0), (10, 40)], close=True)
        cu, cv = to_local(508_500.0, 2_496_000.0)
        msp.add_blockref("北向", (float(cu), float(cv)), dxfattribs={"layer": "分区"})
    doc.saveas(out / name)


def write_renewal_yearly(out: Path) -> None:
    rows = []
    for rid, name, status, (x0, y0, w, h), gfa, inv14, inv15, done in RENEWAL_YEARLY:
        rows.append({"编号": rid, "项目名称": name, "状态": status, "计容建筑面积(万㎡)": gfa,
                     YEARLY_HEADERS[0]: None if inv14 is None else float(inv14),
                     YEARLY_HEADERS[1]: float(inv15), "批准时间": "2014-03", "竣工时间": done or "",
                     "geometry": _box(x0, y0, w, h)})
    path = out / "renewal_yearly.gpkg"
    path.unlink(missing_ok=True)
    gpd.GeoDataFrame(rows, crs=4547).to_file(path, layer="更新单元", engine="pyogrio")


def write_stations_xls(out: Path) -> None:
    """The Gaode stations of the XLSX again, as an old Excel 97-2003 workbook (.xls, xlwt)."""
    import xlwt

    from futiangis.crs import wgs84_to_gcj02

    wgs = _to_wgs84([p for _, p, _ in STATIONS_XLSX])
    lon, lat = wgs84_to_gcj02([p[0] for p in wgs], [p[1] for p in wgs])
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("充电站")
    for j, head in enumerate(("名称", "经度", "纬度", "充电桩数")):
        sheet.write(0, j, head)
    for i, ((name, _, piles), x, y) in enumerate(zip(STATIONS_XLSX, lon, lat), start=1):
        sheet.write(i, 0, name)
        sheet.write(i, 1, round(float(x), 7))
        sheet.write(i, 2, round(float(y), 7))
        sheet.write(i, 3, piles)
    book.save(str(out / "stations_old.xls"))


def _dxf_hatch(out: Path) -> None:
    import ezdxf

    doc = ezdxf.new("R2010")
    doc.header["$HANDSEED"] = "100"
    msp = doc.modelspace()
    doc.layers.add("分区")
    doc.layers.add("注记")
    for zname, (x0, y0, x1, y1) in ZONES:
        u, v = to_local([x0, x1, x1, x0], [y0, y0, y1, y1])
        pts = list(zip(u.tolist(), v.tolist()))
        if zname != "北区":
            msp.add_lwpolyline(pts, close=True, dxfattribs={"layer": "分区"})
        if zname != "东区":
            hatch = msp.add_hatch(color=3, dxfattribs={"layer": "分区"})
            hatch.paths.add_polyline_path(pts, is_closed=True, flags=ezdxf.const.BOUNDARY_PATH_EXTERNAL)
            if zname == "北区":
                px, py, pw, ph = POND
                pu, pv = to_local([px, px + pw, px + pw, px], [py, py, py + ph, py + ph])
                hatch.paths.add_polyline_path(list(zip(pu.tolist(), pv.tolist())), is_closed=True,
                                              flags=ezdxf.const.BOUNDARY_PATH_OUTERMOST)
        cu, cv = to_local((x0 + x1) / 2, (y0 + y1) / 2 + (600 if zname == "北区" else 0))
        msp.add_text(zname, dxfattribs={"layer": "注记", "insert": (float(cu), float(cv))})
    doc.saveas(out / "zones_hatch.dxf")


def write_control_points(out: Path) -> None:
    u, v = to_local([c[1] for c in CONTROL], [c[2] for c in CONTROL])
    good = ["id,local_x,local_y,x,y"] + [f"{c[0]},{a!r},{b!r},{c[1]!r},{c[2]!r}" for c, a, b in zip(CONTROL, u.tolist(), v.tolist())]
    (out / "control_points.csv").write_text("\n".join(good) + "\n", encoding="utf-8")
    bad = []
    for c, a, b in zip(CONTROL, u.tolist(), v.tolist()):
        x = c[1] + (MOVED_M if c[0] == MOVED_POINT else 0.0)
        bad.append(f"{c[0]},{a!r},{b!r},{x!r},{c[2]!r}")
    (out / "control_points_bad.csv").write_text("\n".join(["id,local_x,local_y,x,y"] + bad) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    write_renewal(out)
    write_stations_xlsx(out)
    write_stations_csv(out)
    write_parks_kmz(out)
    _dxf(out, "zones_local.dxf")
    _dxf(out, "zones_open.dxf", open_outline=True)
    _dxf(out, "zones_block.dxf", block=True)
    _dxf_hatch(out)
    write_renewal_yearly(out)
    write_stations_xls(out)
    write_control_points(out)
    print(f"{out}: {len(list(out.iterdir()))} files")
    return out


if __name__ == "__main__":
    main()
