"""``futiangis stats``: stations, routes and parks per statistical unit or CBD zone."""
from __future__ import annotations

import json

import click
import numpy as np

from ..escape import escape_terminal
from ..jsonutil import records
from ..project import Project
from .context import get_config
from .options import json_option


@click.command("stats")
@click.option("--by", "by", type=click.Choice(["units", "zones"]), default="units", show_default=True,
              help="Aggregate per statistical unit or per CBD zone.")
@json_option
@click.pass_context
def command(ctx, by, as_json) -> None:
    """Charging / bike stations (count, piles, docks, per km²), route km/km², park share."""
    config = get_config(ctx)
    summary = Project(config).stats_summary(by)
    table = summary.table
    if as_json:
        payload_rows = records(table)
        click.echo(json.dumps({
            "by": by,
            "unit_layer": summary.unit_layer,
            "missing_layers": list(summary.missing_layers),
            "illustrative_layers": list(summary.illustrative_layers),
            "rows": payload_rows,
        }, ensure_ascii=False, indent=2))
        return
    if summary.illustrative_layers:
        click.echo(f"Note: {', '.join(summary.illustrative_layers)} are ILLUSTRATIVE data (示意数据).")
    if summary.missing_layers:
        click.echo(f"Not shipped (columns omitted): {', '.join(summary.missing_layers)}.")
    formats = {"area_km2": "{:.3f}", "park_share": "{:.1%}"}
    cols = [c for c in table.columns if c != "name_en"]
    rows = [[escape_terminal(c) for c in cols]]
    for _, r in table.iterrows():
        cells = []
        for c in cols:
            v = r[c]
            if isinstance(v, (float, np.floating)):
                cells.append("—" if np.isnan(v) else formats.get(c, "{:,.2f}").format(v))
            else:
                cells.append(escape_terminal(v))
        rows.append(cells)
    widths = [max(len(row[j]) for row in rows) for j in range(len(cols))]
    for row in rows:
        click.echo("  ".join(cell.rjust(w) if j > 1 else cell.ljust(w)
                             for j, (cell, w) in enumerate(zip(row, widths))))
