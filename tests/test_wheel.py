"""A wheel works anywhere: built from a copy of the sources, installed into a fresh venv,
run in an empty temporary folder, and no file of the checkout is read.

The wheel is installed into a real virtual environment (``venv.EnvBuilder``, no pip in it)
with ``pip --python <venv>/bin/python install --no-deps``. Its dependencies come from this
test's own environment through a ``.pth`` file that lists that environment's
site-packages (``.pth`` path lines only add directories, so the checkout's editable-install
finder there is never run), which keeps the test quick. Every command runs as the venv's
``futiangis`` console script with an audit hook (:func:`sys.addaudithook`, installed by a
second ``.pth`` of the venv) that records each file Python opens or lists and each module
it loads; the test refuses any of them under the checkout.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("futiangis", "layers", "futiangis.toml", "pyproject.toml", "setup.py", "MANIFEST.in",
           "README.md")
#: the dependencies' home: this test's environment (in CI a .venv inside the checkout)
DEPS_PREFIXES = tuple(Path(p).resolve() for p in {sys.prefix, sys.base_prefix})

#: imported at start-up by a .pth of the venv; with FUTIANGIS_TEST_AUDIT set, it records
#: what the process opens, lists and imports, and writes it there at exit
AUDIT_MODULE = '''
import os, sys
_out = os.environ.get("FUTIANGIS_TEST_AUDIT")
if _out:
    import atexit, json
    _seen = []
    def _hook(event, args):
        if event in ("open", "os.listdir", "os.scandir") and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            _seen.append(path if os.path.isabs(path) else os.path.abspath(path))
    sys.addaudithook(_hook)
    def _dump():
        mods = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
        fg = sys.modules.get("futiangis")
        with open(_out, "w", encoding="utf-8") as f:
            json.dump({"read": _seen, "modules": [m for m in mods if m],
                       "futiangis": getattr(fg, "__file__", None)}, f)
    atexit.register(_dump)
'''


def _deps_site_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    return sorted({paths["purelib"], paths["platlib"]})


@pytest.fixture(scope="module")
def env(tmp_path_factory):
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

    root = work / "venv"
    venv.EnvBuilder(with_pip=False).create(root)
    python = root / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # pip ≥ 22.3 installs into another interpreter's environment with --python
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                    "--no-index", "-q", str(wheel)], check=True, capture_output=True)
    (site / "_futiangis_test_deps.pth").write_text("\n".join(_deps_site_dirs()) + "\n", encoding="utf-8")
    (site / "_futiangis_test_audit.py").write_text(AUDIT_MODULE, encoding="utf-8")
    (site / "_futiangis_test_audit.pth").write_text("import _futiangis_test_audit\n", encoding="utf-8")
    return SimpleNamespace(wheel=wheel, root=root, python=python, site=site,
                           futiangis=root / "bin" / "futiangis", audits=work / "audits")


def _run(env, cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    """``<venv>/bin/futiangis ARGS`` in ``cwd``, and what it read and imported."""
    env.audits.mkdir(exist_ok=True)
    audit = env.audits / f"{len(list(env.audits.iterdir()))}.json"
    environ = {k: v for k, v in os.environ.items()
               if k not in ("FUTIANGIS_CONFIG", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    environ.update(FUTIANGIS_TEST_AUDIT=str(audit), PYTHONNOUSERSITE="1",
                   PATH=f"{env.root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run([str(env.futiangis), *args], cwd=cwd, env=environ, capture_output=True,
                          text=True, timeout=600)
    return proc, json.loads(audit.read_text(encoding="utf-8"))


def _from_checkout(paths) -> list[str]:
    """The paths under the checkout that are not the dependencies' environment."""
    out = []
    for p in paths:
        path = Path(p).resolve()
        if path.is_relative_to(ROOT) and not any(path.is_relative_to(d) for d in DEPS_PREFIXES):
            out.append(str(path))
    return out


def _check_nothing_from_checkout(env, audit: dict) -> None:
    assert Path(audit["futiangis"]).resolve().is_relative_to(env.site.resolve()), audit["futiangis"]
    fg_modules = [m for m in audit["modules"] if "futiangis" in Path(m).parts[:-1]]  # the package
    assert fg_modules and all(Path(m).resolve().is_relative_to(env.site.resolve()) for m in fg_modules)
    assert _from_checkout(audit["modules"]) == []
    assert _from_checkout(audit["read"]) == []


def test_wheel_holds_the_sample_project(env):
    names = zipfile.ZipFile(env.wheel).namelist()
    assert "futiangis/_sample/futiangis.toml" in names
    shipped = {p.name for p in (ROOT / "layers").iterdir() if p.is_file()}
    assert {n.rsplit("/", 1)[1] for n in names if n.startswith("futiangis/_sample/layers/")} == shipped


def test_the_venv_is_fresh_and_holds_no_checkout_path(env):
    assert (env.root / "pyvenv.cfg").is_file() and env.futiangis.is_file()
    # the console script runs the venv's interpreter
    assert env.futiangis.read_text(encoding="utf-8").splitlines()[0] == f"#!{env.python}"
    probe = subprocess.run([str(env.python), "-c", "import sys, json; print(json.dumps(sys.path))"],
                           cwd=env.root, capture_output=True, text=True, check=True,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert _from_checkout(p for p in json.loads(probe.stdout) if p) == []


def test_init_build_layers_from_the_wheel_only(env, tmp_path):
    version, audit = _run(env, tmp_path, "--version")
    assert version.returncode == 0, version.stderr
    _check_nothing_from_checkout(env, audit)

    init, audit = _run(env, tmp_path, "init", "proj")
    assert init.returncode == 0, init.stderr
    _check_nothing_from_checkout(env, audit)
    proj = tmp_path / "proj"
    assert (proj / "futiangis.toml").is_file() and (proj / "README.md").is_file()
    assert (proj / "layers" / "units.meta.toml").is_file()
    # the sample came from the installed package, not from the checkout
    sample = (env.site / "futiangis" / "_sample" / "futiangis.toml").resolve()
    assert str(sample) in {str(Path(p).resolve()) for p in audit["read"]}
    again, _ = _run(env, tmp_path, "init", "proj")
    assert again.returncode == 1 and "not empty" in again.stderr  # never overwritten

    layers, audit = _run(env, proj, "layers", "--json")
    assert layers.returncode == 0, layers.stderr
    _check_nothing_from_checkout(env, audit)
    listed = json.loads(layers.stdout)
    assert Path(listed["layers_dir"]).resolve() == (proj / "layers").resolve()
    shipped = {p.name.removesuffix(".meta.toml") for p in (ROOT / "layers").glob("*.meta.toml")}
    assert {r["kind"] for r in listed["layers"]} == shipped

    build, audit = _run(env, proj, "build")  # the interactive maps and a PNG per theme
    assert build.returncode == 0, build.stderr
    _check_nothing_from_checkout(env, audit)
    assert (proj / "maps" / "index.html").is_file()
    pages = json.loads((proj / "maps" / "build.json").read_text(encoding="utf-8"))["pages"]
    assert len(pages) >= 5 and all((proj / "maps" / p["html"]).is_file() for p in pages)
    assert all((proj / "maps" / p["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pages)
    # the build read the project's own layers
    assert any(Path(p).resolve().is_relative_to((proj / "layers").resolve()) for p in audit["read"])
