"""Results of the core are frozen: a field cannot be reassigned after the analysis."""
from __future__ import annotations

import dataclasses
import math

import geopandas as gpd
import pytest
import shapely

import futiangis as fg
from conftest import FUTIAN_X, FUTIAN_Y
from futiangis.access import AccessResult, SnappedFacilities, compute_access
from futiangis.coverage import CoverageResult, with_unit_verdicts
from futiangis.lifecircle import AccessRun, LifeCircleResult
from futiangis.network import build_network
from futiangis.siting import SitingSolution, greedy_min_sites, make_problem
from futiangis.siting_result import SitingResult
from futiangis.targets import TargetResult
from futiangis.terrain import TerrainResult

RESULT_TYPES = (CoverageResult, TargetResult, AccessResult, SnappedFacilities, AccessRun,
                LifeCircleResult, SitingSolution, SitingResult, TerrainResult)


def _square_and_point(side_m=3000.0):
    h = side_m / 2
    units = gpd.GeoDataFrame({"id": ["u1"]}, crs=4547, geometry=[
        shapely.box(FUTIAN_X - h, FUTIAN_Y - h, FUTIAN_X + h, FUTIAN_Y + h)])
    station = gpd.GeoDataFrame({"id": ["s1"]}, crs=4547, geometry=[shapely.Point(FUTIAN_X, FUTIAN_Y)])
    return units, station


@pytest.mark.parametrize("cls", RESULT_TYPES, ids=lambda c: c.__name__)
def test_every_result_type_refuses_assignment(cls):
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen
    # an instance with placeholder values: assigning any field raises
    instance = cls(**{f.name: None for f in dataclasses.fields(cls)})
    for f in dataclasses.fields(cls):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(instance, f.name, 1)


def test_coverage_result_is_frozen_and_replace_makes_a_copy():
    units, station = _square_and_point()
    result = fg.coverage(units, station, radius_m=500, threshold=0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.theme = "parks"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.units = units  # type: ignore[misc]
    judged = with_unit_verdicts(result)
    # the copy has the verdicts, the original does not: π·500² / 3000² ≈ 8.7 % < 50 %
    assert "verdict" not in result.units.columns
    assert judged.units["verdict"].tolist() == ["not met"]
    assert judged.units["margin_pp"].iloc[0] == pytest.approx(100 * (math.pi * 500 ** 2 / 3000 ** 2 - 0.5),
                                                             rel=0.002)
    assert judged.coverage == result.coverage


def test_coverage_units_are_not_the_inputs():
    units, station = _square_and_point()
    result = fg.coverage(units, station, radius_m=500)
    result.units.loc[result.units.index[0], "id"] = "changed"
    assert units["id"].tolist() == ["u1"]  # the input frame is untouched


def test_target_result_is_frozen():
    sites = gpd.GeoDataFrame(
        {"id": ["s1"], "status": ["completed"], "year": [2015], "completed_date": ["2015-06-30"],
         "plot_ratio": [4.0], "gfa_new_m2": [2_000.0], "supply_type": ["urban_renewal"]},
        crs=4547, geometry=[shapely.box(FUTIAN_X, FUTIAN_Y, FUTIAN_X + 100, FUTIAN_Y + 100)])
    target = dict(id="t", name_zh="目标", name_en="T", target=10_000, unit="m2", measure="gfa_new_m2",
                  layers=["renewal_sites"], start="2015-01-01", end="2015-12-31")
    result = fg.targets(sites, targets=[target])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.illustrative = True  # type: ignore[misc]
    assert isinstance(result.warnings, tuple)
    assert "achieved_m2" not in sites.columns  # the result's sites are its own copy


def test_access_results_are_frozen():
    x0, y0 = FUTIAN_X, FUTIAN_Y
    lines = gpd.GeoDataFrame(geometry=[shapely.LineString([(x0, y0), (x0 + 1000, y0)])], crs=4547)
    net = build_network(lines)
    fac = gpd.GeoDataFrame({"id": ["f"]}, geometry=[shapely.Point(x0, y0)], crs=4547)
    unit = gpd.GeoDataFrame({"id": ["u"]}, geometry=[shapely.box(x0 - 100, y0 - 100, x0 + 1100, y0 + 100)],
                            crs=4547)
    results, snapped = compute_access(net, fac, unit, max_m=[400], trim_m=0)
    assert results[0].reached_length_m == pytest.approx(400.0)
    for obj, name in ((results[0], "max_m"), (snapped, "max_snap_m")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, name, 1.0)


def test_siting_solution_is_frozen_and_infeasible_is_a_copy():
    import numpy as np
    import scipy.sparse as sp

    # two demand points, one candidate covering only the first: 50 % at best
    cover = sp.csr_matrix(np.array([[True], [False]]))
    problem = make_problem(np.array([1.0, 1.0]), np.array([False, False]), cover)
    sol = greedy_min_sites(problem, 0.9)
    assert sol.status == "infeasible" and sol.covered_demand == pytest.approx(1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sol.status = "optimal"  # type: ignore[misc]
