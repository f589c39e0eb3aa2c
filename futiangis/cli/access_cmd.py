"""``futiangis access``: reach along the street network, and the 5/10/15-minute life circles."""
from __future__ import annotations

import json
import math

import click

from .. import schemas as S
from ..coverage import SCENARIOS
from ..errors import FutianGISError
from ..escape import escape_terminal
from ..io import read_catalog, write_layer
from ..io.outputs import check_outputs_are_not_inputs
from ..lifecircle import (
    THEME_LAYER,
    THEMES,
    access_settings,
    network_from_lines,
    run_access,
    run_lifecircle,
)
from ..load import load_layer, load_raster
from .context import get_config
from .options import FieldOptions, echo_notes, echo_problems, json_option, multi_field_option


def _load(path, kind, config, name, rules: FieldOptions, **kwargs):
    prepared = load_layer(path, kind, config=config, **rules.kwargs(name), **kwargs)
    rules.record(name, prepared)
    echo_notes(prepared)
    echo_problems(prepared.warnings + prepared.repairs, prepared.source)
    return prepared.gdf


def _distances(ctx, param, value):
    if value is None:
        return None
    try:
        out = tuple(float(v) for v in str(value).split(",") if v.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r}: give metres separated by commas, e.g. 300,500,1000.") from None
    if not out or any(not (d > 0) or d == float("inf") for d in out):
        raise click.BadParameter(f"{value!r}: every distance must be a positive number of metres.")
    return out


def _refuse_unused_by_lifecircle(ctx: click.Context, given: dict) -> None:
    """``access lifecircle`` runs every theme on the project's own layers at the configured
    circles: options for one theme's run would be silently ignored, so they are refused."""
    names = {"--scenario": "scenario", "--overwrite": "overwrite"}
    unused = []
    for flag, value in given.items():
        if flag in names:
            if ctx.get_parameter_source(names[flag]) is click.core.ParameterSource.COMMANDLINE:
                unused.append(flag)
        elif value is not None:
            unused.append(flag)
    if unused:
        raise click.UsageError(
            f"{', '.join(unused)} {'applies' if len(unused) == 1 else 'apply'} to one theme's run, "
            "not to lifecircle, which checks every theme with the project's layers at the "
            "[access] circles. Run `futiangis access parks|charging|bike|metro …` with "
            f"{'it' if len(unused) == 1 else 'them'}, or replace the layer in the project's layers/.")


def _pct(value) -> str:
    return "   n/a" if value is None or math.isnan(value) else f"{value * 100:6.1f}%"


@click.command("access")
@click.argument("theme", type=click.Choice(THEMES + ("lifecircle",)))
@click.option("--network", "network_path", type=click.Path(dir_okay=False), default=None,
              help="Street/path centrelines (GeoPackage, Shapefile, GeoJSON, DXF …). Default: the "
                   "shipped arterial_network (DERIVED, COARSE).")
@click.option("--network-layer", default=None, help="Layer of a multi-layer --network file.")
@click.option("--network-crs", default=None, metavar="CRS",
              help="CRS of --network when the file has none (e.g. a DXF: EPSG:4547).")
@click.option("--facilities", "facilities_path", type=click.Path(dir_okay=False), default=None,
              help="Facilities of the THEME's kind (default: the shipped layer).")
@click.option("--source-crs", default=None, metavar="CRS",
              help="What the --facilities coordinates are (gcj02, bd09, wgs84, EPSG:n).")
@click.option("--encoding", default=None, metavar="ENC", help="Encoding of a --facilities file.")
@click.option("--max-m", "max_m", callback=_distances, default=None, metavar="D[,D…]",
              help="Network distances in metres (default: [access] distances_m, 300,500,1000).")
@click.option("--trim-m", type=click.FloatRange(min=0), default=None,
              help="Lateral trim: service area = reached network buffered by T m (default 100).")
@click.option("--units", "units_path", type=click.Path(dir_okay=False), default=None,
              help="Units layer (default: the shipped units).")
@click.option("--snap-m", type=click.FloatRange(min=0), default=None,
              help="Join line ends within this many metres (default [network] snap_m, 2).")
@click.option("--max-snap-m", type=click.FloatRange(min=0), default=None,
              help="A facility farther than this from every edge is off network (default 150).")
@click.option("--grade-field", default=None,
              help="Field marking bridges/tunnels in --network (no junction where they cross).")
@click.option("--impedance-field", default=None, help="Field with a cost per metre or a speed.")
@click.option("--impedance", type=click.Choice(("cost_per_m", "speed_kmh")), default=None,
              help="What --impedance-field holds (default cost_per_m).")
@click.option("--barriers", "barriers_path", type=click.Path(dir_okay=False), default=None,
              help="Lines/polygons no street may cross (rivers, rail) except at --crossings.")
@click.option("--crossings", "crossings_path", type=click.Path(dir_okay=False), default=None,
              help="Points where a barrier may be crossed (bridges, underpasses).")
@click.option("--residential", "residential_path", type=click.Path(dir_okay=False), default=None,
              help="Residential-land polygons as the denominator.")
@click.option("--population", "population_path", type=click.Path(dir_okay=False), default=None,
              help="Population raster (people per cell).")
@click.option("--scenario", type=click.Choice(SCENARIOS), default="current", show_default=True)
@click.option("--gaps", "gaps_out", type=click.Path(dir_okay=False), default=None,
              help="Write gap polygons (all distances, column max_m) to .gpkg or .geojson.")
@click.option("--reached", "reached_out", type=click.Path(dir_okay=False), default=None,
              help="Write the reached network (all distances, column max_m) to .gpkg or .geojson.")
@click.option("--overwrite", is_flag=True, help="Replace an existing --gaps/--reached output.")
@multi_field_option
@json_option
@click.pass_context
def command(ctx, theme, network_path, network_layer, network_crs, facilities_path, source_crs,
            encoding, max_m, trim_m, units_path, snap_m, max_snap_m, grade_field, impedance_field,
            impedance, barriers_path, crossings_path, residential_path, population_path, scenario,
            gaps_out, reached_out, overwrite, fields, as_json) -> None:
    """Share of each unit within D metres ALONG THE STREETS of a THEME facility.

    THEME is parks, charging, bike, metro, or lifecircle (every theme at the 5/10/15-minute
    circles of GB 50180-2018: 300/500/1000 m). Facilities are snapped onto the nearest edge;
    one multi-source Dijkstra gives the reached network; the service area is that network
    buffered by --trim-m, beside the straight-line circles of radius D, in EPSG:4547.
    """
    if theme == "lifecircle":
        _refuse_unused_by_lifecircle(ctx, {
            "--facilities": facilities_path, "--source-crs": source_crs, "--encoding": encoding,
            "--max-m": max_m, "--max-snap-m": max_snap_m, "--residential": residential_path,
            "--population": population_path, "--scenario": scenario, "--gaps": gaps_out,
            "--reached": reached_out, "--overwrite": overwrite})
    config = get_config(ctx)
    inputs = [(p, None) for p in (network_path, facilities_path, units_path, barriers_path,
                                  crossings_path, residential_path, population_path, config.path) if p]
    try:
        inputs += [(info.path, None) for info in read_catalog(config.layers_dir).values()]
    except FutianGISError:
        pass
    outputs = [(p, name) for p, name in ((gaps_out, f"{theme}_access_gaps"),
                                         (reached_out, f"{theme}_reached")) if p]
    if outputs:
        check_outputs_are_not_inputs(outputs, inputs)
    settings = access_settings(config)
    rules = FieldOptions(fields, {"network": network_path, "facilities": facilities_path,
                                  "units": units_path, "barriers": barriers_path,
                                  "crossings": crossings_path, "residential": residential_path})
    network = None
    if network_path or barriers_path or snap_m is not None or grade_field or impedance_field:
        if network_path:
            lines = _load(network_path, "network", config, "network", rules, layer=network_layer,
                          source_crs=network_crs)
            label = f"user network {network_path}"
        else:
            from ..load import load_shipped_layer, shipped_provenance
            lines = load_shipped_layer(settings.network_layer, config=config)
            prov = shipped_provenance(settings.network_layer, config=config)
            label = f"{settings.network_layer}: {prov.get('title_en', '')}"
        barriers = _load(barriers_path, "generic", config, "barriers", rules) if barriers_path else None
        crossings = _load(crossings_path, "generic", config, "crossings", rules) if crossings_path else None
        network = network_from_lines(lines, settings, label=label, barriers=barriers,
                                     crossings=crossings, snap_m=snap_m, grade_field=grade_field,
                                     impedance_field=impedance_field, impedance=impedance)
    units = _load(units_path, "units", config, "units", rules) if units_path else None
    residential = _load(residential_path, "generic", config, "residential", rules) if residential_path else None
    population = load_raster(population_path, config=config) if population_path else None
    if theme == "lifecircle":
        rules.check()
        lc = run_lifecircle(config, network=network, units=units, trim_m=trim_m)
        if as_json:
            click.echo(json.dumps(lc.to_dict(), ensure_ascii=False, indent=2))
        else:
            _echo_lifecircle(lc)
        return
    facilities = (_load(facilities_path, THEME_LAYER[theme], config, "facilities", rules,
                        source_crs=source_crs, encoding=encoding) if facilities_path else None)
    rules.check()
    run = run_access(theme, config, network=network, facilities=facilities, units=units,
                     max_m=max_m, trim_m=trim_m, max_snap_m=max_snap_m, scenario=scenario,
                     residential=residential, population=population, settings=settings)
    out = run.to_list()
    for path, name, frames in ((gaps_out, f"{theme}_access_gaps", [r.gaps for r in run.results]),
                               (reached_out, f"{theme}_reached", [r.reached for r in run.results])):
        if not path:
            continue
        import geopandas as gpd
        import pandas as pd
        parts = [f.assign(max_m=r.max_m, trim_m=r.settings["trim_m"], theme=theme)
                 for f, r in zip(frames, run.results)]
        layer = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=parts[0].crs)
        layer[S.ILLUSTRATIVE] = run.illustrative
        layer["network"] = run.results[0].settings["network_label"]
        written = write_layer(layer, path, layer=name, overwrite=overwrite)
        for d in out:
            d.setdefault("outputs", {})[name] = str(written)
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    _echo_run(run, out)


def _echo_run(run, out) -> None:
    s = out[0]["settings"]
    c = s["network_connectivity"]
    click.echo(f"Network access: {run.theme}; network {escape_terminal(s['network_label'] or 'user network')} "
               f"({c['length_m'] / 1000:,.1f} km, {c['components']} components, "
               f"{c['outside_largest_share'] * 100:.1f} % outside the largest)")
    click.echo(f"Facilities: {s['count']} ({s['on_network']} on network, {s['off_network']} "
               f"farther than {s['max_snap_m']:g} m; median snap "
               f"{'n/a' if s['snap_m_median'] is None else format(s['snap_m_median'], '.0f') + ' m'}, "
               f"{'counted as walked' if s['count_snap_distance'] else 'not counted'}); "
               f"trim {s['trim_m']:g} m; {s['crs']}")
    click.echo(f"Standard: {escape_terminal(run.standard)}")
    for note in run.notes:
        click.echo(f"Note: {escape_terminal(note)}")
    click.echo(f"\n{'max_m':>7}{'reached km':>12}{'network':>9}{'circle':>9}{'ratio':>7}")
    for d in out:
        click.echo(f"{d['max_m']:>7g}{d['reached_length_m'] / 1000:>12,.2f}{_pct(d['coverage']):>9}"
                   f"{_pct(d['straight_coverage']):>9}{(d['ratio'] or 0):>7.2f}")
    last = out[-1]
    click.echo(f"\nper unit at {last['max_m']:g} m (worst ratio first):")
    click.echo(f"{'unit':<14}{'network':>9}{'circle':>9}{'ratio':>7}{'reached km':>12}")
    rows = sorted(last["units"], key=lambda r: (r["ratio"] if r["ratio"] is not None else -1))
    for r in rows:
        click.echo(f"{escape_terminal(r['id']):<14}{_pct(r['coverage']):>9}{_pct(r['straight_coverage']):>9}"
                   f"{(r['ratio'] if r['ratio'] is not None else float('nan')):>7.2f}"
                   f"{r['reached_length_m'] / 1000:>12,.2f}")


def _echo_lifecircle(lc) -> None:
    click.echo(f"Life circles: {escape_terminal(lc.standard)}")
    for note in lc.notes:
        click.echo(f"Note: {escape_terminal(note)}")
    head = "".join(f"{f'{c.minutes} min ({c.distance_m:g} m)':>26}" for c in lc.circles)
    for title, frame in (("per unit", lc.units), ("per 街道 subdistrict", lc.subdistricts)):
        if frame is None:
            continue
        click.echo(f"\nthemes reached ({title}; ≥ {lc.reach_share * 100:.0f} % of land):")
        width = max(14, *(len(escape_terminal(i)) + 2 for i in frame[S.ID]))
        click.echo(f"{'':<{width}}{head}")
        for _, r in frame.iterrows():
            cells = "".join(f"{escape_terminal(r[f'reached_{c.minutes}min'] or '—'):>26}" for c in lc.circles)
            click.echo(f"{escape_terminal(r[S.ID]):<{width}}{cells}")
