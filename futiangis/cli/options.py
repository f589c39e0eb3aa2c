"""Options shared by subcommands that read a user's file."""
from __future__ import annotations

import click

from ..schemas import LAYER_KINDS

source_crs_option = click.option(
    "--source-crs",
    default=None,
    metavar="CRS",
    help="What the file's coordinates are: gcj02 (Gaode/Tencent), bd09 (Baidu), wgs84, "
    "or EPSG:n. Overrides the file's own CRS; required for CSV.",
)
encoding_option = click.option(
    "--encoding",
    default=None,
    metavar="ENC",
    help="Text encoding of a shapefile without .cpg (e.g. gbk) or of a CSV.",
)
layer_option = click.option(
    "--layer", default=None,
    help="Layer of a multi-layer GeoPackage, CAD layer of a DXF, folder of a KML, shapefile in a zip.")
field_option = click.option(
    "--field", "fields", multiple=True, metavar="TARGET=SOURCE[:UNIT]",
    help="Read column SOURCE as field TARGET, e.g. name_zh=项目名称 or gfa_new_m2=计容面积:万㎡ "
    "(units: 万㎡, ha, 亩, km2; 万元, 元, 亿元; km). Repeatable; also [fields.<kind>] in the config.")
sheet_option = click.option("--sheet", default=None, metavar="NAME", help="Sheet of an Excel workbook.")
kind_option = click.option(
    "--kind",
    required=True,
    type=click.Choice(LAYER_KINDS),
    help="Layer kind whose schema the file must match.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def echo_notes(prepared, *, err: bool = True) -> None:
    """Print what was mapped, converted or taken on the way in (one line each)."""
    from ..escape import escape_terminal

    for note in prepared.notes:  # column names and values are data: escaped
        click.echo(f"[note] {escape_terminal(prepared.source)}: {escape_terminal(note)}", err=err)


def echo_problems(problems, source: str, *, err: bool = True) -> None:
    """Print warnings/repairs, one per line."""
    for p in problems:
        click.echo(p.format(source), err=err)
