"""A Chinese font for the PNG figures that does not depend on the machine.

The figures use **Noto Sans CJK SC** (SIL Open Font License) from the PyPI package
``mplfonts`` (a declared dependency): found by path, registered with matplotlib's font
manager for this process only (nothing is installed into matplotlib or the system, and
the package's other fonts are not used). When that package is missing, an installed
CJK font is used (WenQuanYi Micro Hei, Noto Sans CJK, Source Han Sans, Microsoft
YaHei…). With neither, figures fall back to English-only labels and **one** warning
line says how to fix it — never a figure of empty boxes.
"""
from __future__ import annotations

import importlib.util
import warnings
from functools import lru_cache
from pathlib import Path

__all__ = ["cjk_font_family", "PACKAGED_FONT", "PREFERRED_FONTS", "CJKFontMissingWarning", "warn_no_cjk_font",
           "NO_CJK_FONT_MESSAGE"]

#: (package, file, family) of the bundled font
PACKAGED_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf", "Noto Sans CJK SC")
PREFERRED_FONTS = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Source Han Sans SC",
                   "Microsoft YaHei", "PingFang SC")
NO_CJK_FONT_MESSAGE = ("no Chinese font found: PNG figures use English labels only; "
                       "fix with `pip install mplfonts` (or apt-get install fonts-wqy-microhei).")


class CJKFontMissingWarning(UserWarning):
    """No CJK font: the figures are drawn with English labels."""


def _packaged_font_path() -> Path | None:
    package, rel, _family = PACKAGED_FONT
    spec = importlib.util.find_spec(package)  # locate only: the package is not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / rel
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def cjk_font_family() -> str | None:
    """The family name of a usable CJK font (packaged Noto Sans CJK SC first), or None."""
    from matplotlib import font_manager

    path = _packaged_font_path()
    if path is not None:
        try:
            font_manager.fontManager.addfont(str(path))
            return PACKAGED_FONT[2]
        except (OSError, RuntimeError, ValueError):
            pass
    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = next((name for name in PREFERRED_FONTS if name in installed), None)
    if found is None:
        # matplotlib's font cache may predate a font installed later: look at the files
        for file in font_manager.findSystemFonts():
            low = file.lower()
            if any(key in low for key in ("wqy", "notosanscjk", "sourcehansans", "msyh")):
                try:
                    font_manager.fontManager.addfont(file)
                except (OSError, RuntimeError, ValueError):
                    continue
        installed = {f.name for f in font_manager.fontManager.ttflist}
        found = next((name for name in PREFERRED_FONTS if name in installed), None)
    return found


_warned = False


def warn_no_cjk_font() -> None:
    """Say once per process that figures fall back to English (a warning, one line)."""
    global _warned
    if _warned:
        return
    _warned = True
    warnings.warn(NO_CJK_FONT_MESSAGE, CJKFontMissingWarning, stacklevel=3)
