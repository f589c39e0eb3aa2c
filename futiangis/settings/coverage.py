"""Typed settings for ``[coverage]`` and its themes ``[coverage.<theme>]``.

A theme is any sub-table of ``[coverage]``: the shipped ones are ``parks``, ``charging``
and ``bike``; a project may add its own (``[coverage.schools]`` with ``layer =
"schools"``). Each gives a constant ``radius_m`` or, for parks, ``radii`` rules by park
size/class; a ``threshold`` share in [0, 1]; the ``standard`` text (and optionally the
``clause`` it implements, the ``scope`` and ``exclusions`` of the indicator), so every
result can cite what it implements.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .. import schemas as S
from .reader import Table

__all__ = ["RadiusRule", "CoverageTheme", "CoverageSettings", "parse_coverage"]

DEFAULT_QUAD_SEGS = 64


@dataclass(frozen=True)
class RadiusRule:
    """Parks of at least ``min_area_m2`` (and of ``park_class``, if given) serve ``radius_m``."""

    radius_m: float
    min_area_m2: float = 0.0
    park_class: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for reports and JSON)."""
        out: dict[str, Any] = {"min_area_m2": self.min_area_m2, "radius_m": self.radius_m}
        if self.park_class is not None:
            out["park_class"] = self.park_class
        return out


@dataclass(frozen=True)
class CoverageTheme:
    """One coverage theme (``[coverage.<name>]``).

    Attributes
    ----------
    name : str
        Theme name (``parks``, ``charging``, ``bike`` or the project's own).
    layer : str
        Catalogue kind of the facilities (default: :data:`futiangis.schemas.THEME_LAYER`).
    radius_m : float or None
        One service radius for every facility.
    radii : tuple of RadiusRule
        Radius by facility size/class, first match wins (parks).
    threshold : float or None
        Required overall share (0–1).
    standard, clause, scope : str
        The standard implemented, its clause and what the indicator covers.
    exclusions : tuple of str
        What the project leaves out of the denominator (stated in the output).
    """

    name: str
    layer: str
    radius_m: float | None = None
    radii: tuple[RadiusRule, ...] = ()
    threshold: float | None = None
    standard: str = ""
    clause: str = ""
    scope: str = ""
    exclusions: tuple[str, ...] = ()


@dataclass(frozen=True)
class CoverageSettings:
    """``[coverage]``: ``quad_segs`` (segments per quarter circle) and the themes by name."""

    quad_segs: int = DEFAULT_QUAD_SEGS
    themes: Mapping[str, CoverageTheme] = field(default_factory=lambda: MappingProxyType({}))

    def theme(self, name: str) -> CoverageTheme | None:
        """The settings of theme ``name`` (None if the config has no such section)."""
        return self.themes.get(name)


def _parse_theme(name: str, table: Table) -> CoverageTheme:
    layer = table.string("layer", S.THEME_LAYER.get(name, name))
    radius = table.number("radius_m", None, above=0.0, unit="metres")
    rules = []
    for rule in table.tables("radii"):
        klass = rule.string("park_class", None)
        rules.append(RadiusRule(
            radius_m=rule.number("radius_m", above=0.0, unit="metres"),
            min_area_m2=rule.number("min_area_m2", 0.0, at_least=0.0, unit="m²"),
            park_class=klass,
        ))
        rule.finish()
    if "radius_m" not in table and not rules:
        table.problem(None, "needs radius_m = <metres> (or radii = [{ min_area_m2 = 0, radius_m = 300 }, …]).")
    threshold = table.share("threshold", None)
    theme = CoverageTheme(
        name=name,
        layer=layer,
        radius_m=radius,
        radii=tuple(rules),
        threshold=threshold,
        standard=table.string("standard", ""),
        clause=table.string("clause", ""),
        scope=table.string("scope", ""),
        exclusions=table.strings("exclusions", ()),
    )
    table.finish()
    return theme


def parse_coverage(table: Table) -> CoverageSettings:
    """Read ``[coverage]`` and every ``[coverage.<theme>]`` below it."""
    quad_segs = table.integer("quad_segs", DEFAULT_QUAD_SEGS, at_least=1)
    themes = {}
    for key in table.keys():
        if key == "quad_segs":
            continue
        if not isinstance(table.data[key], Mapping):
            continue  # reported as an unknown key by finish()
        themes[key] = _parse_theme(key, table.table(key))
    return CoverageSettings(quad_segs=quad_segs, themes=MappingProxyType(themes))
