"""Typed, frozen settings: one dataclass per section of ``futiangis.toml``.

These are what the analysis modules take (never the whole :class:`~futiangis.config.Config`);
:func:`futiangis.config.load_config` builds and checks them once.
"""
from __future__ import annotations

from .core import (
    FUTIAN_BBOX_WGS84,
    SHENZHEN_BBOX_WGS84,
    CRSSettings,
    MapSettings,
    PathSettings,
    RegionSettings,
    TerrainSettings,
    ValidationSettings,
)
from .coverage import CoverageSettings, CoverageTheme, RadiusRule

__all__ = [
    "SHENZHEN_BBOX_WGS84", "FUTIAN_BBOX_WGS84",
    "CRSSettings", "PathSettings", "RegionSettings", "ValidationSettings", "TerrainSettings",
    "MapSettings", "CoverageSettings", "CoverageTheme", "RadiusRule",
]
