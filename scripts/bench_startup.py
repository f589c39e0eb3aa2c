"""How fast the CLI starts: ``futiangis --help`` and ``--version`` against importing the stack.

Each command is run N times in a fresh interpreter (``time.perf_counter`` around
``subprocess.run``); medians are printed with the ratio to
``python -c "import geopandas, folium, rasterio"`` (goal: ≤ 0.3).

    python scripts/bench_startup.py [--runs 7]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def median_s(cmd: list[str], runs: int) -> float:
    """Median wall time of ``cmd`` over ``runs`` runs (one warm-up run first)."""
    subprocess.run(cmd, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = shutil.which("futiangis")
    cli = [exe] if exe else [sys.executable, "-m", "futiangis"]
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    base = median_s([sys.executable, "-c", "import geopandas, folium, rasterio"], args.runs)
    print(f"import geopandas, folium, rasterio: {base:.3f} s (median of {args.runs})")
    for flag in ("--help", "--version"):
        t = median_s([*cli, flag], args.runs)
        print(f"futiangis {flag:<9}: {t:.3f} s  ratio {t / base:.2f}")


if __name__ == "__main__":
    main()
