"""``futiangis site THEME --add N``: where the next N charging stations / bike parkings go."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..schemas import THEME_LAYER as _KIND
from .context import get_config
from .options import FieldOptions, echo_notes, echo_problems, json_option, multi_field_option

_RASTER = (".tif", ".tiff")


def _load(path, kind, config, name, rules: FieldOptions, **kwargs):
    from ..load import load_layer

    prepared = load_layer(path, kind, config=config, **rules.kwargs(name), **kwargs)
    rules.record(name, prepared)
    echo_notes(prepared)
    echo_problems(prepared.warnings + prepared.repairs, prepared.source)
    return prepared.gdf


@click.command("site")
@click.argument("theme", type=click.Choice(("charging", "bike", "parks")))
@click.option("--add", "add", type=click.IntRange(min=1), default=None, metavar="N",
              help="Choose N new sites covering the most demand (MCLP).")
@click.option("--min-cover", type=click.FloatRange(min=0, max=1, min_open=True), default=None,
              metavar="P", help="Instead: the fewest new sites bringing coverage to share P "
                                "(0–1, e.g. 0.9).")
@click.option("--candidates", "candidates_path", type=click.Path(dir_okay=False), default=None,
              help="Candidate sites (points, or parcels/car parks as polygons). Default: a grid "
                   "over land minus water and parks.")
@click.option("--existing", "existing_path", type=click.Path(dir_okay=False), default=None,
              help="Existing facilities, kept and counted first (default: the shipped layer).")
@click.option("--no-existing", is_flag=True, help="Count no existing facility (green field).")
@click.option("--demand", "demand_path", type=click.Path(dir_okay=False), default=None,
              help="Demand: points (weighted by --weight, else 1 each), polygons (area, or "
                   "--weight spread by area) or a population GeoTIFF. Default: [siting.THEME].")
@click.option("--weight", default=None, metavar="FIELD", help="Demand weight field of --demand.")
@click.option("--residential", "residential_path", type=click.Path(dir_okay=False), default=None,
              help="Demand = residential land (polygons; overlaps count once).")
@click.option("--population", "population_path", type=click.Path(dir_okay=False), default=None,
              help="Demand = people in a population raster (GeoTIFF).")
@click.option("--radius-m", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Service radius in metres (default: [coverage.THEME] radius_m).")
@click.option("--capacity", type=click.FloatRange(min=0), default=None,
              help="Demand one new site can serve (same unit as the demand).")
@click.option("--capacity-field", default=None, metavar="FIELD",
              help="Capacity per candidate from this field of --candidates.")
@click.option("--spacing-m", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Spacing of the generated candidate grid (default 100 m).")
@click.option("--cell-m", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Cell size cutting area/raster demand into demand points (default 50 m).")
@click.option("--time-limit-s", type=click.FloatRange(min=1), default=None,
              help="Stop the exact solver here and report its best set (default 600).")
@click.option("--source-crs", default=None, metavar="CRS",
              help="CRS of the given CSV/files without one: gcj02, bd09, wgs84 or EPSG:n "
                   "(applies to every vector file given).")
@click.option("--encoding", default=None, metavar="ENC",
              help="Text encoding of a shapefile without .cpg, or of a CSV.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write sites (GeoPackage, GeoJSON, CSV), before/after tables (CSV, XLSX) here.")
@click.option("--force", is_flag=True,
              help="Replace an --out folder holding files futiangis did not write (never the "
                   "layers folder, the config's folder or a parent of either).")
@multi_field_option
@json_option
@click.pass_context
def command(ctx, theme, add, min_cover, candidates_path, existing_path, no_existing, demand_path,
            weight, residential_path, population_path, radius_m, capacity, capacity_field,
            spacing_m, cell_m, time_limit_s, source_crs, encoding, out_dir, force,
            fields, as_json) -> None:
    """Choose new THEME sites: --add N covering the most demand within the radius, or the
    fewest reaching --min-cover P. Existing facilities are kept and their coverage counted
    first; solved exactly (MILP, CBC) with the greedy answer and its gap beside it.
    """
    from ..errors import FutianGISError
    from ..load import load_raster
    from ..siting_run import run_siting

    if (add is None) == (min_cover is None):
        raise click.UsageError("give exactly one of --add N or --min-cover P.")
    given = [p for p in (demand_path, residential_path, population_path) if p]
    if len(given) > 1:
        raise click.UsageError("give one demand: --demand, --residential or --population.")
    if weight and not demand_path:
        raise click.UsageError("--weight needs --demand FILE.")
    if no_existing and existing_path:
        raise click.UsageError("--no-existing and --existing exclude each other.")
    if capacity_field and not candidates_path:
        raise click.UsageError("--capacity-field needs --candidates FILE.")
    config = get_config(ctx)
    protected = []
    if out_dir:  # refused before anything is read
        from ..build import output_protected_paths
        from ..io.outputs import check_output_dir, check_outputs_are_not_inputs

        protected = output_protected_paths(config)
        inputs = [(p, None) for p in (candidates_path, existing_path, demand_path,
                                      residential_path, population_path, config.path) if p]
        check_outputs_are_not_inputs([], inputs, folders=[out_dir])
        check_output_dir(out_dir, force=force, protected=protected)
    opts = {"source_crs": source_crs, "encoding": encoding}
    vector_demand = demand_path if demand_path and Path(demand_path).suffix.lower() not in _RASTER else None
    rules = FieldOptions(fields, {"candidates": candidates_path, "existing": existing_path,
                                  "demand": vector_demand, "residential": residential_path})
    candidates = (_load(candidates_path, "generic", config, "candidates", rules, **opts)
                  if candidates_path else None)
    existing = _load(existing_path, _KIND[theme], config, "existing", rules, **opts) if existing_path else None
    demand, demand_kind = None, None
    raster_path = population_path or (
        demand_path if demand_path and Path(demand_path).suffix.lower() in _RASTER else None)
    if raster_path:
        if weight:
            raise click.UsageError("--weight applies to vector demand, not to a raster.")
        demand = load_raster(raster_path, config=config)
    elif demand_path:
        demand = _load(demand_path, "generic", config, "demand", rules, **opts)
    elif residential_path:
        demand, demand_kind = _load(residential_path, "generic", config, "residential", rules, **opts), "residential"
    rules.check()
    result = run_siting(theme, config, add=add, min_cover=min_cover, candidates=candidates,
                        existing=existing, no_existing=no_existing, demand=demand,
                        demand_kind=demand_kind, weight=weight, radius_m=radius_m,
                        capacity=capacity, capacity_field=capacity_field, spacing_m=spacing_m,
                        cell_m=cell_m, time_limit_s=time_limit_s,
                        demand_source=(demand_path or residential_path) if not raster_path else None)
    out = result.to_dict()
    if out_dir and result.status != "infeasible":
        from ..siting_report import write_siting_outputs

        written = write_siting_outputs(result, out_dir, force=force, protected=protected)
        out["outputs"] = [str(p) for p in written]
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _echo_text(out, result)
    if result.status == "infeasible":
        raise FutianGISError(
            f"--min-cover {min_cover:g} is infeasible: with every one of the "
            f"{result.candidates_count} candidates the coverage reaches only "
            f"{result.infeasible_best_share:.1%} of the demand. Lower --min-cover, add "
            "candidates (--candidates, a finer --spacing-m) or a larger --radius-m.")


def _t(value) -> str:
    from ..escape import escape_terminal

    return escape_terminal(str(value))


def _pct(v) -> str:
    return "n/a" if v is None else f"{v * 100:.1f} %"


def _echo_text(out: dict, result) -> None:
    s = out["settings"]
    unit = _t(out["demand_unit"])
    click.echo(f"Siting: {out['theme']}, radius {s['radius_m']:g} m ({s['distance']}); "
               f"demand: {out['demand_kind']} ({_t(s['demand_source'])}); candidates: "
               f"{out['candidates']} ({_t(s['candidates'])}); existing: {out['existing_facilities']} "
               f"({_t(s['existing'])})")
    click.echo(f"Covered demand: before {out['covered_demand_before']:,.0f} {unit} "
               f"({_pct(out['share_before'])}) -> after {out['covered_demand']:,.0f} {unit} "
               f"({_pct(out['share_after'])}) of {out['total_demand']:,.0f} {unit}; "
               f"exact: {out['exact']['status']} in {out['exact']['seconds']:.1f} s")
    g = out["greedy"]
    click.echo(f"Greedy beside it: {g['covered_demand']:,.0f} {unit}, gap "
               f"{(g['gap'] or 0) * 100:.2f} % of the added demand")
    if out["sites"]:
        click.echo(f"\n{'rank':>4}  {'id':<18}{'adds ' + unit:>14}{'share':>8}  "
                   f"{'WGS84 lon, lat':<24}{'GCJ-02 lon, lat':<24}unit / 街道")
    for site in out["sites"]:
        where = _t(" / ".join(str(v) for v in (site.get("unit_id"), site.get("subdistrict_zh")) if v))
        click.echo(f"{site['rank']:>4}  {_t(site['id']):<18}{site['marginal_demand']:>14,.0f}"
                   f"{_pct(site['share_cum']):>8}  {site['lon_wgs84']:.6f}, {site['lat_wgs84']:.6f}"
                   f"    {site['lon_gcj02']:.6f}, {site['lat_gcj02']:.6f}    {where}")
    for note in out["notes"]:
        click.echo(f"Note: {_t(note)}")
    if out.get("outputs"):
        click.echo("Wrote: " + ", ".join(_t(p) for p in out["outputs"]))
