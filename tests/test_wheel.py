"""A wheel works anywhere: built from a copy of the sources, installed into a folder outside
the checkout, run in an empty temporary folder with no file of the checkout on the path.

The wheel is installed with ``pip install --no-deps --target`` (its dependencies come from
the test's own environment, so this stays quick) and run with that folder first on
``PYTHONPATH``; the test checks the package and its sample project load from there.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("futiangis", "layers", "futiangis.toml", "pyproject.toml", "setup.py", "MANIFEST.in",
           "README.md")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "_sample"))
        else:
            shutil.copy2(path, src / name)
    dist = work / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dist), str(src)], check=True, capture_output=True)
    wheel = next(dist.glob("futiangis-*.whl"))
    shutil.rmtree(src)  # from here on only the wheel exists
    site = work / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True, capture_output=True)
    return wheel, site


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FUTIANGIS_CONFIG", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    code = "import sys; from futiangis.cli.main import cli; sys.exit(cli(prog_name='futiangis'))"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_wheel_holds_the_sample_project(installed):
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "futiangis/_sample/futiangis.toml" in names
    shipped = {p.name for p in (ROOT / "layers").iterdir() if p.is_file()}
    assert {n.rsplit("/", 1)[1] for n in names if n.startswith("futiangis/_sample/layers/")} == shipped


def test_init_build_layers_from_the_wheel_only(installed, tmp_path):
    _, site = installed
    where = _run(site, tmp_path, "--version")
    assert where.returncode == 0, where.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run([sys.executable, "-c", "import futiangis, futiangis.config as c; "
                            "print(futiangis.__file__); print(c.sample_root())"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    for line in probe.stdout.split():
        assert Path(line).resolve().is_relative_to(site.resolve()), line  # nothing from the checkout

    init = _run(site, tmp_path, "init", "proj")
    assert init.returncode == 0, init.stderr
    proj = tmp_path / "proj"
    assert (proj / "futiangis.toml").is_file() and (proj / "README.md").is_file()
    assert (proj / "layers" / "units.meta.toml").is_file()
    again = _run(site, tmp_path, "init", "proj")
    assert again.returncode == 1 and "not empty" in again.stderr  # never overwritten

    build = _run(site, proj, "build", "--no-png")
    assert build.returncode == 0, build.stderr
    assert (proj / "maps" / "index.html").is_file()
    pages = json.loads((proj / "maps" / "build.json").read_text(encoding="utf-8"))["pages"]
    assert len(pages) >= 5 and all((proj / "maps" / p["html"]).is_file() for p in pages)

    layers = _run(site, proj, "layers", "--json")
    assert layers.returncode == 0, layers.stderr
    listed = json.loads(layers.stdout)
    assert Path(listed["layers_dir"]).resolve() == (proj / "layers").resolve()
    assert {"district", "units", "parks", "charging_stations"} <= {r["kind"] for r in listed["layers"]}
