"""A site's timeline: milestone dates, the status they imply at a date, and contradictions.

Sites carry ``planned_date``, ``approved_date``, ``start_date`` and ``completed_date`` (each
optional; a year means 31 December). The old ``year`` is read as the date of the recorded
status when that milestone has no date of its own. The status at a date E is
reconstructed: completed if ``completed_date`` ≤ E, else under construction if
``start_date`` ≤ E, else approved if ``approved_date`` ≤ E, else planned if
``planned_date`` ≤ E; before its earliest date the site does not exist (``None``).
"""
from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import schemas as S
from ..dates import parse_date, to_dates
from ..errors import LayerValidationError, Problem
from ..validate import feature_labels
from .spec import MILESTONE_DATE, MILESTONES

__all__ = ["read_milestones", "status_at", "date_problems", "YEAR_USED"]

#: column of :func:`read_milestones` output: the milestone whose date came from ``year``
YEAR_USED = "year_used_for"
_RANK = {m: i for i, m in enumerate(MILESTONES)}


def read_milestones(sites: gpd.GeoDataFrame, *, source: str = "sites") -> pd.DataFrame:
    """The four milestone dates of every site (``datetime.date`` or None), index kept.

    A recorded status without its own date takes 31 December of ``year``; the column
    ``year_used_for`` names that milestone (empty otherwise).

    Raises
    ------
    LayerValidationError
        Naming every site and field whose date cannot be read.
    """
    labels = feature_labels(sites)
    out = pd.DataFrame(index=sites.index)
    problems: list[Problem] = []
    for m in MILESTONES:
        col = MILESTONE_DATE[m]
        if col in sites.columns:
            dates, bad = to_dates(sites[col])
            for i in np.flatnonzero(bad):
                problems.append(Problem(
                    "wrong_type", f"value {str(sites[col].iloc[i])[:40]!r} is not a date; write "
                    "YYYY-MM-DD or a year (a year means 31 December).", labels.iloc[i], col))
            out[col] = dates
        else:
            out[col] = pd.Series([None] * len(sites), index=sites.index, dtype=object)
    used = [""] * len(sites)
    columns = {c: list(out[c]) for c in out.columns}
    if S.YEAR in sites.columns:
        for i, (status, year) in enumerate(zip(sites[S.STATUS].to_numpy(dtype=object),  # type: ignore[assignment]
                                               sites[S.YEAR].to_numpy(dtype=object))):
            col = MILESTONE_DATE.get(str(status))  # type: ignore[assignment]
            if col is None:
                continue
            try:
                when = parse_date(year)
            except (ValueError, TypeError):
                problems.append(Problem("wrong_type", f"year {year!r} is not a year.",
                                        labels.iloc[i], S.YEAR))
                continue
            if when is not None and columns[col][i] is None:
                columns[col][i] = when
                used[i] = str(status)
    if problems:
        raise LayerValidationError(source, problems)
    out = pd.DataFrame({c: pd.Series(v, index=sites.index, dtype=object) for c, v in columns.items()},
                       index=sites.index)
    out[YEAR_USED] = used
    return out


def status_at(milestones: pd.DataFrame, when: dt.date) -> pd.Series:
    """Status of each site at ``when`` from its dates (None: not yet planned, or undated).

    Examples
    --------
    >>> import datetime as dt, pandas as pd
    >>> m = pd.DataFrame({"planned_date": [dt.date(2012, 3, 1)], "approved_date": [dt.date(2013, 6, 1)],
    ...                   "start_date": [dt.date(2014, 1, 1)], "completed_date": [dt.date(2015, 9, 30)]})
    >>> [status_at(m, dt.date(y, 12, 31)).iloc[0] for y in (2011, 2012, 2013, 2014, 2015)]
    [None, 'planned', 'approved', 'under_construction', 'completed']
    """
    status = pd.Series([None] * len(milestones), index=milestones.index, dtype=object)
    for m in MILESTONES:  # later milestones overwrite earlier ones
        dates = milestones[MILESTONE_DATE[m]]
        reached = np.array([d is not None and d <= when for d in dates], dtype=bool)
        status[reached] = m
    return status


def date_problems(sites: gpd.GeoDataFrame, milestones: pd.DataFrame) -> list[Problem]:
    """Dates that contradict each other or the recorded status, one warning per site and fact.

    Reported: a milestone dated before an earlier one (e.g. started before approved); a
    date for a milestone beyond the recorded status (a ``planned`` site with a
    ``completed_date``); a ``year`` that disagrees with the date of the recorded status.
    """
    labels = feature_labels(sites)
    warnings: list[Problem] = []
    statuses = sites[S.STATUS].astype(str).to_numpy()
    years = sites[S.YEAR].to_numpy(dtype=object) if S.YEAR in sites.columns else [None] * len(sites)
    cols = {m: milestones[MILESTONE_DATE[m]].to_numpy(dtype=object) for m in MILESTONES}
    year_used = milestones[YEAR_USED].to_numpy(dtype=object)
    for i in range(len(sites)):
        row = {m: cols[m][i] for m in MILESTONES}
        dated = [(m, d) for m, d in row.items() if d is not None]
        for (m1, d1), (m2, d2) in zip(dated, dated[1:]):
            if d2 < d1:
                warnings.append(Problem(
                    "dates_out_of_order",
                    f"{MILESTONE_DATE[m2]} {d2} is before {MILESTONE_DATE[m1]} {d1}; a site is "
                    f"{m1.replace('_', ' ')} before it is {m2.replace('_', ' ')}. Correct the dates.",
                    labels.iloc[i], MILESTONE_DATE[m2], "warning"))
        rank = _RANK.get(statuses[i], -1)
        beyond = [m for m, d in dated if _RANK[m] > rank]
        if beyond:
            warnings.append(Problem(
                "dates_contradict_status",
                f"status is {statuses[i]!r} but {', '.join(MILESTONE_DATE[m] for m in beyond)} "
                f"{'is' if len(beyond) == 1 else 'are'} set; the accounting follows the dates. "
                "Correct the status or the dates.",
                labels.iloc[i], S.STATUS, "warning"))
        own = MILESTONE_DATE.get(statuses[i])
        try:
            year = parse_date(years[i])
        except (ValueError, TypeError):
            year = None
        if own and year is not None and year_used[i] == "":
            d = row[statuses[i]]
            if d is not None and d.year != year.year:
                warnings.append(Problem(
                    "year_contradicts_date",
                    f"year {year.year} disagrees with {own} {d}; the accounting uses {own}. "
                    "Correct year or drop it.", labels.iloc[i], S.YEAR, "warning"))
    return warnings
