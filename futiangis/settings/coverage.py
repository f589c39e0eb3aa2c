"""Typed settings for ``[coverage]`` and its themes ``[coverage.<theme>]``.

A theme is any sub-table of ``[coverage]``: the shipped ones are ``parks``, ``charging``
and ``bike``; a project may add its own (``[coverage.schools]`` with ``layer =
"schools"``). Each gives a constant ``radius_m`` or, for parks, ``radii`` rules by park
size/class; a ``threshold`` share in [0, 1]; the ``standard`` text (and optionally the
``clause`` it implements, the ``scope`` and ``exclusions`` of the indicator), so every
result can cite what it implements.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .. import schemas as S
from .reader import Table

__all__ = ["RadiusRule", "CoverageTheme", "CoverageSettings", "parse_coverage", "RADIUS_RULES"]

DEFAULT_QUAD_SEGS = 64
#: how a station spacing becomes a coverage radius: on a square grid of spacing s no point
#: is farther than s/√2 from a station
RADIUS_RULES = ("square_grid",)
DEFAULT_EXCLUDE_CLASSES = ("nature_reserve",)


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
    spacing_m, radius_rule : float or None, str
        A station spacing instead of a radius, converted by ``radius_rule``
        (``square_grid``: radius = spacing / √2); see :attr:`service_radius_m`.
    radii : tuple of RadiusRule
        Radius by facility size/class, first match wins (parks); facilities below the
        last rule are not counted.
    exclude_classes : tuple of str
        Facility classes never counted (parks: ``nature_reserve``).
    threshold : float or None
        Required overall share (0–1).
    standard, clause, rule : str
        The standard implemented, its clause and the project's rule (stated in outputs).
    scope : str
        Where the rule applies, ``KIND`` or ``KIND:FEATURE_ID`` (e.g. ``cbd_zones:zone_core``).
    deadline : str
        When the threshold must be met (stated in outputs).
    exclusions : tuple of str
        What the project leaves out of the denominator (stated in the output).
    """

    name: str
    layer: str
    radius_m: float | None = None
    spacing_m: float | None = None
    radius_rule: str = "square_grid"
    radii: tuple[RadiusRule, ...] = ()
    exclude_classes: tuple[str, ...] = DEFAULT_EXCLUDE_CLASSES
    threshold: float | None = None
    standard: str = ""
    clause: str = ""
    rule: str = ""
    scope: str = ""
    deadline: str = ""
    exclusions: tuple[str, ...] = ()

    @property
    def service_radius_m(self) -> float | None:
        """The one radius of this theme: ``radius_m``, else ``spacing_m`` / √2 (square grid).

        Examples
        --------
        >>> round(CoverageTheme("bike", "bike_stations", spacing_m=300).service_radius_m, 1)
        212.1
        """
        if self.radius_m is not None:
            return self.radius_m
        if self.spacing_m is not None:
            return self.spacing_m / math.sqrt(2.0)
        return None


@dataclass(frozen=True)
class CoverageSettings:
    """``[coverage]``: ``quad_segs`` (segments per quarter circle), the ``land_mask`` layer
    (denominators are land only: the union of that layer's polygons) and the themes."""

    quad_segs: int = DEFAULT_QUAD_SEGS
    land_mask: str = ""
    themes: Mapping[str, CoverageTheme] = field(default_factory=lambda: MappingProxyType({}))

    def theme(self, name: str) -> CoverageTheme | None:
        """The settings of theme ``name`` (None if the config has no such section)."""
        return self.themes.get(name)


def _parse_theme(name: str, table: Table) -> CoverageTheme:
    layer = table.string("layer", S.THEME_LAYER.get(name, name))
    radius = table.number("radius_m", None, above=0.0, unit="metres")
    spacing = table.number("spacing_m", None, above=0.0, unit="metres")
    radius_rule = table.string("radius_rule", "square_grid", choices=RADIUS_RULES)
    rules = []
    for rule in table.tables("radii"):
        klass = rule.string("park_class", None)
        rules.append(RadiusRule(
            radius_m=rule.number("radius_m", above=0.0, unit="metres"),
            min_area_m2=rule.number("min_area_m2", 0.0, at_least=0.0, unit="m²"),
            park_class=klass,
        ))
        rule.finish()
    if "radius_m" not in table and "spacing_m" not in table and not rules:
        table.problem(None, "needs radius_m = <metres> (or spacing_m, or radii = [{ min_area_m2 = 0, "
                            "radius_m = 300 }, …]).")
    threshold = table.share("threshold", None)
    theme = CoverageTheme(
        name=name,
        layer=layer,
        radius_m=radius,
        spacing_m=spacing,
        radius_rule=radius_rule,
        radii=tuple(rules),
        exclude_classes=table.strings("exclude_classes", DEFAULT_EXCLUDE_CLASSES),
        threshold=threshold,
        standard=table.string("standard", ""),
        clause=table.string("clause", ""),
        rule=table.string("rule", ""),
        scope=table.string("scope", ""),
        deadline=str(table.raw("deadline", "") or ""),
        exclusions=table.strings("exclusions", ()),
    )
    table.finish()
    return theme


def parse_coverage(table: Table) -> CoverageSettings:
    """Read ``[coverage]`` and every ``[coverage.<theme>]`` below it."""
    quad_segs = table.integer("quad_segs", DEFAULT_QUAD_SEGS, at_least=1)
    land_mask = table.string("land_mask", "")
    themes = {}
    for key in table.keys():
        if key in ("quad_segs", "land_mask"):
            continue
        if not isinstance(table.data[key], Mapping):
            continue  # reported as an unknown key by finish()
        themes[key] = _parse_theme(key, table.table(key))
    return CoverageSettings(quad_segs=quad_segs, land_mask=land_mask, themes=MappingProxyType(themes))
