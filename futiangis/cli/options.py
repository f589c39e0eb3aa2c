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
layer_option = click.option("--layer", default=None, help="Layer name in a multi-layer GeoPackage.")
kind_option = click.option(
    "--kind",
    required=True,
    type=click.Choice(LAYER_KINDS),
    help="Layer kind whose schema the file must match.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def echo_problems(problems, source: str, *, err: bool = True) -> None:
    """Print warnings/repairs, one per line."""
    for p in problems:
        click.echo(p.format(source), err=err)
