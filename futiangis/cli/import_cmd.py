"""``futiangis import``: validate, convert and write a layer."""
from __future__ import annotations

import click

from .. import schemas as S
from ..escape import escape_terminal
from ..io import write_layer
from ..io.outputs import check_outputs_are_not_inputs, shapefile_field_names
from ..load import load_layer
from ..measure import measure_area, measure_length
from .context import get_config
from .options import echo_notes, echo_problems, encoding_option, field_option, kind_option, layer_option, sheet_option, source_crs_option


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@kind_option
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Output .gpkg (working CRS), .geojson (EPSG:4326, RFC 7946), .parquet "
                   "(GeoParquet, working CRS) or .shp (UTF-8 shapefile with .cpg, working CRS); "
                   "area_m2 / length_m are added.")
@source_crs_option
@encoding_option
@layer_option
@sheet_option
@field_option
@click.option("--layer-name", default=None, metavar="NAME",
              help="Layer written to OUT (default: the kind). A GeoPackage keeps its other layers.")
@click.option("--overwrite", is_flag=True,
              help="Replace the layer NAME if OUT already holds it (or OUT if it is a GeoJSON file).")
@click.option("--fix", is_flag=True, help="Repair invalid geometries with make_valid (reported).")
@click.pass_context
def command(ctx, path, kind, out, source_crs, encoding, layer, sheet, fields, layer_name, overwrite,
            fix) -> None:
    """Validate PATH as a KIND layer and write it, converted, to OUT.

    OUT's other GeoPackage layers are kept (like ogr2ogr -update -nln); an OUT that is
    PATH itself (or the same GeoPackage layer) is refused before anything is read.
    """
    config = get_config(ctx)
    layer_name = layer_name or kind
    inputs = [(path, layer)] + ([(config.path, None)] if config.path else [])
    check_outputs_are_not_inputs([(out, layer_name)], inputs)
    prepared = load_layer(
        path, kind, config=config, layer=layer, source_crs=source_crs, encoding=encoding, fix=fix,
        sheet=sheet, fields=fields,
    )
    echo_notes(prepared)
    echo_problems(prepared.warnings + prepared.repairs, prepared.source)
    gdf = _with_measures(prepared.gdf)
    if str(out).lower().endswith(".shp"):
        for long, short in shapefile_field_names(gdf.columns, gdf.geometry.name).items():
            click.echo(escape_terminal(
                f"[note] {out}: field {long} is written as {short} (a shapefile keeps 10 "
                f"characters; read it back with --field {long}={short}, or write .gpkg)"), err=True)
    written = write_layer(gdf, out, layer=layer_name, overwrite=overwrite)
    click.echo(
        f"Wrote {len(gdf)} {kind} features to {written}, layer {layer_name!r} "
        f"(from {prepared.source_crs}; {len(prepared.repairs)} repair(s))."
    )


def _with_measures(gdf):
    """The layer with area_m2 (polygons) or length_m (lines) measured in the working CRS."""
    out = gdf.copy()
    types = set(out.geom_type.dropna())
    if types & {"Polygon", "MultiPolygon"}:
        out[S.AREA_M2] = measure_area(out).to_numpy()
    if types & {"LineString", "MultiLineString"}:
        out[S.LENGTH_M] = measure_length(out).to_numpy()
    return out
