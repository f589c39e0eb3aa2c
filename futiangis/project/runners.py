"""The project's analyses with a config in front, for scripts and tests."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .shell import Project

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from ..config import Config
    from ..coverage import CoverageResult
    from ..targets import TargetResult
    from ..terrain import TerrainResult


def run_coverage(theme: str, config: Config, **options: Any) -> CoverageResult:
    """:meth:`Project.coverage` of the project described by ``config``."""
    return Project(config).coverage(theme, **options)


def run_target_accounting(config: Config, **options: Any) -> TargetResult:
    """:meth:`Project.targets` of the project described by ``config``."""
    return Project(config).targets(**options)


def run_terrain(config: Config, **options: Any) -> TerrainResult:
    """:meth:`Project.terrain` of the project described by ``config``."""
    return Project(config).terrain(**options)


def stats_by(config: Config, by: str = "units") -> pd.DataFrame:
    """:meth:`Project.stats` of the project described by ``config``."""
    return Project(config).stats(by)


def load_build_layers(config: Config) -> tuple[dict[str, gpd.GeoDataFrame | None], list[str]]:
    """:meth:`Project.build_layers` of the project described by ``config``."""
    return Project(config).build_layers()
