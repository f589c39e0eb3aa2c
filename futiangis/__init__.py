"""futiangis: spatial-planning GIS toolkit for Futian District (福田区), Shenzhen.

Data flow: ``config`` -> ``io`` (read, validate at the door) -> ``measure`` /
``join`` / ``coverage`` / ``targets`` (GeoDataFrames in the working CRS, EPSG:4547)
-> ``render`` (EPSG:4326 only there) -> ``io`` (atomic writes).
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
