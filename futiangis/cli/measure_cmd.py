"""``futiangis measure``: areas and lengths in metres, overlaps counted once."""
from __future__ import annotations

import json

import click

from ..escape import escape_terminal
from ..load import load_layer
from ..measure import summarize_measures
from .context import get_config
from .options import echo_notes, echo_problems, encoding_option, field_option, json_option, layer_option, sheet_option, source_crs_option


@click.command("measure")
@click.argument("path", type=click.Path(dir_okay=False))
@source_crs_option
@encoding_option
@layer_option
@sheet_option
@field_option
@json_option
@click.pass_context
def command(ctx, path, source_crs, encoding, layer, sheet, fields, as_json) -> None:
    """Per-feature area_m2 / length_m of PATH in the working CRS, with totals."""
    config = get_config(ctx)
    prepared = load_layer(
        path, "generic", config=config, layer=layer, source_crs=source_crs, encoding=encoding,
        sheet=sheet, fields=fields,
    )
    echo_notes(prepared)
    echo_problems(prepared.warnings, prepared.source)
    summary = summarize_measures(prepared.gdf)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    click.echo(f"{escape_terminal(path)}: {summary['count']} features, measured in {summary['crs']}")
    for row in summary["features"]:
        if "area_m2" in row:
            click.echo(f"  {escape_terminal(row['id']):<24} area   {row['area_m2']:>16,.1f} m²  ({row['area_m2'] / 1e4:,.2f} 万㎡)")
        elif "length_m" in row:
            click.echo(f"  {escape_terminal(row['id']):<24} length {row['length_m']:>16,.1f} m")
        else:
            click.echo(f"  {escape_terminal(row['id']):<24} {row['geometry_type']}")
    if summary["total_area_m2"]:
        click.echo(
            f"total_area_m2 {summary['total_area_m2']:,.1f} m² (sum)   union_area_m2 "
            f"{summary['union_area_m2']:,.1f} m² (overlaps once)   overlap "
            f"{summary['overlap_area_m2']:,.1f} m²"
        )
    if summary["total_length_m"]:
        click.echo(f"total_length_m {summary['total_length_m']:,.1f} m")
