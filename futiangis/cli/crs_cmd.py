"""``futiangis crs fit``: define a local plane grid from the planner's control points."""
from __future__ import annotations

import datetime as dt
import json
import re

import click

from ..errors import ConfigError, CRSError
from ..escape import escape_terminal
from ..io.project_file import read_control_points, store_config_table
from ..localgrid import DEFAULT_TOLERANCE_M, fit_helmert
from .context import get_config
from .options import json_option

_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@click.group("crs")
def group() -> None:
    """Coordinate grids: fit a local plane grid (城市独立坐标系) from control points."""


@group.command("fit")
@click.argument("points", type=click.Path(dir_okay=False))
@click.option("--name", required=True, help="Grid name; read files with --source-crs local:NAME.")
@click.option("--tolerance-m", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TOLERANCE_M,
              show_default=True, help="Refuse the fit when a point's residual exceeds this (metres).")
@click.option("--replace", is_flag=True, help="Replace an existing [crs.local.NAME].")
@click.option("--encoding", default=None, metavar="ENC", help="Text encoding of POINTS (e.g. gbk).")
@click.option("--field", "fields", multiple=True, metavar="TARGET=SOURCE",
              help="Read column SOURCE as local_x, local_y, x, y or id, e.g. local_x=本地X. Repeatable.")
@json_option
@click.pass_context
def fit(ctx, points, name, tolerance_m, replace, encoding, fields, as_json) -> None:
    """Fit a four-parameter (Helmert) similarity from POINTS and store it in futiangis.toml.

    POINTS is a CSV with columns local_x, local_y (the local grid), x, y (the same point in
    the working CRS, metres) and optionally id. Prints the RMS and every point's residual;
    refuses (exit 1, nothing stored) when the largest residual exceeds --tolerance-m,
    naming the point.
    """
    config = get_config(ctx)
    if not _NAME.match(name):
        raise ConfigError(f"--name {name!r}: use letters, digits, '_' or '-' (it becomes "
                          "[crs.local.NAME] in futiangis.toml).")
    if config.path is None or getattr(config, "packaged", False):
        raise ConfigError("no project config to store the grid in (this is the packaged sample); "
                          "start a project with `futiangis init` or pass --config futiangis.toml.")
    mapping = {}
    for text in fields:
        target_col, sep, source_col = str(text).partition("=")
        if not sep or not target_col.strip() or not source_col.strip():
            raise ConfigError(f"--field {text!r}: write TARGET=SOURCE, e.g. --field local_x=本地X.")
        mapping[target_col.strip()] = source_col.strip()
    ids, local, target = read_control_points(points, encoding=encoding, fields=mapping)
    for target_col, source_col in mapping.items():
        click.echo(f"[note] {escape_terminal(points)}: mapped {escape_terminal(source_col)} → "
                   f"{target_col} (--field)", err=True)
    result = fit_helmert(local, target, name=name, target_crs=config.working_crs, ids=ids)
    worst_id, worst = result.worst
    g = result.grid
    rows = [{"id": i, "local_x": float(lx), "local_y": float(ly), "x": float(x), "y": float(y),
             "residual_x_m": float(rx), "residual_y_m": float(ry), "residual_m": float(r)}
            for i, (lx, ly), (x, y), rx, ry, r in zip(ids, local, target, result.residual_x,
                                                        result.residual_y, result.residuals)]
    payload = {"name": name, "target_crs": g.target_crs, "points": len(ids), "scale": g.scale,
               "rotation_deg": g.rotation_deg, "a": g.a, "b": g.b, "tx": g.tx, "ty": g.ty,
               "rms_m": result.rms_m, "max_residual_m": worst, "worst_point": worst_id,
               "tolerance_m": tolerance_m, "residuals": rows}
    if not as_json:
        click.echo(f"Four-parameter similarity local:{name} -> {g.target_crs} from {len(ids)} points")
        click.echo(f"  scale {g.scale:.9f}  rotation {g.rotation_deg:+.7f}°  tx {g.tx:,.4f} m  "
                   f"ty {g.ty:,.4f} m")
        click.echo(f"  {'point':<12}{'dx m':>10}{'dy m':>10}{'residual m':>12}")
        for r in rows:
            flag = "  <- largest" if r["id"] == worst_id else ""
            click.echo(f"  {r['id']:<12}{r['residual_x_m']:>10.4f}{r['residual_y_m']:>10.4f}"
                       f"{r['residual_m']:>12.4f}{flag}")
        click.echo(f"  RMS {result.rms_m:.4f} m, largest {worst:.4f} m at point {worst_id} "
                   f"(tolerance {tolerance_m:g} m)")
    if worst > tolerance_m:
        raise CRSError(
            f"{points}: the fit is refused: point {worst_id} is {worst:.3f} m off the best "
            f"similarity (tolerance {tolerance_m:g} m; RMS {result.rms_m:.3f} m); nothing was "
            f"stored. Check point {worst_id}'s coordinates in both systems (a typo, swapped x/y, "
            "a point moved since it was surveyed), or leave it out; --tolerance-m sets the limit."
        )
    table = result.as_table()
    table["source"] = str(points).replace("\\", "/").rsplit("/", 1)[-1]
    table["fitted"] = dt.date.today().isoformat()
    written = store_config_table(
        config.path, ("crs", "local", name), table, replace=replace,
        comment=f"local grid {name!r}: fitted by `futiangis crs fit` from {len(ids)} control points "
                f"(RMS {result.rms_m:.3f} m). Read files with --source-crs local:{name}.")
    payload["stored_in"] = str(written)
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(f"Stored [crs.local.{name}] in {written}; read files in this grid with "
               f"--source-crs local:{name}.")


command = group
COMMANDS = (group,)
