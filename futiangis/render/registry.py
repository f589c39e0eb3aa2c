"""The theme pages of ``futiangis build``: a registry, so a new page is a local change.

A theme is a function that takes a :class:`ThemeContext` (typed settings, loaded layers,
the build's statistics, the language, and whatever the theme's own ``compute`` step
returned) and returns a :class:`~futiangis.render.model.MapSpec` — or ``None`` when its
layers are not shipped (the page is then left out with a note). Register it with::

    from futiangis.render.registry import register_theme

    @register_theme("life_circle", order=60, title=("生活圈", "Life circles"),
                    compute=lambda settings, layers: my_analysis(settings.coverage, layers))
    def life_circle_spec(ctx):
        return MapSpec("life_circle", ...)          # layers, legends, panels

and add the module to :data:`THEME_MODULES`. ``futiangis build`` then writes
``life_circle.html`` (and ``.png``), links it from ``index.html`` and lists it in
``build.json``; nothing else changes. ``compute(settings, layers)`` runs once per build,
before any page, and its result is ``ctx.data``.

Render is core: a theme sees :class:`ThemeSettings` (the frozen sections of
:mod:`futiangis.settings`) and GeoDataFrames already loaded, never a ``Config``, a path or
the layer catalogue; the build (the shell) picks the settings out of the project's config.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..settings import CoverageSettings, TerrainSettings
from ..targets.spec import Target
from .model import MapSpec

__all__ = ["Theme", "ThemeContext", "ThemeSettings", "register_theme", "registered_themes",
           "THEME_MODULES"]

#: modules whose import registers themes (add yours here)
THEME_MODULES = (
    "futiangis.render.theme_pages",
    "futiangis.render.siting_page",
    "futiangis.render.lifecircle",
)


@dataclass(frozen=True)
class ThemeSettings:
    """The typed settings theme pages read: ``[coverage]``, ``[terrain]``, ``[[targets]]``."""

    coverage: CoverageSettings = field(default_factory=CoverageSettings)
    terrain: TerrainSettings = field(default_factory=TerrainSettings)
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True)
class ThemeContext:
    """What a theme builder gets: typed settings, layers (working CRS), statistics, language.

    ``provenance`` maps a layer kind to its provenance record (``title_en``, ``source``,
    ``accuracy_class`` …, see :func:`futiangis.schemas.provenance_of`), handed over by the
    shell beside the frames, so a popup or legend can say where a layer comes from (and
    that it is illustrative) whatever operations the frame went through.
    """

    settings: ThemeSettings
    layers: Mapping[str, Any]
    stats: Any
    lang: str = "zh"
    data: Any = None
    provenance: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def threshold(self, theme: str, default: float) -> float:
        """The coverage threshold of ``[coverage.<theme>]``, else ``default``."""
        settings = self.settings.coverage.theme(theme)
        if settings is None or settings.threshold is None:
            return default
        return settings.threshold


@dataclass(frozen=True)
class Theme:
    """A registered theme page."""

    key: str
    order: int
    build: Callable[[ThemeContext], MapSpec | None]
    compute: Callable[[ThemeSettings, Mapping[str, Any]], Any] | None = None
    title: tuple[str, str] = field(default=("", ""))


_THEMES: dict[str, Theme] = {}


def register_theme(key: str, *, order: int, title: tuple[str, str] = ("", ""),
                   compute: Callable[[ThemeSettings, Mapping[str, Any]], Any] | None = None):
    """Decorator registering ``fn(ctx) -> MapSpec | None`` as the page ``key``.html."""
    def wrap(fn: Callable[[ThemeContext], MapSpec | None]):
        if key in _THEMES and _THEMES[key].build is not fn:
            raise ValueError(f"theme {key!r} is registered twice")
        _THEMES[key] = Theme(key, order, fn, compute, title)
        return fn
    return wrap


def registered_themes() -> list[Theme]:
    """Every registered theme, in index order (importing :data:`THEME_MODULES` first)."""
    for name in THEME_MODULES:
        importlib.import_module(name)
    return sorted(_THEMES.values(), key=lambda t: (t.order, t.key))
