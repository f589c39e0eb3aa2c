"""The notebook API behind ``import futiangis as fg``.

Each function takes GeoDataFrames (or a path, for reading) and returns a new object; the
settings default to the built-in ones (working CRS EPSG:4547) unless a project is given.
They stand on the project shell (:mod:`futiangis.project`) and the pure analysis modules.

Examples
--------
One 3 km square unit and one station with a 500 m radius: the covered share is
π·500² / 3000² ≈ 0.0873 (the 256-gon buffer is 0.01 % short of the circle).

>>> import geopandas as gpd, shapely
>>> import futiangis as fg
>>> units = gpd.GeoDataFrame({"id": ["u1"]}, crs=4547,
...                          geometry=[shapely.box(503500, 2492000, 506500, 2495000)])
>>> station = gpd.GeoDataFrame({"id": ["s1"]}, crs=4547,
...                            geometry=[shapely.Point(505000, 2493500)])
>>> result = fg.coverage(units, station, radius_m=500)
>>> round(result.coverage, 4)
0.0873
>>> bool(result.units.loc[0, "coverage"] == result.coverage)
True
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd

    from .coverage import CoverageResult
    from .project import Project
    from .targets import TargetResult

__all__ = ["read_layer", "measure", "coverage", "targets", "make_map", "save_map", "open_project"]


def _project(project: Project | str | Path | None) -> Project | None:
    if project is None or not isinstance(project, str | Path):
        return project
    from .project import open_project as _open

    return _open(project)


def read_layer(
    path: str | Path,
    kind: str | None = None,
    source_crs: str | None = None,
    *,
    encoding: str | None = None,
    layer: str | None = None,
    fix: bool = False,
    project: Project | str | Path | None = None,
) -> gpd.GeoDataFrame:
    """Read a planner's file, validated at the door, in the working CRS (EPSG:4547).

    Parameters
    ----------
    path : path
        GeoPackage, Shapefile, GeoJSON or CSV (lon/lat columns).
    kind : str, optional
        Layer kind whose schema applies (``parks``, ``charging_stations`` …; see
        :data:`futiangis.schemas.LAYER_KINDS`); default ``generic`` (any attributes).
    source_crs : str, optional
        ``gcj02`` (Gaode/Tencent), ``bd09`` (Baidu), ``wgs84`` or ``EPSG:n``; overrides the
        file's own CRS; required for a CSV.
    encoding, layer : str, optional
        Text encoding of a shapefile without .cpg; layer of a multi-layer file.
    fix : bool
        Repair invalid geometries (each repair is reported as a warning).
    project : Project or path, optional
        Whose settings and district boundary to use (default: built-in settings).

    Returns
    -------
    GeoDataFrame
        Validated, in the working CRS; warnings (e.g. GCJ-02 suspected) are issued as
        Python ``UserWarning``.

    Raises
    ------
    LayerReadError, LayerValidationError, CRSError
        Every problem listed at once, with feature ids and fields.
    """
    from .load import load_layer

    proj = _project(project)
    options: dict[str, Any] = dict(layer=layer, source_crs=source_crs, encoding=encoding, fix=fix)
    if proj is not None:
        prepared = proj.read_layer(path, kind or "generic", **options)
    else:
        prepared = load_layer(path, kind or "generic", **options)
    for problem in [*prepared.warnings, *prepared.repairs]:
        warnings.warn(problem.format(prepared.source), UserWarning, stacklevel=2)
    return prepared.gdf


def measure(features: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.DataFrame:
    """``area_m2`` and ``length_m`` of each feature, aligned to the input's index.

    The layer must be in a projected CRS in metres (``read_layer`` gives EPSG:4547).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> import futiangis as fg
    >>> box = gpd.GeoDataFrame(geometry=[shapely.box(500000, 2490000, 500100, 2490100)],
    ...                        crs=4547, index=["a"])
    >>> fg.measure(box).loc["a"].tolist()
    [10000.0, 400.0]
    """
    import pandas as pd

    from .measure import measure_area, measure_length

    return pd.concat([measure_area(features), measure_length(features)], axis=1)


def coverage(
    units: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    *,
    radius_m: float | pd.Series,
    quad_segs: int = 64,
    district: gpd.GeoDataFrame | None = None,
    residential: gpd.GeoDataFrame | None = None,
    population: Any = None,
    threshold: float | None = None,
    standard: str = "",
) -> CoverageResult:
    """Share of each unit (and overall) within ``radius_m`` of a facility.

    Buffers are unioned once before any area is measured (overlaps count once).

    Parameters
    ----------
    units : GeoDataFrame
        Statistical units (polygons), projected CRS in metres.
    facilities : GeoDataFrame
        Points or polygons, the same CRS (a mismatch is refused, never reprojected).
    radius_m : float or Series
        Service radius in metres (one, or one per facility).
    quad_segs, district, residential, population, threshold, standard :
        As in :func:`futiangis.coverage.compute_coverage`.

    Returns
    -------
    CoverageResult
        ``.coverage`` (overall share), ``.units`` (GeoDataFrame aligned to
        ``units.index`` with ``coverage``), ``.gaps`` (uncovered polygons).
    """
    import dataclasses

    import geopandas as gpd

    from .coverage import compute_coverage

    result = compute_coverage(facilities, units, radius_m=radius_m, quad_segs=quad_segs,
                              district=district, residential=residential, population=population,
                              threshold=threshold, standard=standard)
    table = gpd.GeoDataFrame(result.units, geometry=units.geometry.reindex(result.units.index),
                             crs=units.crs)
    return dataclasses.replace(result, units=table)


def targets(
    sites: gpd.GeoDataFrame,
    targets: Sequence[Any] | None = None,
    *,
    as_of: Any = None,
    zones: gpd.GeoDataFrame | None = None,
    areas: gpd.GeoDataFrame | None = None,
) -> TargetResult:
    """Account project ``sites`` against ``targets``.

    Parameters
    ----------
    sites : GeoDataFrame
        Sites with the ``renewal_sites`` columns (status, dates, GFA …), projected CRS.
    targets : sequence of Target or of mappings, optional
        Targets as in ``[[targets]]`` (mappings are checked the same way); default: the
        Futian 2015 work-plan targets of the sample project.
    as_of : date or str, optional
        Evaluation date; default each target's end.
    zones : GeoDataFrame, optional
        Zones for the zone breakdown (``id``, ``direction``); default: one zone around all
        the sites (``all``).
    areas : GeoDataFrame, optional
        街道 or other areas for ``by_area``.
    """
    import geopandas as gpd
    import shapely

    from .targets import account_targets, parse_as_of, parse_targets
    from .targets.spec import Target

    if targets is None:
        from .project import open_project as _open

        chosen = _open(None).config.targets
    else:
        items = list(targets)
        chosen = (tuple(items) if all(isinstance(t, Target) for t in items)
                  else parse_targets(items, where="targets"))
    if zones is None:
        hull = shapely.box(*sites.total_bounds).buffer(1.0) if len(sites) else shapely.box(0, 0, 1, 1)
        zones = gpd.GeoDataFrame({"id": ["all"], "direction": ["core"]}, geometry=[hull], crs=sites.crs)
    return account_targets(sites, zones, chosen, as_of=parse_as_of(as_of), areas=areas,
                           area_kind="areas" if areas is not None else None)


def make_map(
    layers: gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame] | Sequence[Any],
    *,
    title: str = "futiangis map",
    title_zh: str | None = None,
    extent: gpd.GeoDataFrame | None = None,
    basemap: str = "osm",
    lang: str = "zh",
    tianditu_key: str | None = None,
) -> folium.Map:
    """An interactive map (folium) of one or more layers in the working CRS.

    Parameters
    ----------
    layers : GeoDataFrame, mapping name -> GeoDataFrame, or LayerSpec sequence
        What to draw (attributes appear in escaped popups).
    title, title_zh : str
        Map title (English, Chinese).
    extent : GeoDataFrame, optional
        Area the map opens on (default: all the layers).
    basemap : str
        ``osm``, ``cartodb``, ``esri``, ``tianditu``, ``gaode`` or ``none`` (no tiles).
    """
    import geopandas as gpd
    import pandas as pd

    from .render.basemaps import get_basemap
    from .render.maps import LayerSpec, MapSpec
    from .render.maps import make_map as _make_map
    from .render.popups import Field

    if isinstance(layers, gpd.GeoDataFrame):
        layers = {title: layers}
    specs = []
    palette = ("#1f78b4", "#e31a1c", "#33a02c", "#ff7f00", "#6a3d9a", "#b15928")
    if isinstance(layers, Mapping):
        for i, (name, frame) in enumerate(layers.items()):
            cols = [c for c in frame.columns if c != frame.geometry.name][:8]
            specs.append(LayerSpec(f"layer{i + 1}", frame, str(name), str(name),
                                   fields=tuple(Field(c, c, c) for c in cols),
                                   color=palette[i % len(palette)]))
    else:
        specs = list(layers)
    if extent is None:
        frames = [s.frame for s in specs]
        extent = gpd.GeoDataFrame(geometry=pd.concat([f.geometry for f in frames]), crs=frames[0].crs)
    spec = MapSpec("map", title_zh or title, title, "", "", tuple(specs), extent)
    return _make_map(spec, basemap=get_basemap(basemap, tianditu_key=tianditu_key), lang=lang)


def save_map(m: folium.Map, path: str | Path, *, offline: bool = True) -> Path:
    """Write map ``m`` to an HTML page at ``path`` (atomically); ``offline`` inlines assets.

    With ``offline=True`` (default) every script and style is inside the page, so it opens
    on a computer without internet (tiles still need the network: use ``basemap="none"``).
    """
    from .io import write_text_atomic
    from .render import page_html

    return write_text_atomic(page_html(m, offline=offline), Path(path))


def open_project(path: str | Path | None = None) -> Project:
    """Open a project folder (or its ``futiangis.toml``); default ``./`` or the Futian sample."""
    from .project import open_project as _open

    return _open(path)
