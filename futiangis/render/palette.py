"""The one palette of every map and figure: each colour means one thing.

Five categorical schemes share the maps, and no colour means two of them:

* CBD zone **direction** — drawn as coloured *outlines* with a dash pattern per
  direction (no fill), so a zone never reads as a status;
* **status** of renewal sites (fill; the outline is the same hue, darker);
* **park class** (fill, a family of greens and teals told apart by lightness);
* slow-route **type** (lines);
* **station kind** (charging, public bike: points; a planned bike station is hollow).

Within each scheme every pair of colours stays apart (CIELAB ΔE ≥ 11) for normal
vision and under simulated protanopia, deuteranopia and tritanopia (Machado et al.
2009, severity 1); across schemes no two colours are closer than ΔE 11. The checks are
in ``tests/test_palette.py``. The sequential ramps (coverage, gradient) avoid the park
greens, and their lightest class stays visible on the grey no-basemap background.
"""
from __future__ import annotations

__all__ = [
    "DIRECTION_COLORS", "DIRECTION_DASHES", "STATUS_COLORS", "STATUS_OUTLINES", "PARK_CLASS_COLORS",
    "ROUTE_TYPE_COLORS", "STATION_COLORS", "CATEGORICAL", "SEQUENTIAL", "NO_DATA_COLOR",
    "GAP_COLOR", "SERVICE_COLOR", "OUTLINE_COLOR", "UNIT_COLOR", "sequential", "progress_color",
]

DIRECTION_COLORS = {"core": "#222222", "east": "#C1272D", "south": "#1F5FA8", "west": "#762A83", "north": "#00A6A6"}
#: SVG dash pattern per direction (the core is solid)
DIRECTION_DASHES = {"core": None, "east": "8 4", "south": "2 4", "west": "8 4 2 4", "north": "12 6"}
STATUS_COLORS = {"completed": "#E69F00", "under_construction": "#CC79A7", "approved": "#56B4E9", "planned": "#F0E442"}
STATUS_OUTLINES = {"completed": "#8A5F00", "under_construction": "#8E4C73", "approved": "#2C7FB8", "planned": "#8A7F00"}
PARK_CLASS_COLORS = {"comprehensive": "#1B7837", "ecological": "#5AAE61", "community": "#A6DBA0",
                     "mountain": "#A6A13B", "wetland": "#2D8C9E", "nature_reserve": "#3E6B48"}
ROUTE_TYPE_COLORS = {"greenway": "#9E0142", "cycle_lane": "#3D348B", "footway": "#A0522D"}
STATION_COLORS = {"charging": "#0B3C5D", "bike": "#E7298A"}
CATEGORICAL = {"direction": DIRECTION_COLORS, "status": STATUS_COLORS, "park_class": PARK_CLASS_COLORS,
               "route_type": ROUTE_TYPE_COLORS, "station_kind": STATION_COLORS}

NO_DATA_COLOR = "#BDBDBD"
GAP_COLOR = "#D62728"
SERVICE_COLOR = "#6BAED6"
OUTLINE_COLOR = "#343A40"
UNIT_COLOR = "#868E96"

#: sequential ramps, light to dark (ColorBrewer BuPu for coverage, YlOrBr for gradients,
#: both from their third class on so the lightest stays visible on grey)
SEQUENTIAL = {
    "coverage": ("#BFD3E6", "#9EBCDA", "#8C96C6", "#8C6BB1", "#88419D", "#810F7C", "#4D004B"),
    "gradient": ("#FEC44F", "#FE9929", "#EC7014", "#CC4C02", "#993404", "#662506"),
}


def sequential(name: str, n: int) -> tuple[str, ...]:
    """``n`` colours spread over the named ramp of :data:`SEQUENTIAL`, light to dark."""
    ramp = SEQUENTIAL.get(name)
    if ramp is None:
        raise ValueError(f"unknown colour ramp {name!r}; use one of {sorted(SEQUENTIAL)}")
    if n <= 1:
        return (ramp[-1],)
    return tuple(ramp[round(i * (len(ramp) - 1) / (n - 1))] for i in range(n))


def progress_color(share: float | None) -> str:
    """Bar colour by progress towards a target: red < 50 %, amber < 100 %, green when met."""
    if share is None or share != share:
        return NO_DATA_COLOR
    if share >= 1.0:
        return "#1A7F37"
    return "#D97706" if share >= 0.5 else "#C62828"
