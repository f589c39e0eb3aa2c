"""``futiangis terrain``: gradients along slow routes and elevation ranges of parks."""
from __future__ import annotations

import json

import click

from ..escape import escape_terminal
from ..project import run_terrain
from .context import get_config
from .options import json_option


def _f(value, fmt: str) -> str:
    return "n/a" if value is None or value != value else format(value, fmt)


@click.command("terrain")
@click.option("--smooth-m", type=click.FloatRange(min=0), default=None,
              help="Smooth each elevation profile over this many metres before grading "
                   "(default: [terrain] smooth_m, else 0 = raw DEM samples).")
@json_option
@click.pass_context
def command(ctx, smooth_m, as_json) -> None:
    """Route gradients (mean/max %, steep length) and park elevation ranges from the DEM."""
    config = get_config(ctx)
    result = run_terrain(config, smooth_m=smooth_m)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"Terrain from {result.dem} ({result.interpolation}, samples every ≤ "
               f"{result.step_m:.1f} m; steep = grade > {result.max_grade_pct:g} %)")
    for note in result.notes:
        click.echo(f"Note: {note}")
    click.echo(f"\n{'route':<26}{'length m':>10}{'mean %':>8}{'max %':>8}{'steep m':>9}"
               f"{'elev m (min–max)':>20}")
    for _, r in result.routes.iterrows():
        click.echo(f"{escape_terminal(r['id']):<26}{r['length_m']:>10,.0f}{_f(r['mean_grade_pct'], '.1f'):>8}"
                   f"{_f(r['max_grade_pct'], '.1f'):>8}{r['steep_length_m']:>9,.0f}"
                   f"{_f(r['elev_min_m'], '.0f') + '–' + _f(r['elev_max_m'], '.0f'):>20}")
    click.echo(f"\n{'park':<26}{'min m':>8}{'max m':>8}{'range m':>9}{'mean m':>8}")
    for _, p in result.parks.iterrows():
        click.echo(f"{escape_terminal(p['id']):<26}{_f(p['elev_min_m'], '.0f'):>8}{_f(p['elev_max_m'], '.0f'):>8}"
                   f"{_f(p['elev_range_m'], '.0f'):>9}{_f(p['elev_mean_m'], '.1f'):>8}")
