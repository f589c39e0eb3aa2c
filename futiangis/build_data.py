"""The numbers behind the maps, for GIS and spreadsheets: the data files of a build."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from . import schemas as S
from .io import write_bytes_atomic

if TYPE_CHECKING:
    from .build import BuildStats

__all__ = ["COVERAGE_DECIMALS", "coverage_table", "write_build_data"]

#: shares in data files: 12 decimals keep every real difference and drop float noise
COVERAGE_DECIMALS = 12


def write_build_data(stats: BuildStats, layers: Mapping[str, gpd.GeoDataFrame | None],
                     folder: Path) -> list[Path]:
    """Write the numbers behind the maps for GIS and spreadsheets.

    ``reports/targets/`` (CSV, XLSX, Markdown, PNG chart: see :mod:`futiangis.report`),
    ``data/<theme>_gaps.gpkg`` (uncovered parts of each unit, largest first, EPSG:4547),
    ``data/coverage_by_unit.csv``, ``data/coverage_by_subdistrict.csv`` (when the 街道 are
    shipped) and ``data/route_gradients.csv``. Atomic writes.
    """
    from .io import write_layer
    from .io.reports import write_files
    from .report import table_to_csv, target_report_files

    written: list[Path] = []
    if stats.targets is not None:
        written += write_files(target_report_files(stats.targets), folder / "reports" / "targets")
    data = folder / "data"
    if stats.coverage:
        written.append(write_bytes_atomic(table_to_csv(coverage_table(layers["units"], stats.coverage)),
                                          data / "coverage_by_unit.csv"))
        for theme, result in stats.coverage.items():
            gaps = result.gaps.copy()
            gaps[S.ILLUSTRATIVE] = bool(result.illustrative)
            written.append(write_layer(gaps, data / f"{theme}_gaps.gpkg", layer=f"{theme}_gaps"))
    if stats.coverage_by_subdistrict:
        table = coverage_table(layers["subdistricts"], stats.coverage_by_subdistrict)
        written.append(write_bytes_atomic(table_to_csv(table), data / "coverage_by_subdistrict.csv"))
    lifecircle = stats.themes.get("lifecircle")
    if lifecircle is not None:  # the life-circle tables (issue 14), per unit and per 街道
        for name, frame in (("lifecircle_by_unit", lifecircle.units),
                            ("lifecircle_by_subdistrict", lifecircle.subdistricts)):
            if frame is not None:
                written.append(write_bytes_atomic(table_to_csv(frame), data / f"{name}.csv"))
    if stats.gradients is not None:
        written.append(write_bytes_atomic(table_to_csv(stats.gradients.reset_index(drop=True)),
                                          data / "route_gradients.csv"))
    return written


def coverage_table(units: gpd.GeoDataFrame, coverage: Mapping[str, Any]) -> pd.DataFrame:
    """One row per unit (or 街道): covered, total, coverage and the verdict of every theme."""
    table = pd.DataFrame({S.ID: units[S.ID].to_numpy(), S.NAME_ZH: units[S.NAME_ZH].to_numpy(),
                          S.NAME_EN: units[S.NAME_EN].to_numpy()})
    for theme, result in coverage.items():
        per_unit = result.units.drop_duplicates(S.ID).set_index(S.ID)
        for col in ("covered_m2", "total_m2", "coverage", "verdict", "margin_pp"):
            if col in per_unit.columns:
                values = table[S.ID].map(per_unit[col])
                if col == "coverage":  # 0.99999999999998 is float noise of a fully covered unit
                    values = values.astype("float64").round(COVERAGE_DECIMALS)
                table[f"{theme}_{col}"] = values.to_numpy()
    return table
