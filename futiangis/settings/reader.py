"""Reading one TOML table with checks: every key read once, typed, in range, named on error.

A section parser asks a :class:`Table` for each key it knows (``table.number("radius_m",
900, above=0)``); the table records the problem (file, ``[section] key``, the value, how
to fix it) instead of raising, so one load reports every bad setting at once. After the
parser has read its keys, :meth:`Table.finish` reports every key nobody asked for, with a
"did you mean" suggestion (``treshold`` -> ``threshold``).
"""
from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeVar

__all__ = ["Problems", "Table", "freeze"]

T = TypeVar("T")
_MISSING: Any = object()


def freeze(value: Any) -> Any:
    """Read-only copy of parsed TOML: dicts become mappings, lists tuples.

    Examples
    --------
    >>> frozen = freeze({"a": [1, {"b": 2}]})
    >>> frozen["a"][1]["b"]
    2
    """
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


class Problems:
    """Problems found while reading one config file (all reported at once)."""

    def __init__(self, source: str):
        self.source = source
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        """Record ``message`` about the setting at ``where`` (``[coverage.parks] threshold``).

        A message starting with ``=`` continues the key: ``[coverage] quad_segs = 0 …``.
        """
        sep = " " if message.startswith("= ") else ": "
        self.messages.append(f"{where}{sep}{message}")

    def __bool__(self) -> bool:
        return bool(self.messages)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if not isinstance(value, Mapping | list | tuple) else type(value).__name__


class Table:
    """One TOML table being read by a section parser.

    Parameters
    ----------
    data : Mapping
        The table as parsed (``{}`` when the section is absent).
    name : str
        Its dotted name as written in the file (``coverage.parks``), used in messages.
    problems : Problems
        Where problems are recorded.
    array : bool
        True for an element of an array of tables (``[[targets]] #2``).
    """

    def __init__(self, data: Any, name: str, problems: Problems, *, label: str | None = None):
        self.name = name
        self.label = label or f"[{name}]"
        self.problems = problems
        if not isinstance(data, Mapping):
            problems.add(self.label, f"must be a table, got {_show(data)}.")
            data = {}
        self.data: Mapping[str, Any] = data
        self._read: set[str] = set()

    # -- bookkeeping ------------------------------------------------------------------
    def __contains__(self, key: str) -> bool:
        return key in self.data

    def keys(self) -> list[str]:
        """Keys present in the file (read or not)."""
        return list(self.data)

    def problem(self, key: str | None, message: str) -> None:
        """Record a problem about ``key`` of this table (or the table itself)."""
        where = f"{self.label} {key}" if key else self.label
        self.problems.add(where, message)

    def _get(self, key: str, default: Any) -> Any:
        self._read.add(key)
        return self.data.get(key, default)

    def raw(self, key: str, default: Any = None) -> Any:
        """The value as parsed, frozen, without checks (for a section typed elsewhere)."""
        return freeze(self._get(key, default))

    def finish(self, *, also_known: Sequence[str] = ()) -> None:
        """Report every key that no parser read, suggesting the closest known key."""
        known = sorted(self._read | set(also_known))
        for key in self.data:
            if key in self._read or key in also_known:
                continue
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            self.problem(key, f"unknown key.{hint} Known keys here: {', '.join(known) or '(none)'}.")

    # -- typed getters ----------------------------------------------------------------
    def number(
        self,
        key: str,
        default: float | None = _MISSING,
        *,
        above: float | None = None,
        at_least: float | None = None,
        at_most: float | None = None,
        unit: str = "",
    ) -> float:
        """A finite number (int or float, never a boolean or text), optionally bounded."""
        value = self._get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.problem(key, f"missing; add {key} = <number{' of ' + unit if unit else ''}>.")
                return math.nan
            return default  # type: ignore[return-value]
        if isinstance(value, bool) or not isinstance(value, int | float):
            how = f"write a number{' of ' + unit if unit else ''} without quotes or units"
            example = f"{key} = {_number_in(value) or 900}"
            self.problem(key, f"= {_show(value)} is not a number; {how}, e.g. {example}.")
            return math.nan
        value = float(value)
        bad = None
        if not math.isfinite(value):
            bad = "must be a finite number"
        elif above is not None and not value > above:
            bad = "must be a positive number" if above == 0 else f"must be greater than {above:g}"
        elif at_least is not None and value < at_least:
            bad = f"must be at least {at_least:g}"
        elif at_most is not None and value > at_most:
            bad = f"must be at most {at_most:g}"
        if bad:
            self.problem(key, f"= {_show(value)} {bad}{' (' + unit + ')' if unit else ''}.")
            return math.nan
        return value

    def share(self, key: str, default: float | None = _MISSING) -> float:
        """A share in [0, 1] (0.8 = 80 %)."""
        value = self.number(key, default, at_least=0.0, at_most=1.0)
        return value

    def integer(self, key: str, default: int = _MISSING, *, at_least: int | None = None) -> int:
        """An integer (not a float, not a boolean), optionally ≥ ``at_least``."""
        value = self._get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.problem(key, f"missing; add {key} = <whole number>.")
                return 0
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"= {_show(value)} is not a whole number; write e.g. {key} = 64.")
            return default if default is not _MISSING else 0
        if at_least is not None and value < at_least:
            self.problem(key, f"= {value} must be at least {at_least}.")
            return default if default is not _MISSING else at_least
        return value

    def string(self, key: str, default: str | None = _MISSING, *, choices: Sequence[str] = ()) -> str:
        """A text value, optionally one of ``choices``."""
        value = self._get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.problem(key, f'missing; add {key} = "…".')
                return ""
            return default  # type: ignore[return-value]
        if not isinstance(value, str):
            self.problem(key, f'= {_show(value)} must be text in quotes, e.g. {key} = "…".')
            return default if isinstance(default, str) else ""
        if choices and value not in choices:
            close = difflib.get_close_matches(value, list(choices), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            self.problem(key, f"= {value!r} is not one of {', '.join(choices)}.{hint}")
            return default if isinstance(default, str) else choices[0]
        return value

    def boolean(self, key: str, default: bool) -> bool:
        """``true`` or ``false``."""
        value = self._get(key, default)
        if not isinstance(value, bool):
            self.problem(key, f"= {_show(value)} must be true or false.")
            return default
        return value

    def strings(self, key: str, default: Sequence[str] = _MISSING) -> tuple[str, ...]:
        """A list of text values (one text value is accepted as a list of one)."""
        value = self._get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.problem(key, f'missing; add {key} = ["…"].')
                return ()
            return tuple(default)
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            self.problem(key, f'= {_show(value)} must be a list of text values, e.g. {key} = ["a", "b"].')
            return tuple(default) if default is not _MISSING else ()
        return tuple(value)

    def numbers(self, key: str, default: Sequence[float], *, length: int | None = None) -> tuple[float, ...]:
        """A list of numbers (optionally of a fixed length)."""
        value = self._get(key, _MISSING)
        if value is _MISSING:
            return tuple(default)
        ok = isinstance(value, list | tuple) and all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value)
        if not ok or (length is not None and len(value) != length):
            size = f"{length} " if length else ""
            self.problem(key, f"= {_show(value)} must be a list of {size}numbers.")
            return tuple(default)
        return tuple(float(v) for v in value)

    def date(self, key: str, default: dt.date | None = None) -> dt.date | None:
        """A date: a TOML date (2015-12-31) or the text "YYYY-MM-DD"."""
        value = self._get(key, _MISSING)
        if value is _MISSING:
            return default
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problem(key, f'= {_show(value)} is not a date; write it as "YYYY-MM-DD".')
            return default

    def table(self, key: str) -> Table:
        """A sub-table (``[coverage.parks]`` of ``[coverage]``); empty when absent."""
        value = self._get(key, {})
        return Table(value, f"{self.name}.{key}", self.problems)

    def tables(self, key: str) -> list[Table]:
        """A list of inline tables (``radii = [{…}, {…}]``)."""
        value = self._get(key, [])
        if isinstance(value, Mapping):
            value = [value]
        if not isinstance(value, list | tuple):
            self.problem(key, f"= {_show(value)} must be a list of tables, e.g. {key} = [{{ … }}].")
            return []
        return [Table(v, f"{self.name}.{key}", self.problems, label=f"[{self.name}] {key} #{i + 1}")
                for i, v in enumerate(value)]


def _number_in(value: Any) -> str:
    """The number written inside a text value (``"900 m"`` -> ``"900"``), if any."""
    if not isinstance(value, str):
        return ""
    digits = "".join(ch for ch in value.replace("_", "") if ch.isdigit() or ch in ".-")
    try:
        float(digits)
    except ValueError:
        return ""
    return digits
