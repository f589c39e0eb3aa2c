"""Field and value mapping: a planner's column names, units and words -> the schema's.

Pure functions over (Geo)DataFrames, applied by :mod:`futiangis.load` between reading a
file and validating it. Nothing is mapped silently: every rename, unit conversion and
value translation is returned as a note for the command to print ("mapped 名称 → name_zh").

Three sources of mappings, strongest first:

1. ``--field TARGET=SOURCE[:UNIT]`` on the command line;
2. the project config's ``[fields.<kind>]`` table (same ``"SOURCE[:UNIT]"`` strings);
3. built-in recognition of common Chinese and English spellings (:data:`FIELD_ALIASES`),
   including a unit in the column header (``计容建筑面积(万㎡)``) and the 10-character cut
   of long names by the shapefile format.

Two candidate columns at the same level of recognition are an error listing both, never a
guess. One investment column per year (``2015年投资(万元)``) becomes
``investment_2015_100m_cny``, the yearly amounts the renewal-investment target counts.

Values (vocabularies, dates, name fallbacks) are in :mod:`futiangis.values`, re-exported.
(Over the house ~400 lines on purpose: a third of the module is the spelling tables and the
yearly-investment rules, kept beside the one function that reads each.)
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import schemas as S
from .errors import ConfigError, LayerValidationError, Problem
from .schemas import LayerSchema

# the value half (vocabularies, dates, names), re-exported: import either from here
from .values import BOOLEAN_WORDS, VALUE_VOCABULARY, _key, derive_year, fill_names, map_values

__all__ = [
    "FieldRule",
    "FIELD_ALIASES",
    "VALUE_VOCABULARY",
    "UNITS",
    "parse_field_rule",
    "parse_field_rules",
    "coordinate_rules",
    "rule_applies",
    "map_fields",
    "map_values",
    "derive_year",
    "fill_names",
    "yearly_target",
    "BOOLEAN_WORDS",
]

LON = "lon"
LAT = "lat"
COORDINATE_TARGETS = (LON, LAT)

# ---- units: factor to the target field's unit ---------------------------------------------
_AREA = {"m2": 1.0, "m²": 1.0, "㎡": 1.0, "平方米": 1.0, "平米": 1.0,
         "万㎡": 1e4, "万m2": 1e4, "万m²": 1e4, "万平方米": 1e4, "万平米": 1e4,
         "ha": 1e4, "hm2": 1e4, "hm²": 1e4, "公顷": 1e4,
         "km2": 1e6, "km²": 1e6, "平方公里": 1e6, "平方千米": 1e6,
         "亩": 10_000.0 / 15.0, "mu": 10_000.0 / 15.0}
_MONEY = {"亿元": 1.0, "亿": 1.0, "100m_cny": 1.0, "万元": 1e-4, "万": 1e-4,
          "百万元": 1e-2, "元": 1e-8, "cny": 1e-8, "yuan": 1e-8}
_LENGTH = {"m": 1.0, "米": 1.0, "km": 1000.0, "公里": 1000.0, "千米": 1000.0}
UNITS: Mapping[str, Mapping[str, float]] = {"m2": _AREA, "100m_cny": _MONEY, "m": _LENGTH}
_UNIT_NAME = {"m2": "m²", "100m_cny": "亿元", "m": "m"}


def _unit_family(target: str) -> str | None:
    if target == S.INVESTMENT_BY_YEAR:  # a table of yearly amounts, 亿元
        return "100m_cny"
    if target.endswith("_m2"):
        return "m2"
    if target.endswith("_100m_cny"):
        return "100m_cny"
    if target.endswith("_m") or target.endswith("_km"):
        return "m"
    return None


def _unit_factor(target: str, unit: str, where: str) -> float:
    family = _unit_family(target)
    key = unit.strip().replace(" ", "")
    if family is None:
        raise ConfigError(
            f"{where}: '{target}' takes no unit (it is not an area _m2, money _100m_cny or "
            f"length _m field); drop ':{unit}'."
        )
    table = UNITS[family]
    for name, factor in table.items():
        if name.lower() == key.lower():
            return factor
    raise ConfigError(
        f"{where}: unknown unit {unit!r} for {target} ({_UNIT_NAME[family]}); use one of "
        f"{', '.join(table)}."
    )


# ---- built-in recognition ------------------------------------------------------------------
# target -> tiers of spellings; within a tier two present columns are ambiguous (an error),
# an earlier tier wins over a later one (and the later one is named in the note).
FIELD_ALIASES: Mapping[str, tuple[tuple[str, ...], ...]] = {
    S.ID: (("编号", "项目编号", "单元编号", "站点编号", "id号"), ("objectid", "fid_1")),
    S.NAME_ZH: (("名称", "中文名", "中文名称", "更新单元名称", "单元名称", "站点名称", "站名",
                 "公园名称", "线路名称", "片区名称"), ("项目名称",), ("cad_text",)),
    S.NAME_EN: (("英文名", "英文名称", "english_name", "name_english"),),
    S.STATUS: (("状态", "项目状态", "建设状态", "实施状态", "进展"),),
    S.YEAR: (("年份", "年度"),),
    S.PLOT_RATIO: (("容积率", "far", "plot ratio"),),
    S.GFA_NEW_M2: (("新增产业用房面积", "新增产业空间", "新增产业用房", "gfa_new"),
                   ("计容建筑面积", "计容面积", "gfa")),
    S.INVESTMENT_100M_CNY: (("投资额", "投资", "总投资", "计划投资", "investment"),),
    S.INVESTMENT_BY_YEAR: (("年度投资额", "年度投资", "分年度投资", "分年度投资额", "年度投资计划",
                            "分年投资", "investment by year"),),
    S.INDUSTRIAL_SHARE: (("产业比例", "产业用房比例", "产业占比"),),
    S.USE: (("用途", "功能", "主导功能"),),
    S.ZONE_ID: (("片区", "所属片区", "片区编号"),),
    S.PILES: (("充电桩数", "充电桩数量", "桩数", "充电桩", "枪数"),),
    S.DOCKS: (("车桩数", "锁桩数", "桩位数", "停车桩"),),
    S.DIRECTION: (("方向", "拓展方向"),),
    S.PARK_CLASS: (("公园类型", "公园类别", "类型"),),
    S.ROUTE_TYPE: (("线路类型", "慢行类型"),),
    S.APPROVED_DATE: (("批准时间", "批准日期", "审批时间", "立项时间", "计划批准时间"),),
    S.COMPLETED_DATE: (("竣工时间", "竣工日期", "建成时间", "完成时间"),),
    S.START_DATE: (("开工时间", "开工日期", "动工时间"),),
    S.PLANNED_DATE: (("规划时间", "列入计划时间", "计划时间"),),
    S.SUPPLY_TYPE: (("供给类型", "空间来源", "来源类型"),),
    S.DEMOLITION_AREA_M2: (("拆除用地面积", "拆除范围用地面积", "拆除面积"),),
    LON: (("经度", "lon", "lng", "longitude", "long", "x", "point_x", "x坐标", "东坐标"),),
    LAT: (("纬度", "lat", "latitude", "y", "point_y", "y坐标", "北坐标"),),
}
# one column per year: 2015年投资, 2015年度投资额, 2015年计划投资, 2015年完成投资, investment_2015
# -> investment_2015_100m_cny (the yearly amounts the renewal-investment target counts)
_YEARLY = re.compile(r"^(?:(?P<y1>(?:19|20)\d\d)\s*年?\s*度?\s*(?:计划|完成|实际|实施)?\s*"
                     r"(?:投资|投资额|完成投资|投资完成额|计划投资|投资计划)|"
                     r"(?:investment|invest)\s*(?P<y2>(?:19|20)\d\d)(?:\s*100m cny)?)$")
_YEARLY_TARGET = re.compile(r"^investment_(?:19|20)\d\d_100m_cny$")
_YEAR_AMOUNT = re.compile(r"((?:19|20)\d\d)\s*年?\s*度?\s*[:：=]?\s*(-?\d+(?:\.\d+)?)")


def yearly_target(column: str) -> str | None:
    """``investment_<YYYY>_100m_cny`` for a yearly-investment column name, else None."""
    m = _YEARLY.match(_key(_split_header(column)[0]))
    if not m:
        return None
    return f"investment_{m.group('y1') or m.group('y2')}_100m_cny"


# "name"/"NAME": Chinese or English by content
_GENERIC_NAMES = ("name", "名字", "名称 name")
_CJK = re.compile(r"[\u3400-\u9fff]")
_HEADER_UNIT = re.compile(r"^(?P<base>.*?)\s*[（(\[【]\s*(?P<unit>[^）)\]】]+?)\s*[）)\]】]\s*$")


@dataclass(frozen=True)
class FieldRule:
    """One mapping: column ``source`` of the file becomes ``target``, times a unit factor."""

    target: str
    source: str
    unit: str | None = None
    origin: str = "--field"
    #: applied only where it fits (a command reading several files: the file's kind has
    #: ``target`` and the file has ``source``); see :func:`rule_applies`
    optional: bool = False


def parse_field_rule(text: str, *, origin: str = "--field") -> FieldRule:
    """Parse ``TARGET=SOURCE`` or ``TARGET=SOURCE:UNIT`` (e.g. ``gfa_new_m2=计容面积:万㎡``).

    Raises
    ------
    ConfigError
        If the text has no ``=`` or an empty side.
    """
    target, sep, source = str(text).partition("=")
    target, source = target.strip(), source.strip()
    if not sep or not target or not source:
        raise ConfigError(
            f"{origin} {text!r}: write TARGET=SOURCE, e.g. --field name_zh=项目名称 or "
            "--field gfa_new_m2=计容面积:万㎡."
        )
    unit = None
    if ":" in source:
        head, _, tail = source.rpartition(":")
        if head and tail and _unit_family(target) is not None:
            source, unit = head.strip(), tail.strip()
            _unit_factor(target, unit, f"{origin} {text!r}")
    return FieldRule(target, source, unit, origin)


def parse_field_rules(options: Iterable[str] = (), configured: Mapping[str, Any] | None = None,
                      *, kind: str = "", optional: Iterable[str] = ()) -> dict[str, FieldRule]:
    """Rules from ``--field`` options over the config's ``[fields.<kind>]`` table.

    ``optional`` are ``--field`` texts of a command that reads several files: each applies
    to this file only if it fits (:func:`rule_applies`); ``options`` are strict (a missing
    column is an error) and win over ``optional``, which win over the config.
    """
    rules: dict[str, FieldRule] = {}
    for target, value in (configured or {}).items():
        rules[target] = parse_field_rule(f"{target}={value}", origin=f"[fields.{kind}]")
    for text in optional:
        rule = parse_field_rule(text)
        rules[rule.target] = FieldRule(rule.target, rule.source, rule.unit, rule.origin, optional=True)
    for text in options:
        rule = parse_field_rule(text)
        rules[rule.target] = rule
    return rules


def rule_applies(rule: FieldRule, columns: Iterable[str], schema: LayerSchema) -> bool:
    """True if ``rule`` fits a file: its kind has the target and the file has the column."""
    targets = {f.name for f in schema.fields} | set(COORDINATE_TARGETS) | {"x", "y"}
    return rule.target in targets and _find_column(list(columns), rule.source) is not None


def _split_header(column: str) -> tuple[str, str | None]:
    m = _HEADER_UNIT.match(str(column))
    if m and m.group("base"):
        return m.group("base"), m.group("unit")
    return str(column), None


def _refuse_two_pairs(columns: list, rules: Mapping[str, FieldRule]) -> None:
    """lon,lat,LON,LAT (or lon and x): an error naming both pairs, never a silent pick."""
    hits = {}
    for target in COORDINATE_TARGETS:
        if _coordinate_rule(columns, rules, target):
            return
        hits[target] = [c for c in columns if _key(c) in {_key(a) for a in FIELD_ALIASES[target][0]}]
    lons, lats = hits[LON], hits[LAT]
    if len(lons) > 1 or len(lats) > 1:
        if len(lons) == len(lats):
            pairs = " and ".join(f"({lo!r}, {la!r})" for lo, la in zip(lons, lats))
        else:
            pairs = f"longitude/x {', '.join(map(repr, lons))} / latitude/y {', '.join(map(repr, lats))}"
        raise ConfigError(
            f"ambiguous coordinate columns {pairs}: futiangis will not guess which pair holds "
            "the positions. Choose one with --field lon=COLUMN --field lat=COLUMN, or rename the "
            "other pair (e.g. to lon_gcj02, lat_gcj02)."
        )


def coordinate_rules(columns: Iterable[str], rules: Mapping[str, FieldRule]) -> tuple[str | None, str | None, list[str]]:
    """Which columns of a point table hold lon/x and lat/y.

    Returns ``(lon column, lat column, notes)``; explicit ``--field lon=… lat=…`` first,
    then the built-in spellings. Ambiguity raises :class:`ConfigError` naming the columns.
    """
    columns = list(columns)
    found: dict[str, str | None] = {}
    notes: list[str] = []
    _refuse_two_pairs(columns, rules)
    for target in COORDINATE_TARGETS:
        rule = _coordinate_rule(columns, rules, target)
        if rule is not None:
            col = _find_column(columns, rule.source)
            if col is None:
                raise ConfigError(
                    f"{rule.origin} {target}={rule.source}: no column {rule.source!r}; columns "
                    f"present: {', '.join(map(str, columns))}."
                )
            found[target] = col
            notes.append(f"mapped {col} → {target} ({rule.origin})")
            continue
        hits = [c for c in columns if _key(c) in {_key(a) for a in FIELD_ALIASES[target][0]}]
        if len(hits) > 1:
            raise ConfigError(
                f"{len(hits)} columns could be the {'longitude/x' if target == LON else 'latitude/y'}: "
                f"{', '.join(hits)}; choose one with --field {target}=COLUMN."
            )
        found[target] = hits[0] if hits else None
        if hits and _key(hits[0]) != target:
            notes.append(f"mapped {hits[0]} → {target}")
    return found[LON], found[LAT], notes


def _coordinate_rule(columns: list, rules: Mapping[str, FieldRule], target: str) -> FieldRule | None:
    rule = rules.get(target) or rules.get({"lon": "x", "lat": "y"}[target])
    if rule is not None and rule.optional and _find_column(columns, rule.source) is None:
        return None  # a --field of a multi-file command that is not about this table
    return rule


def _find_column(columns: list, name: str):
    if name in columns:
        return name
    hits = [c for c in columns if _key(c) == _key(name)]
    return hits[0] if len(hits) == 1 else None


def _convert(series: pd.Series, factor: float) -> pd.Series:
    text = series.astype("string").str.strip().str.replace(",", "", regex=False)
    num = pd.to_numeric(text.where(text != "", pd.NA), errors="coerce").astype("float64")
    if series.notna().sum() == num.notna().sum():
        return num * factor
    # keep what is not a number, so validation names it (never turn text into NaN silently)
    out = series.astype(object).copy()
    ok = num.notna()
    out[ok] = num[ok] * factor
    return out


def map_fields(frame, schema: LayerSchema, rules: Mapping[str, FieldRule] | None = None,
               *, source: str = "") -> tuple[Any, list[str], list[Problem]]:
    """Rename (and convert) a file's columns to the schema's fields.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        As read; not modified.
    schema : LayerSchema
        Target fields (only these are looked for).
    rules : mapping, optional
        Explicit rules (``--field`` and config), keyed by target.
    source : str
        File name for messages.

    Returns
    -------
    (frame, notes, warnings)
        The renamed copy, one note per mapping/conversion, warnings (e.g. shapefile-cut names).

    Raises
    ------
    LayerValidationError
        An explicit source column that does not exist, or two candidates for one field.
    """
    rules = dict(rules or {})
    geometry = getattr(frame, "_geometry_column_name", None)
    columns = [c for c in frame.columns if c != geometry]
    targets = [f.name for f in schema.fields]
    problems: list[Problem] = []
    warnings: list[Problem] = []
    notes: list[str] = []
    renames: dict[str, str] = {}
    factors: dict[str, tuple[float, str, str]] = {}
    used: set[str] = set()

    for target, rule in list(rules.items()):
        if target in COORDINATE_TARGETS or target in ("x", "y"):
            continue  # handled by the point-table reader
        if rule.optional and not rule_applies(rule, columns, schema):
            del rules[target]  # not about this file (a command reading several files)
            continue
        yearly_ok = S.INVESTMENT_100M_CNY in targets and _YEARLY_TARGET.match(target)
        if target not in targets and not yearly_ok:
            problems.append(Problem(
                "unknown_target",
                f"{rule.origin} {target}={rule.source}: a {schema.kind} layer has no field "
                f"{target!r}; its fields are {', '.join(targets)}.", field=target))
            continue
        col = _find_column(columns, rule.source)
        if col is None:
            problems.append(Problem(
                "mapping_source_missing",
                f"{rule.origin} {target}={rule.source}: the file has no column {rule.source!r}; "
                f"columns present: {', '.join(map(str, columns)) or 'none'}.", field=target))
            continue
        renames[col] = target
        used.add(col)
        notes.append(f"mapped {col} → {target} ({rule.origin})")
        if rule.unit:
            factors[target] = (_unit_factor(target, rule.unit, rule.origin), rule.unit, col)

    generic = [c for c in columns if _key(c) in {_key(n) for n in _GENERIC_NAMES}]
    truncated: list[tuple[str, str]] = []
    for target in targets:
        if target in renames.values() or target in rules:
            continue
        if target in columns:
            if target in renames:  # an explicit rule takes this column's name away
                pass
            used.add(target)
            continue
        tiers = [tuple(_key(a) for a in tier) for tier in FIELD_ALIASES.get(target, ())]
        if target in (S.NAME_ZH, S.NAME_EN) and generic:
            has_cjk = any(bool(_CJK.search(str(v))) for c in generic for v in frame[c].dropna().head(200))
            if (target == S.NAME_ZH) == has_cjk:
                tiers = tiers[:1] + [tuple(_key(c) for c in generic)] + tiers[1:]
        cut = target[:10]
        if len(target) > 10:
            tiers.append((_key(cut),))
        chosen = None
        for level, tier in enumerate(tiers):
            hits = [c for c in columns if c not in used and _key(_split_header(c)[0]) in tier]
            hits += [c for c in columns if c not in used and c not in hits and _key(c) in tier]
            if not hits:
                continue
            if len(hits) > 1:
                problems.append(Problem(
                    "ambiguous_field",
                    f"{len(hits)} columns could be {target}: {', '.join(hits)}; choose one with "
                    f"--field {target}=COLUMN (or [fields.{schema.kind}] in futiangis.toml).",
                    field=target))
                break
            chosen = hits[0]
            lower = [c for t in tiers[level + 1:] for c in columns
                     if c not in used and c != chosen and _key(_split_header(c)[0]) in t]
            note = f"mapped {chosen} → {target}"
            if lower:
                note += (f" ({', '.join(lower)} also present, kept as is; choose with "
                         f"--field {target}=COLUMN)")
            notes.append(note)
            if len(target) > 10 and _key(chosen) == _key(cut):
                truncated.append((chosen, target))
            break
        if chosen is None:
            continue
        renames[chosen] = target
        used.add(chosen)
        _base, unit = _split_header(chosen)
        if unit is not None and _unit_family(target) is not None:
            try:
                factors[target] = (_unit_factor(target, unit, f"column {chosen!r}"), unit, chosen)
            except ConfigError as exc:
                problems.append(Problem("unknown_unit", str(exc), field=target))
        elif target in (S.INVESTMENT_100M_CNY, S.INVESTMENT_BY_YEAR):
            notes.append(f"  {chosen} has no unit in its header: read as 亿元; if it is 万元 say "
                         f"--field {target}={chosen}:万元")
    if S.INVESTMENT_100M_CNY in targets:
        _map_yearly(columns, used, rules, renames, factors, notes, problems, schema.kind)

    if truncated:
        warnings.append(Problem(
            "truncated_field_name",
            f"columns {', '.join(repr(c) for c, _ in truncated)} read as "
            f"{', '.join(t for _, t in truncated)}: the shapefile format cuts field names to 10 "
            "characters. Deliver a GeoPackage to keep long names.",
            field=truncated[0][1], severity="warning"))
    if problems:
        raise LayerValidationError(source, problems)
    out = frame.copy()
    clash = [t for t in renames.values() if t in out.columns and t not in renames]
    for t in clash:  # the file has a column named like the target and the user chose another
        kept = f"{t}_file"
        out = out.rename(columns={t: kept})
        notes.append(f"kept the file's own column {t} as {kept}")
    out = out.rename(columns=renames)
    for target, (factor, unit, col) in factors.items():
        if target == S.INVESTMENT_BY_YEAR:
            out[target], n = _convert_year_tables(out[target], factor)
        else:
            out[target] = _convert(out[target], factor)
        family = _unit_family(target)
        notes.append(f"converted {col} from {unit} to {_UNIT_NAME[family or 'm2']} (× {factor:g})")
    if S.INVESTMENT_BY_YEAR in out.columns and S.INVESTMENT_BY_YEAR not in factors:
        out[S.INVESTMENT_BY_YEAR], n = _convert_year_tables(out[S.INVESTMENT_BY_YEAR], 1.0)
        if n:
            notes.append(f"{S.INVESTMENT_BY_YEAR}: {n} year table(s) written as 2014：3.2；2015：4.1 "
                         "read as {\"2014\": 3.2, \"2015\": 4.1}")
    bad = _non_numeric_yearly(out, [t for t in renames.values() if _YEARLY_TARGET.match(t)])
    if bad:
        raise LayerValidationError(source, bad)
    return out, notes, warnings


def _map_yearly(columns, used, rules, renames, factors, notes, problems, kind) -> None:
    """Columns of yearly amounts (2015年投资 …) -> ``investment_<YYYY>_100m_cny``, units converted."""
    found: dict[str, list[str]] = {}
    for c in columns:
        if c in used or c in renames:
            continue
        target = yearly_target(c)
        if target is None or target in rules or target in renames.values():
            continue
        if str(c) == target:
            continue  # already the schema's spelling
        found.setdefault(target, []).append(c)
    for target, cols in sorted(found.items()):
        if len(cols) > 1:
            problems.append(Problem(
                "ambiguous_field",
                f"{len(cols)} columns could be {target}: {', '.join(cols)}; choose one with "
                f"--field {target}=COLUMN (or [fields.{kind}] in futiangis.toml).", field=target))
            continue
        col = cols[0]
        renames[col] = target
        used.add(col)
        notes.append(f"mapped {col} → {target} (the year's investment, 亿元)")
        _base, unit = _split_header(col)
        if unit is None:
            notes.append(f"  {col} has no unit in its header: read as 亿元; if it is 万元 say "
                         f"--field {target}={col}:万元")
            continue
        try:
            factors[target] = (_unit_factor(target, unit, f"column {col!r}"), unit, col)
        except ConfigError as exc:
            problems.append(Problem("unknown_unit", str(exc), field=target))


def _convert_year_tables(series: pd.Series, factor: float) -> tuple[pd.Series, int]:
    """``2014：3.2；2015：4.1`` / ``2014年3.2, 2015年4.1`` / JSON -> JSON in 亿元 (× factor).

    Text that holds no year-amount pair is left as is, for the accounting to name it.
    """
    import json

    out, changed = [], 0
    for value in series.to_numpy(dtype=object):
        if not isinstance(value, str) or not value.strip():
            out.append(value)
            continue
        text = value.strip()
        pairs = None
        if text.startswith("{"):
            try:
                pairs = [(str(k), float(v)) for k, v in json.loads(text).items()]
            except (ValueError, TypeError, AttributeError):
                pairs = None
        if pairs is None:
            found = _YEAR_AMOUNT.findall(text)
            rest = _YEAR_AMOUNT.sub("", text)
            if not found or re.search(r"\d", rest):
                out.append(value)  # not a year table: left for validation to name
                continue
            pairs = [(y, float(a)) for y, a in found]
        table = {y: round(a * factor, 12) for y, a in pairs}
        new = json.dumps(table, ensure_ascii=False)
        changed += new != text
        out.append(new)
    return pd.Series(out, index=series.index, dtype=object), changed


def _non_numeric_yearly(frame, targets) -> list[Problem]:
    problems = []
    for target in targets:
        col = frame[target]
        num = pd.to_numeric(col, errors="coerce")
        bad = col.notna() & num.isna() & (col.astype("string").str.strip() != "")
        ids = frame[S.ID].astype(str) if S.ID in frame.columns else pd.Series(
            [f"row {i + 1}" for i in range(len(frame))], index=frame.index)
        for i in np.flatnonzero(bad.to_numpy(dtype=bool))[:20]:
            problems.append(Problem(
                "wrong_type", f"{col.iloc[i]!r} is not an amount (亿元, or the unit given in the "
                "header or --field); write a number, or leave it empty if unknown.",
                feature_id=ids.iloc[i], field=target))
    return problems
