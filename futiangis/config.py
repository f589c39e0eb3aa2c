"""Project settings: ``futiangis.toml`` read once, checked once, into frozen typed sections.

Every section of the file has one frozen dataclass (:mod:`futiangis.settings`) holding
the only copy of its defaults; :func:`load_config` reads the file (UTF-8, with or without
BOM), parses every section, and raises one :class:`~futiangis.errors.ConfigError` that
lists every problem at once, each naming its ``[section] key`` (a value out of range, a
string where a number belongs, an unknown key with a "did you mean").

Analysis modules never see a :class:`Config`: the project shell
(:mod:`futiangis.project`) hands them the typed section they need.

Adding a section (one row in :data:`SECTIONS`): write a frozen dataclass and a
``parse_x(table, ctx)`` in ``futiangis/settings/``, add a field to :class:`Config` and a
row ``Section("x", parse_x)``, and document its keys in docs/settings.md. The planner's own
column names and words (``[fields.<kind>]``, ``[values.<field>]``, :data:`UNTYPED_SECTIONS`)
are free-form tables kept read-only in ``Config.extra`` and checked where a file is read.
"""
from __future__ import annotations

import codecs
import difflib
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .settings import (
    CoverageSettings,
    CRSSettings,
    MapSettings,
    PathSettings,
    RegionSettings,
    TerrainSettings,
    ValidationSettings,
)
from .settings import core as _core
from .settings.access import NetworkSettings, ReachSettings, parse_access, parse_network
from .settings.coverage import parse_coverage
from .settings.reader import Problems, Table, freeze
from .settings.siting import SitingSettings, parse_siting
from .settings.targets import check_targets

if TYPE_CHECKING:
    from .targets.spec import Target

__all__ = [
    "Config",
    "Section",
    "SECTIONS",
    "UNTYPED_SECTIONS",
    "CONFIG_NAME",
    "load_config",
    "find_config",
    "default_config_path",
    "sample_root",
]

CONFIG_NAME = "futiangis.toml"


@dataclass(frozen=True)
class Config:
    """Project settings, one typed section per table of ``futiangis.toml``.

    Attributes
    ----------
    path : Path or None
        File the settings came from (None: built-in defaults).
    crs, paths, region, validation, terrain, maps, coverage, siting, network, access :
        The typed sections (:mod:`futiangis.settings`).
    targets : tuple of Target
        The ``[[targets]]`` tables, in file order.
    extra : Mapping
        Sections accepted but not yet typed (:data:`UNTYPED_SECTIONS`), read-only.
    packaged : bool
        True when this is the Futian sample shipped inside the package.
    """

    path: Path | None = None
    crs: CRSSettings = field(default_factory=CRSSettings)
    paths: PathSettings = field(default_factory=PathSettings)
    region: RegionSettings = field(default_factory=RegionSettings)
    validation: ValidationSettings = field(default_factory=ValidationSettings)
    targets: tuple[Target, ...] = ()
    coverage: CoverageSettings = field(default_factory=CoverageSettings)
    terrain: TerrainSettings = field(default_factory=TerrainSettings)
    maps: MapSettings = field(default_factory=MapSettings)
    siting: SitingSettings = field(default_factory=SitingSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    access: ReachSettings = field(default_factory=ReachSettings)
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    packaged: bool = False

    # shortcuts for the settings most callers need
    @property
    def where(self) -> str:
        """How messages name this config (its path, or "default settings")."""
        return str(self.path) if self.path else "default settings"

    @property
    def root(self) -> Path:
        """The project folder (the config file's folder)."""
        return self.path.resolve().parent if self.path else Path.cwd()

    @property
    def working_crs(self) -> str:
        """``[crs] working``."""
        return self.crs.working

    @property
    def render_crs(self) -> str:
        """``[crs] render``."""
        return self.crs.render

    @property
    def layers_dir(self) -> Path:
        """``[paths] layers``, absolute."""
        return self.paths.layers

    @property
    def maps_dir(self) -> Path:
        """``[paths] maps``, absolute."""
        return self.paths.maps

    @property
    def district_layer(self) -> str:
        """``[region] district_layer``."""
        return self.region.district_layer

    @property
    def units_layer(self) -> str:
        """``[region] units_layer``."""
        return self.region.units_layer


@dataclass
class LoadContext:
    """What section parsers may need besides their own table."""

    base: Path
    problems: Problems
    parsed: dict[str, Any]
    maps_base: Path | None = None


@dataclass(frozen=True)
class Section:
    """One top-level section: its name in the file, its parser, the Config field it fills."""

    name: str
    parse: Callable[[Any, LoadContext], Any]
    array: bool = False  # an array of tables ([[targets]])


def _parse_crs(data: Any, ctx: LoadContext) -> CRSSettings:
    table = Table(data, "crs", ctx.problems)
    value = _core.parse_crs(table, ctx.parsed.get("region", RegionSettings()))
    table.finish()
    return value


def _parse_paths(data: Any, ctx: LoadContext) -> PathSettings:
    table = Table(data, "paths", ctx.problems)
    value = _core.parse_paths(table, ctx.base)
    if ctx.maps_base is not None and "maps" not in table:
        value = PathSettings(layers=value.layers, maps=(ctx.maps_base / "maps").resolve())
    table.finish()
    return value


def _parse_targets(data: Any, ctx: LoadContext) -> tuple[Target, ...]:
    before = len(ctx.problems.messages)
    tables = check_targets(data, ctx.problems)
    if not tables or len(ctx.problems.messages) > before:
        return ()
    from .targets.spec import parse_targets  # the home of Target and its rules

    try:
        return parse_targets(tables, where="[[targets]]")
    except ConfigError as exc:
        ctx.problems.add("[[targets]]", str(exc).removeprefix("[[targets]]: "))
        return ()


def _named(parse: Callable[[Table], Any], name: str) -> Callable[[Any, LoadContext], Any]:
    def run(data: Any, ctx: LoadContext) -> Any:
        table = Table(data, name, ctx.problems)
        value = parse(table)
        table.finish()
        return value
    return run


#: the sections, in parse order (region before crs: the CRS is checked over the district)
SECTIONS: tuple[Section, ...] = (
    Section("region", _named(_core.parse_region, "region")),
    Section("crs", _parse_crs),
    Section("paths", _parse_paths),
    Section("validation", _named(_core.parse_validation, "validation")),
    Section("targets", _parse_targets, array=True),
    Section("coverage", _named(parse_coverage, "coverage")),
    Section("terrain", _named(_core.parse_terrain, "terrain")),
    Section("maps", _named(_core.parse_maps, "maps")),
    Section("siting", _named(parse_siting, "siting")),
    Section("network", _named(parse_network, "network")),
    Section("access", _named(parse_access, "access")),
)

#: the planner's own column names and words: free-form tables, checked where a file is read
#: (futiangis.fields), kept as read-only mappings in ``Config.extra``
UNTYPED_SECTIONS = ("fields", "values")


def sample_root() -> Path:
    """Folder of the Futian sample project (``futiangis.toml`` + ``layers/``).

    Inside an installed wheel it is package data (``futiangis/_sample``); in a source
    checkout or an editable install it is the repository root, whose ``futiangis.toml``
    and ``layers/`` are the editable originals.
    """
    packaged = Path(__file__).resolve().parent / "_sample"
    if (packaged / CONFIG_NAME).is_file():
        return packaged
    return Path(__file__).resolve().parent.parent


def default_config_path() -> Path:
    """The sample project's ``futiangis.toml`` (see :func:`sample_root`)."""
    return sample_root() / CONFIG_NAME


def find_config(path: str | Path | None = None, *, cwd: Path | None = None) -> Config:
    """The project config: ``path`` if given, else ``./futiangis.toml``, else the sample.

    When the packaged sample is used from an installed wheel, maps are written to
    ``./maps`` (never into the installation).
    """
    if path is not None:
        return load_config(path)
    here = Path.cwd() if cwd is None else cwd
    if (here / CONFIG_NAME).is_file():
        return load_config(here / CONFIG_NAME)
    sample = default_config_path()
    in_package = sample.parent.name == "_sample"
    return load_config(sample, packaged=True, maps_base=here if in_package else None)


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ConfigError(f"{path}: saved as UTF-16; save it as UTF-8 (in Notepad: Save As, "
                          "Encoding UTF-8) and retry.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            raw.decode("gb18030")
            guess = "GBK/GB18030 (Chinese Windows ANSI)"
        except UnicodeDecodeError:
            guess = "not UTF-8"
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}: line {line} is {guess}; futiangis.toml must be UTF-8. "
                          "Re-save it as UTF-8 (e.g. `iconv -f GB18030 -t UTF-8`) and retry.") from None


def load_config(path: str | Path | None = None, *, packaged: bool = False,
                maps_base: Path | None = None) -> Config:
    """Load and check the settings in ``path`` (default: the sample project's file).

    Parameters
    ----------
    path : path, optional
        A ``futiangis.toml``; relative paths inside it are relative to its folder.
    packaged : bool
        Mark the result as the packaged sample.
    maps_base : Path, optional
        Folder for ``maps/`` when the file gives no ``[paths] maps`` (used for the
        packaged sample, which must not write into the installation).

    Raises
    ------
    ConfigError
        If the file is missing, not UTF-8, not valid TOML, or holds invalid settings (all
        listed, each naming its ``[section] key``).

    Examples
    --------
    >>> cfg = load_config()
    >>> cfg.crs.working, cfg.coverage.theme("charging").radius_m
    ('EPSG:4547', 900.0)
    """
    path = Path(path) if path is not None else default_config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"Config file {path} not found. Pass --config PATH, run in a project folder "
            "(`futiangis init DIR` makes one), or create futiangis.toml (see the README)."
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is a folder; pass the futiangis.toml inside it.") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        doc = tomllib.loads(_decode(raw, path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix the syntax and retry.") from None
    return config_from_dict(doc, path=path, packaged=packaged, maps_base=maps_base)


def config_from_dict(doc: Mapping[str, Any], *, path: Path | None = None, packaged: bool = False,
                     maps_base: Path | None = None) -> Config:
    """Check parsed TOML ``doc`` and build the :class:`Config` (see :func:`load_config`).

    Examples
    --------
    >>> config_from_dict({"coverage": {"bike": {"radius_m": 300, "treshold": 0.8}}})
    Traceback (most recent call last):
    ...
    futiangis.errors.ConfigError: settings: 1 problem(s) in the settings:
      [coverage.bike] treshold: unknown key. Did you mean 'threshold'? Known keys here: ...
    """
    source = str(path) if path else "settings"
    problems = Problems(source)
    base = path.resolve().parent if path else Path.cwd()
    ctx = LoadContext(base=base, problems=problems, parsed={}, maps_base=maps_base)
    known = [s.name for s in SECTIONS] + list(UNTYPED_SECTIONS)
    for key in doc:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f" Did you mean [{close[0]}]?" if close else ""
            problems.add(f"[{key}]", f"unknown section.{hint} Known sections: {', '.join(known)}.")
    for section in SECTIONS:
        data = doc.get(section.name, [] if section.array else {})
        ctx.parsed[section.name] = section.parse(data, ctx)
    if problems:
        lines = [f"{source}: {len(problems.messages)} problem(s) in the settings:"]
        lines += [f"  {m}" for m in problems.messages]
        lines.append("Fix them in the file and retry (docs/settings.md lists every key).")
        raise ConfigError("\n".join(lines))
    extra = {name: freeze(doc[name]) for name in UNTYPED_SECTIONS if name in doc}
    return Config(path=path, packaged=packaged, extra=MappingProxyType(extra), **ctx.parsed)
