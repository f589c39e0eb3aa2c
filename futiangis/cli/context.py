"""Shared CLI context: which project a command works on.

Kept apart from the group (:mod:`futiangis.cli.main`) so every ``cli/*_cmd.py`` module
imports on its own.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..config import Config
    from ..project import Project

__all__ = ["get_config", "get_project"]


def get_config(ctx: click.Context) -> Config:
    """The config of this invocation (loaded once): ``--config``, else ``./futiangis.toml``,
    else the packaged Futian sample."""
    return get_project(ctx).config


def get_project(ctx: click.Context) -> Project:
    """The :class:`~futiangis.project.Project` of this invocation (loaded once)."""
    from ..config import find_config
    from ..project import Project

    obj = ctx.find_root().ensure_object(dict)
    if "project" not in obj:
        obj["project"] = Project(find_config(obj.get("config_path")))
    return obj["project"]
