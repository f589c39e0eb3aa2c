"""``[network]`` and ``[access]`` settings: the street network and the life circles.

Read and checked once by :func:`futiangis.config.load_config` like every other section
(every problem at once, unknown keys named with the closest known one);
:func:`futiangis.lifecircle.access_settings` joins the two into the one
:class:`~futiangis.lifecircle.AccessSettings` the network analyses take.
"""
from __future__ import annotations

from dataclasses import dataclass

from .reader import Table

__all__ = [
    "ACCESS_THEMES",
    "IMPEDANCE_KINDS",
    "LIFE_CIRCLE_STANDARD",
    "Circle",
    "NetworkSettings",
    "ReachSettings",
    "parse_access",
    "parse_network",
]

#: how an impedance field is read: a cost per metre, or a speed (cost = length × ref / speed)
IMPEDANCE_KINDS = ("cost_per_m", "speed_kmh")
#: the themes a life circle can check (their facility layers: futiangis.lifecircle.THEME_LAYER)
ACCESS_THEMES = ("parks", "charging", "bike", "metro")
LIFE_CIRCLE_STANDARD = (
    "GB 50180-2018 城市居住区规划设计标准 §2.0.2–2.0.4 (十五/十分钟/五分钟生活圈居住区: "
    "walking 15/10/5 minutes) and Table 3.0.4 (步行距离 800–1000 m / 500 m / 300 m)")


@dataclass(frozen=True)
class Circle:
    """One life circle: walking minutes, network distance and names."""

    minutes: int
    distance_m: float
    name_zh: str


@dataclass(frozen=True)
class NetworkSettings:
    """``[network]``: which line layer is the street network and how it is noded and costed."""

    layer: str = "arterial_network"
    snap_m: float = 2.0
    crossing_m: float = 25.0
    grade_field: str | None = None
    impedance_field: str | None = None
    impedance: str = "cost_per_m"
    reference_speed_kmh: float = 4.5


@dataclass(frozen=True)
class ReachSettings:
    """``[access]``: distances, service-area trim, snapping and the life circles."""

    distances_m: tuple[float, ...] = (300.0, 500.0, 1000.0)
    trim_m: float = 100.0
    max_snap_m: float = 150.0
    count_snap_distance: bool = True
    reach_share: float = 0.5
    themes: tuple[str, ...] = ACCESS_THEMES
    circles: tuple[Circle, ...] = (Circle(5, 300.0, "五分钟生活圈"), Circle(10, 500.0, "十分钟生活圈"),
                                   Circle(15, 1000.0, "十五分钟生活圈"))
    standard: str = LIFE_CIRCLE_STANDARD


def parse_network(table: Table) -> NetworkSettings:
    """Read ``[network]`` (defaults for anything absent; ``""`` fields mean none)."""
    d = NetworkSettings()
    return NetworkSettings(
        layer=table.string("layer", d.layer),
        snap_m=table.number("snap_m", d.snap_m, at_least=0.0, unit="metres"),
        crossing_m=table.number("crossing_m", d.crossing_m, at_least=0.0, unit="metres"),
        grade_field=table.string("grade_field", "") or None,
        impedance_field=table.string("impedance_field", "") or None,
        impedance=table.string("impedance", d.impedance, choices=IMPEDANCE_KINDS),
        reference_speed_kmh=table.number("reference_speed_kmh", d.reference_speed_kmh, above=0.0,
                                         unit="km/h"),
    )


def parse_access(table: Table) -> ReachSettings:
    """Read ``[access]`` (defaults for anything absent)."""
    d = ReachSettings()
    distances = table.numbers("distances_m", d.distances_m)
    if any(x <= 0 for x in distances):
        table.problem("distances_m", f"= {list(distances)} must all be positive numbers of metres.")
    themes = table.strings("themes", d.themes)
    unknown = [t for t in themes if t not in ACCESS_THEMES]
    if unknown:
        table.problem("themes", f"unknown {unknown}; use {', '.join(ACCESS_THEMES)}.")
    circles = d.circles
    if "circles" in table:
        read = []
        for sub in table.tables("circles"):
            minutes = sub.integer("minutes", at_least=1)
            distance = sub.number("distance_m", above=0.0, unit="metres")
            name = sub.string("name_zh", "")
            sub.finish()
            read.append(Circle(minutes, distance, name))
        circles = tuple(read)
    return ReachSettings(
        distances_m=distances,
        trim_m=table.number("trim_m", d.trim_m, at_least=0.0, unit="metres"),
        max_snap_m=table.number("max_snap_m", d.max_snap_m, at_least=0.0, unit="metres"),
        count_snap_distance=table.boolean("count_snap_distance", d.count_snap_distance),
        reach_share=table.number("reach_share", d.reach_share, above=0.0, at_most=1.0),
        themes=themes,
        circles=circles,
        standard=table.string("standard", d.standard),
    )
