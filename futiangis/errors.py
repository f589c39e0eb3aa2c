"""Exception tree. Every futiangis error derives from :class:`FutianGISError`.

Each class also inherits the builtin it resembles, so callers that catch
``ValueError`` or ``OSError`` keep working.
"""
from __future__ import annotations

from dataclasses import dataclass

from .escape import escape_terminal

__all__ = [
    "FutianGISError",
    "ConfigError",
    "CRSError",
    "LayerReadError",
    "LayerValidationError",
    "Problem",
    "OutputError",
]


class FutianGISError(Exception):
    """Root of all futiangis errors; the CLI prints these without a traceback."""


class ConfigError(FutianGISError, ValueError):
    """The configuration file is missing, unreadable or holds an invalid value."""


class CRSError(FutianGISError, ValueError):
    """A coordinate reference system is missing, unknown or unsuitable for the operation."""


class LayerReadError(FutianGISError, OSError):
    """A layer or raster file cannot be opened or parsed."""


class OutputError(FutianGISError, OSError):
    """An output could not be written; previous outputs are left intact."""


@dataclass(frozen=True)
class Problem:
    """One validation problem, located as precisely as the data allows.

    Attributes
    ----------
    code : str
        Stable machine-readable code, e.g. ``"missing_field"``.
    message : str
        What is wrong and how to fix it.
    feature_id : str or None
        Id (or row number, as ``"row 3"``) of the offending feature, if any.
    field : str or None
        Column concerned, if any.
    severity : str
        ``"error"`` (blocks loading) or ``"warning"`` (reported, loading continues).
    """

    code: str
    message: str
    feature_id: str | None = None
    field: str | None = None
    severity: str = "error"

    def format(self, source: str) -> str:
        """Return a one-line description prefixed with file, feature and field.

        Ids, names and column names are data: control characters in them (ESC, CR, LF …)
        are shown as escapes, so they can neither drive the terminal nor forge lines.
        """
        where = [escape_terminal(source)]
        if self.feature_id is not None:
            where.append(f"feature {escape_terminal(self.feature_id)}")
        if self.field is not None:
            where.append(f"field '{escape_terminal(self.field)}'")
        return f"[{self.severity}] {': '.join(where)}: {escape_terminal(self.message)}"


class LayerValidationError(FutianGISError, ValueError):
    """A layer failed validation; ``problems`` lists every problem found at once."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"{escape_terminal(source)}: {len(errors)} problem(s) found; the layer was not loaded:"]
        lines += ["  " + p.format(source) for p in self.problems]
        super().__init__("\n".join(lines))
