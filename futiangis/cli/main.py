"""Entry point: the ``futiangis`` click group, config loading and error handling.

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

from ..config import load_config
from ..errors import FutianGISError
from ..escape import escape_terminal
from .signals import install_signal_handlers

# Subcommand modules in futiangis.cli; each defines a click command named `command`
# (or several, listed in its `COMMANDS`).
SUBCOMMAND_MODULES = (
    "layers_cmd",
    "validate_cmd",
    "import_cmd",
    "measure_cmd",
    "target_cmd",
    "stats_cmd",
    "build_cmd",
    "coverage_cmd",
    "terrain_cmd",
    "access_cmd",
    "site_cmd",
)

EXIT_ERROR = 1
EXIT_INTERNAL = 3


class FutianGroup(click.Group):
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
    help="Project config (TOML). Default: the futiangis.toml of this project.",
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
    """Load the config named on the command line (once per invocation)."""
    obj = ctx.find_root().ensure_object(dict)
    if "config" not in obj:
        obj["config"] = load_config(obj.get("config_path"))
    return obj["config"]


def _register() -> None:
    for name in SUBCOMMAND_MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        for command in getattr(module, "COMMANDS", (module.command,)):
            cli.add_command(command)


_register()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cli())
