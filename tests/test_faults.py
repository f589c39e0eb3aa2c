"""Faults: a write that fails part-way, a full disk, a build killed part-way — nothing lost.

Every output goes to a temporary file (or staging folder) beside its destination and is
renamed into place. These tests break the write in the middle — by patching the writer,
``os.replace`` or the build's renderer, by a real file-size limit (``RLIMIT_FSIZE``, the
kernel's EFBIG: a disk-full stand-in), and by interrupting or killing a real
``futiangis build`` process — and check that the previous output is byte-identical and
no partial or temporary file is left where a user would find it.
"""
from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import fiona
import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

import futiangis.io.outputs as fout
from futiangis.cli.main import cli
from futiangis.errors import OutputError
from futiangis.io import atomic_output_dir, write_bytes_atomic, write_layer, write_text_atomic
from futiangis.io.outputs import MARKER_TEXT, OUTPUT_MARKER

from conftest import box_layer

ROOT = Path(__file__).resolve().parents[1]


def _tree(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder``."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _previous_layer(path: Path) -> gpd.GeoDataFrame:
    layer = box_layer([(0, 0, 100, 100), (200, 0, 50, 50)], ids=["old1", "old2"])
    write_layer(layer, path)
    return layer


# ---------------------------------------------------------------------------------------
# single files
# ---------------------------------------------------------------------------------------
def test_write_failing_part_way_keeps_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "report.md"
    target.write_text("previous report\n")
    real_write = Path.write_bytes

    def half_then_disk_full(self, data):
        real_write(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", half_then_disk_full)
    with pytest.raises(OutputError, match=r"report\.md: cannot write \(disk full \(No space left on device\)\); nothing was changed"):
        write_text_atomic("new report " * 1000, target)
    monkeypatch.undo()
    assert target.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_rename_failing_keeps_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "table.csv"
    target.write_bytes(b"id,value\na,1\n")

    def refuse(src, dst):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(fout.os, "replace", refuse)
    with pytest.raises(OutputError, match="Permission denied"):
        write_bytes_atomic(b"id,value\nb,2\n", target)
    assert target.read_bytes() == b"id,value\na,1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_layer_write_failing_part_way_keeps_previous_layer(tmp_path, monkeypatch, suffix):
    target = tmp_path / f"sites{suffix}"
    _previous_layer(target)
    before = target.read_bytes()
    real_to_file = gpd.GeoDataFrame.to_file

    def write_then_crash(self, filename, *args, **kwargs):
        real_to_file(self.iloc[:1], filename, *args, **kwargs)  # a partial file on disk
        # the partial file lies inside the output's own (hidden) staging folder
        assert Path(filename).exists() and Path(filename).parent.parent == tmp_path
        raise RuntimeError("GDAL: disk I/O error")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", write_then_crash)
    new = box_layer([(0, 0, 10, 10)] * 3, ids=["n1", "n2", "n3"])
    with pytest.raises(OutputError, match=r"cannot write \(RuntimeError: GDAL: disk I/O error\); nothing was changed"):
        write_layer(new, target, overwrite=True)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
    with fiona.open(target) as src:  # an independent reader sees the old features
        assert [f["properties"]["id"] for f in src] == ["old1", "old2"]


def test_interrupt_during_layer_write_keeps_previous_layer(tmp_path, monkeypatch):
    target = tmp_path / "parks.gpkg"
    _previous_layer(target)
    before = target.read_bytes()

    def interrupted(self, filename, *args, **kwargs):
        Path(filename).write_bytes(b"SQLite format 3\x00 partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_layer(box_layer([(0, 0, 10, 10)]), target, overwrite=True)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parks.gpkg"]


_FSIZE_SCRIPT = textwrap.dedent("""
    import resource, signal, sys
    import geopandas as gpd, shapely
    from futiangis.errors import OutputError
    from futiangis.io import write_layer, write_text_atomic
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)       # get EFBIG instead of a signal
    limit = 64 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    target, what = sys.argv[1], sys.argv[2]
    try:
        if what == "text":
            write_text_atomic("x" * (4 * limit), target)
        else:
            boxes = [shapely.box(495000 + i, 2493500, 495000 + i + 0.5, 2493500 + 0.5) for i in range(5000)]
            gdf = gpd.GeoDataFrame({"id": [f"n{i}" for i in range(5000)], "note": ["y" * 50] * 5000},
                                   geometry=boxes, crs=4547)
            write_layer(gdf, target, overwrite=True)
    except OutputError as exc:
        print("OutputError:", exc)
        sys.exit(1)
    print("written")
""")


@pytest.mark.parametrize("name, what", [("notes.txt", "text"), ("units.gpkg", "layer")])
def test_real_file_size_limit_keeps_previous_output(tmp_path, name, what):
    """The kernel refuses to grow a file past RLIMIT_FSIZE (EFBIG), like a full disk."""
    target = tmp_path / name
    if what == "text":
        target.write_text("previous notes\n")
    else:
        _previous_layer(target)
    before = target.read_bytes()
    proc = subprocess.run([sys.executable, "-c", _FSIZE_SCRIPT, str(target), what],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "OutputError:" in proc.stdout and "nothing was changed" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_cli_import_failing_write_keeps_previous_output(tmp_path, monkeypatch):
    src = tmp_path / "in.geojson"
    box_layer([(0, 0, 100, 100)], ids=["s1"]).assign(
        name_zh="站", name_en="Station", piles=4
    ).set_geometry([shapely.Point(495_000, 2_493_500)], crs=4547).to_crs(4326).to_file(src)
    out = tmp_path / "out" / "stations.gpkg"
    out.parent.mkdir()
    _previous_layer(out)
    before = out.read_bytes()

    def crash(self, filename, *args, **kwargs):
        Path(filename).write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", crash)
    result = CliRunner().invoke(cli, ["import", str(src), "--kind", "charging_stations", "-o", str(out)])
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "nothing was changed" in result.output
    assert "Traceback" not in result.output
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["stations.gpkg"]


# ---------------------------------------------------------------------------------------
# output folders
# ---------------------------------------------------------------------------------------
def _previous_folder(folder: Path) -> dict[str, str]:
    """A previous futiangis output (it carries the marker)."""
    folder.mkdir()
    (folder / OUTPUT_MARKER).write_text(MARKER_TEXT)
    (folder / "index.html").write_text("<html>previous build</html>")
    (folder / "parks.html").write_text("<html>parks</html>")
    (folder / "sub").mkdir()
    (folder / "sub" / "table.csv").write_text("a,b\n1,2\n")
    return _tree(folder)


def _siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir())


def test_failure_inside_atomic_output_dir_keeps_previous_folder(tmp_path):
    out = tmp_path / "maps"
    before = _previous_folder(out)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        with atomic_output_dir(out) as staging:
            write_text_atomic("<html>new</html>", staging / "index.html")
            (staging / "half.html").write_text("<html><body>")  # part-way
            raise RuntimeError("renderer crashed")
    assert _tree(out) == before
    assert _siblings(out) == ["maps"]  # no staging or backup folder left


def test_publish_rename_failing_keeps_previous_folder(tmp_path, monkeypatch):
    out = tmp_path / "maps"
    before = _previous_folder(out)
    real_replace = os.replace
    calls = []

    def second_rename_fails(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # previous moved aside; moving the new folder in fails
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)

    monkeypatch.setattr(fout.os, "replace", second_rename_fails)
    with pytest.raises(OutputError, match="cannot publish output.*previous output kept"):
        with atomic_output_dir(out) as staging:
            (staging / "index.html").write_text("<html>new</html>")
    monkeypatch.undo()
    assert _tree(out) == before
    assert _siblings(out) == ["maps"]


def test_successful_publish_replaces_the_whole_folder(tmp_path):
    out = tmp_path / "maps"
    _previous_folder(out)
    with atomic_output_dir(out) as staging:
        (staging / "index.html").write_text("<html>new</html>")
    assert _tree(out) == {"index.html": hashlib.sha256(b"<html>new</html>").hexdigest(),
                          OUTPUT_MARKER: hashlib.sha256(MARKER_TEXT.encode()).hexdigest()}
    assert _siblings(out) == ["maps"]


# ---------------------------------------------------------------------------------------
# futiangis build, failed and killed part-way
# ---------------------------------------------------------------------------------------
@pytest.fixture
def previous_maps(tmp_path):
    out = tmp_path / "maps"
    return out, _previous_folder(out)


def test_build_failing_part_way_keeps_previous_maps(previous_maps, config, monkeypatch):
    build = pytest.importorskip("futiangis.build")
    out, before = previous_maps
    real = build.write_text_atomic
    written = []

    def fail_on_third_page(text, path, **kwargs):
        if len(written) == 2:
            raise OutputError(f"{path}: cannot write (No space left on device); nothing was changed.")
        written.append(Path(path).name)
        return real(text, path, **kwargs)

    monkeypatch.setattr(build, "write_text_atomic", fail_on_third_page)
    result = CliRunner().invoke(cli, ["build", "--out", str(out), "--basemap", "none", "--no-png"])
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert len(written) == 2  # two pages had been written to the staging folder
    assert _tree(out) == before
    assert _siblings(out) == ["maps"]


_SLOW_BUILD = textwrap.dedent("""
    import sys, time
    import futiangis.build as b
    real = b.write_text_atomic
    def slow(*args, **kwargs):
        out = real(*args, **kwargs)
        time.sleep(0.4)           # time to be interrupted between two pages
        return out
    b.write_text_atomic = slow
    from futiangis.cli.main import cli
    cli(prog_name="futiangis")
""")


def _start_build_and_wait_for_staging(out: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_BUILD, "build", "--out", str(out), "--basemap", "none", "--no-png"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        staged = [p for p in out.parent.glob(f".{out.name}.futiangis-staging.*") if any(p.iterdir())]
        if staged:
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    proc.kill()
    out_, err = proc.communicate()
    pytest.fail(f"the build never reached its staging folder: {out_}{err}")


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
                         ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_build_interrupted_part_way_keeps_previous_maps_and_cleans_up(previous_maps, sig, code):
    """Ctrl-C, kill (SIGTERM) and a closed terminal (SIGHUP) all clean up the same way."""
    pytest.importorskip("futiangis.build")
    out, before = previous_maps
    proc = _start_build_and_wait_for_staging(out)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, stderr
    assert "Interrupted; outputs already published are intact." in stderr
    assert "Traceback" not in stderr
    assert _tree(out) == before
    assert _siblings(out) == ["maps"]  # staging folder removed


def test_build_killed_part_way_keeps_previous_maps(previous_maps):
    """SIGKILL allows no clean-up: the previous maps are intact and nothing partial is
    inside them; the half-built staging folder (a hidden sibling) is removed by the next
    build."""
    pytest.importorskip("futiangis.build")
    out, before = previous_maps
    proc = _start_build_and_wait_for_staging(out)
    proc.kill()
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert _tree(out) == before
    leftovers = [n for n in _siblings(out) if n != "maps"]
    assert len(leftovers) == 1 and leftovers[0].startswith(f".maps.futiangis-staging.{proc.pid}.")
    # the next build removes the dead build's staging folder and publishes normally
    result = CliRunner().invoke(cli, ["build", "--out", str(out), "--basemap", "none", "--no-png"])
    assert result.exit_code == 0, result.output
    assert "index.html" in _tree(out) and _tree(out) != before
    assert _siblings(out) == ["maps"]


def test_stale_staging_of_a_dead_process_is_removed_live_one_kept(tmp_path):
    out = tmp_path / "maps"
    before = _previous_folder(out)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f".maps.futiangis-staging.{int(dead.stdout)}.abc123"
    live = tmp_path / f".maps.futiangis-staging.{os.getpid()}.def456"  # a build still running
    for folder in (stale, live):
        folder.mkdir()
        (folder / "half.html").write_text("<html>")
    with pytest.raises(RuntimeError):
        with atomic_output_dir(out):
            raise RuntimeError("stop before publishing")
    assert not stale.exists() and live.exists()
    assert _tree(out) == before


_SLOW_IMPORT = textwrap.dedent("""
    import sys, time
    import geopandas as gpd
    real = gpd.GeoDataFrame.to_file
    def slow(self, *args, **kwargs):
        real(self, *args, **kwargs)
        time.sleep(60)            # the layer is written in the staging folder: kill now
    gpd.GeoDataFrame.to_file = slow
    from futiangis.cli.main import cli
    cli(prog_name="futiangis")
""")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_import_terminated_mid_write_leaves_no_file_behind(tmp_path, sig):
    """No hidden .X.gpkg, -journal or rtree file is left beside the user's GeoPackage."""
    src = tmp_path / "in.geojson"
    gpd.GeoDataFrame({"id": ["s1"], "name_zh": ["站"], "name_en": ["Station"], "piles": [4]},
                     geometry=[shapely.Point(505_000, 2_493_500)], crs=4547).to_crs(4326).to_file(src)
    out_dir = tmp_path / "project"
    out_dir.mkdir()
    out = out_dir / "project.gpkg"
    for name in ("parks", "units"):
        box_layer([(0, 0, 100, 100)], ids=[name]).to_file(out, layer=name, engine="pyogrio")
    before = _tree(out_dir)
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_IMPORT, "import", str(src), "--kind",
                             "charging_stations", "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        staged = [p for p in out_dir.glob(".project.gpkg.futiangis-staging.*/project.gpkg")]
        if staged and staged[0].stat().st_size > 0:
            break
        time.sleep(0.02)
    else:
        proc.kill()
        pytest.fail("the import never reached its staging folder: " + "".join(proc.communicate()))
    time.sleep(0.3)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, stderr
    assert "Interrupted" in stderr and "Traceback" not in stderr
    assert _tree(out_dir) == before
    assert sorted(p.name for p in out_dir.iterdir()) == ["project.gpkg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.geojson", "project"]
