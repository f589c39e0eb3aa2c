"""Local plane grids (城市独立坐标系) defined by the planner's own control points.

A city's local grid (深圳独立坐标系 and the like) is a plane coordinate system whose
parameters are not public. Over a district it is, to well below a metre, a 2-D
similarity of the working CRS: ``futiangis crs fit`` estimates that similarity (a
four-parameter Helmert transformation) from pairs of points known in both systems, and
``--source-crs local:NAME`` then applies it wherever a file is read.

The model, for a local point (u, v) and its working-CRS position (x, y)::

    x = tx + a·u − b·v
    y = ty + b·u + a·v        with a = s·cos θ, b = s·sin θ

solved by linear least squares on centred coordinates (closed form). Residuals are
reported per point; a fit whose largest residual exceeds the tolerance (default 0.5 m)
is refused, naming the worst point: one mistyped control point must not bend the grid.
No parameters of any real city grid ship with futiangis.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from .errors import ConfigError, CRSError

__all__ = ["LocalGrid", "HelmertFit", "fit_helmert", "local_grid_from_config", "LOCAL_PREFIX",
           "DEFAULT_TOLERANCE_M", "MIN_POINTS"]

LOCAL_PREFIX = "local:"
DEFAULT_TOLERANCE_M = 0.5
MIN_POINTS = 3  # two points fix a similarity exactly; a third is the first check


@dataclass(frozen=True)
class LocalGrid:
    """A fitted local grid: local (u, v) -> ``target_crs`` (x, y) by a similarity."""

    name: str
    a: float
    b: float
    tx: float
    ty: float
    target_crs: str

    @property
    def scale(self) -> float:
        """Scale factor s (target metres per local unit)."""
        return math.hypot(self.a, self.b)

    @property
    def rotation_deg(self) -> float:
        """Rotation θ from local axes to target axes, degrees counter-clockwise."""
        return math.degrees(math.atan2(self.b, self.a))

    def apply(self, u, v) -> tuple[np.ndarray, np.ndarray]:
        """Transform local coordinates (arrays) to the target CRS."""
        u = np.asarray(u, dtype="float64")
        v = np.asarray(v, dtype="float64")
        return self.tx + self.a * u - self.b * v, self.ty + self.b * u + self.a * v

    def transform_geometries(self, geometries) -> np.ndarray:
        """Apply the grid to every vertex of an array of shapely geometries (Z kept)."""
        def _xy(coords: np.ndarray) -> np.ndarray:
            x, y = self.apply(coords[:, 0], coords[:, 1])
            out = coords.copy()
            out[:, 0], out[:, 1] = x, y
            return out

        return shapely.transform(np.asarray(geometries, dtype=object), _xy, include_z=False)

    def describe(self) -> str:
        """One line for messages: name, scale, rotation and target."""
        return (f"local grid {self.name!r} (fitted: scale {self.scale:.8f}, rotation "
                f"{self.rotation_deg:+.6f}°, to {self.target_crs})")


@dataclass(frozen=True)
class HelmertFit:
    """A fit and its quality: residuals per point (metres, target minus fitted)."""

    grid: LocalGrid
    ids: tuple[str, ...]
    residual_x: np.ndarray
    residual_y: np.ndarray

    @property
    def residuals(self) -> np.ndarray:
        """Length of each point's residual vector, metres."""
        return np.hypot(self.residual_x, self.residual_y)

    @property
    def rms_m(self) -> float:
        """Root mean square of the residual lengths."""
        return float(np.sqrt(np.mean(self.residuals ** 2)))

    @property
    def worst(self) -> tuple[str, float]:
        """(id, residual) of the point with the largest residual."""
        i = int(np.argmax(self.residuals))
        return self.ids[i], float(self.residuals[i])

    def as_table(self) -> dict[str, Any]:
        """The values stored under ``[crs.local.NAME]`` (parameters as exact floats)."""
        g = self.grid
        return {
            "target_crs": g.target_crs, "a": g.a, "b": g.b, "tx": g.tx, "ty": g.ty,
            "scale": g.scale, "rotation_deg": g.rotation_deg, "points": len(self.ids),
            "rms_m": self.rms_m, "max_residual_m": self.worst[1], "worst_point": self.worst[0],
        }


def fit_helmert(local_xy: np.ndarray, target_xy: np.ndarray, *, name: str, target_crs: str,
                ids: Sequence[str] | None = None) -> HelmertFit:
    """Least-squares four-parameter similarity from control points.

    Parameters
    ----------
    local_xy, target_xy : (n, 2) arrays
        The same n points in the local grid and in ``target_crs`` (metres).
    name : str
        Grid name (``local:NAME``).
    target_crs : str
        The CRS of ``target_xy`` (the working CRS).
    ids : sequence of str, optional
        Point names for the report (default ``1..n``).

    Raises
    ------
    CRSError
        Fewer than :data:`MIN_POINTS` points, or points that do not span a line.
    """
    local_xy = np.asarray(local_xy, dtype="float64")
    target_xy = np.asarray(target_xy, dtype="float64")
    n = len(local_xy)
    ids = tuple(str(i) for i in (ids if ids is not None else range(1, n + 1)))
    if n < MIN_POINTS:
        raise CRSError(
            f"{n} control point(s): a four-parameter fit needs at least {MIN_POINTS} (two fix it "
            "exactly and leave nothing to check); measure 4–6 points spread over the area."
        )
    mu, mt = local_xy.mean(axis=0), target_xy.mean(axis=0)
    u, v = (local_xy - mu).T
    x, y = (target_xy - mt).T
    norm = float(np.sum(u * u + v * v))
    if norm <= 1e-12:
        raise CRSError("the control points all have the same local coordinates; spread them out.")
    a = float(np.sum(u * x + v * y) / norm)
    b = float(np.sum(u * y - v * x) / norm)
    tx = float(mt[0] - a * mu[0] + b * mu[1])
    ty = float(mt[1] - b * mu[0] - a * mu[1])
    grid = LocalGrid(name, a, b, tx, ty, target_crs)
    fx, fy = grid.apply(local_xy[:, 0], local_xy[:, 1])
    return HelmertFit(grid, ids, target_xy[:, 0] - fx, target_xy[:, 1] - fy)


def local_grid_from_config(name: str, grids: Mapping[str, Any] | None, *, where: str = "futiangis.toml") -> LocalGrid:
    """The grid ``[crs.local.NAME]`` of the config.

    Raises
    ------
    CRSError
        No such grid (the defined ones are listed), or a table missing a parameter.
    """
    grids = grids or {}
    if name not in grids:
        have = ", ".join(sorted(grids)) or "none"
        raise CRSError(
            f"--source-crs local:{name}: no local grid {name!r} in {where} (defined: {have}). "
            f"Fit one from control points: futiangis crs fit POINTS.csv --name {name}."
        )
    table = grids[name]
    try:
        return LocalGrid(name, float(table["a"]), float(table["b"]), float(table["tx"]),
                         float(table["ty"]), str(table["target_crs"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"{where}: [crs.local.{name}] lacks a valid {exc}; re-run futiangis crs fit "
            f"POINTS.csv --name {name} --replace."
        ) from None
