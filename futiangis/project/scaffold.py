"""``futiangis init``: a new project folder from the Futian sample."""
from __future__ import annotations

from pathlib import Path

from ..config import CONFIG_NAME, load_config, sample_root
from ..errors import OutputError

PROJECT_README = """# futiangis project

This folder is a futiangis project: `futiangis.toml` (settings: CRS, targets, coverage
radii and thresholds, terrain) and `layers/` (one file per layer kind, each with a
`KIND.meta.toml` provenance sidecar: source, licence, CRS, accuracy). It started as a
copy of the Futian sample; the sample's CBD zones, renewal sites, parks, slow routes and
bike stations are ILLUSTRATIVE data.

Run commands from this folder (or pass `--config PATH/futiangis.toml`):

    futiangis layers                 # what is in layers/, with provenance
    futiangis build                  # maps/ : the interactive maps and index.html
    futiangis target                 # progress against [[targets]]

## Replacing a layer with your own

1. Check your file against the layer kind: `futiangis validate my_parks.shp --kind parks`
   (add `--source-crs gcj02` for coordinates copied from Gaode/Tencent, `--encoding gbk`
   for a GBK shapefile without .cpg).
2. Convert it into the project: `futiangis import my_parks.shp --kind parks -o layers/parks.gpkg`.
3. Edit `layers/parks.meta.toml`: set `file = "parks.gpkg"` and say where the data come
   from (source, licence, crs, crs_verified, accuracy_class, accuracy_m, date). Delete the
   old file if you no longer need it.

Settings are checked when loaded: an unknown key, a threshold outside 0–1 or a radius
that is not a positive number is refused with the key named.
"""


def init_project(dest: str | Path) -> Path:
    """Write a new project folder at ``dest`` from the Futian sample.

    Writes ``futiangis.toml``, ``layers/`` (every catalogue layer with its provenance
    sidecar) and ``README.md``. ``dest`` must not exist or be an empty folder; nothing
    is ever overwritten.

    Raises
    ------
    OutputError
        If ``dest`` is a file or a non-empty folder, or cannot be written.
    """
    import shutil
    import tempfile

    from ..io import read_catalog

    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        what = "a file" if not dest.is_dir() else "a folder that is not empty"
        raise OutputError(f"{dest} is {what}; `futiangis init` writes only into a new or empty "
                          "folder. Choose another name.")
    sample = sample_root()
    sample_config = load_config(sample / CONFIG_NAME)
    catalog = read_catalog(sample_config.paths.layers)
    parent = dest.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=parent))
    except OSError as exc:
        raise OutputError(f"{dest}: cannot create the project folder ({exc.strerror}).") from None
    try:
        shutil.copyfile(sample / CONFIG_NAME, staging / CONFIG_NAME)
        layers = staging / "layers"
        layers.mkdir()
        for info in catalog.values():
            shutil.copyfile(info.path, layers / info.path.name)
            sidecar = info.path.parent / f"{info.kind}.meta.toml"
            if sidecar.exists():
                shutil.copyfile(sidecar, layers / sidecar.name)
        (staging / "README.md").write_text(PROJECT_README, encoding="utf-8")
        if dest.exists():
            dest.rmdir()  # empty (checked above); replaced by the staged folder
        staging.rename(dest)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{dest}: the project could not be written ({exc.strerror}); "
                          "nothing was left behind.") from None
    return dest
