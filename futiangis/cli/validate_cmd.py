"""``futiangis validate``: check a file against a layer kind's schema."""
from __future__ import annotations

import click

from ..load import load_layer
from .main import get_config
from .options import echo_problems, encoding_option, kind_option, layer_option, source_crs_option


@click.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
@kind_option
@source_crs_option
@encoding_option
@layer_option
@click.pass_context
def command(ctx, path, kind, source_crs, encoding, layer) -> None:
    """Validate PATH as a KIND layer; exit 0 if valid, else list every problem."""
    config = get_config(ctx)
    prepared = load_layer(
        path, kind, config=config, layer=layer, source_crs=source_crs, encoding=encoding
    )
    echo_problems(prepared.warnings, prepared.source)
    n_warn = len(prepared.warnings)
    click.echo(
        f"OK: {path} is a valid {kind} layer ({len(prepared.gdf)} features, read as "
        f"{prepared.source_crs}){f', {n_warn} warning(s)' if n_warn else ''}."
    )
