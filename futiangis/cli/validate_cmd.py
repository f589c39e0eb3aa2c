"""``futiangis validate``: check a file against a layer kind's schema."""
from __future__ import annotations

import click

from ..escape import escape_terminal
from ..load import load_layer, load_raster
from ..schemas import LAYER_KINDS
from ..zonal import check_population_raster
from .context import get_config
from .options import echo_notes, echo_problems, encoding_option, field_option, layer_option, sheet_option, source_crs_option

RASTER_KINDS = ("dem", "population")
EXIT_WARNINGS = 2  # with --strict: valid, but with warnings


@click.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--kind",
    required=True,
    type=click.Choice(LAYER_KINDS + RASTER_KINDS),
    help="Layer kind whose schema the file must match (dem/population: a GeoTIFF).",
)
@source_crs_option
@encoding_option
@layer_option
@sheet_option
@field_option
@click.option("--nodata", "nodata", type=float, default=None, metavar="V",
              help="population: treat cells equal to V as no data (a raster without a nodata tag).")
@click.option("--strict", is_flag=True,
              help=f"Exit with code {EXIT_WARNINGS} when there are warnings (e.g. GCJ-02 suspected).")
@click.pass_context
def command(ctx, path, kind, source_crs, encoding, layer, sheet, fields, nodata, strict) -> None:
    """Validate PATH as a KIND layer; exit 0 if valid, else list every problem.

    Exit codes: 0 valid; 1 errors (nothing loaded); 2 warnings only, with --strict.
    """
    config = get_config(ctx)
    if kind in RASTER_KINDS:
        raster = load_raster(path, config=config)
        if kind == "population":  # people per cell: −9999 fill values are not people
            raster = check_population_raster(raster, nodata=nodata)
        click.echo(
            f"OK: {escape_terminal(path)} is a usable {kind} raster ({raster.values.shape[1]} x "
            f"{raster.values.shape[0]} pixels, {raster.crs.to_string() if raster.crs else 'no CRS'})."
        )
        return
    prepared = load_layer(
        path, kind, config=config, layer=layer, source_crs=source_crs, encoding=encoding,
        sheet=sheet, fields=fields,
    )
    echo_notes(prepared)
    echo_problems(prepared.warnings, prepared.source)
    n_warn = len(prepared.warnings)
    click.echo(
        f"OK: {escape_terminal(path)} is a valid {kind} layer ({len(prepared.gdf)} features, read as "
        f"{prepared.source_crs}){f', {n_warn} warning(s)' if n_warn else ''}."
    )
    if strict and n_warn:
        click.echo(f"--strict: {n_warn} warning(s); exit code {EXIT_WARNINGS}.", err=True)
        ctx.exit(EXIT_WARNINGS)
