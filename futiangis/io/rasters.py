"""Rasters (GeoTIFF) read with rasterio into memory, nodata masked; failures say what to do."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pyproj import CRS

from ..errors import LayerReadError

if TYPE_CHECKING:
    from affine import Affine

__all__ = ["RASTER_SUFFIXES", "RasterData", "open_raster", "read_raster"]

RASTER_SUFFIXES = (".tif", ".tiff")


# ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def open_raster(path: str | Path):
    """Open a raster with rasterio, turning failures into :class:`LayerReadError`."""
    import rasterio
    from rasterio.errors import RasterioIOError

    path = Path(path)
    if not path.exists():
        raise LayerReadError(f"{path}: raster file not found.")
    try:
        ds = rasterio.open(path)
    except RasterioIOError as exc:
        raise LayerReadError(
            f"{path}: cannot be opened as a raster ({exc}). Check that it is a complete "
            "GeoTIFF (not a saved web page or a partial download); download or export it again."
        ) from None
    try:
        yield ds
    finally:
        ds.close()


@dataclass(frozen=True)
class RasterData:
    """A single-band raster read into memory.

    ``values`` is a float64 masked array (nodata masked); ``transform`` maps pixel to
    CRS coordinates (affine); ``crs`` is a :class:`pyproj.CRS` or None if the file has none.
    """

    path: Path
    values: np.ma.MaskedArray
    transform: Affine
    crs: CRS | None
    nodata: float | None
    bounds: tuple[float, float, float, float]

    @property
    def res(self) -> tuple[float, float]:
        """Pixel size (x, y) in CRS units."""
        return (abs(self.transform.a), abs(self.transform.e))


def read_raster(path: str | Path, *, band: int = 1) -> RasterData:
    """Read one band of a raster (GeoTIFF) into memory, nodata masked.

    Raises
    ------
    LayerReadError
        If the file cannot be opened or has no such band.
    """
    path = Path(path)
    with open_raster(path) as ds:
        if band < 1 or band > ds.count:
            raise LayerReadError(f"{path}: has {ds.count} band(s); band {band} requested.")
        try:
            values = ds.read(band, masked=True).astype("float64")
        except Exception as exc:
            raise LayerReadError(f"{path}: cannot read pixel values ({exc}); the file may be truncated.") from None
        crs = CRS.from_user_input(ds.crs.to_wkt()) if ds.crs else None
        return RasterData(path, values, ds.transform, crs, ds.nodata, tuple(ds.bounds))
