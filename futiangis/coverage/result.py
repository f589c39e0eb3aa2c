"""The result of a coverage analysis and the verdict it states."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from .. import schemas as S
from ..errors import FutianGISError
from ..jsonutil import jsonable
from ..overlay import merge_pieces

__all__ = ["CoverageInputError", "CoverageResult", "verdict_of"]

COVERED_M2 = "covered_m2"
TOTAL_M2 = "total_m2"
COVERAGE = "coverage"
UNCOVERED_M2 = "uncovered_m2"
POPULATION = "population"
POPULATION_COVERED = "population_covered"
POPULATION_COVERAGE = "population_coverage"
UNIT_ID = "unit_id"
GAP_ID = "gap_id"


class CoverageInputError(FutianGISError, ValueError):
    """Facilities, radii or units cannot be used for a coverage analysis."""


@dataclass(frozen=True)
class CoverageResult:
    """Coverage of units (and the district) by facility service areas.

    Frozen: a field cannot be reassigned (``dataclasses.replace`` makes a changed copy).
    The tables (``units``, ``gaps``, ``excluded``) are the result's own frames, built by the
    analysis and shared with no input: copy one before editing it, or the result changes.

    Attributes
    ----------
    overall : dict
        ``covered_m2``, ``total_m2``, ``coverage`` (0–1), ``uncovered_m2`` for the whole
        district (or the union of the units when no district is given); plus
        ``population``, ``population_covered``, ``population_coverage`` with a raster.
    units : DataFrame
        Indexed like the units: ``id`` and the same keys per unit.
    service_area : shapely geometry
        Union of all buffers, EPSG:4547 (working CRS); dissolved from ``service_pieces``
        on first access.
    service_pieces : numpy array of polygons
        The same area as interior-disjoint pieces (tiles), what the statistics use.
    gaps : GeoDataFrame
        Uncovered single-part polygons (``gap_id``, ``unit_id``, ``unit_name_zh`` when the
        units have names, ``area_m2``), largest first, EPSG:4547.
    radius_m : dict
        How radii were set: ``mode`` (``constant``, ``per_facility``, ``by_park_area``),
        ``min``, ``max``, ``counts`` ({radius: number of facilities}) and ``rules``.
    standard : str
        The standard the radius/threshold comes from (empty if none given).
    has_status : bool
        True when the facility layer has a ``status`` column, so the ``current`` and
        ``planned`` scenarios can differ.
    notes : tuple of str
        What a reader of the figure needs to know (scenario, land mask, illustrative data).
    """

    overall: dict
    units: pd.DataFrame
    service_pieces: np.ndarray
    gaps: gpd.GeoDataFrame
    radius_m: dict
    standard: str = ""
    threshold: float | None = None
    theme: str | None = None
    scenario: str | None = None
    facilities_count: int = 0
    quad_segs: int = 64
    denominator: str = "unit area"
    crs: str = "EPSG:4547"
    illustrative: bool = False
    has_status: bool = False
    notes: tuple[str, ...] = ()

    @cached_property
    def service_area(self) -> BaseGeometry:
        """Union of all buffers (one geometry), dissolved from the pieces when first used."""
        return merge_pieces(self.service_pieces)

    clause: str = ""
    deadline: str | None = None
    rule: str = ""
    excluded: pd.DataFrame | None = None

    @property
    def verdict(self) -> dict:
        """达标/未达标 · met/not met, by how much (percentage points) and by which deadline."""
        return verdict_of(self.overall.get(COVERAGE), self.threshold, self.deadline)

    @property
    def coverage(self) -> float:
        """The overall covered share (0–1): ``overall["coverage"]``."""
        return float(self.overall[COVERAGE])

    def _summary(self) -> tuple[str, list[tuple[str, object]]]:
        r = self.radius_m or {}
        radius = (f"{r.get('min'):g} m" if r.get("min") == r.get("max") and r.get("min") is not None
                  else f"{r.get('min')}–{r.get('max')} m ({r.get('mode')})")
        rows: list[tuple[str, object]] = [
            ("coverage", f"{self.coverage:.2%}" if self.coverage == self.coverage else "n/a"),
            ("covered", f"{self.overall[COVERED_M2] / 1e6:,.3f} of {self.overall[TOTAL_M2] / 1e6:,.3f} km²"),
            ("threshold", "none" if self.threshold is None else
             f"{self.threshold:.0%}: {'met' if self.meets_threshold else 'not met'}"),
            ("radius", radius),
            ("facilities", self.facilities_count),
            ("units", len(self.units)),
            ("gaps", f"{len(self.gaps)} polygons"),
            ("denominator", self.denominator),
            ("crs", self.crs),
        ]
        if self.standard:
            rows.append(("standard", self.standard[:120]))
        title = f"CoverageResult{' ' + self.theme if self.theme else ''}"
        return title, rows

    def __repr__(self) -> str:
        from ..summary import summary_text

        return summary_text(*self._summary())

    def _repr_html_(self) -> str:
        from ..summary import summary_html

        return summary_html(*self._summary())

    @property
    def meets_threshold(self) -> bool | None:
        """True if the overall coverage reaches ``threshold`` (None without a threshold)."""
        if self.threshold is None:
            return None
        return bool(self.overall[COVERAGE] >= self.threshold)

    def to_dict(self) -> dict:
        """Plain data for JSON: overall, units keyed by unit id, settings and notes."""
        units = {}
        for _, row in self.units.iterrows():
            units[str(row[S.ID])] = {k: jsonable(v) for k, v in row.items()
                                     if k != S.ID and k != "geometry"}
        return {
            "theme": self.theme,
            "scenario": self.scenario,
            "standard": self.standard,
            "clause": self.clause,
            "rule": self.rule,
            "deadline": self.deadline,
            "verdict": self.verdict,
            "excluded": [] if self.excluded is None else [
                {k: jsonable(v) for k, v in r.items()} for r in self.excluded.to_dict("records")],
            "threshold": self.threshold,
            "meets_threshold": self.meets_threshold,
            "radius_m": jsonable(self.radius_m),
            "quad_segs": self.quad_segs,
            "denominator": self.denominator,
            "crs": self.crs,
            "facilities": self.facilities_count,
            "illustrative": self.illustrative,
            "notes": list(self.notes),
            "overall": {k: jsonable(v) for k, v in self.overall.items()},
            "units": units,
            "gaps": {
                "count": int(len(self.gaps)),
                "area_m2": float(self.gaps[S.AREA_M2].sum()) if len(self.gaps) else 0.0,
            },
        }


def verdict_of(coverage: float | None, threshold: float | None, deadline: str | None = None) -> dict:
    """``{"met", "verdict", "verdict_zh", "margin_pp", "text"}`` for one coverage figure.

    Examples
    --------
    >>> verdict_of(0.433, 0.8)["text"]
    '未达标 · not met: 43.3 % against ≥ 80 % (36.7 pp short)'
    """
    if threshold is None or coverage is None or coverage != coverage:
        return {"met": None, "verdict": None, "verdict_zh": None, "margin_pp": None, "text": "no threshold"}
    met = bool(coverage >= threshold)
    margin = 100.0 * (coverage - threshold)
    text = (f"{'达标 · met' if met else '未达标 · not met'}: {100 * coverage:.1f} % against "
            f"≥ {100 * threshold:.0f} % ({abs(margin):.1f} pp {'ahead' if met else 'short'})")
    if deadline:
        text += f" by {deadline}"
    return {"met": met, "verdict": "met" if met else "not met", "verdict_zh": "达标" if met else "未达标",
            "margin_pp": margin, "text": text}
