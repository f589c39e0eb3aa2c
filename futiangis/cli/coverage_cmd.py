"""``futiangis coverage``: service-radius coverage of parks, charging and bike stations."""
from __future__ import annotations

import json
import math

import click

from .. import schemas as S
from ..coverage import SCENARIOS, THEMES
from ..errors import FutianGISError
from ..escape import escape_terminal
from ..io import read_catalog, write_layer
from ..io.outputs import check_outputs_are_not_inputs
from ..load import load_layer, load_raster
from ..project import run_coverage
from ..zonal import check_population_raster
from .context import get_config
from .options import FieldOptions, echo_notes, echo_problems, json_option, layer_option, multi_field_option, sheet_option

_KIND = S.THEME_LAYER


def _load(path, kind, config, name, rules: FieldOptions, **kwargs):
    prepared = load_layer(path, kind, config=config, **rules.kwargs(name), **kwargs)
    rules.record(name, prepared)
    echo_notes(prepared)
    echo_problems(prepared.warnings + prepared.repairs, prepared.source)
    return prepared.gdf


def _finite_radius(ctx, param, value):
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of metres; give a finite radius > 0, "
                                 "e.g. --radius-m 500.", ctx=ctx, param=param)
    return value


def _shipped(config):
    """The shipped layers (defaults for --units / --facilities): never a --gaps output."""
    try:
        return list(read_catalog(config.layers_dir).values())
    except FutianGISError:
        return []


def _pct(value) -> str:
    return "   n/a" if value is None or value != value else f"{value * 100:6.1f}%"


@click.command("coverage")
@click.argument("theme", type=click.Choice(THEMES))
@click.option("--radius-m", type=click.FloatRange(min=0, min_open=True), default=None,
              callback=_finite_radius,
              help="Service radius in metres for every facility (default: from the config; "
                   "parks: by park size).")
@click.option("--units", "units_path", type=click.Path(dir_okay=False), default=None,
              help="Units layer (default: the shipped units).")
@click.option("--facilities", "facilities_path", type=click.Path(dir_okay=False), default=None,
              help="Facilities layer of the theme's kind (default: the shipped layer).")
@click.option("--source-crs", default=None, metavar="CRS",
              help="What the --facilities coordinates are: gcj02 (Gaode/Tencent), bd09 (Baidu), "
                   "wgs84 or EPSG:n; overrides the file's CRS, required for a CSV.")
@click.option("--encoding", default=None, metavar="ENC",
              help="Text encoding of a --facilities shapefile without .cpg (e.g. gbk) or CSV.")
@click.option("--population", "population_path", type=click.Path(dir_okay=False), default=None,
              help="Population raster (people per cell, GeoTIFF) for population coverage.")
@click.option("--nodata", "nodata", type=float, default=None, metavar="V",
              help="Treat population cells equal to V as no data (for a raster without a "
                   "nodata tag whose empty cells hold e.g. -9999).")
@click.option("--residential", "residential_path", type=click.Path(dir_okay=False), default=None,
              help="Residential-land polygons: measure coverage of residential land only.")
@click.option("--scenario", type=click.Choice(SCENARIOS), default="current", show_default=True,
              help="current: only completed facilities count; planned: all statuses.")
@click.option("--by", "by", type=click.Choice(["units", "subdistricts"]), default="units", show_default=True,
              help="Rows of the table: traffic zones (units) or 街道 (subdistricts); ignored with --units.")
@click.option("--water", "water_path", type=click.Path(dir_okay=False), default=None,
              help="Water polygons: the land mask becomes the district minus this layer.")
@click.option("--gaps", "gaps_out", type=click.Path(dir_okay=False), default=None,
              help="Write the gap polygons (largest first) to a .gpkg (layer THEME_gaps; other "
                   "layers kept) or .geojson file.")
@click.option("--overwrite", is_flag=True,
              help="Replace the --gaps layer (or GeoJSON file) if it already exists.")
@layer_option
@sheet_option
@multi_field_option
@json_option
@click.pass_context
def command(ctx, theme, radius_m, units_path, facilities_path, source_crs, encoding,
            population_path, nodata, residential_path, scenario, by, water_path, gaps_out, overwrite,
            layer, sheet, fields, as_json) -> None:
    """Share of each unit and of Futian within reach of a THEME facility.

    Buffers are unioned once before any area is measured (overlaps count once), in
    EPSG:4547. Radii, thresholds and the standard come from [coverage.THEME] in the config.
    """
    config = get_config(ctx)
    if gaps_out:  # an output that is an input is refused before anything is read
        inputs = [(p, None) for p in (units_path, facilities_path, population_path,
                                      residential_path, config.path) if p]
        inputs += [(info.path, None) for info in _shipped(config)]
        check_outputs_are_not_inputs([(gaps_out, f"{theme}_gaps")], inputs)
    rules = FieldOptions(fields, {"units": units_path, "facilities": facilities_path,
                                  "residential": residential_path, "water": water_path})
    units = _load(units_path, "units", config, "units", rules) if units_path else None
    facilities = (_load(facilities_path, _KIND[theme], config, "facilities", rules,
                        source_crs=source_crs, encoding=encoding, layer=layer, sheet=sheet)
                  if facilities_path else None)
    residential = _load(residential_path, "generic", config, "residential", rules) if residential_path else None
    water = _load(water_path, "generic", config, "water", rules) if water_path else None
    rules.check()
    population = (check_population_raster(load_raster(population_path, config=config), nodata=nodata)
                  if population_path else None)
    kwargs = dict(units=units, facilities=facilities, radius_m=radius_m,
                  population=population, residential=residential, water=water, by=by)
    result = run_coverage(theme, config, scenario=scenario, **kwargs)
    out = result.to_dict()
    # the other scenario, when the layer has statuses: "today" vs "after the plan"
    if result.has_status:
        out["scenarios"] = {scenario: out["overall"]}
        other = next(s for s in SCENARIOS if s != scenario)
        alt = run_coverage(theme, config, scenario=other, **kwargs)
        out["scenarios"][other] = alt.to_dict()["overall"]
        out["scenarios"][other]["facilities"] = alt.facilities_count
        out["scenarios"][scenario]["facilities"] = result.facilities_count
    if gaps_out:
        gaps = result.gaps.copy()
        gaps.insert(0, "theme", theme)
        gaps.insert(1, "scenario", scenario)
        gaps[S.ILLUSTRATIVE] = result.illustrative
        written = write_layer(gaps, gaps_out, layer=f"{theme}_gaps", overwrite=overwrite)
        out["gaps"]["path"] = str(written)
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    _echo_text(out, result)


def _echo_text(out: dict, result) -> None:
    o = out["overall"]
    r = out["radius_m"]
    radius = f"{r['min']:g} m" if r["min"] == r["max"] else f"{r['min']:g}–{r['max']:g} m ({r['mode']})"
    click.echo(f"Coverage: {out['theme']} ({out['scenario']}), {out['facilities']} facilities, "
               f"radius {radius}, denominator {out['denominator']}, measured in {out['crs']}")
    if out["standard"]:
        click.echo(f"Standard: {out['standard']}")
    if out.get("clause"):
        click.echo(f"Clause: {out['clause']}")
    if out.get("verdict", {}).get("text"):
        click.echo(f"Verdict: {out['verdict']['text']}")
    line = (f"Futian overall: {_pct(o['coverage'])} covered  ({o['covered_m2'] / 1e6:,.2f} of "
            f"{o['total_m2'] / 1e6:,.2f} km²; uncovered {o['uncovered_m2'] / 1e6:,.2f} km²)")
    if out["threshold"] is not None:
        line += f"  threshold {out['threshold'] * 100:.0f}%: {'met' if out['meets_threshold'] else 'NOT met'}"
    click.echo(line)
    if "population" in o:
        click.echo(f"Population: {o['population_covered']:,.0f} of {o['population']:,.0f} people "
                   f"covered ({_pct(o['population_coverage']).strip()})")
    for name, s in out.get("scenarios", {}).items():
        click.echo(f"  scenario {name:<8} {_pct(s['coverage'])}  ({s['facilities']} facilities)")
    for note in out["notes"]:
        click.echo(f"Note: {escape_terminal(note)}")
    has_pop = "population" in result.units.columns
    header = f"{'unit':<14}{'coverage':>9}{'covered km²':>13}{'total km²':>11}"
    click.echo("\n" + header + ("  population covered" if has_pop else ""))
    table = result.units.sort_values(["coverage", "id"], na_position="first")
    for _, row in table.iterrows():
        text = (f"{escape_terminal(row['id']):<14}{_pct(row['coverage']):>9}{row['covered_m2'] / 1e6:>13,.3f}"
                f"{row['total_m2'] / 1e6:>11,.3f}")
        if has_pop:
            text += f"  {row['population_covered']:,.0f} / {row['population']:,.0f}"
        click.echo(text)
    g = out["gaps"]
    click.echo(f"\n{g['count']} gap polygons, {g['area_m2'] / 1e6:,.2f} km² uncovered"
               + (f"; written to {g['path']}" if g.get("path") else ""))
