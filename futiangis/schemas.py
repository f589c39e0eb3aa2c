"""Declared schemas, one per layer kind, and the column names used across futiangis.

A schema lists the geometry types a kind accepts, its id column and its fields with
type, whether required, value range and allowed values. :mod:`futiangis.validate`
checks layers against these declarations; nothing else hard-codes column names.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = [
    "FieldSpec",
    "LayerSchema",
    "SCHEMAS",
    "LAYER_KINDS",
    "STATUS_VALUES",
    "STATUS_ZH",
    "DIRECTION_VALUES",
    "DIRECTION_ZH",
    "ACCURACY_CLASSES",
    "get_schema",
    "is_illustrative",
    "source_label",
]

# ---- shared column names -------------------------------------------------------------
ID = "id"
NAME_ZH = "name_zh"
NAME_EN = "name_en"
STATUS = "status"
YEAR = "year"
ACCURACY = "accuracy_class"
SOURCE = "source"
ILLUSTRATIVE = "illustrative"
AREA_M2 = "area_m2"
LENGTH_M = "length_m"

# renewal sites
ZONE_ID = "zone_id"
USE = "use"
PLOT_RATIO = "plot_ratio"
INDUSTRIAL_SHARE = "industrial_share"
GFA_NEW_M2 = "gfa_new_m2"
INVESTMENT_100M_CNY = "investment_100m_cny"  # 亿元 = 10^8 CNY
SUPPLY_TYPE = "supply_type"
PLANNED_DATE = "planned_date"
APPROVED_DATE = "approved_date"
START_DATE = "start_date"
COMPLETED_DATE = "completed_date"
INVESTMENT_BY_YEAR = "investment_by_year"
# facilities beyond the district boundary (they serve land inside it)
OUTSIDE_DISTRICT = "outside_district"
DEMOLITION_AREA_M2 = "demolition_area_m2"  # 拆除用地面积, as reported (the measured land is area_m2)
# cbd zones
DIRECTION = "direction"
DIRECTION_ZH_COL = "direction_zh"
KEY_PROJECTS = "key_projects"
# stations
PILES = "piles"
DOCKS = "docks"
# siting demand
TRIP_ENDS = "trip_ends"
# parks / routes
PARK_CLASS = "park_class"
ROUTE_TYPE = "route_type"
# street networks (network.py / access.py)
EDGE_ID = "edge_id"
EDGE_U = "u"
EDGE_V = "v"
NODE_ID = "node_id"
COST_M = "cost_m"
LINE_ID = "line_id"
GRADE_SEPARATED = "grade_separated"
REACHED_LENGTH_M = "reached_length_m"
SNAP_M = "snap_m"

STATUS_VALUES = ("planned", "approved", "under_construction", "completed")
STATUS_ZH = MappingProxyType(
    {"planned": "规划", "approved": "已批", "under_construction": "在建", "completed": "建成"}
)
DIRECTION_VALUES = ("core", "east", "south", "west", "north")
DIRECTION_ZH = MappingProxyType(
    {"core": "中心区", "east": "东扩", "south": "南拓", "west": "西延", "north": "北展"}
)
ACCURACY_CLASSES = ("open data", "digitized", "illustrative")
PARK_CLASSES = ("comprehensive", "ecological", "community", "mountain", "wetland", "nature_reserve")
SUPPLY_TYPES = ("urban_renewal", "new_land", "purchase_lease", "other")
ROUTE_TYPES = ("greenway", "cycle_lane", "footway")
USES = ("industrial", "office", "commercial", "mixed", "residential", "public")

#: coverage theme -> catalogue kind of its facilities (the one copy of this map)
THEME_LAYER = MappingProxyType(
    {"parks": "parks", "charging": "charging_stations", "bike": "bike_stations"}
)

POLYGONS = ("Polygon", "MultiPolygon")
LINES = ("LineString", "MultiLineString")
POINTS = ("Point",)


@dataclass(frozen=True)
class FieldSpec:
    """Declaration of one attribute column.

    ``dtype`` is one of ``"str"``, ``"int"``, ``"float"``, ``"bool"``. ``nullable``
    allows missing values in a required column (the column must exist). ``minimum``
    applies to numbers; ``allowed`` to strings.
    """

    name: str
    dtype: str
    required: bool = True
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    description: str = ""


@dataclass(frozen=True)
class LayerSchema:
    """Declaration of one layer kind."""

    kind: str
    geometry_types: tuple[str, ...]
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)
    id_field: str = ID
    description: str = ""
    allow_empty: bool = False
    # at least one of each group of columns must be present (e.g. GFA or plot ratio)
    one_of: tuple[tuple[str, ...], ...] = ()
    # optional counts whose absence means "unknown" (column added empty, said once)
    unknown_ok: tuple[str, ...] = ()

    def field_map(self) -> Mapping[str, FieldSpec]:
        """Return the fields keyed by name."""
        return {f.name: f for f in self.fields}


def _common(*, year: bool = False, status: bool = False,
            status_required: bool = False) -> tuple[FieldSpec, ...]:
    # Required means used (issue 11): ids are generated when absent, names fall back
    # (name_en -> name_zh -> id, said once), so only what an analysis uses is required.
    specs = [
        FieldSpec(ID, "str", required=False, description="unique feature id"),
        FieldSpec(NAME_ZH, "str", required=False, nullable=True, description="Chinese name (shown first)"),
        FieldSpec(NAME_EN, "str", required=False, nullable=True, description="English name"),
        FieldSpec(ACCURACY, "str", required=False, description="open data / digitized ±N m / illustrative"),
        FieldSpec(SOURCE, "str", required=False, nullable=True, description="where the feature came from"),
        FieldSpec(ILLUSTRATIVE, "bool", required=False, description="true for illustrative, not official, data"),
    ]
    if status:
        specs.append(FieldSpec(STATUS, "str", required=status_required, allowed=STATUS_VALUES,
                               description="planning status"))
    if year:
        specs.append(FieldSpec(YEAR, "int", required=False, nullable=True, minimum=1979, maximum=2100))
    return tuple(specs)


_NETWORK_FIELDS = (
    FieldSpec(ID, "str", required=False),
    FieldSpec(SOURCE, "str", required=False, nullable=True),
    FieldSpec(ILLUSTRATIVE, "bool", required=False),
)

_SCHEMAS = [
    LayerSchema(
        "district", POLYGONS, _common(), description="Futian District boundary (福田区)"
    ),
    LayerSchema(
        "units",
        POLYGONS,
        _common() + (FieldSpec("taz_id", "int", required=False, nullable=True, minimum=0),),
        description="statistical units (traffic analysis zones clipped to Futian)",
    ),
    LayerSchema(
        "subdistricts",
        POLYGONS,
        _common() + (FieldSpec("stats_code", "str", required=False, nullable=True),
                     FieldSpec("note", "str", required=False, nullable=True)),
        description="街道 (subdistrict) polygons, land only",
    ),
    LayerSchema(
        "charging_stations",
        POINTS,
        # status/year optional: coverage's current/planned scenarios use a status when given
        _common(year=True, status=True) + (FieldSpec(PILES, "int", required=False, nullable=True, minimum=0,
                                                     description="number of charging piles"),
                     FieldSpec(OUTSIDE_DISTRICT, "bool", required=False, nullable=True,
                               description="station beyond the district boundary (serves land inside)")),
        description="public EV charging stations",
        unknown_ok=(PILES,),
    ),
    LayerSchema(
        "cbd_zones",
        POLYGONS,
        _common()
        + (
            FieldSpec(DIRECTION, "str", allowed=DIRECTION_VALUES),
            FieldSpec(DIRECTION_ZH_COL, "str", required=False),
            FieldSpec(KEY_PROJECTS, "str", required=False, nullable=True),
        ),
        description="CBD core and the four expansion zones",
    ),
    LayerSchema(
        "renewal_sites",
        POLYGONS,
        _common(year=True, status=True, status_required=True)
        + (
            FieldSpec(USE, "str", required=False, allowed=USES),
            FieldSpec(PLOT_RATIO, "float", required=False, nullable=True, minimum=0, description="容积率 FAR"),
            FieldSpec(INDUSTRIAL_SHARE, "float", required=False, nullable=True, minimum=0, maximum=1),
            FieldSpec(GFA_NEW_M2, "float", required=False, nullable=True, minimum=0,
                      description="new industrial GFA, m²"),
            FieldSpec(INVESTMENT_100M_CNY, "float", required=False, nullable=True, minimum=0,
                      description="investment, 亿元"),
            FieldSpec(ZONE_ID, "str", required=False, nullable=True),
            FieldSpec(SUPPLY_TYPE, "str", required=False, nullable=True, allowed=SUPPLY_TYPES,
                      description="where the space comes from (missing = urban_renewal)"),
            FieldSpec(PLANNED_DATE, "date", required=False, nullable=True, description="date first planned"),
            FieldSpec(APPROVED_DATE, "date", required=False, nullable=True, description="date approved"),
            FieldSpec(START_DATE, "date", required=False, nullable=True, description="construction start"),
            FieldSpec(COMPLETED_DATE, "date", required=False, nullable=True, description="date completed"),
            FieldSpec(INVESTMENT_BY_YEAR, "str", required=False, nullable=True,
                      description='yearly investment, 亿元: {"2014": 3.2, "2015": 4.1}'),
            FieldSpec(DEMOLITION_AREA_M2, "float", required=False, nullable=True, minimum=0,
                      description="拆除用地面积 as reported, m²"),
        ),
        description="project sites: urban renewal (城市更新), new land, purchased/leased space",
        one_of=((GFA_NEW_M2, PLOT_RATIO),),
        unknown_ok=(GFA_NEW_M2, PLOT_RATIO, INVESTMENT_100M_CNY),
    ),
    LayerSchema(
        "parks",
        POLYGONS,
        _common(year=True, status=True)
        + (FieldSpec(PARK_CLASS, "str", required=False, nullable=True, allowed=PARK_CLASSES),),
        description="parks (existing and planned)",
    ),
    LayerSchema(
        "slow_routes",
        LINES,
        _common(year=True, status=True)
        + (FieldSpec(ROUTE_TYPE, "str", required=False, nullable=True, allowed=ROUTE_TYPES),),
        description="walking / cycling routes (slow-traffic system)",
    ),
    LayerSchema(
        "bike_stations",
        POINTS,
        _common(year=True, status=True) + (FieldSpec(DOCKS, "int", required=False, nullable=True, minimum=0),),
        description="public-bike stations",
        unknown_ok=(DOCKS,),
    ),
    LayerSchema(
        "bike_demand",
        POINTS,
        (
            FieldSpec(ID, "str", description="grid cell id (100m_rRRR_cCCC)"),
            FieldSpec(TRIP_ENDS, "int", minimum=0, description="departures + arrivals in the sample"),
            FieldSpec("departures", "int", required=False, minimum=0),
            FieldSpec("arrivals", "int", required=False, minimum=0),
        ),
        description="dockless-bike trip ends per grid cell (siting demand)",
        allow_empty=False,
    ),
    LayerSchema(
        "network",
        LINES,
        _NETWORK_FIELDS,
        description="walk/cycle network: road centrelines, footpaths, slow routes (any fields)",
    ),
    LayerSchema(
        "arterial_network",
        LINES,
        _NETWORK_FIELDS + (FieldSpec("origin", "str", required=False),),
        description="the shipped coarse arterial network (derived from traffic-zone edges)",
    ),
    LayerSchema(
        "metro_stations",
        POINTS,
        _common() + (FieldSpec("lines", "str", required=False, nullable=True),),
        description="metro (subway) stations",
    ),
    LayerSchema(
        "generic",
        POLYGONS + LINES + POINTS + ("MultiPoint",),
        (FieldSpec(ID, "str", required=False),),
        description="any vector layer (used by `measure`): no required fields",
    ),
]

SCHEMAS: Mapping[str, LayerSchema] = MappingProxyType({s.kind: s for s in _SCHEMAS})
LAYER_KINDS = tuple(k for k in SCHEMAS if k != "generic")


def get_schema(kind: str) -> LayerSchema:
    """Return the schema for ``kind`` or raise a ValueError listing the known kinds."""
    try:
        return SCHEMAS[kind]
    except KeyError:
        from .errors import ConfigError

        raise ConfigError(
            f"Unknown layer kind {kind!r}. Use one of: {', '.join(SCHEMAS)}."
        ) from None


def is_illustrative(layer, provenance: Mapping[str, Any] | None = None) -> bool:
    """True if a layer is (or contains) illustrative data.

    Looks at the layer's provenance record (``provenance``, handed over beside the frame by
    the shell: accuracy class ``illustrative``), the ``illustrative`` column, and the
    ``accuracy_class`` column. ``layer.attrs`` is never read (pandas drops it in many
    operations, e.g. ``pd.concat``).
    """
    prov = provenance or {}
    if str(prov.get("accuracy_class", "")).lower().startswith("illustrative"):
        return True
    if ILLUSTRATIVE in layer.columns and layer[ILLUSTRATIVE].fillna(False).astype(bool).any():
        return True
    if ACCURACY in layer.columns:
        return bool(layer[ACCURACY].astype(str).str.lower().str.startswith("illustrative").any())
    return False


def source_label(provenance: Mapping[str, Any] | None, default: str) -> str:
    """How a report names an input: ``folder/file — title; accuracy: class``, else ``default``.

    Only the file's folder and name are given, never its absolute path (outputs travel
    to other machines).

    Examples
    --------
    >>> source_label({"path": "/home/u/proj/layers/parks.geojson", "title_en": "Parks",
    ...               "accuracy_class": "illustrative"}, "parks")
    'layers/parks.geojson — Parks; accuracy: illustrative'
    >>> source_label({}, "sites")
    'sites'
    """
    if not provenance:
        return default
    from pathlib import PurePath

    title = provenance.get("title_en") or provenance.get("kind", default)
    path = provenance.get("path")
    where = f"{PurePath(str(path)).parent.name}/{PurePath(str(path)).name}" if path else default
    return f"{where} — {title}; accuracy: {provenance.get('accuracy_class', '?')}"
