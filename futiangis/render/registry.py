"""The theme pages of ``futiangis build``: a registry, so a new page is a local change.

A theme is a function that takes a :class:`ThemeContext` (config, loaded layers, the
build's statistics, the language, and whatever the theme's own ``compute`` step
returned) and returns a :class:`~futiangis.render.model.MapSpec` — or ``None`` when its
layers are not shipped (the page is then left out with a note). Register it with::

    from futiangis.render.registry import register_theme

    @register_theme("life_circle", order=60, title=("生活圈", "Life circles"),
                    compute=lambda config, layers: my_analysis(config, layers))
    def life_circle_spec(ctx):
        return MapSpec("life_circle", ...)          # layers, legends, panels

and add the module to :data:`THEME_MODULES`. ``futiangis build`` then writes
``life_circle.html`` (and ``.png``), links it from ``index.html`` and lists it in
``build.json``; nothing else changes. ``compute`` runs once per build, before any page,
and its result is ``ctx.data``.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import MapSpec

__all__ = ["Theme", "ThemeContext", "register_theme", "registered_themes", "THEME_MODULES"]

#: modules whose import registers themes (add yours here)
THEME_MODULES = (
    "futiangis.render.theme_pages",
    "futiangis.render.siting_page",
    "futiangis.render.lifecircle",
)


@dataclass(frozen=True)
class ThemeContext:
    """What a theme builder gets: settings, layers (working CRS), statistics, language."""

    config: Any
    layers: Mapping[str, Any]
    stats: Any
    lang: str = "zh"
    data: Any = None

    def threshold(self, theme: str, default: float) -> float:
        """The coverage threshold of ``[coverage.<theme>]`` in the config."""
        settings = self.config.coverage.theme(theme)
        if settings is None or settings.threshold is None:
            return default
        return settings.threshold


@dataclass(frozen=True)
class Theme:
    """A registered theme page."""

    key: str
    order: int
    build: Callable[[ThemeContext], MapSpec | None]
    compute: Callable[[Any, Mapping[str, Any]], Any] | None = None
    title: tuple[str, str] = field(default=("", ""))


_THEMES: dict[str, Theme] = {}


def register_theme(key: str, *, order: int, title: tuple[str, str] = ("", ""),
                   compute: Callable[[Any, Mapping[str, Any]], Any] | None = None):
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
