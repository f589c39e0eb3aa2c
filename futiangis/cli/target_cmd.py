"""``futiangis target``: progress of the renewal sites against the configured targets."""
from __future__ import annotations

import json

import click

from ..build import output_protected_paths
from ..errors import FutianGISError
from ..escape import escape_terminal
from ..io.outputs import check_output_dir, check_outputs_are_not_inputs
from ..io.reports import publish_files
from ..load import load_layer
from ..project import run_target_accounting
from ..report import ILLUSTRATIVE_NOTE, format_amount, target_report_files
from ..targets import parse_as_of
from .context import get_config
from .options import FieldOptions, echo_notes, echo_problems, encoding_option, json_option, layer_option, multi_field_option, sheet_option, source_crs_option


def _as_of(ctx, param, value):
    try:
        return parse_as_of(value)
    except FutianGISError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


@click.command("target")
@click.option("--sites", "sites_path", type=click.Path(dir_okay=False), default=None,
              help="Renewal-sites layer to account (default: the shipped renewal_sites); "
                   "--source-crs, --encoding and --layer apply to this file.")
@click.option("--zones", "zones_path", type=click.Path(dir_okay=False), default=None,
              help="CBD-zones layer for the breakdown (default: the shipped cbd_zones).")
@click.option("--as-of", "as_of", default=None, metavar="DATE", callback=_as_of,
              help="Evaluate at DATE (YYYY-MM-DD or a year = 31 December): each target is "
              "evaluated at min(its end, DATE); default: each target's end.")
@click.option("--by", "by", type=click.Choice(["subdistricts", "units"]), default="subdistricts",
              show_default=True, help="Areas of the area table: 街道 (subdistricts) or traffic zones (units).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write CSV, XLSX, Markdown and a PNG chart as this folder (new, empty or a "
              "previous futiangis output; replaced as a whole).")
@click.option("--force", is_flag=True,
              help="Replace an --out folder holding files futiangis did not write (never the "
              "layers folder, the config's folder or a parent of either).")
@source_crs_option
@encoding_option
@layer_option
@sheet_option
@multi_field_option
@json_option
@click.pass_context
def command(ctx, sites_path, zones_path, as_of, by, out_dir, force, source_crs, encoding, layer, sheet,
            fields, as_json) -> None:
    """How far the renewal sites are from the targets (100万㎡ / 60万㎡ / 100亿元 by default).

    Each target counts new floor area (GFA) or investment delivered in its period (the
    plan's three: 2015), evaluated at min(end, --as-of); status at a date comes from the
    sites' milestone dates; duplicates once, other overlaps in full. See docs/targets.md.
    """
    config = get_config(ctx)
    protected = output_protected_paths(config)
    if out_dir:  # refused before anything is read
        inputs = [(p, None) for p in (sites_path, zones_path, config.path) if p]
        check_outputs_are_not_inputs([], inputs, folders=[out_dir])
        check_output_dir(out_dir, force=force, protected=protected)
    sites = zones = None
    sources: dict[str, str] = {}  # how the report names the files given
    rules = FieldOptions(fields, {"sites": sites_path, "zones": zones_path})
    if sites_path:
        prepared = load_layer(sites_path, "renewal_sites", config=config, layer=layer,
                              source_crs=source_crs, encoding=encoding, sheet=sheet,
                              **rules.kwargs("sites"))
        rules.record("sites", prepared)
        echo_notes(prepared)
        echo_problems(prepared.warnings, prepared.source)
        sites = prepared.gdf
        sources["sites"] = prepared.source
    if zones_path:
        prepared = load_layer(zones_path, "cbd_zones", config=config, **rules.kwargs("zones"))
        rules.record("zones", prepared)
        echo_notes(prepared)
        echo_problems(prepared.warnings, prepared.source)
        zones = prepared.gdf
        sources["zones"] = prepared.source
    rules.check()
    result = run_target_accounting(config, sites=sites, zones=zones, as_of=as_of, by=by, sources=sources)
    written = (publish_files(target_report_files(result), out_dir, force=force, protected=protected)
               if out_dir else [])
    if as_json:
        payload = result.to_dict()
        payload.pop("sites")
        payload["written"] = [str(p) for p in written]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for p in result.warnings:
        click.echo(f"warning: site {escape_terminal(p.feature_id)}: {escape_terminal(p.message)}"
                   if p.feature_id else f"warning: {escape_terminal(p.message)}", err=True)
    if result.illustrative:
        click.echo(ILLUSTRATIVE_NOTE)
    when = result.as_of.isoformat() if result.as_of else "each target's end"
    n_dup = len(result.duplicates)
    click.echo(f"Target accounting at {when} ({len(result.sites)} sites, {n_dup} duplicate(s) counted once; "
               "GFA, not footprint)")
    for r in result.targets.itertuples(index=False):
        click.echo(f"\n{r.name_zh} {r.name_en}  [{r.id}]  period {r.start or '…'} – {r.end or '…'}, "
                   f"evaluated at {r.evaluated_at or 'no limit'}")
        click.echo(f"  {r.verdict_text}")
        click.echo(f"  target         {format_amount(r.target, r.unit)}")
        click.echo(f"  achieved       {format_amount(r.achieved, r.unit)}   progress {r.progress:.1f} %")
        click.echo(f"  pipeline       {format_amount(r.pipeline, r.unit)}")
        click.echo(f"  proposed       {format_amount(r.proposed, r.unit)}")
        click.echo(f"  before period  {format_amount(r.before_period, r.unit)}   (not counted)")
        click.echo(f"  undated        {format_amount(r.undated, r.unit)}   (delivered without a date: not counted)")
        click.echo(f"  shortfall      {format_amount(r.shortfall, r.unit)}")
    head = result.headline
    click.echo(f"\nBy direction ({head}: 万㎡ achieved / pipeline / proposed; budget 亿元):")
    for r in result.by_direction.itertuples(index=False):
        click.echo(f"  {r.direction_zh:<4} {r.direction:<8} {r.n_sites:>3} sites  "
                   f"{r.achieved_m2 / 1e4:>8.2f} / {r.pipeline_m2 / 1e4:>8.2f} / "
                   f"{r.proposed_m2 / 1e4:>8.2f}   {getattr(r, 'investment_100m_cny', 0.0):>7.2f} 亿元")
    if result.by_area is not None:
        label = "街道 subdistrict" if result.area_kind == "subdistricts" else "traffic zone"
        click.echo(f"\nBy {label} (each site in the area holding most of its land; 万㎡ achieved / pipeline / proposed):")
        for r in result.by_area.itertuples(index=False):
            click.echo(f"  {str(getattr(r, 'name_zh', r.zone_id)):<12} {r.n_sites:>3} sites  "
                       f"{r.achieved_m2 / 1e4:>8.2f} / {r.pipeline_m2 / 1e4:>8.2f} / {r.proposed_m2 / 1e4:>8.2f}")
    n_est = int(result.sites["gfa_estimated"].sum())
    click.echo(f"\n{n_est} site(s) with estimated GFA; {len(result.overlaps)} overlapping pair(s) counted in "
               f"full ({result.overlaps['overlap_area_m2'].sum():,.0f} m² shared); {n_dup} duplicate(s); "
               f"{len(result.warnings)} warning(s).")
    if written:
        click.echo(f"Wrote {len(written)} files to {out_dir}.")
