"""Cost of writing outputs safely: GeoPackage layer updates and folder publishing.

    python scripts/bench_outputs.py [--repeat 5]

* ``write_layer`` of 10,000 points into a **new** GeoPackage, and into an **existing**
  GeoPackage holding other layers of 10,000 / 100,000 polygons (the file is copied into the
  output's staging folder, the layer added, the copy renamed: the price of keeping the
  other layers and never leaving a half-written file);
* ``write_target_report``-like folder: 12 files of 50 KiB published with
  ``atomic_output_dir`` versus written straight into a folder (no ownership check, no
  staging, no swap).

Medians of ``--repeat`` runs with ``time.perf_counter``; sizes from ``os.stat``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from futiangis.io.outputs import atomic_output_dir, write_bytes_atomic, write_layer

X0, Y0 = 505_000.0, 2_493_500.0


def _points(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 5000, size=(n, 2))
    return gpd.GeoDataFrame({"id": [f"p{i}" for i in range(n)]},
                            geometry=shapely.points(X0 + xy[:, 0], Y0 + xy[:, 1]), crs=4547)


def _boxes(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 5000, size=(n, 2))
    return gpd.GeoDataFrame({"id": [f"b{i}" for i in range(n)], "note": ["x" * 40] * n},
                            geometry=shapely.box(X0 + xy[:, 0], Y0 + xy[:, 1], X0 + xy[:, 0] + 20,
                                                 Y0 + xy[:, 1] + 20), crs=4547)


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    pts = _points(10_000)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        counter = iter(range(10**6))

        def new_file():
            write_layer(pts, tmp / f"new_{next(counter)}.gpkg", layer="points")

        t_new = _median(new_file, args.repeat)
        print(f"write_layer 10,000 points, new GeoPackage:            {t_new * 1000:8.1f} ms")
        for n in (10_000, 100_000):
            base = tmp / f"base_{n}.gpkg"
            write_layer(_boxes(n), base, layer="boxes")
            write_layer(_boxes(n // 10), base, layer="boxes_small")
            size_mb = os.stat(base).st_size / 1e6

            def add_layer():
                write_layer(pts, base, layer="points", overwrite=True)

            t_add = _median(add_layer, args.repeat)
            print(f"write_layer 10,000 points into a {size_mb:6.1f} MB GeoPackage: {t_add * 1000:8.1f} ms"
                  f"  ({t_add / t_new:.2f}x the new file; other layers kept)")
        blob = os.urandom(50 * 1024)

        def plain():
            folder = tmp / f"plain_{next(counter)}"
            folder.mkdir()
            for i in range(12):
                (folder / f"f{i}.csv").write_bytes(blob)

        def published():
            with atomic_output_dir(tmp / "published") as staging:
                for i in range(12):
                    write_bytes_atomic(blob, staging / f"f{i}.csv")

        t_plain = _median(plain, args.repeat)
        t_pub = _median(published, args.repeat)
        print(f"12 x 50 KiB files, written straight into a folder:   {t_plain * 1000:8.1f} ms")
        print(f"12 x 50 KiB files, atomic_output_dir (marker, swap): {t_pub * 1000:8.1f} ms"
              f"  (+{(t_pub - t_plain) * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
