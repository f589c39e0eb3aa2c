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
multi_field_option = click.option(
    "--field", "fields", multiple=True, metavar="[INPUT.]TARGET=SOURCE[:UNIT]",
    help="Read column SOURCE as field TARGET in every file given that has it (e.g. "
    "name_zh=项目名称, gfa_new_m2=计容面积:万㎡), or in one file only: units.id=编号. Repeatable; "
    "also [fields.<kind>] in the config.")
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


class FieldOptions:
    """``--field`` of a command that reads several files (coverage, access, site, target).

    ``--field TARGET=SOURCE[:UNIT]`` applies to every file of the command whose kind has
    the field TARGET and which has the column SOURCE (with one file given, to that file,
    strictly: a missing column is an error naming the columns present). A rule that fits
    no file is an error naming the files read. ``--field INPUT.TARGET=SOURCE`` (INPUT: the
    option's name, e.g. ``units.id=编号``) applies to that file only, strictly.
    """

    def __init__(self, texts, inputs: dict[str, object]) -> None:
        from ..errors import ConfigError

        self.inputs = {name: path for name, path in inputs.items()}
        self.scoped: dict[str, list[str]] = {name: [] for name in inputs}
        self.common: list[str] = []
        for text in texts:
            target, sep, rest = str(text).partition("=")
            scope, dot, plain = target.partition(".")
            if sep and dot:
                scope = scope.strip()
                if scope not in self.inputs:
                    raise ConfigError(
                        f"--field {text!r}: no input {scope!r} in this command; write "
                        f"INPUT.TARGET=SOURCE with INPUT one of {', '.join(self.inputs)}, or "
                        "TARGET=SOURCE for every file it fits.")
                if not self.inputs[scope]:
                    raise ConfigError(f"--field {text!r}: no --{scope} file is given.")
                self.scoped[scope].append(f"{plain.strip()}={rest}")
            else:
                self.common.append(str(text))
        self.given = [name for name, path in self.inputs.items() if path]
        self.read: list[tuple[str, str, list[str]]] = []
        self.used: set[str] = set()

    def kwargs(self, name: str) -> dict:
        """``fields`` / ``optional_fields`` for :func:`futiangis.load.load_layer` of input ``name``."""
        if len(self.given) == 1:
            return {"fields": self.scoped[name] + self.common}
        return {"fields": list(self.scoped[name]), "optional_fields": list(self.common)}

    def record(self, name: str, prepared) -> None:
        """Note which common rules the file ``name`` used (after :func:`load_layer`)."""
        self.used.update(prepared.fields_applied)
        self.read.append((name, str(prepared.source), []))

    def check(self) -> None:
        """Raise :class:`ConfigError` for a common rule no file of the command took."""
        from ..errors import ConfigError

        if len(self.given) <= 1:
            return
        unused = [t for t in self.common if t not in self.used]
        if unused:
            files = "; ".join(f"--{n} {s}" for n, s, _ in self.read) or "none"
            raise ConfigError(
                f"--field {', '.join(repr(t) for t in unused)}: no file read by this command has "
                f"that column for a field of its kind (files read: {files}). Check the column "
                "name (validate FILE --kind KIND lists them), or say which file with "
                f"--field INPUT.TARGET=SOURCE (INPUT: {', '.join(self.given)}).")
