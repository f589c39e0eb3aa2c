"""``futiangis init``: start a project folder from the Futian sample."""
from __future__ import annotations

import click


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False))
def command(directory: str) -> None:
    """Start a project in DIRECTORY: futiangis.toml, layers/ (the Futian sample layers with
    their provenance) and a README on replacing layers with your own.

    DIRECTORY must be new or empty; nothing is overwritten.
    """
    from ..project import init_project

    dest = init_project(directory)
    click.echo(f"Created project {dest}: futiangis.toml, layers/, README.md.")
    click.echo(f"Next: cd {dest} && futiangis layers && futiangis build")
