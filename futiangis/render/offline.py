"""Pages that need no network: every script and style sheet from the output folder.

A stock folium page loads Leaflet and its plugins from CDNs and is blank without a
network. The files come from the maintained PyPI package
`folium-offline <https://pypi.org/project/folium-offline/>`_ (module ``offlinefolium``),
which ships the exact files folium references, keyed by their URL, and the page
runtime ``futiangis.js`` / ``futiangis.css`` from this package's data; nothing is
copied into this repository. Two ways:

* :func:`localize_assets` (the default build) points every reference at one shared
  ``assets/`` folder beside the pages and returns the files to write there;
* :func:`inline_assets` (``--offline``) puts each file's contents into the page, so
  every page is one self-contained file.

Inside inlined style sheets, ``url(...)`` references that are not ``data:`` URIs (a
loading spinner, a minimap toggle image) would make the browser ask for files beside
the page; they are replaced by ``none`` so an offline page makes no request at all.
"""
from __future__ import annotations

import functools
import re

from ..errors import OutputError

__all__ = ["inline_assets", "localize_assets", "external_references", "asset_source", "ASSETS_DIR"]

ASSETS_DIR = "assets"

_SCRIPT = re.compile(r"""<script\s+src=["'](?P<url>(?:https?://|assets/)[^"']+)["']\s*>\s*</script>""", re.I)
_LINK = re.compile(r"""<link\s+[^>]*?href=["'](?P<url>(?:https?://|assets/)[^"']+)["'][^>]*?/?>""", re.I)
_CSS_URL = re.compile(r"""url\(\s*(?P<q>["']?)(?P<ref>[^)"']*)(?P=q)\s*\)""")
# Remaining references to remote resources in markup (not in text or JS strings we
# control): used by tests and by the build's self-check.
_EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*?(?:src|href)=["']?(?:https?:)?//""", re.I)


@functools.lru_cache(maxsize=1)
def asset_source() -> dict[str, str]:
    """URL → file contents, from the folium-offline package (loaded once)."""
    try:
        from offlinefolium.elements import _res
    except ImportError:  # pragma: no cover - it is a declared dependency
        raise OutputError(
            "--offline needs the PyPI package folium-offline (module offlinefolium); "
            "install it with `pip install folium-offline`."
        ) from None
    out = dict(_res)
    from importlib.resources import files

    for name in ("futiangis.js", "futiangis.css"):
        out[f"{ASSETS_DIR}/{name}"] = files("futiangis.render").joinpath("assets", name).read_text(encoding="utf-8")
    return out


def _asset_name(url: str, taken: dict[str, str]) -> str:
    """File name in assets/ for ``url``: its base name, prefixed by its package when two differ."""
    if url.startswith(f"{ASSETS_DIR}/"):
        return url[len(ASSETS_DIR) + 1:]
    path = url.split("://", 1)[-1].split("?", 1)[0]
    parts = [p for p in path.split("/")[1:] if p]
    name = re.sub(r"[^A-Za-z0-9._@-]", "_", parts[-1] if parts else "asset")
    if name in taken and taken[name] != url:
        pkg = re.sub(r"[^A-Za-z0-9._@-]", "_", parts[0] if len(parts) > 1 else "x")
        name = f"{pkg}-{name}"
    return name


def _missing(url: str) -> OutputError:
    return OutputError(f"no offline copy of {url} in folium-offline; upgrade folium-offline to match folium.")


def localize_assets(page: str, *, taken: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    """Point every remote script and style sheet of ``page`` at ``assets/``.

    Returns
    -------
    (page, files)
        ``files`` maps each file name in ``assets/`` to its text (style sheets with
        remote ``url(...)`` references removed). ``taken`` (name → URL) keeps names
        unique across the pages of one build.

    Raises
    ------
    OutputError
        If folium-offline lacks a file the page needs (the message names the URL).
    """
    source = asset_source()
    taken = {} if taken is None else taken
    files: dict[str, str] = {}

    def local(url: str, css: bool) -> str:
        if url not in source:
            raise _missing(url)
        name = _asset_name(url, taken)
        taken[name] = url
        files[name] = _strip_remote_css_urls(source[url]) if css else source[url]
        return f"{ASSETS_DIR}/{name}"

    def script(match: re.Match) -> str:
        return f'<script src="{local(match.group("url"), False)}"></script>'

    def link(match: re.Match) -> str:
        tag, url = match.group(0), match.group("url")
        if "stylesheet" not in tag.lower():
            return ""
        return f'<link rel="stylesheet" href="{local(url, True)}"/>'

    page = _SCRIPT.sub(script, page)
    page = _LINK.sub(link, page)
    return page, files


def _strip_remote_css_urls(css: str) -> str:
    def repl(match: re.Match) -> str:
        ref = match.group("ref").strip()
        if ref.startswith("data:") or ref.startswith("#"):
            return match.group(0)
        return "none"

    return _CSS_URL.sub(repl, css)


def _safe_in_tag(text: str, tag: str) -> str:
    # An inlined file must not close its own element early.
    return re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.I)


def inline_assets(page: str) -> str:
    """Return ``page`` with every remote script and style sheet inlined.

    Raises
    ------
    OutputError
        If the page references an asset that folium-offline does not ship (the page
        would not work offline); the message names the URL.
    """
    source = asset_source()

    def script(match: re.Match) -> str:
        url = match.group("url")
        if url not in source:
            raise OutputError(
                f"--offline: no offline copy of {url} in folium-offline; upgrade "
                "folium-offline to match folium, or build without --offline."
            )
        return "<script>" + _safe_in_tag(source[url], "script") + "</script>"

    def link(match: re.Match) -> str:
        tag, url = match.group(0), match.group("url")
        if "stylesheet" not in tag.lower():
            return ""
        if url not in source:
            raise OutputError(
                f"--offline: no offline copy of {url} in folium-offline; upgrade "
                "folium-offline to match folium, or build without --offline."
            )
        css = _strip_remote_css_urls(source[url])
        return "<style>" + _safe_in_tag(css, "style") + "</style>"

    page = _SCRIPT.sub(script, page)
    page = _LINK.sub(link, page)
    return page


def external_references(page: str) -> list[str]:
    """Markup in ``page`` that loads something from another host (empty when offline-safe)."""
    return [m.group(0) for m in _EXTERNAL.finditer(page)]
