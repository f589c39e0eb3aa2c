"""Outputs own only what they made: folder ownership, GeoPackage layers, output = input.

Each test crafts the situation a planner meets — a Desktop folder of notes and photos
given as ``--out``, ``--out .`` inside the project, ``--out layers``, a 3-layer
GeoPackage given as ``-o``, the input given again as the output (directly, through a
symlink, as ``--gaps``), a full disk — and checks that every file is byte-identical
afterwards and that the message names the folder and says how to proceed.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import fiona
import geopandas as gpd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner

from conftest import FUTIAN_X, FUTIAN_Y, box_layer
from futiangis.cli.main import cli
from futiangis.errors import OutputError
from futiangis.io.outputs import (
    MARKER_TEXT, OUTPUT_MARKER, atomic_output_dir, check_outputs_are_not_inputs, write_layer,
)
from test_build import make_project


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _user_folder(folder: Path) -> dict[str, str]:
    """A planner's folder: notes, a photo, a drawing in a subfolder."""
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("东扩方案 meeting notes\n", encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    (folder / "drawings").mkdir()
    (folder / "drawings" / "site.dxf").write_text("0\nSECTION\n")
    return _tree(folder)


def _build(config_path: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config_path), "build", "--basemap", "none",
                                    "--no-png", *args])


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "project")


def _assert_refused(result, *words):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Internal error" not in result.output
    text = result.output.lower()
    assert "nothing was changed" in text or "nothing was read or written" in text
    for w in words:
        assert w in result.output, result.output


# ---------------------------------------------------------------------------------------
# build --out: a folder the user made is never replaced
# ---------------------------------------------------------------------------------------
def test_build_refuses_a_non_empty_user_folder(project, tmp_path):
    desktop = tmp_path / "Desktop" / "东扩方案"
    before = _user_folder(desktop)
    result = _build(project, "--out", str(desktop))
    _assert_refused(result, str(desktop), "futiangis did not write", "drawings, notes.txt, photo.jpg",
                    "--force", "new or empty folder")
    assert _tree(desktop) == before
    assert sorted(p.name for p in desktop.parent.iterdir()) == ["东扩方案"]  # no staging left


def test_build_out_dot_in_the_project_is_refused_even_with_force(project, monkeypatch):
    root = project.parent
    before = _tree(root)
    monkeypatch.chdir(root)
    for extra in ([], ["--force"]):
        result = _build(project, "--out", ".", *extra)
        _assert_refused(result, "never replaces, even with --force")
        assert "the current folder" in result.output or "the layers folder" in result.output
        assert _tree(root) == before


@pytest.mark.parametrize("force", [False, True])
def test_build_out_layers_is_refused(project, force):
    layers = project.parent / "layers"
    before = _tree(layers)
    result = _build(project, "--out", str(layers), *(["--force"] if force else []))
    _assert_refused(result, f"is the layers folder ({layers})", "even with --force")
    assert _tree(layers) == before


def test_config_maps_path_pointing_at_the_layers_folder_is_refused(project):
    text = project.read_text(encoding="utf-8").replace('maps = "maps"', 'maps = "layers"')
    project.write_text(text, encoding="utf-8")
    before = _tree(project.parent)
    result = _build(project)
    _assert_refused(result, "the layers folder")
    assert _tree(project.parent) == before


def test_build_out_parent_of_the_project_is_refused_with_force(project, tmp_path):
    before = _tree(tmp_path)
    result = _build(project, "--out", str(tmp_path), "--force")
    _assert_refused(result, "contains the layers folder")
    assert _tree(tmp_path) == before


def test_force_replaces_a_foreign_folder_and_marks_it(project, tmp_path):
    out = tmp_path / "old_maps"
    _user_folder(out)
    result = _build(project, "--out", str(out), "--force")
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert "notes.txt" not in names and "index.html" in names
    assert (out / OUTPUT_MARKER).read_text(encoding="utf-8") == MARKER_TEXT
    # the folder is now futiangis's own: the next build needs no --force
    assert _build(project, "--out", str(out)).exit_code == 0


def test_build_out_under_a_regular_file_is_a_clean_error(project, tmp_path):
    blocker = tmp_path / "report.docx"
    blocker.write_bytes(b"PK\x03\x04 a document")
    result = _build(project, "--out", str(blocker / "maps"))
    _assert_refused(result, f"{blocker} is a file, not a folder")
    assert blocker.read_bytes() == b"PK\x03\x04 a document"


def _mount_tmpfs(where: Path, options: str) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a tmpfs")
    where.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")


def _umount(where: Path) -> None:
    subprocess.run(["umount", str(where)], capture_output=True)


def test_build_in_a_read_only_folder_is_a_clean_error(project, tmp_path):
    ro = tmp_path / "readonly"
    if os.geteuid() == 0:
        _mount_tmpfs(ro, "ro,size=1m")  # root ignores file modes: a read-only mount is real
    else:
        ro.mkdir()
        ro.chmod(0o555)
    try:
        result = _build(project, "--out", str(ro / "maps"))
        _assert_refused(result, str(ro), "permission denied" if os.geteuid() else "Read-only file system")
        assert list(ro.iterdir()) == []
    finally:
        if os.geteuid() == 0:
            _umount(ro)
        else:
            ro.chmod(0o755)


# ---------------------------------------------------------------------------------------
# target --out: the same rules, and atomic as a whole
# ---------------------------------------------------------------------------------------
def test_target_out_refuses_a_user_folder(tmp_path):
    out = tmp_path / "reports"
    before = _user_folder(out)
    result = CliRunner().invoke(cli, ["target", "--out", str(out)])
    _assert_refused(result, str(out), "futiangis did not write", "--force")
    assert _tree(out) == before


def test_target_out_refuses_a_folder_holding_its_input(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / OUTPUT_MARKER).write_text(MARKER_TEXT)  # even a previous output of ours
    sites = out / "sites.geojson"
    box_layer([(0, 0, 100, 100)], ids=["s1"], name_zh=["地块"], name_en=["Site"], status=["completed"],
              year=[2014], plot_ratio=[4.0], gfa_new_m2=[1000.0], investment_100m_cny=[1.0]
              ).to_crs(4326).to_file(sites, engine="pyogrio")
    before = _tree(out)
    result = CliRunner().invoke(cli, ["target", "--sites", str(sites), "--out", str(out), "--force"])
    _assert_refused(result, "holds an input of this command", str(sites))
    assert _tree(out) == before


def test_disk_full_leaves_the_previous_report_byte_identical(tmp_path):
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "size=2m")
    try:
        out = disk / "report"
        first = CliRunner().invoke(cli, ["target", "--out", str(out)])
        assert first.exit_code == 0, first.output
        before = _tree(out)
        assert OUTPUT_MARKER in before and "target_report.xlsx" in before
        # fill the disk, leaving less room than one report
        free = shutil.disk_usage(disk).free
        report_bytes = sum((out / name).stat().st_size for name in before)
        with open(disk / "filler.bin", "wb") as fh:
            fh.write(b"\0" * max(free - report_bytes // 2, 0))
        result = CliRunner().invoke(cli, ["target", "--out", str(out), "--as-of", "2013"])
        _assert_refused(result, "disk full")
        assert _tree(out) == before
        assert sorted(p.name for p in disk.iterdir()) == ["filler.bin", "report"]  # no staging left
    finally:
        _umount(disk)


def test_atomic_output_dir_never_mixes_old_and_new(tmp_path):
    out = tmp_path / "maps"
    with atomic_output_dir(out) as staging:
        (staging / "a.html").write_text("old a")
        (staging / "b.html").write_text("old b")
    before = _tree(out)
    with pytest.raises(OSError):
        with atomic_output_dir(out) as staging:
            (staging / "a.html").write_text("new a")
            raise OSError(28, "No space left on device")
    assert _tree(out) == before


# ---------------------------------------------------------------------------------------
# GeoPackage outputs: add or replace one layer, keep the others
# ---------------------------------------------------------------------------------------
def _stations_geojson(path: Path, ids=("c1", "c2")) -> Path:
    gpd.GeoDataFrame(
        {"id": list(ids), "name_zh": ["站"] * len(ids), "name_en": ["Station"] * len(ids),
         "piles": [4] * len(ids)},
        geometry=[shapely.Point(FUTIAN_X + 100 * i, FUTIAN_Y) for i in range(len(ids))], crs=4547,
    ).to_crs(4326).to_file(path, engine="pyogrio")
    return path


def _three_layer_gpkg(path: Path) -> dict[str, list[str]]:
    content = {"parks": ["p1", "p2"], "units": ["u1"], "charging_stations": ["old1", "old2", "old3"]}
    for name, ids in content.items():
        box_layer([(200 * i, 0, 100, 100) for i in range(len(ids))], ids=ids).to_file(
            path, layer=name, engine="pyogrio")
    return content


def _layers(path: Path) -> dict[str, list[str]]:
    out = {}
    for name in fiona.listlayers(path):
        with fiona.open(path, layer=name) as src:
            out[name] = [f["properties"]["id"] for f in src]
    return out


def test_import_keeps_the_other_layers_of_a_geopackage(tmp_path):
    project = tmp_path / "project.gpkg"
    before = _three_layer_gpkg(project)
    src = _stations_geojson(tmp_path / "new.geojson")
    # a new layer is added beside the three
    r = CliRunner().invoke(cli, ["import", str(src), "--kind", "charging_stations", "-o", str(project),
                                 "--layer-name", "stations_2026"])
    assert r.exit_code == 0, r.output
    assert _layers(project) == {**before, "stations_2026": ["c1", "c2"]}
    # replacing an existing layer needs --overwrite; refused, the file is byte-identical
    sha = hashlib.sha256(project.read_bytes()).hexdigest()
    r = CliRunner().invoke(cli, ["import", str(src), "--kind", "charging_stations", "-o", str(project)])
    assert r.exit_code == 1
    assert "already holds a layer 'charging_stations'" in r.output and "--overwrite" in r.output
    assert hashlib.sha256(project.read_bytes()).hexdigest() == sha
    # with --overwrite only that layer changes
    r = CliRunner().invoke(cli, ["import", str(src), "--kind", "charging_stations", "-o", str(project),
                                 "--overwrite"])
    assert r.exit_code == 0, r.output
    assert _layers(project) == {**before, "charging_stations": ["c1", "c2"], "stations_2026": ["c1", "c2"]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.geojson", "project.gpkg"]


def test_geojson_output_needs_overwrite_and_is_named_after_the_layer(tmp_path):
    src = _stations_geojson(tmp_path / "in.geojson")
    out = tmp_path / "stations.geojson"
    r = CliRunner().invoke(cli, ["import", str(src), "--kind", "charging_stations", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert pyogrio.read_info(out)["layer_name"] == "charging_stations"  # not the temp file's name
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    r = CliRunner().invoke(cli, ["import", str(src), "--kind", "charging_stations", "-o", str(out)])
    assert r.exit_code == 1 and "already exists" in r.output and "--overwrite" in r.output
    assert hashlib.sha256(out.read_bytes()).hexdigest() == sha


# ---------------------------------------------------------------------------------------
# an output that is an input is refused before anything is read
# ---------------------------------------------------------------------------------------
def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_import_onto_its_own_input_is_refused(tmp_path):
    src = _stations_geojson(tmp_path / "gaode.geojson")
    sha = _sha(src)
    r = CliRunner().invoke(cli, ["import", str(src), "--kind", "charging_stations", "-o", str(src),
                                 "--source-crs", "gcj02", "--overwrite"])
    _assert_refused_input(r, src)
    assert _sha(src) == sha


def _assert_refused_input(result, path):
    assert result.exit_code == 1, result.output
    assert "also an input" in result.output and "nothing was read or written" in result.output
    assert "Traceback" not in result.output


def test_import_onto_its_input_through_a_symlink_is_refused(tmp_path):
    src = _stations_geojson(tmp_path / "gaode.geojson")
    link = tmp_path / "link.geojson"
    link.symlink_to(src)
    sha = _sha(src)
    r = CliRunner().invoke(cli, ["import", str(src), "--kind", "charging_stations", "-o", str(link),
                                 "--overwrite"])
    _assert_refused_input(r, src)
    assert "symbolic link" in r.output
    assert _sha(src) == sha and link.is_symlink()


def test_import_onto_the_same_geopackage_layer_is_refused_another_layer_is_fine(tmp_path):
    project = tmp_path / "project.gpkg"
    _stations_geojson(tmp_path / "s.geojson")
    gpd.read_file(tmp_path / "s.geojson").to_crs(4547).to_file(project, layer="charging_stations")
    box_layer([(0, 0, 10, 10)], ids=["u"]).to_file(project, layer="units")
    sha = _sha(project)
    args = ["import", str(project), "--layer", "charging_stations", "--kind", "charging_stations",
            "-o", str(project), "--overwrite"]
    r = CliRunner().invoke(cli, args)
    _assert_refused_input(r, project)
    assert "layer 'charging_stations'" in r.output
    assert _sha(project) == sha
    r = CliRunner().invoke(cli, [*args, "--layer-name", "stations_4547"])
    assert r.exit_code == 0, r.output
    assert set(fiona.listlayers(project)) == {"charging_stations", "units", "stations_4547"}


def test_coverage_gaps_onto_the_facilities_file_is_refused(tmp_path):
    facilities = _stations_geojson(tmp_path / "stations.geojson")
    sha = _sha(facilities)
    r = CliRunner().invoke(cli, ["coverage", "charging", "--facilities", str(facilities),
                                 "--gaps", str(facilities), "--overwrite"])
    _assert_refused_input(r, facilities)
    assert _sha(facilities) == sha


def test_coverage_gaps_onto_a_shipped_layer_is_refused(config):
    units = config.layers_dir / "units.geojson"
    sha = _sha(units)
    r = CliRunner().invoke(cli, ["coverage", "charging", "--gaps", str(units), "--overwrite"])
    _assert_refused_input(r, units)
    assert _sha(units) == sha


def test_output_check_resolves_hard_links(tmp_path):
    a = tmp_path / "a.geojson"
    a.write_text("{}")
    b = tmp_path / "b.geojson"
    os.link(a, b)
    with pytest.raises(OutputError, match="also an input"):
        check_outputs_are_not_inputs([(b, "x")], [(a, None)])


def test_write_layer_api_refuses_existing_layer_without_overwrite(tmp_path):
    path = tmp_path / "x.gpkg"
    write_layer(box_layer([(0, 0, 10, 10)]), path, layer="a")
    write_layer(box_layer([(0, 0, 10, 10)]), path, layer="b")
    with pytest.raises(OutputError, match="already holds a layer 'a'"):
        write_layer(box_layer([(0, 0, 20, 20)]), path, layer="a")
    assert sorted(fiona.listlayers(path)) == ["a", "b"]
