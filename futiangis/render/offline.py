"""Self-contained pages: every script and style sheet inlined from a PyPI package.

A stock folium page loads Leaflet and its plugins from CDNs and is blank without a
network. :func:`inline_assets` replaces each ``<script src=URL>`` / ``<link href=URL>``
of a rendered page by the file's contents, taken from the maintained PyPI package
`folium-offline <https://pypi.org/project/folium-offline/>`_ (module ``offlinefolium``),
which ships the exact files folium references, keyed by their URL. Nothing is copied
into this repository.

Inside inlined style sheets, ``url(...)`` references that are not ``data:`` URIs (a
loading spinner, a minimap toggle image) would make the browser ask for files beside
the page; they are replaced by ``none`` so an offline page makes no request at all.
"""
from __future__ import annotations

import functools
import re

from ..errors import OutputError

__all__ = ["inline_assets", "external_references", "asset_source"]

_SCRIPT = re.compile(r"""<script\s+src=["'](?P<url>https?://[^"']+)["']\s*>\s*</script>""", re.I)
_LINK = re.compile(r"""<link\s+[^>]*?href=["'](?P<url>https?://[^"']+)["'][^>]*?/?>""", re.I)
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
    return dict(_res)


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
