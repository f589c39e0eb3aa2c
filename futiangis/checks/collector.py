"""Collecting problems: every problem found at once, the first 20 of each kind listed."""
from __future__ import annotations

from ..errors import Problem

__all__ = ["Collector"]


_MAX_LISTED = 20  # per problem code; the rest are summarised


class Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._counts: dict[str, int] = {}

    def add(self, code, message, feature_id=None, field=None, severity="error"):
        n = self._counts.get(code, 0)
        self._counts[code] = n + 1
        if n < _MAX_LISTED:
            self.problems.append(Problem(code, message, feature_id, field, severity))
        elif n == _MAX_LISTED:
            self.problems.append(
                Problem(code, "further problems of this kind not listed", None, field, severity)
            )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

