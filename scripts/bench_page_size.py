"""Page bytes: futiangis maps vs a naive ``folium.GeoJson(gdf)`` page of the same layers.

For every theme map of ``futiangis build`` (shipped layers, shipped config), the naive
page is what a GIS user writes first: ``folium.Map()`` plus one ``folium.GeoJson(gdf)``
per layer, the GeoDataFrame reprojected to EPSG:4326 with every attribute column and
full-precision coordinates, CDN assets. The futiangis page is the real page of
``futiangis build`` (same layers, plus popups, legends, panels and controls), also with
CDN assets; the offline page (assets inlined) is reported separately. Goal: futiangis
page ≤ 1/3 of the naive one.

Usage::

    python scripts/bench_page_size.py [--config futiangis.toml]
"""
from __future__ import annotations

import argparse
import warnings

import folium

from futiangis.build import compute_build_stats, load_build_layers, theme_specs
from futiangis.config import load_config
from futiangis.render import page_html
from futiangis.render.basemaps import get_basemap
from futiangis.render.maps import MapSpec, make_map, page_stats


def naive_page(spec) -> str:
    m = folium.Map(location=[22.54, 114.05], zoom_start=13)
    for layer in spec.layers:
        gdf = layer.frame.to_crs(4326)
        # dates etc. as text (folium's JSON cannot take them); what a user would do first
        gdf = gdf.astype({c: str for c in gdf.columns if c != "geometry" and gdf[c].dtype == object})
        folium.GeoJson(gdf, name=layer.name_en).add_to(m)
    folium.LayerControl().add_to(m)
    return m.get_root().render()


def _empty_naive() -> int:
    m = folium.Map(location=[22.54, 114.05], zoom_start=13)
    folium.LayerControl().add_to(m)
    return len(m.get_root().render().encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=None)
    args = parser.parse_args()
    config = load_config(args.config)
    layers, _ = load_build_layers(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats = compute_build_stats(config, layers)
    specs = theme_specs(config, layers, stats)
    base = get_basemap("osm")
    none = get_basemap("none")
    print("Whole pages (CDN assets for both) and the vector payload alone (page minus the same page "
          "without layers; ours includes popups, styles, legends and panels).")
    print(f"{'map':<13}{'naive KiB':>11}{'futiangis KiB':>15}{'ratio':>8}"
          f"{'payload naive':>15}{'ours':>8}{'ratio':>8}{'offline KiB':>13}   vertices in→out")
    tot_naive = tot_ft = tot_pn = tot_po = 0
    empty_naive = _empty_naive()
    for spec in specs:
        naive = len(naive_page(spec).encode())
        m = make_map(spec, basemap=base)
        ours = len(page_html(m).encode())
        offline = len(page_html(make_map(spec, basemap=none), offline=True).encode())
        st = page_stats(m)
        vin = sum(s["vertices_in"] for s in st.values())
        vout = sum(s["vertices_out"] for s in st.values())
        empty = MapSpec(spec.key, spec.title_zh, spec.title_en, "", "", (), spec.extent)
        empty_ours = len(page_html(make_map(empty, basemap=base)).encode())
        pn, po = naive - empty_naive, ours - empty_ours
        tot_naive += naive
        tot_ft += ours
        tot_pn += pn
        tot_po += po
        print(f"{spec.key:<13}{naive / 1024:>11,.0f}{ours / 1024:>15,.0f}{ours / naive:>8.2f}"
              f"{pn / 1024:>15,.0f}{po / 1024:>8,.0f}{po / pn:>8.2f}{offline / 1024:>13,.0f}   {vin:,}→{vout:,}")
    print(f"{'total':<13}{tot_naive / 1024:>11,.0f}{tot_ft / 1024:>15,.0f}{tot_ft / tot_naive:>8.2f}"
          f"{tot_pn / 1024:>15,.0f}{tot_po / 1024:>8,.0f}{tot_po / tot_pn:>8.2f}")


if __name__ == "__main__":
    main()
