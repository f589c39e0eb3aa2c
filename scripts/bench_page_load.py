"""Load time of the built pages in headless Chromium, network cut.

Builds the shipped layers with the default ``futiangis build`` (scripts in ``assets/``)
into a temporary folder (or measures ``--maps DIR``), then opens each page N times in a
fresh headless Chromium (system ``chromium`` driven by the PyPI ``playwright``) with
every non-``file:`` request aborted, and reports the median time from navigation start
to the page runtime's ``window.futiangis.ready`` (every layer drawn and every control
placed), at 1400×900 and 390×844, plus the page's bytes and the shared assets' bytes.

Usage::

    python scripts/bench_page_load.py [--runs 5] [--maps DIR]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from futiangis.build import build_maps
from futiangis.config import load_config


def measure(maps: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    pages = sorted(p for p in maps.glob("*.html") if p.name != "index.html")
    assets = sum(f.stat().st_size for f in (maps / "assets").glob("*")) if (maps / "assets").is_dir() else 0
    print(f"shared assets/: {assets / 1024:,.0f} KiB")
    print(f"{'page':<18}{'KiB':>8}{'desktop ms':>12}{'phone ms':>10}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu"])
        for path in pages:
            row = []
            for w, h in ((1400, 900), (390, 844)):
                times = []
                for _ in range(runs):
                    ctx = browser.new_context(viewport={"width": w, "height": h}, offline=True)
                    page = ctx.new_page()
                    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                               else r.abort())
                    page.goto(path.as_uri())
                    page.wait_for_function("() => window.futiangis && window.futiangis.ready", timeout=30_000)
                    times.append(page.evaluate(
                        "() => window.futiangis.readyAt - performance.timeOrigin"
                        " || performance.now()"))
                    ctx.close()
                row.append(statistics.median(times))
            print(f"{path.name:<18}{path.stat().st_size / 1024:>8,.0f}{row[0]:>12,.0f}{row[1]:>10,.0f}")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--maps", type=Path, default=None)
    args = parser.parse_args()
    if args.maps is not None:
        measure(args.maps, args.runs)
        return
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        build_maps(load_config(), out_dir=Path(tmp) / "maps", static=False)
        print(f"build (no PNG): {time.perf_counter() - t0:,.1f} s")
        measure(Path(tmp) / "maps", args.runs)


if __name__ == "__main__":
    main()
