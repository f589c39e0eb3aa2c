"""``futiangis build``: the main job — statistics and interactive maps in one folder."""
from __future__ import annotations

import os

import click

from ..escape import escape_terminal
from ..render.basemaps import BASEMAPS, DEFAULT_BASEMAP, TIANDITU_KEY_ENV
from .context import get_config


@click.command("build")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output folder, replaced as a whole (default: [paths] maps of the config); "
              "must be new, empty or a previous futiangis output.")
@click.option("--force", is_flag=True,
              help="Replace an output folder holding files futiangis did not write (never the "
              "layers folder, the config's folder or a parent of either).")
@click.option("--offline", is_flag=True,
              help="Single-file pages: every script and style inlined. Without it, pages share "
              "assets/ in the output folder (no CDN either way).")
@click.option("--basemap", type=click.Choice(BASEMAPS, case_sensitive=False), default=DEFAULT_BASEMAP,
              show_default=True,
              help=f"Basemap selected when a page opens (every page has a switcher; none works offline); "
              f"tianditu needs ${TIANDITU_KEY_ENV}; gaode shifts the overlays to GCJ-02 in the page.")
@click.option("--lang", type=click.Choice(("zh", "en")), default="zh", show_default=True,
              help="Language shown first (the other is shown beside it).")
@click.option("--no-png", is_flag=True, help="Skip the static PNG figures (faster).")
@click.pass_context
def command(ctx, out_dir, force, offline, basemap, lang, no_png) -> None:
    """Compute targets, coverage and gradients and write the maps + index.html.

    Five maps (overview, CBD & renewal with target progress, parks & coverage, slow
    traffic & bikes with gradients, charging coverage), a PNG of each, and index.html
    with the key tables. A failed build leaves the previous output untouched.
    """
    from ..build import build_maps  # imported on use: geopandas/folium load only for a build

    config = get_config(ctx)
    result = build_maps(
        config, out_dir=out_dir, offline=offline, basemap=basemap.lower(), lang=lang,
        tianditu_key=os.environ.get(TIANDITU_KEY_ENV) or None, static=not no_png, force=force,
    )
    for note in result.notes:
        click.echo(f"note: {escape_terminal(note)}", err=True)
    for page in result.pages:
        png = f" + {page['png']}" if page.get("png") else ""
        click.echo(f"  {page['html']:<18} {page['bytes'] / 1024:>8,.0f} KiB{png}  "
                   f"{page['title_zh']} · {page['title_en']}")
    click.echo(f"Wrote {len(result.pages)} maps and index.html to {result.out_dir} "
               f"(basemap {result.basemap}{', offline' if result.offline else ''}).")
    click.echo(f"Open {result.out_dir / 'index.html'}")
