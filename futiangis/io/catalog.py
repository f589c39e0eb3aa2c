"""The catalogue of shipped layers: ``layers/*.meta.toml`` provenance sidecars."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pyogrio

from ..errors import LayerReadError
from .rasters import RASTER_SUFFIXES, open_raster

__all__ = ["LayerInfo", "count_features", "read_catalog"]


# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LayerInfo:
    """One shipped layer and its provenance (from ``layers/<kind>.meta.toml``)."""

    kind: str
    path: Path
    title_zh: str
    title_en: str
    source: str
    licence: str
    crs: str
    crs_verified: str
    accuracy_class: str
    accuracy_m: float | None
    date: str
    notes: str

    def as_dict(self) -> dict:
        """Plain-data view (paths as strings) for JSON output."""
        out = dict(self.__dict__)
        out["path"] = str(self.path)
        return out


_META_KEYS = ("kind", "file", "source", "licence", "crs", "accuracy_class", "date")


def read_catalog(layers_dir: str | Path) -> dict[str, LayerInfo]:
    """Read every ``*.meta.toml`` sidecar in ``layers_dir``, keyed by layer kind."""
    layers_dir = Path(layers_dir)
    if not layers_dir.is_dir():
        raise LayerReadError(f"{layers_dir}: layers folder not found; check [paths] layers in the config.")
    catalog: dict[str, LayerInfo] = {}
    for meta_path in sorted(layers_dir.glob("*.meta.toml")):
        try:
            with open(meta_path, "rb") as fh:
                meta = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise LayerReadError(f"{meta_path}: invalid TOML ({exc}).") from None
        missing = [k for k in _META_KEYS if k not in meta]
        if missing:
            raise LayerReadError(f"{meta_path}: provenance is missing {', '.join(missing)}.")
        catalog[meta["kind"]] = LayerInfo(
            kind=meta["kind"],
            path=(layers_dir / meta["file"]).resolve(),
            title_zh=meta.get("title_zh", ""),
            title_en=meta.get("title_en", ""),
            source=meta["source"],
            licence=meta["licence"],
            crs=meta["crs"],
            crs_verified=meta.get("crs_verified", ""),
            accuracy_class=meta["accuracy_class"],
            accuracy_m=meta.get("accuracy_m"),
            date=str(meta["date"]),
            notes=meta.get("notes", ""),
        )
    return catalog


def count_features(path: str | Path) -> int:
    """Feature count of a vector file, or pixel count of a raster (without loading it)."""
    path = Path(path)
    if path.suffix.lower() in RASTER_SUFFIXES:
        with open_raster(path) as ds:
            return int(ds.width * ds.height)
    try:
        return int(pyogrio.read_info(path)["features"])
    except Exception as exc:
        raise LayerReadError(f"{path}: cannot be read ({exc}).") from None
