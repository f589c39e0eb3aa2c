"""``futiangis layers``: the catalogue of shipped layers with provenance."""
from __future__ import annotations

import json

import click

from ..io import count_features, read_catalog
from ..schemas import LAYER_KINDS
from .context import get_config
from .options import json_option


@click.command("layers")
@json_option
@click.pass_context
def command(ctx: click.Context, as_json: bool) -> None:
    """List the shipped layers: kind, file, feature count, CRS, source, accuracy."""
    config = get_config(ctx)
    catalog = read_catalog(config.layers_dir)
    order = [k for k in LAYER_KINDS if k in catalog] + sorted(set(catalog) - set(LAYER_KINDS)) + (
        ["dem"] if "dem" in catalog and "dem" not in LAYER_KINDS else []
    )
    seen, rows = set(), []
    for kind in order:
        if kind in seen:
            continue
        seen.add(kind)
        info = catalog[kind]
        row = info.as_dict()
        row["file"] = info.path.name
        row["count"] = count_features(info.path) if info.path.exists() else None
        is_raster = info.path.suffix.lower() in (".tif", ".tiff")
        row["count_unit"] = ("pixel" if is_raster else "feature") + ("" if row["count"] == 1 else "s")
        rows.append(row)
    if as_json:
        click.echo(json.dumps({"layers_dir": str(config.layers_dir), "layers": rows}, ensure_ascii=False, indent=2))
        return
    click.echo(f"Layers in {config.layers_dir} (measured in {config.working_crs}):")
    for r in rows:
        acc = r["accuracy_class"] + (f" ±{r['accuracy_m']:g} m" if r.get("accuracy_m") else "")
        click.echo(
            f"\n{r['kind']:<18} {r['title_zh']} {r['title_en']}\n"
            f"  file      {r['file']}  ({r['count']} {r['count_unit']}, stored in {r['crs']})\n"
            f"  accuracy  {acc}\n"
            f"  source    {r['source']}\n"
            f"  licence   {r['licence']}\n"
            f"  CRS check {r['crs_verified']}"
        )
