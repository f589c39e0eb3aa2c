"""Entry point: the ``futiangis`` click group, lazy subcommands and error handling.

Subcommands are imported when used (click's "lazy loading of subcommands"), so
``futiangis --help`` does not load geopandas, folium or matplotlib. To add a command,
write ``futiangis/cli/<name>_cmd.py`` defining a click command ``command`` and add one
row to :data:`COMMANDS`.

Every :class:`~futiangis.errors.FutianGISError` becomes a message on stderr and exit
code 1; any other exception becomes a one-line "internal error" message and exit code
3 (set ``FUTIANGIS_DEBUG=1`` to see the traceback). Users never see a traceback for bad
input.
"""
from __future__ import annotations

import importlib
import os
import sys

import click

from ..errors import FutianGISError
from ..escape import escape_terminal
from .signals import install_signal_handlers

#: command name -> (module in futiangis.cli, one-line help shown by --help)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("init_cmd", "Start a project folder: futiangis.toml + the sample layers + README."),
    "layers": ("layers_cmd", "List the project's layers: kind, file, count, CRS, source, accuracy."),
    "validate": ("validate_cmd", "Validate PATH as a KIND layer; exit 0 if valid, else list every problem."),
    "import": ("import_cmd", "Validate PATH as a KIND layer and write it, converted, to OUT."),
    "measure": ("measure_cmd", "Per-feature area_m2 / length_m of PATH in the working CRS, with totals."),
    "target": ("target_cmd", "How far the renewal sites are from the targets (GFA, investment)."),
    "stats": ("stats_cmd", "Stations, routes and parks per statistical unit or CBD zone."),
    "build": ("build_cmd", "Compute targets, coverage and gradients and write the maps + index.html."),
    "coverage": ("coverage_cmd", "Share of each unit and of Futian within reach of a THEME facility."),
    "terrain": ("terrain_cmd", "Route gradients and park elevation ranges from the DEM."),
    "site": ("site_cmd", "Where the next N charging stations / bike parkings / parks go."),
    "access": ("access_cmd", "Network reach of THEME facilities (or the life circles) per unit."),
    "crs": ("crs_cmd", "Coordinate grids: fit a local plane grid (城市独立坐标系) from control points."),
}

EXIT_ERROR = 1
EXIT_INTERNAL = 3


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (see :data:`COMMANDS`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in COMMANDS:
            return command
        module = importlib.import_module(f"{__package__}.{COMMANDS[cmd_name][0]}")
        command = module.command
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands from the table, without importing them."""
        rows = [(name, COMMANDS[name][1]) for name in sorted(COMMANDS)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class FutianGroup(LazyGroup):
    """Click group that turns errors into clean messages and exit codes."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except FutianGISError as exc:
            click.echo(f"Error: {escape_terminal(exc, keep_newlines=True)}", err=True)
            ctx.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:  # e.g. `futiangis layers | head`: the reader went away
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except KeyboardInterrupt as exc:  # Ctrl-C, and SIGTERM / SIGHUP (cli/signals.py)
            click.echo("Interrupted; outputs already published are intact.", err=True)
            ctx.exit(getattr(exc, "exit_code", 130))
        except Exception as exc:  # noqa: BLE001 - last line of defence for the CLI
            if os.environ.get("FUTIANGIS_DEBUG"):
                raise
            click.echo(
                f"Internal error: {type(exc).__name__}: {escape_terminal(exc)}\n"
                "This is a futiangis bug; re-run with FUTIANGIS_DEBUG=1 for details and report it.",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=FutianGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    envvar="FUTIANGIS_CONFIG",
    help="Project config (TOML). Default: ./futiangis.toml, else the packaged Futian sample.",
)
@click.version_option(package_name="futiangis")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """futiangis — spatial-planning toolkit for Futian District (福田区), Shenzhen.

    Layers are measured in EPSG:4547 (CGCS2000 / GK CM 114E, metres).
    """
    install_signal_handlers()
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path


def get_config(ctx: click.Context):
    """Deprecated home of :func:`futiangis.cli.context.get_config` (kept for callers)."""
    from .context import get_config as _get_config

    return _get_config(ctx)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cli())
