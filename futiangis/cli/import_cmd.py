"""``futiangis import``: validate, convert and write a layer."""
from __future__ import annotations

import click

from ..io import write_layer
from ..io.outputs import check_outputs_are_not_inputs
from ..load import load_layer
from .context import get_config
from .options import echo_problems, encoding_option, kind_option, layer_option, source_crs_option


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@kind_option
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Output .gpkg (working CRS) or .geojson (EPSG:4326, RFC 7946).")
@source_crs_option
@encoding_option
@layer_option
@click.option("--layer-name", default=None, metavar="NAME",
              help="Layer written to OUT (default: the kind). A GeoPackage keeps its other layers.")
@click.option("--overwrite", is_flag=True,
              help="Replace the layer NAME if OUT already holds it (or OUT if it is a GeoJSON file).")
@click.option("--fix", is_flag=True, help="Repair invalid geometries with make_valid (reported).")
@click.pass_context
def command(ctx, path, kind, out, source_crs, encoding, layer, layer_name, overwrite, fix) -> None:
    """Validate PATH as a KIND layer and write it, converted, to OUT.

    OUT's other GeoPackage layers are kept (like ogr2ogr -update -nln); an OUT that is
    PATH itself (or the same GeoPackage layer) is refused before anything is read.
    """
    config = get_config(ctx)
    layer_name = layer_name or kind
    inputs = [(path, layer)] + ([(config.path, None)] if config.path else [])
    check_outputs_are_not_inputs([(out, layer_name)], inputs)
    prepared = load_layer(
        path, kind, config=config, layer=layer, source_crs=source_crs, encoding=encoding, fix=fix
    )
    echo_problems(prepared.warnings + prepared.repairs, prepared.source)
    written = write_layer(prepared.gdf, out, layer=layer_name, overwrite=overwrite)
    click.echo(
        f"Wrote {len(prepared.gdf)} {kind} features to {written}, layer {layer_name!r} "
        f"(from {prepared.source_crs}; {len(prepared.repairs)} repair(s))."
    )
