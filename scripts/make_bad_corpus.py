"""Generate the corpus of hostile input files in tests/data/bad/ and its manifest.

    python scripts/make_bad_corpus.py [--out tests/data/bad]

Every case is one way planning data arrives broken (a shapefile without .prj, GBK text
without .cpg, GCJ-02 points labelled WGS84, half-written GeoJSON, a GeoTIFF without CRS,
…), written with the ordinary writers (pyogrio, rasterio, plain text) and then damaged
on purpose. ``cases.json`` records for each case the file(s), the reader, the layer
kind, the CLI arguments, the expected outcome (error or warning), the expected problem
code, a regular expression the message must match (naming file, feature and field)
and how a user fixes it. tests/test_bad_corpus.py runs every case through the CLI and
through ``futiangis.load``.

The output is deterministic: fixed coordinates and attributes, a fixed GeoPackage
timestamp (``OGR_CURRENT_DATE``) and a fixed dBASE header date, so re-running the
script reproduces the committed files byte for byte. Only the district boundary is read
from the repo (``layers/district.geojson``), to place points near its border.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import rasterio
import shapely
from rasterio.transform import from_origin
from shapely import LineString, MultiPoint, Point, Polygon

from futiangis.crs import wgs84_to_gcj02
from futiangis.io import read_vector

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "data" / "bad"
DISTRICT = ROOT / "layers" / "district.geojson"

# Central Futian in EPSG:4547 (≈ 114.046 E, 22.540 N), as in tests/conftest.py.
X0, Y0 = 495_000.0, 2_493_500.0
# Central Futian in WGS84, for CSV and GeoJSON cases.
LON0, LAT0 = 114.0550, 22.5400

pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2026-01-01T00:00:00Z"})


# ---------------------------------------------------------------------------------------
# small builders
# ---------------------------------------------------------------------------------------
def _box(dx: float, dy: float, w: float = 100.0, h: float = 100.0) -> Polygon:
    return shapely.box(X0 + dx, Y0 + dy, X0 + dx + w, Y0 + dy + h)


def _names(i: int, what: str) -> dict:
    return {"name_zh": f"{what}{i}号", "name_en": f"{what} {i}"}


def _attrs(kind: str, i: int) -> dict:
    """A valid attribute row for ``kind`` (feature ``i``)."""
    base = {"id": f"{kind[:3]}_{i}", **_names(i, kind)}
    extra = {
        "district": {},
        "units": {"taz_id": i},
        "charging_stations": {"piles": 4 + i},
        "cbd_zones": {"direction": ("core", "east", "south", "west", "north")[i % 5]},
        "renewal_sites": {
            "status": "approved", "plot_ratio": 4.5, "gfa_new_m2": 20_000.0 + i,
            "investment_100m_cny": 3.0, "year": 2014,
        },
        "parks": {"status": "completed", "park_class": "community", "year": 2012},
        "slow_routes": {"status": "planned", "route_type": "greenway", "year": 2015},
        "bike_stations": {"status": "completed", "docks": 20, "year": 2013},
        "network": {},
        "arterial_network": {"origin": "traffic_zone_edge"},
        "metro_stations": {"lines": "1"},
        "subdistricts": {},
        "bike_demand": {"trip_ends": 5 + i},
    }[kind]
    return {**base, **extra}


def _geom(kind: str, i: int):
    if kind in ("charging_stations", "bike_stations", "metro_stations", "bike_demand"):
        return Point(X0 + 150.0 * i, Y0 + 40.0 * i)
    if kind in ("slow_routes", "network", "arterial_network"):
        return LineString([(X0, Y0 + 200.0 * i), (X0 + 300.0, Y0 + 200.0 * i + 40.0)])
    return _box(250.0 * i, 0.0)


def _layer(kind: str, n: int = 3, crs="EPSG:4547") -> gpd.GeoDataFrame:
    rows = [_attrs(kind, i) for i in range(1, n + 1)]
    geoms = [_geom(kind, i) for i in range(1, n + 1)]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)


def _write(gdf: gpd.GeoDataFrame, path: Path, **kwargs) -> None:
    suffix = path.suffix.lower()
    if suffix == ".geojson":
        driver = "GeoJSON"
    elif suffix == ".shp":
        driver = "ESRI Shapefile"
    else:
        driver = "GPKG"
        kwargs.setdefault("layer", path.stem.removeprefix("gpkg_"))
    with warnings.catch_warnings():  # field names cut to 10 characters: on purpose
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        gdf.to_file(path, driver=driver, engine="pyogrio", **kwargs)
    if suffix == ".shp":
        _fix_dbf_date(path.with_suffix(".dbf"))


def _fix_dbf_date(dbf: Path) -> None:
    """Set the dBASE 'last update' header date to 2026-01-01 (reproducible bytes)."""
    data = bytearray(dbf.read_bytes())
    data[1:4] = bytes([126, 1, 1])
    dbf.write_bytes(bytes(data))


def _csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> None:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


def _origin(west: float, north: float, size: float):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return from_origin(west, north, size, size)


def _tif(path: Path, values: np.ndarray, *, transform, crs, nodata=-9999.0) -> None:
    profile = dict(driver="GTiff", height=values.shape[0], width=values.shape[1], count=1,
                   dtype="float32", transform=transform, nodata=nodata)
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(values.astype("float32"), 1)


def _station_rows(points_lonlat, *, kind="charging_stations"):
    rows = []
    for i, (lon, lat) in enumerate(points_lonlat, start=1):
        a = _attrs(kind, i)
        rows.append([a["id"], a["name_zh"], a["name_en"], f"{lon:.6f}", f"{lat:.6f}",
                     a.get("piles", a.get("docks")), a.get("status", "")])
    return rows


def _border_points_gcj(district: gpd.GeoDataFrame, n: int = 12) -> list[tuple[float, float]]:
    """GCJ-02 positions of true (WGS84) points just inside the district's south-west edge.

    The points lie inside the boundary, but their GCJ-02 coordinates (shifted ≈ 520 m
    east and ≈ 300 m south) fall outside it — so read as WGS84 they miss the district,
    converted GCJ-02 -> WGS84 they land inside.
    """
    boundary = district.geometry.union_all()
    minx, miny, maxx, maxy = boundary.bounds
    lons = np.linspace(minx, maxx, 200)
    lats = np.linspace(miny, maxy, 120)
    chosen: list[tuple[float, float]] = []
    for lat in lats:  # south first
        for lon in lons:
            if not boundary.contains(Point(lon, lat)):
                continue
            glon, glat = wgs84_to_gcj02([lon], [lat])
            g = Point(float(glon[0]), float(glat[0]))
            if not boundary.contains(g) and all(abs(lon - c[0]) > 0.004 for c in chosen):
                chosen.append((float(glon[0]), float(glat[0])))
            if len(chosen) == n:
                return chosen
    raise RuntimeError("could not place GCJ-02 test points near the district border")


# ---------------------------------------------------------------------------------------
# the cases
# ---------------------------------------------------------------------------------------
CASES: list[dict] = []


def case(name, *, file, reader, kind, outcome, code, message, fix, args=(), files=None,
         exception="LayerValidationError", description="", fixed_args=None):
    """Register one case for the manifest.

    ``files``: every file of the case (hashed before and after). ``fixed_args``: when the
    fix is a command-line option, the arguments with which the same file validates cleanly.
    """
    CASES.append({
        "name": name,
        "file": file,
        "files": sorted(files or [file]),
        "reader": reader,
        "kind": kind,
        "args": list(args),
        "outcome": outcome,
        "exit_code": 2 if outcome == "warning" else 1,
        "exception": exception if outcome == "error" else None,
        "code": code,
        "message": message,
        "fix": fix,
        "fixed_args": None if fixed_args is None else list(fixed_args),
        "description": description,
    })


def _shp_files(stem: str, parts=(".shp", ".shx", ".dbf", ".prj", ".cpg")) -> list[str]:
    return [stem + p for p in parts]


def build(out: Path) -> None:
    district = read_vector(DISTRICT).to_crs(4326)

    # ---- CRS -----------------------------------------------------------------------------
    g = _layer("units")
    _write(g, out / "shp_no_prj.shp")
    (out / "shp_no_prj.prj").unlink()
    case("no_crs_shapefile", file="shp_no_prj.shp", files=_shp_files("shp_no_prj", (".shp", ".shx", ".dbf", ".cpg")),
         reader="Shapefile", kind="units", outcome="error", code="missing_crs",
         message=r"shp_no_prj\.shp.*declares no CRS.*--source-crs",
         fix="Copy the .prj that belongs to the shapefile, or pass --source-crs EPSG:4547 "
             "(or whatever the coordinates are).",
         fixed_args=["--source-crs", "EPSG:4547"],
         description="shapefile without .prj")

    # An engineering (CAD) CRS without datum: no transformation to WGS84 exists.
    g = _layer("parks").set_crs('LOCAL_CS["Futian CAD drawing",UNIT["metre",1]]', allow_override=True)
    _write(g, out / "gpkg_unknown_crs.gpkg")
    case("unknown_crs_cad_drawing", file="gpkg_unknown_crs.gpkg", reader="GeoPackage", kind="parks",
         outcome="error", code="unknown_crs",
         message=r"gpkg_unknown_crs\.gpkg.*(not recognised|cannot transform).*Futian CAD drawing",
         fix="Georeference the CAD export (or give --source-crs EPSG:4547 if its coordinates "
             "are already CGCS2000 GK CM 114E).",
         fixed_args=["--source-crs", "EPSG:4547"],
         description="engineering CRS from a CAD drawing (no datum)")

    _write(_layer("units"), out / "shp_garbage_prj.shp")
    (out / "shp_garbage_prj.prj").write_bytes(b"GCS_Futian_Local_Grid (ask the surveyor)\n")
    case("garbage_prj", file="shp_garbage_prj.shp", files=_shp_files("shp_garbage_prj"),
         reader="Shapefile", kind="units", outcome="error", code="unknown_crs",
         message=r"shp_garbage_prj\.shp.*\.prj.*(not recognised|cannot be parsed|not a CRS)",
         fix="Replace the .prj with a valid WKT one (export again from the GIS), or pass "
             "--source-crs.",
         fixed_args=["--source-crs", "EPSG:4547"],
         description="shapefile whose .prj is not a CRS definition")

    _csv(out / "csv_no_crs.csv", ["id", "name_zh", "name_en", "lon", "lat", "piles", "status"],
         _station_rows([(LON0 + 0.001 * i, LAT0) for i in range(3)]))
    case("csv_without_source_crs", file="csv_no_crs.csv", reader="CSV", kind="charging_stations",
         outcome="error", code="missing_crs", message=r"csv_no_crs\.csv.*a CSV has no CRS.*--source-crs",
         fix="Pass --source-crs wgs84 (GPS), gcj02 (Gaode/Tencent) or bd09 (Baidu).",
         fixed_args=["--source-crs", "wgs84"],
         description="CSV of lon/lat without saying which datum")

    _csv(out / "csv_bad_source_crs.csv", ["id", "name_zh", "name_en", "lon", "lat", "piles", "status"],
         _station_rows([(LON0 + 0.001 * i, LAT0) for i in range(3)]))
    case("unknown_source_crs_argument", file="csv_bad_source_crs.csv", reader="CSV",
         kind="charging_stations", args=["--source-crs", "EPSG:999999"], outcome="error",
         code="unknown_crs_argument", exception="CRSError",
         message=r"Unknown CRS 'EPSG:999999'.*gcj02, bd09, wgs84",
         fix="Use gcj02, bd09, wgs84 or a real EPSG code.",
         fixed_args=["--source-crs", "wgs84"],
         description="--source-crs names no CRS")

    g = _layer("bike_stations", crs="EPSG:4547")
    _write(g, out / "gpkg_projected_as_gcj02.gpkg")
    case("gcj02_flag_on_projected_file", file="gpkg_projected_as_gcj02.gpkg", reader="GeoPackage",
         kind="bike_stations", args=["--source-crs", "gcj02"], outcome="error", code="crs_conflict",
         message=r"gpkg_projected_as_gcj02\.gpkg.*--source-crs gcj02 needs lon/lat.*EPSG:4547",
         fix="Drop --source-crs: the file is already in EPSG:4547.",
         fixed_args=[],
         description="--source-crs gcj02 on a file in metres")

    # ---- location ------------------------------------------------------------------------
    pts = [(LAT0 + 0.002 * i, LON0 + 0.003 * i) for i in range(4)]  # lat first: swapped
    _csv(out / "csv_lonlat_swapped.csv", ["id", "name_zh", "name_en", "lon", "lat", "docks", "status"],
         _station_rows(pts, kind="bike_stations"))
    case("lonlat_swapped_csv", file="csv_lonlat_swapped.csv", reader="CSV", kind="bike_stations",
         args=["--source-crs", "wgs84"], outcome="error", code="lonlat_swapped",
         message=r"csv_lonlat_swapped\.csv: feature bik_1:.*longitude and latitude are exchanged",
         fix="Swap the lon and lat columns (longitude ≈ 114, latitude ≈ 22.5).",
         description="latitude in the lon column and longitude in the lat column")

    g = _layer("charging_stations", crs="EPSG:4547").to_crs(4326)
    g = g.set_geometry(shapely.transform(g.geometry.values, lambda c: c[:, ::-1]), crs=4326)
    _write(g, out / "geojson_lonlat_swapped.geojson")
    case("lonlat_swapped_geojson", file="geojson_lonlat_swapped.geojson", reader="GeoJSON",
         kind="charging_stations", outcome="error", code="lonlat_swapped",
         message=r"geojson_lonlat_swapped\.geojson: feature cha_1:.*longitude and latitude are exchanged",
         fix="Re-export with x = longitude, y = latitude (RFC 7946 order).",
         description="GeoJSON with [lat, lon] coordinate order")

    beijing = gpd.GeoDataFrame([_attrs("parks", 1)],
                               geometry=[shapely.box(116.39, 39.90, 116.40, 39.91)], crs=4326)
    _write(beijing, out / "geojson_outside_shenzhen.geojson")
    case("outside_shenzhen", file="geojson_outside_shenzhen.geojson", reader="GeoJSON", kind="parks",
         outcome="error", code="outside_shenzhen",
         message=r"geojson_outside_shenzhen\.geojson: feature par_1:.*outside Shenzhen.*116\.39",
         fix="Check the source: the park lies in Beijing; the wrong file or a wrong CRS was used.",
         description="a park polygon in Beijing")

    g = _layer("renewal_sites", crs="EPSG:4547").set_crs(4326, allow_override=True)
    _write(g, out / "gpkg_metres_declared_degrees.gpkg")
    case("metres_declared_as_degrees", file="gpkg_metres_declared_degrees.gpkg", reader="GeoPackage",
         kind="renewal_sites", outcome="error", code="outside_shenzhen",
         message=r"gpkg_metres_declared_degrees\.gpkg: feature ren_1: coordinates \(495300\.0, 2493550\.0\) "
                 r"are not degrees.*look like metres.*--source-crs",
         fix="The coordinates are EPSG:4547 metres: re-run with --source-crs EPSG:4547.",
         fixed_args=["--source-crs", "EPSG:4547"],
         description="EPSG:4547 metre coordinates labelled EPSG:4326")

    gcj = _border_points_gcj(district)
    rows = []
    for i, (lon, lat) in enumerate(gcj, start=1):
        rows.append({**_attrs("charging_stations", i)})
    g = gpd.GeoDataFrame(rows, geometry=[Point(p) for p in gcj], crs=4326)
    _write(g, out / "geojson_gcj02_as_wgs84.geojson")
    case("gcj02_declared_wgs84_geojson", file="geojson_gcj02_as_wgs84.geojson", reader="GeoJSON",
         kind="charging_stations", args=["--strict"], outcome="warning", code="gcj02_suspected",
         message=r"geojson_gcj02_as_wgs84\.geojson.*fall inside the district boundary only after a "
                 r"GCJ-02 -> WGS84 conversion.*--source-crs gcj02",
         fix="Re-read with --source-crs gcj02 (the points came from a Gaode/Tencent map).",
         fixed_args=["--source-crs", "gcj02", "--strict"],
         description="GCJ-02 points near the district's south-west border declared as WGS84 "
                     "(warning; --strict makes validate exit 2)")

    _csv(out / "csv_gcj02_as_wgs84.csv", ["id", "name_zh", "name_en", "lon", "lat", "docks", "status"],
         _station_rows(gcj, kind="bike_stations"))
    case("gcj02_declared_wgs84_csv", file="csv_gcj02_as_wgs84.csv", reader="CSV", kind="bike_stations",
         args=["--source-crs", "wgs84", "--strict"], outcome="warning", code="gcj02_suspected",
         message=r"csv_gcj02_as_wgs84\.csv.*only after a GCJ-02 -> WGS84 conversion.*bik_1",
         fix="Re-read with --source-crs gcj02.",
         fixed_args=["--source-crs", "gcj02", "--strict"],
         description="CSV of GCJ-02 coordinates declared --source-crs wgs84 (warning; --strict)")

    # ---- geometry ------------------------------------------------------------------------
    bow = Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    g = _layer("renewal_sites", 2)
    g = g.set_geometry([_box(-400, 0), bow], crs=4547).to_crs(4326)
    _write(g, out / "geojson_bowtie.geojson")
    case("bowtie_polygon", file="geojson_bowtie.geojson", reader="GeoJSON", kind="renewal_sites",
         outcome="error", code="invalid_geometry",
         message=r"geojson_bowtie\.geojson: feature ren_2: invalid geometry: Self-intersection.*--fix",
         fix="Repair in QGIS (Fix geometries) or re-run with --fix (the repair is reported).",
         description="bow-tie (figure-of-eight) polygon from a CAD export")

    # A shell that touches itself at one point, enclosing a hole ("inverted" ring): invalid
    # in OGC/GEOS (shapely: Ring Self-intersection); a hole touching the shell at one point
    # is valid and must pass (kept in test_bad_corpus.py as the control).
    inverted = Polygon([(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0 + 50, Y0 + 100),
                        (X0 + 70, Y0 + 50), (X0 + 50, Y0 + 30), (X0 + 30, Y0 + 50),
                        (X0 + 50, Y0 + 100), (X0, Y0 + 100), (X0, Y0)])
    g = _layer("parks", 2).set_geometry([_box(-400, 0), inverted], crs=4547)
    _write(g, out / "gpkg_self_touching.gpkg")
    case("self_touching_ring", file="gpkg_self_touching.gpkg", reader="GeoPackage", kind="parks",
         outcome="error", code="invalid_geometry",
         message=r"gpkg_self_touching\.gpkg: feature par_2: invalid geometry: Ring Self-intersection",
         fix="Digitize the enclosed area as a hole (interior ring) or re-run with --fix.",
         description="polygon whose shell touches itself at a point (inverted ring)")

    shell = [(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0, Y0 + 100)]
    hole_outside = Polygon(shell, [[(X0 + 200, Y0), (X0 + 250, Y0), (X0 + 250, Y0 + 50)]])
    g = _layer("district", 1).set_geometry([hole_outside], crs=4547).to_crs(4326)
    # GeoJSON keeps the ring roles; a shapefile reader would re-sort rings by orientation.
    _write(g, out / "geojson_hole_outside_shell.geojson")
    case("hole_outside_shell", file="geojson_hole_outside_shell.geojson", reader="GeoJSON",
         kind="district", outcome="error", code="invalid_geometry",
         message=r"geojson_hole_outside_shell\.geojson: feature dis_1: invalid geometry: Hole lies outside shell",
         fix="Redraw the boundary; a hole must lie inside its polygon.",
         description="district polygon with a hole outside its shell")

    g = _layer("renewal_sites", 2)
    g["industrial_share"] = [0.6, 0.4]
    _write(g, out / "shp_truncated_names.shp")
    case("shapefile_truncated_field_names", file="shp_truncated_names.shp",
         files=_shp_files("shp_truncated_names"), reader="Shapefile", kind="renewal_sites",
         args=["--strict"], outcome="warning", code="truncated_field_name",
         message=r"shp_truncated_names\.shp: field 'industrial_share': columns 'industrial', "
                 r"'investment' read as industrial_share, investment_100m_cny.*10 characters",
         fix="Nothing to do: the cut names are recognised (and said); deliver a GeoPackage, "
             "which keeps long field names.",
         description="renewal sites saved as shapefile: field names cut to 10 characters "
                     "(recognised since issue 11, with a warning)")

    sliver = Polygon([(X0, Y0), (X0 + 100, Y0), (X0 + 200, Y0), (X0, Y0)])
    g = _layer("renewal_sites", 2).set_geometry([_box(-400, 0), sliver], crs=4547)
    _write(g, out / "gpkg_zero_area_site.gpkg")
    case("zero_area_polygon", file="gpkg_zero_area_site.gpkg", reader="GeoPackage",
         kind="renewal_sites", outcome="error", code="invalid_geometry",
         message=r"gpkg_zero_area_site\.gpkg: feature ren_2: invalid geometry: Self-intersection",
         fix="Delete the collapsed site or redraw it; --fix cannot give it an area.",
         description="a site polygon whose vertices all lie on one line (zero area); "
                     "import --fix must reject it, not load an empty polygon")

    g = _layer("slow_routes", 2)
    g = g.set_geometry([_geom("slow_routes", 1), LineString([(X0, Y0), (X0, Y0)])], crs=4547)
    _write(g, out / "gpkg_zero_length_route.gpkg")
    case("zero_length_route", file="gpkg_zero_length_route.gpkg", reader="GeoPackage",
         kind="slow_routes", outcome="error", code="invalid_geometry",
         message=r"gpkg_zero_length_route\.gpkg: feature slo_2: invalid geometry: Too few points",
         fix="Delete the route or digitize it with two distinct points; --fix cannot.",
         description="a route with two identical vertices (zero length); import --fix must "
                     "reject it, not load a Point into a lines layer")

    g = _layer("slow_routes", 3)
    g = g.set_geometry([_geom("slow_routes", 1), Point(X0, Y0), _box(0, 500)], crs=4547).to_crs(4326)
    _write(g, out / "geojson_mixed_geometry.geojson")
    case("mixed_geometry_types", file="geojson_mixed_geometry.geojson", reader="GeoJSON",
         kind="slow_routes", outcome="error", code="wrong_geometry_type",
         message=r"geojson_mixed_geometry\.geojson: feature slo_2: geometry is Point; a slow_routes "
                 r"layer takes LineString / MultiLineString",
         fix="Split the layer by geometry type; keep only the lines as slow_routes.",
         description="lines, a point and a polygon in one routes layer")

    g = _layer("network", 3)
    g = g.set_geometry([_geom("network", 1), _geom("network", 2), Point(X0, Y0)], crs=4547)
    _write(g, out / "gpkg_network_with_point.gpkg", promote_to_multi=False)
    case("network_with_point", file="gpkg_network_with_point.gpkg", reader="GeoPackage",
         kind="network", outcome="error", code="wrong_geometry_type",
         message=r"gpkg_network_with_point\.gpkg: feature net_3: geometry is Point; a network "
                 r"layer takes LineString / MultiLineString",
         fix="Keep only the street centrelines/paths (lines) in the network layer.",
         description="a point (e.g. a junction marker) exported into a street network")

    g = _layer("arterial_network", 2)
    g = g.set_geometry([_geom("arterial_network", 1), _box(0, 600)], crs=4547).to_crs(4326)
    _write(g, out / "geojson_arterial_polygon.geojson")
    case("arterial_network_polygon", file="geojson_arterial_polygon.geojson", reader="GeoJSON",
         kind="arterial_network", outcome="error", code="wrong_geometry_type",
         message=r"geojson_arterial_polygon\.geojson: feature art_2: geometry is Polygon",
         fix="Give road centrelines, not road-surface polygons (export the centreline layer).",
         description="a road-surface polygon in a centreline layer")

    g = _layer("subdistricts", 2).drop(columns=["name_en"]).to_crs(4326)
    _write(g, out / "geojson_subdistricts_no_name_en.geojson")
    case("subdistricts_missing_name_en", file="geojson_subdistricts_no_name_en.geojson", reader="GeoJSON",
         kind="subdistricts", args=["--strict"], outcome="warning", code="name_fallback",
         message=r"geojson_subdistricts_no_name_en\.geojson: field 'name_en': 2 of 2 features have "
                 r"no name_en; shown with 2 from name_zh",
         fix="Add a name_en column with the English 街道 names; until then the Chinese names are "
             "shown (names are optional since issue 11, the fallback is said).",
         description="街道 polygons without their English names (warning; --strict)")

    g = _layer("renewal_sites", 2)
    g["completed_date"] = ["2015-06-30", "2015-13-45"]
    _write(g.to_crs(4326), out / "geojson_bad_milestone_date.geojson")
    case("renewal_bad_milestone_date", file="geojson_bad_milestone_date.geojson", reader="GeoJSON",
         kind="renewal_sites", outcome="error", code="wrong_type",
         message=r"geojson_bad_milestone_date\.geojson: feature ren_2: field 'completed_date': value '2015-13-45' is not a valid date",
         fix="Write milestone dates as YYYY-MM-DD (or a year, read as 31 December).",
         description="a milestone date that is not a calendar date")

    g = _layer("metro_stations", 3).drop(columns=["name_zh"]).to_crs(4326)
    _write(g, out / "geojson_metro_no_name.geojson")
    case("metro_stations_missing_name", file="geojson_metro_no_name.geojson", reader="GeoJSON",
         kind="metro_stations", args=["--strict"], outcome="warning", code="name_fallback",
         message=r"geojson_metro_no_name\.geojson: field 'name_zh': 3 of 3 features have no "
                 r"name_zh; shown with 3 from name_en",
         fix="Add a name_zh column with the station names (站名); until then the English "
             "names are shown (names are optional since issue 11, the fallback is said).",
         description="metro stations without their Chinese names (warning; --strict)")

    g = _layer("charging_stations", 2)
    g = g.set_geometry([_geom("charging_stations", 1),
                        MultiPoint([(X0, Y0), (X0 + 10, Y0)])], crs=4547)
    _write(g, out / "gpkg_multipoint_station.gpkg", promote_to_multi=False)
    case("multipoint_station", file="gpkg_multipoint_station.gpkg", reader="GeoPackage",
         kind="charging_stations", outcome="error", code="wrong_geometry_type",
         message=r"gpkg_multipoint_station\.gpkg: feature cha_2: geometry is MultiPoint",
         fix="Explode the MultiPoint into one station per point with its own id.",
         description="a MultiPoint in a Point layer")

    g = _layer("parks", 3)
    g = g.set_geometry([_box(0, 0), None, Polygon()], crs=4547)
    _write(g, out / "gpkg_empty_geometries.gpkg")
    case("empty_geometries", file="gpkg_empty_geometries.gpkg", reader="GeoPackage", kind="parks",
         outcome="error", code="empty_geometry",
         message=r"gpkg_empty_geometries\.gpkg: feature par_2: geometry is missing or empty",
         fix="Delete the features without shape or digitize them.",
         description="a null and an empty polygon")

    g = _layer("units", 1).iloc[0:0]
    _write(g, out / "gpkg_empty_layer.gpkg")
    case("empty_layer_gpkg", file="gpkg_empty_layer.gpkg", reader="GeoPackage", kind="units",
         outcome="error", code="empty_layer",
         message=r"gpkg_empty_layer\.gpkg.*the layer has no features",
         fix="Export the layer again with its features (check the selection/filter).",
         description="GeoPackage layer with no features")

    (out / "geojson_empty.geojson").write_text('{"type": "FeatureCollection", "features": []}\n')
    case("empty_layer_geojson", file="geojson_empty.geojson", reader="GeoJSON", kind="cbd_zones",
         outcome="error", code="empty_layer",
         message=r"geojson_empty\.geojson.*the layer has no features",
         fix="Export the layer again with its features.",
         description="FeatureCollection with no features")

    # ---- attributes ----------------------------------------------------------------------
    g = _layer("charging_stations", 3)
    g.loc[2, "id"] = g.loc[0, "id"]
    _write(g, out / "shp_duplicate_ids.shp")
    case("duplicate_ids", file="shp_duplicate_ids.shp", files=_shp_files("shp_duplicate_ids"),
         reader="Shapefile", kind="charging_stations", outcome="error", code="duplicate_id",
         message=r"shp_duplicate_ids\.shp: feature cha_1: field 'id': id 'cha_1' is used by 2 "
                 r"features \(rows 1, 3\)",
         fix="Renumber the duplicates so every id is unique.",
         description="two stations share an id")

    g = _layer("cbd_zones", 3).drop(columns=["direction"]).to_crs(4326)
    _write(g, out / "geojson_missing_field.geojson")
    case("missing_required_field", file="geojson_missing_field.geojson", reader="GeoJSON",
         kind="cbd_zones", outcome="error", code="missing_field",
         message=r"geojson_missing_field\.geojson: field 'direction': required field is missing",
         fix="Add a 'direction' column (core / east / south / west / north).",
         description="cbd_zones without the direction column")

    g = _layer("charging_stations", 3)
    g["piles"] = ["4", "many", "2.5"]
    _write(g, out / "gpkg_wrong_types.gpkg")
    case("wrong_field_types", file="gpkg_wrong_types.gpkg", reader="GeoPackage",
         kind="charging_stations", outcome="error", code="wrong_type",
         message=r"gpkg_wrong_types\.gpkg: feature cha_2: field 'piles': value 'many' is not a valid int",
         fix="Enter whole numbers in piles ('many' and 2.5 are not pile counts).",
         description="text and a fraction in an integer column")

    g = _layer("units", 2)
    g["illustrative"] = ["no", "maybe"]
    _write(g, out / "gpkg_bad_bool.gpkg")
    case("bad_boolean", file="gpkg_bad_bool.gpkg", reader="GeoPackage",
         kind="units", outcome="error", code="wrong_type",
         message=r"gpkg_bad_bool\.gpkg: feature uni_2: field 'illustrative': value 'maybe' is not a valid bool",
         fix="Use true/false (or yes/no, 1/0) in illustrative.",
         description="'maybe' in a boolean column")

    g = _layer("bike_stations", 3)
    g["docks"] = [20.0, np.nan, 12.0]
    _write(g, out / "gpkg_nan_docks.gpkg")
    case("nan_quantity", file="gpkg_nan_docks.gpkg", reader="GeoPackage", kind="bike_stations",
         args=["--strict"], outcome="warning", code="unknown_quantity",
         message=r"gpkg_nan_docks\.gpkg: field 'docks': 1 of 3 features have no docks count: "
                 r"shown as unknown",
         fix="Fill in the number of docks where it is known; a missing count is shown as "
             "unknown (issue 11), not refused.",
         description="NaN in a count: unknown, said once (warning; --strict)")

    g = _layer("bike_demand", 3).to_crs(4326)
    g["trip_ends"] = [12, -4, 7]
    _write(g, out / "geojson_negative_trip_ends.geojson")
    case("negative_demand", file="geojson_negative_trip_ends.geojson", reader="GeoJSON",
         kind="bike_demand", outcome="error", code="negative_value",
         message=r"geojson_negative_trip_ends\.geojson: feature bik_2: field 'trip_ends': value -4 is negative",
         fix="Trip ends are counts: 0 or more in every cell.",
         description="a negative count in a siting demand layer")

    g = _layer("renewal_sites", 3).to_crs(4326)
    g["gfa_new_m2"] = [20_000.0, -35_000.0, 18_000.0]
    _write(g, out / "geojson_negative_gfa.geojson")
    case("negative_floor_area", file="geojson_negative_gfa.geojson", reader="GeoJSON",
         kind="renewal_sites", outcome="error", code="negative_value",
         message=r"geojson_negative_gfa\.geojson: feature ren_2: field 'gfa_new_m2': value -35000 is negative",
         fix="Correct the floor area (a minus sign typed into Excel?).",
         description="negative GFA typed into a spreadsheet")

    _csv(out / "csv_negative_piles.csv", ["id", "name_zh", "name_en", "lon", "lat", "piles", "status"],
         [[r[0], r[1], r[2], r[3], r[4], -3 if i == 1 else r[5], r[6]]
          for i, r in enumerate(_station_rows([(LON0 + 0.001 * i, LAT0) for i in range(3)]))])
    case("negative_count_csv", file="csv_negative_piles.csv", reader="CSV", kind="charging_stations",
         args=["--source-crs", "wgs84"], outcome="error", code="negative_value",
         message=r"csv_negative_piles\.csv: feature cha_2: field 'piles': value -3 is negative",
         fix="Correct the pile count.",
         description="negative pile count in a CSV")

    g = _layer("renewal_sites", 2)
    g["plot_ratio"] = [4.5, np.inf]
    g["industrial_share"] = [0.5, 1.7]
    _write(g, out / "gpkg_infinite_and_range.gpkg")
    case("infinite_and_out_of_range", file="gpkg_infinite_and_range.gpkg", reader="GeoPackage",
         kind="renewal_sites", outcome="error", code="nonfinite_value",
         message=r"gpkg_infinite_and_range\.gpkg: feature ren_2: field 'plot_ratio': value is infinite",
         fix="Enter a finite plot ratio; industrial_share must be between 0 and 1.",
         description="an infinite plot ratio and an industrial share of 170 %")

    g = _layer("parks", 2).to_crs(4326)
    g["year"] = [2012, 3020]
    _write(g, out / "geojson_year_out_of_range.geojson")
    case("year_out_of_range", file="geojson_year_out_of_range.geojson", reader="GeoJSON", kind="parks",
         outcome="error", code="out_of_range",
         message=r"geojson_year_out_of_range\.geojson: feature par_2: field 'year': value 3020 is above the maximum 2100",
         fix="Correct the year (3020 is a typo for 2020?).",
         description="a year in the 31st century")

    g = _layer("slow_routes", 3)
    g["status"] = ["planned", "done", "规划"]
    _write(g, out / "gpkg_unknown_status.gpkg")
    case("unknown_status", file="gpkg_unknown_status.gpkg", reader="GeoPackage", kind="slow_routes",
         outcome="error", code="unknown_value",
         message=r"gpkg_unknown_status\.gpkg: feature slo_2: field 'status': value 'done' is not one of "
                 r"planned, approved, under_construction, completed",
         fix="Use one of planned / approved / under_construction / completed (规划/已批/在建/建成).",
         description="status values outside the vocabulary, including Chinese")

    g = _layer("cbd_zones", 2).to_crs(4326)
    g["direction"] = ["core", "northeast"]
    _write(g, out / "geojson_unknown_direction.geojson")
    case("unknown_direction", file="geojson_unknown_direction.geojson", reader="GeoJSON", kind="cbd_zones",
         outcome="error", code="unknown_value",
         message=r"geojson_unknown_direction\.geojson: feature cbd_2: field 'direction': value 'northeast'",
         fix="Use core / east / south / west / north.",
         description="an expansion direction that is not one of the five")

    # ---- encodings -----------------------------------------------------------------------
    g = _layer("units", 3)
    g["name_zh"] = ["福田街道", "华强北街道", "香蜜湖街道"]
    _write(g, out / "shp_gbk_no_cpg.shp", encoding="gbk")
    (out / "shp_gbk_no_cpg.cpg").unlink()
    dbf = out / "shp_gbk_no_cpg.dbf"
    data = bytearray(dbf.read_bytes())
    data[29] = 0  # no language driver id either, as from many CAD/Excel exports
    dbf.write_bytes(bytes(data))
    case("gbk_without_cpg", file="shp_gbk_no_cpg.shp", files=_shp_files("shp_gbk_no_cpg", (".shp", ".shx", ".dbf", ".prj")),
         reader="Shapefile", kind="units", outcome="error", code="encoding_unknown",
         message=r"shp_gbk_no_cpg\.shp: field 'name_zh': the shapefile has no \.cpg and its text "
                 r"decodes as GBK.*--encoding gbk",
         fix="Re-run with --encoding gbk, or add shp_gbk_no_cpg.cpg containing 'GBK'.",
         fixed_args=["--encoding", "gbk"],
         description="GBK attribute table without .cpg (text read as Latin-1 mojibake)")

    _csv(out / "csv_gbk.csv", ["id", "name_zh", "name_en", "lon", "lat", "piles", "status"],
         [[r[0], "福田充电站", r[2], r[3], r[4], r[5], r[6]]
          for r in _station_rows([(LON0 + 0.001 * i, LAT0) for i in range(3)])], encoding="gbk")
    case("gbk_csv_read_as_utf8", file="csv_gbk.csv", reader="CSV", kind="charging_stations",
         args=["--source-crs", "wgs84"], outcome="error", code="read_error", exception="LayerReadError",
         message=r"csv_gbk\.csv: text is not valid UTF-8.*--encoding gbk",
         fix="Pass --encoding gbk (Excel on a Chinese Windows machine saves GBK).",
         fixed_args=["--source-crs", "wgs84", "--encoding", "gbk"],
         description="CSV saved by Excel in GBK")

    # ---- broken files --------------------------------------------------------------------
    g = _layer("parks", 6).to_crs(4326)
    _write(g, out / "geojson_truncated.geojson")
    raw = (out / "geojson_truncated.geojson").read_bytes()
    (out / "geojson_truncated.geojson").write_bytes(raw[: int(len(raw) * 0.6)])
    case("truncated_geojson", file="geojson_truncated.geojson", reader="GeoJSON", kind="parks",
         outcome="error", code="read_error", exception="LayerReadError",
         message=r"geojson_truncated\.geojson: cannot be read.*truncated.*re-export",
         fix="Export the layer again; the file was cut off by a crashed export or copy.",
         description="GeoJSON cut off at 60 % by a crashed export")

    _write(_layer("units"), out / "shp_no_shx.shp")
    (out / "shp_no_shx.shx").unlink()
    case("shapefile_missing_shx", file="shp_no_shx.shp", files=_shp_files("shp_no_shx", (".shp", ".dbf", ".prj", ".cpg")),
         reader="Shapefile", kind="units", outcome="error", code="read_error", exception="LayerReadError",
         message=r"shp_no_shx\.shp: shapefile is incomplete, missing \.shx",
         fix="Copy the .shx together with the .shp and .dbf, or export as GeoPackage.",
         description="shapefile without its .shx index")

    _write(_layer("charging_stations"), out / "shp_no_dbf.shp")
    (out / "shp_no_dbf.dbf").unlink()
    case("shapefile_missing_dbf", file="shp_no_dbf.shp", files=_shp_files("shp_no_dbf", (".shp", ".shx", ".prj", ".cpg")),
         reader="Shapefile", kind="charging_stations", outcome="error", code="read_error",
         exception="LayerReadError", message=r"shp_no_dbf\.shp: shapefile is incomplete, missing \.dbf",
         fix="Copy the .dbf (the attribute table) beside the .shp.",
         description="shapefile without its attribute table")

    (out / "not_a_geopackage.gpkg").write_bytes(b"PK\x03\x04 this is a zip, not a GeoPackage\n")
    case("not_a_geopackage", file="not_a_geopackage.gpkg", reader="GeoPackage", kind="parks",
         outcome="error", code="read_error", exception="LayerReadError",
         message=r"not_a_geopackage\.gpkg: cannot (open|be read)",
         fix="Unzip the download first, or export the layer as GeoPackage again.",
         description="a zip archive renamed .gpkg")

    _write(_layer("parks", 2), out / "gpkg_two_layers.gpkg", layer="parks_2015")
    _write(_layer("parks", 3), out / "gpkg_two_layers.gpkg", layer="parks_2020")
    case("geopackage_two_layers", file="gpkg_two_layers.gpkg", reader="GeoPackage", kind="parks",
         outcome="error", code="read_error", exception="LayerReadError",
         message=r"gpkg_two_layers\.gpkg: the GeoPackage holds 2 layers \(parks_2015, parks_2020\).*--layer",
         fix="Choose one with --layer parks_2020.",
         fixed_args=["--layer", "parks_2020"],
         description="a GeoPackage with two layers and no --layer")

    _csv(out / "csv_no_lonlat.csv", ["id", "name_zh", "name_en", "east", "north", "piles"],
         [["cha_1", "站1", "Station 1", "495000", "2493500", "4"]])
    case("csv_without_coordinates", file="csv_no_lonlat.csv", reader="CSV", kind="charging_stations",
         args=["--source-crs", "wgs84"], outcome="error", code="read_error", exception="LayerReadError",
         message=r"csv_no_lonlat\.csv: a point table needs longitude/x and latitude/y columns.*"
                 r"--field lon=COLUMN --field lat=COLUMN",
         fix="Name the coordinate columns lon and lat, or say which they are with "
             "--field lon=east --field lat=north.",
         description="CSV whose coordinate columns have other names")

    rows = _station_rows([(LON0, LAT0), (LON0 + 0.001, LAT0)])
    rows[1][3] = "114°03'"
    _csv(out / "csv_bad_coordinates.csv", ["id", "name_zh", "name_en", "lon", "lat", "piles", "status"], rows)
    case("csv_non_numeric_coordinates", file="csv_bad_coordinates.csv", reader="CSV",
         kind="charging_stations", args=["--source-crs", "wgs84"], outcome="error", code="read_error",
         exception="LayerReadError",
         message=r"csv_bad_coordinates\.csv: 1 row\(s\) have a missing or non-numeric lon/lat \(line 3\)",
         fix="Convert degrees-minutes to decimal degrees (114°03' = 114.05).",
         description="degrees-minutes text in the lon column")

    # ---- rasters -------------------------------------------------------------------------
    vals = np.arange(20 * 20, dtype="float64").reshape(20, 20)
    _tif(out / "tif_no_crs.tif", vals, transform=_origin(114.00, 22.58, 0.0003), crs=None)
    case("geotiff_without_crs", file="tif_no_crs.tif", reader="GeoTIFF", kind="dem", outcome="error",
         code="missing_crs", message=r"tif_no_crs\.tif.*the raster has no CRS.*gdal_edit",
         fix="Assign the CRS (on a copy): gdal_edit.py -a_srs EPSG:4326 tif_no_crs.tif.",
         description="GeoTIFF without georeferencing keys")

    _tif(out / "tif_beijing.tif", vals, transform=_origin(116.30, 39.95, 0.001), crs="EPSG:4326")
    case("raster_not_overlapping", file="tif_beijing.tif", reader="GeoTIFF", kind="population",
         outcome="error", code="raster_no_overlap",
         message=r"tif_beijing\.tif.*lon 116\.3000.*does not overlap the Futian district",
         fix="Supply a population raster that covers Futian.",
         description="a population grid of Beijing")

    _tif(out / "tif_all_nodata.tif", np.full((10, 10), -9999.0),
         transform=_origin(114.00, 22.58, 0.001), crs="EPSG:4326")
    case("raster_all_nodata", file="tif_all_nodata.tif", reader="GeoTIFF", kind="dem", outcome="error",
         code="raster_empty", message=r"tif_all_nodata\.tif.*every pixel is nodata",
         fix="Check the export: every pixel equals the nodata value -9999.",
         description="a DEM tile that is all nodata")

    _tif(out / "tif_truncated.tif", np.random.default_rng(6).random((200, 200)),
         transform=_origin(114.00, 22.58, 0.0003), crs="EPSG:4326")
    raw = (out / "tif_truncated.tif").read_bytes()
    (out / "tif_truncated.tif").write_bytes(raw[: len(raw) // 2])
    case("truncated_geotiff", file="tif_truncated.tif", reader="GeoTIFF", kind="dem", outcome="error",
         code="read_error", exception="LayerReadError",
         message=r"tif_truncated\.tif: cannot (be opened as a raster|read pixel values)",
         fix="Copy or download the GeoTIFF again; it was cut off.",
         description="a GeoTIFF cut in half")

    (out / "tif_not_a_tiff.tif").write_text("<html>404 Not Found</html>\n")
    case("html_saved_as_tif", file="tif_not_a_tiff.tif", reader="GeoTIFF", kind="population",
         outcome="error", code="read_error", exception="LayerReadError",
         message=r"tif_not_a_tiff\.tif: cannot be opened as a raster",
         fix="The download failed (an HTML error page was saved); download the raster again.",
         description="an HTML error page saved as .tif")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(out: Path) -> Path:
    """Write ``cases.json``: the cases plus the sha256 of every corpus file."""
    for c in CASES:
        for f in c["files"]:
            if not (out / f).exists():
                raise FileNotFoundError(f"case {c['name']}: {f} was not written")
    doc = {
        "generated_by": "scripts/make_bad_corpus.py",
        # byte-identical regeneration is only expected with the same GDAL builds
        "gdal": {"pyogrio": pyogrio.__gdal_version_string__, "rasterio": rasterio.__gdal_version__},
        "cli": "futiangis validate FILE --kind KIND [ARGS]",
        "outcomes": {"error": "exit code 1, FutianGISError from futiangis.load",
                     "warning": "exit code 2 with --strict; load succeeds with the warning"},
        "cases": CASES,
        "sha256": {p.name: _sha256(p) for p in sorted(out.iterdir())
                   if p.is_file() and p.name not in ("cases.json", "README.md")},
    }
    path = out / "cases.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for p in out.iterdir():  # regenerate from scratch, keeping the README
        if p.name != "README.md":
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    CASES.clear()
    build(out)
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    write_manifest(out)
    n_err = sum(c["outcome"] == "error" for c in CASES)
    print(f"{out}: {len(CASES)} cases ({n_err} error, {len(CASES) - n_err} warning)")


if __name__ == "__main__":
    main()
