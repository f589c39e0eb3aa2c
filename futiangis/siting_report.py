"""Siting outputs: the ranked sites and before/after coverage as GeoPackage, CSV and XLSX.

``write_siting_outputs(result, out_dir)`` publishes one folder atomically (through
:mod:`futiangis.io`):

* ``sites.gpkg`` — layer ``sites`` (ranked, EPSG:4547) and ``sites.geojson`` (EPSG:4326);
* ``demand.gpkg`` — the demand points with ``covered_before`` / ``covered_after``;
* ``sites.csv``, ``by_unit.csv``, ``by_subdistrict.csv`` (UTF-8 with BOM for Excel);
* ``siting.xlsx`` — README (settings, notes), sites, overall, by_unit, by_subdistrict;
* ``summary.json`` — what ``futiangis site --json`` prints.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .io import atomic_output_dir, write_bytes_atomic, write_layer, write_text_atomic
from .report import build_xlsx, table_to_csv
from .siting_run import SitingResult

__all__ = ["overall_table", "site_table", "siting_tables", "write_siting_outputs"]

SITE_COLUMNS = (
    "rank", "id", "theme", "marginal_demand", "covered_demand_cum", "share_cum", "capacity",
    "lon_wgs84", "lat_wgs84", "lon_gcj02", "lat_gcj02", "x_m", "y_m",
    "unit_id", "unit_name_zh", "subdistrict_id", "subdistrict_zh",
)


def site_table(result: SitingResult) -> pd.DataFrame:
    """The chosen sites, best first, without geometry (the columns of ``SITE_COLUMNS``
    present, then any attribute the planner's candidate file carried)."""
    sites = result.sites.drop(columns=result.sites.geometry.name)
    first = [c for c in SITE_COLUMNS if c in sites.columns]
    return sites[first + [c for c in sites.columns if c not in first]]


def overall_table(result: SitingResult) -> pd.DataFrame:
    """Before/after coverage of all demand, with the greedy answer beside the exact one."""
    rows = [
        ("total_demand", result.total_demand),
        ("covered_demand_before", result.covered_demand_before),
        ("covered_demand_after", result.covered_demand),
        ("share_before", result.share_before),
        ("share_after", result.share_after),
        ("new_sites", len(result.sites)),
        ("greedy_covered_demand", result.greedy.covered_demand),
        ("greedy_gap_of_added_demand", result.greedy_gap),
        ("exact_status", result.exact.status),
        ("exact_seconds", round(result.exact.seconds, 3)),
        ("demand_kind", result.demand_kind),
        ("demand_unit", result.demand_unit),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": object})


def siting_tables(result: SitingResult) -> dict[str, pd.DataFrame]:
    """Every table of a siting result, keyed by sheet name."""
    tables = {"sites": site_table(result), "overall": overall_table(result),
              "by_unit": result.by_unit}
    if result.by_subdistrict is not None:
        tables["by_subdistrict"] = result.by_subdistrict
    tables["settings"] = pd.DataFrame(
        [(k, "" if v is None else str(v)) for k, v in result.settings.items()],
        columns=["setting", "value"])
    return tables


def write_siting_outputs(result: SitingResult, out_dir: str | Path, *, force: bool = False,
                         protected: Iterable[tuple[str | Path, str]] = ()) -> list[Path]:
    """Publish the siting outputs into ``out_dir`` (a folder replaced as a whole).

    The folder must be new, empty or a previous futiangis output unless ``force``; never a
    ``protected`` path or a parent of one (:func:`futiangis.io.outputs.atomic_output_dir`).

    Returns
    -------
    list of Path
        The files written, under ``out_dir``.
    """
    tables = siting_tables(result)
    notes = [(f"futiangis site {result.theme}: {len(result.sites)} new site(s), status "
              f"{result.status}"), *result.notes,
             *(f"{k}: {v}" for k, v in result.settings.items())]
    names: list[str] = []
    with atomic_output_dir(out_dir, force=force, protected=protected) as staging:
        sites = result.sites
        write_layer(sites, staging / "sites.gpkg", layer="sites")
        write_layer(sites, staging / "sites.geojson")
        write_layer(result.demand, staging / "demand.gpkg", layer="demand")
        names += ["sites.gpkg", "sites.geojson", "demand.gpkg"]
        for key in ("sites", "by_unit", "by_subdistrict"):
            if key in tables:
                write_bytes_atomic(table_to_csv(tables[key]), staging / f"{key}.csv")
                names.append(f"{key}.csv")
        write_bytes_atomic(build_xlsx(tables, notes=notes, title="futiangis site: where the next facilities go"), staging / "siting.xlsx")
        write_text_atomic(json.dumps(result.to_dict(), ensure_ascii=False, indent=2),
                          staging / "summary.json")
        names += ["siting.xlsx", "summary.json"]
    out = Path(out_dir).resolve()
    return [out / n for n in names]
