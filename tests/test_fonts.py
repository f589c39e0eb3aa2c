"""PNG figures on a machine without any Chinese font.

As root, each case runs in a child process inside ``unshare -m`` with an empty tmpfs
mounted over every folder holding a CJK font (found with ``fc-list :lang=zh``) and a
fresh ``MPLCONFIGDIR`` (no font cache): matplotlib can only see what the Python
packages ship. With the declared ``mplfonts`` package the figure is drawn in its Noto
Sans CJK SC and matplotlib reports no missing glyph; with that package hidden too, the
figure falls back to English labels with exactly one warning that names the fix.
Skipped when not root (mounting needs it) or without ``unshare``.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("unshare") is None
    or shutil.which("mount") is None, reason="needs root and unshare to hide the system fonts")

CHILD = r"""
import json, warnings
warnings.simplefilter("always")
import geopandas as gpd, shapely
from futiangis.render.model import LayerSpec, MapSpec, LegendSection, LegendEntry
from futiangis.render import fonts
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from futiangis.render.static import render_static_png
    frame = gpd.GeoDataFrame({"id": ["a", "b"], "name_zh": ["莲花山公园", "香蜜公园"], "name_en": ["Lianhuashan", "Xiangmi"]},
        geometry=[shapely.box(505000, 2493000, 506000, 2494000), shapely.box(507000, 2493000, 508000, 2494000)], crs=4547)
    layer = LayerSpec("parks", frame, "公园", "Parks", label_min_zoom=13,
        legend=LegendSection("公园类型", "Park class", (LegendEntry("#1B7837", "综合公园", "comprehensive"),)))
    spec = MapSpec("t", "福田区规划总览", "Futian overview", "", "", (layer,), frame)
    png = render_static_png(spec, dpi=40)
    png2 = render_static_png(spec, dpi=40)
print(json.dumps({"family": fonts.cjk_font_family(), "png": png[:4] == b"\x89PNG" and png2[:4] == b"\x89PNG",
                  "warnings": [f"{w.category.__name__}: {w.message}" for w in caught]}))
"""


def _cjk_font_dirs() -> set[str]:
    dirs = set()
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout
        dirs |= {str(Path(line.split(":")[0].strip()).parent) for line in out.splitlines() if line.strip()}
    for d in ("/usr/share/fonts/truetype/wqy", "/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/arphic",
              "/usr/share/fonts/truetype/droid"):
        if Path(d).is_dir():
            dirs.add(d)
    return dirs


def _run_hidden(tmp_path: Path, extra_hidden: tuple[str, ...] = ()) -> dict:
    hidden = sorted(_cjk_font_dirs() | set(extra_hidden))
    mounts = " && ".join(f"mount -t tmpfs tmpfs '{d}'" for d in hidden) or "true"
    cache = tmp_path / "mplconfig"
    cache.mkdir()
    env = {**os.environ, "MPLCONFIGDIR": str(cache), "HOME": str(tmp_path)}
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    proc = subprocess.run(["unshare", "-m", "sh", "-c", f"{mounts} && exec '{sys.executable}' '{script}'"],
                          capture_output=True, text=True, env=env, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["hidden"] = hidden
    return result


def test_png_draws_chinese_with_no_system_font(tmp_path):
    if importlib.util.find_spec("mplfonts") is None:
        pytest.skip("mplfonts (a declared dependency) is not installed")
    result = _run_hidden(tmp_path)
    assert result["png"]
    assert result["family"] == "Noto Sans CJK SC", result
    assert not [w for w in result["warnings"] if "missing from font" in w], result["warnings"]


def test_png_falls_back_to_english_with_one_warning(tmp_path):
    spec = importlib.util.find_spec("mplfonts")
    extra = (str(Path(list(spec.submodule_search_locations)[0]) / "fonts"),) if spec else ()
    result = _run_hidden(tmp_path, extra)
    assert result["png"] and result["family"] is None, result
    assert not [w for w in result["warnings"] if "missing from font" in w], result["warnings"]
    ours = [w for w in result["warnings"] if w.startswith("CJKFontMissingWarning")]
    assert len(ours) == 1 and "pip install mplfonts" in ours[0], result["warnings"]
