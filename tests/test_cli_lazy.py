"""The CLI starts at once: lazy subcommands, every command module importable on its own."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from futiangis.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
CMD_MODULES = sorted(p.stem for p in (ROOT / "futiangis" / "cli").glob("*_cmd.py"))


@pytest.mark.parametrize("module", CMD_MODULES)
def test_every_command_module_imports_alone(module):
    # a fresh interpreter: no other futiangis module imported first (no import cycle)
    out = subprocess.run([sys.executable, "-c", f"import futiangis.cli.{module} as m; print(m.command.name)"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_every_command_module_is_registered():
    assert sorted(module for module, _ in COMMANDS.values()) == CMD_MODULES


def test_help_imports_no_command_and_no_heavy_library():
    code = ("import sys\nfrom futiangis.cli.main import cli\ntry:\n    cli(['--help'])\nexcept SystemExit:\n"
            "    pass\nloaded = [m for m in sys.modules if m.endswith('_cmd') or m.split('.')[0] in "
            "('geopandas', 'folium', 'matplotlib', 'mapclassify', 'rasterio', 'shapely', 'pandas')]\n"
            "print('LOADED', loaded)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED []" in out.stdout
    for name in COMMANDS:
        assert f"  {name} " in out.stdout  # listed from the table without importing it
