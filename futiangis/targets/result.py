"""The result of a target accounting, and the rules it states."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from ..errors import Problem
from ..jsonutil import records

__all__ = ["ACCOUNTING_RULES", "TARGET_COLUMNS", "TargetResult"]

ACCOUNTING_RULES = (
    "Period: each target counts what is delivered in its period [start, end]; it is evaluated "
    "at E = min(end, as-of) (--as-of defaults to the end). Deliveries before start are shown "
    "as 'before the period' and not counted.",
    "Delivered = the target's milestone (counts = completed by default; approved for 'space "
    "supplied'). achieved = milestone dated in [start, E]; pipeline = approved or under "
    "construction at E and not yet delivered; proposed = planned at E.",
    "Status at a date comes from the milestone dates planned_date, approved_date, start_date, "
    "completed_date (a year means 31 December; the old year is the date of the recorded "
    "status); before its earliest date a site does not exist. Dates that contradict each other "
    "or the status are reported per site; the accounting follows the dates.",
    "A site with no dates keeps its recorded status (approved / under construction → pipeline; "
    "planned → proposed) but is never achieved: delivered without a date goes to 'undated' and "
    "is listed.",
    "GFA, not footprint: each site contributes its new industrial floor area gfa_new_m2; when "
    "missing it is estimated as land (EPSG:4547) × plot_ratio × industrial_share and flagged; "
    "a site that cannot be estimated counts 0 and is named.",
    "Supply type: urban_renewal, new_land, purchase_lease or other (missing = urban_renewal); "
    "each target counts its supply_types, so 「其中城市更新」 counts urban renewal only.",
    "Investment in the period: per-site yearly amounts (investment_by_year or "
    "investment_<YYYY>_100m_cny), each dated 31 December of its year; a site's total budget is "
    "never taken as a year's investment (a started site without a yearly breakdown is 'undated').",
    "Overlaps are data problems: near-duplicates (≥ 95 % mutual overlap, or equal names) are "
    "counted once and listed; any other overlap: both sites count in full and a warning names "
    "the pair and the shared m². GFA is never prorated by land.",
    "A site straddling zones belongs to the zone (街道, unit) holding most of its land; the "
    "split is reported; counts by zone add up to the number of sites.",
)

TARGET_COLUMNS = (
    "id", "name_zh", "name_en", "target", "achieved", "pipeline", "proposed", "before_period",
    "undated", "progress", "shortfall", "unit", "start", "end", "evaluated_at", "verdict",
    "verdict_zh", "margin", "verdict_text",
)


@dataclass(frozen=True)
class TargetResult:
    """Everything a target accounting works out.

    Frozen: a field cannot be reassigned (``dataclasses.replace`` makes a changed copy).
    The tables are the result's own frames (``sites`` is a copy of the input sites with the
    accounting columns added), shared with no input: copy one before editing it.

    Attributes
    ----------
    targets : DataFrame
        One row per target (:data:`TARGET_COLUMNS`): values in the target's ``unit``
        (m² of GFA or 亿元); ``progress`` = 100 × achieved / target; ``shortfall`` =
        max(target − achieved, 0); ``margin`` = achieved − target; ``verdict`` ``met`` /
        ``not met`` (``verdict_zh`` 达标 / 未达标); ``start``, ``end`` (the deadline) and
        ``evaluated_at`` (E = min(end, as-of)).
    sites : GeoDataFrame
        The sites with ``land_area_m2``, ``gfa_m2``, ``gfa_estimated``, ``duplicate_of``,
        ``zone_id_assigned``, the status at E of the headline target and one column per
        target (``column_<id>``) and the headline GFA per column (``achieved_m2`` …).
    by_zone, by_direction, by_area, by_status, by_year : DataFrame
        Breakdowns of the headline GFA target (the first in m²) and the budget (亿元).
        ``by_area`` is by 街道 or traffic zone (``area_kind``).
    splits, area_splits : DataFrame
        Site × zone (× area) pieces with land and the share; ``assigned`` marks the piece
        the site belongs to.
    duplicates, overlaps : DataFrame
        Near-duplicates counted once; other overlapping pairs (both counted in full).
    undated : DataFrame
        Sites delivered without a date (per target), never counted as achieved.
    warnings : tuple of Problem
    illustrative : bool
        True when an input layer is illustrative (set by the caller, who knows the data).
    sources : dict
        Input name → a label of its file and accuracy (set by the caller).
    """

    targets: pd.DataFrame
    sites: gpd.GeoDataFrame
    by_zone: pd.DataFrame
    by_direction: pd.DataFrame
    by_status: pd.DataFrame
    by_year: pd.DataFrame
    splits: pd.DataFrame
    duplicates: pd.DataFrame
    overlaps: pd.DataFrame
    undated: pd.DataFrame
    by_area: pd.DataFrame | None = None
    area_splits: pd.DataFrame | None = None
    area_kind: str | None = None
    headline: str | None = None
    warnings: tuple[Problem, ...] = ()
    as_of: dt.date | None = None
    illustrative: bool = False
    deadlines: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        lines = [f"TargetResult({len(self.sites)} sites, as of {self.as_of or 'each target end'})"]
        for r in self.targets.itertuples(index=False):
            lines.append(f"  {r.id}: {r.verdict_text}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from ..summary import summary_html

        rows = [(str(r.id), str(r.verdict_text)) for r in self.targets.itertuples(index=False)]
        return summary_html(f"TargetResult: {len(self.sites)} sites, as of "
                            f"{self.as_of or 'each target end'}", rows)

    def to_dict(self) -> dict:
        """Plain-data (JSON-ready) view: ``targets`` list plus breakdowns and warnings."""
        targets = records(self.targets)
        for row in targets:
            row["deadline"] = row["end"]
            row["progress_unit"] = "percent"
        sites = pd.DataFrame(self.sites.drop(columns=self.sites.geometry.name))
        out = {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "illustrative": self.illustrative,
            "sources": self.sources,
            "headline_target": self.headline,
            "accounting_rules": list(ACCOUNTING_RULES),
            "targets": targets,
            "by_zone": records(self.by_zone),
            "by_direction": records(self.by_direction),
            "by_status": records(self.by_status),
            "by_year": records(self.by_year),
            "duplicates": records(self.duplicates),
            "overlaps": records(self.overlaps),
            "undated": records(self.undated),
            "splits": records(self.splits),
            "sites": records(sites),
            "warnings": [
                {"code": p.code, "feature_id": p.feature_id, "field": p.field,
                 "severity": p.severity, "message": p.message}
                for p in self.warnings
            ],
        }
        if self.by_area is not None:
            out["by_area"] = {"kind": self.area_kind, "rows": records(self.by_area)}
        return out
