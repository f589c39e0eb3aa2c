"""Breakdown tables of the accounted sites: by zone, direction, 街道/unit, status and year.

Every site belongs to exactly **one** area: the one holding most of its land (land outside
every area counts as :data:`~futiangis.join.UNZONED` when that is the largest piece); the
split of straddling sites is still reported in ``splits``. So site counts by area add up to
the number of sites counted, and every GFA column adds up to the district total.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from .. import schemas as S
from ..join import UNZONED, apportion_to_zones
from ..validate import feature_labels
from .accounting import ACCOUNT_COLUMNS

__all__ = ["assign_to_areas", "by_area", "by_direction", "by_group", "VALUE_COLUMNS"]

#: summed columns of every breakdown (m² of GFA for the headline target; budget in 亿元)
VALUE_COLUMNS = ("land_area_m2", "gfa_counted_m2", "gfa_estimated_m2", *(f"{c}_m2" for c in ACCOUNT_COLUMNS), S.INVESTMENT_100M_CNY)


def assign_to_areas(sites: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """The area holding most of each site's land, and every (site, area) piece.

    Returns
    -------
    (area_of_site, splits)
        ``area_of_site``: Series (index of ``sites``) of area ids (or ``unzoned``);
        ``splits``: ``site_id, zone_id, land_m2, land_share, assigned`` per piece.
    """
    pieces = apportion_to_zones(sites[[S.ID, sites.geometry.name]], areas, value_cols=[])
    pieces = pieces.rename(columns={"share": "land_share"})
    pieces["_pos"] = sites.index.get_indexer(pieces.index)
    best = pieces.sort_values(["_pos", "land_m2"], ascending=[True, False], kind="stable") \
        .drop_duplicates("_pos")
    area_of_site = pd.Series(best["zone_id"].to_numpy(), index=sites.index, dtype=object, name="zone_id")
    pieces["assigned"] = pieces["zone_id"].to_numpy() == area_of_site.iloc[pieces["_pos"].to_numpy()].to_numpy()
    return area_of_site, pieces.drop(columns="_pos")


def _values(sites: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(index=sites.index)
    for c in VALUE_COLUMNS:
        frame[c] = pd.to_numeric(sites[c], errors="coerce").fillna(0.0) if c in sites.columns else 0.0
    return frame


def by_group(sites: pd.DataFrame, key: pd.Series, name: str, *, order=None) -> pd.DataFrame:
    """Sum the value columns over ``key`` (one group per site); ``n_sites`` counts sites."""
    frame = _values(sites)
    frame[name] = key.to_numpy()
    g = frame.groupby(name, sort=False, dropna=False)
    out = g.sum()
    out.insert(0, "n_sites", g.size())
    if order is not None:
        out = out.reindex([o for o in order] + [k for k in out.index if k not in order])
        out["n_sites"] = out["n_sites"].fillna(0).astype(int)
        out = out.fillna(0.0)
    return out.reset_index()


def by_area(sites: pd.DataFrame, area_of_site: pd.Series, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per area (and ``unzoned`` when used): names, ``n_sites`` and the sums."""
    ids = feature_labels(areas).tolist()
    out = by_group(sites, area_of_site, "zone_id", order=ids)
    attrs = pd.DataFrame({"zone_id": ids})
    for col in (S.NAME_ZH, S.NAME_EN, S.DIRECTION):
        if col in areas.columns:
            attrs[col] = areas[col].astype(str).to_numpy()
    out = attrs.merge(out, on="zone_id", how="right")
    unz = out["zone_id"] == UNZONED
    if S.NAME_ZH in out.columns:
        out.loc[unz, S.NAME_ZH] = "区外/未分区"
    if S.NAME_EN in out.columns:
        out.loc[unz, S.NAME_EN] = "outside every area"
    if S.DIRECTION in out.columns:
        out.loc[unz, S.DIRECTION] = UNZONED
        out.insert(out.columns.get_loc(S.DIRECTION) + 1, S.DIRECTION_ZH_COL,
                   [S.DIRECTION_ZH.get(d, "未分区" if d == UNZONED else d) for d in out[S.DIRECTION]])
    if unz.any() and out.loc[unz, "n_sites"].sum() == 0:
        out = out[~unz]
    return out.reset_index(drop=True)


def by_direction(zone_table: pd.DataFrame) -> pd.DataFrame:
    """The zone table summed by expansion direction (东扩/南拓/西延/北展, core, unzoned)."""
    value_cols = [c for c in zone_table.columns if c in VALUE_COLUMNS]
    g = zone_table.groupby(S.DIRECTION, sort=False)
    out = g[["n_sites", *value_cols]].sum()
    out.insert(0, "zones", g["zone_id"].agg(lambda s: ", ".join(s)))
    order = [d for d in (*S.DIRECTION_VALUES, UNZONED) if d in out.index]
    out = out.loc[order + [d for d in out.index if d not in order]].reset_index()
    out.insert(1, S.DIRECTION_ZH_COL,
               [S.DIRECTION_ZH.get(d, "未分区" if d == UNZONED else d) for d in out[S.DIRECTION]])
    return out
