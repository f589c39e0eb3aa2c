"""futiangis: spatial-planning GIS toolkit for Futian District (福田区), Shenzhen.

``import futiangis as fg`` is cheap: the public functions below are imported on first
use (PEP 562), so the import itself loads neither geopandas nor folium.

Data flow: settings (:mod:`futiangis.config`) and a project folder
(:mod:`futiangis.project`) -> ``io`` (read, validate at the door) -> ``measure`` /
``join`` / ``coverage`` / ``targets`` / ``terrain`` (GeoDataFrames in the working CRS,
EPSG:4547) -> ``render`` (EPSG:4326 only there) -> ``io`` (atomic writes).

Public API
----------
read_layer, measure, coverage, targets, make_map, save_map, open_project, init_project,
load_config
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> module that defines it (imported on first use)
_API = {
    "read_layer": "futiangis.api",
    "measure": "futiangis.api",
    "coverage": "futiangis.api",
    "targets": "futiangis.api",
    "make_map": "futiangis.api",
    "save_map": "futiangis.api",
    "open_project": "futiangis.api",
    "init_project": "futiangis.project",
    "Project": "futiangis.project",
    "load_config": "futiangis.config",
    "Config": "futiangis.config",
}

__all__ = ["__version__", *_API]

if TYPE_CHECKING:  # the names, for type checkers and IDEs
    from .api import coverage as coverage
    from .api import make_map as make_map
    from .api import measure as measure
    from .api import open_project as open_project
    from .api import read_layer as read_layer
    from .api import save_map as save_map
    from .api import targets as targets
    from .config import Config as Config
    from .config import load_config as load_config
    from .project import Project as Project
    from .project import init_project as init_project


class _Package(types.ModuleType):
    """Keeps ``fg.coverage``, ``fg.targets`` and ``fg.measure`` the API functions.

    Importing the submodules ``futiangis.coverage``, ``futiangis.targets`` or
    ``futiangis.measure`` would otherwise rebind those names to the modules (the import
    system sets a package attribute per submodule); the modules stay importable by name.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _API and isinstance(value, types.ModuleType) and _API[name] != value.__name__:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'futiangis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
