"""The [network] / [access] sections are typed like the others, and docs/settings.md lists
every key of the shipped futiangis.toml."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from futiangis.config import config_from_dict, load_config
from futiangis.errors import ConfigError
from futiangis.lifecircle import access_settings

ROOT = Path(__file__).resolve().parents[1]


def test_network_and_access_are_checked_at_load_every_problem_at_once():
    doc = {"network": {"snap_mm": 2, "impedance": "speed"},
           "access": {"reach_share": 0, "circles": [{"minutes": 5}], "themes": ["schools"]}}
    with pytest.raises(ConfigError) as info:
        config_from_dict(doc)
    msg = str(info.value)
    assert "5 problem(s)" in msg
    assert "[network] snap_mm: unknown key. Did you mean 'snap_m'?" in msg
    assert "[network] impedance = 'speed' is not one of cost_per_m, speed_kmh" in msg
    assert "[access] reach_share" in msg and "must be a positive number" in msg
    assert "[access] circles #1 distance_m: missing" in msg
    assert "[access] themes: unknown ['schools']" in msg


def test_a_misspelt_section_is_named():
    with pytest.raises(ConfigError, match=r"\[acess\]: unknown section. Did you mean \[access\]\?"):
        config_from_dict({"acess": {"trim_m": 50}})
    # [subdistricts] was accepted and ignored before; nothing reads it, so it is now an error
    with pytest.raises(ConfigError, match=r"\[subdistricts\]: unknown section"):
        config_from_dict({"subdistricts": {}})


def test_typed_sections_reach_the_access_settings():
    cfg = config_from_dict({"network": {"snap_m": 5, "grade_field": "bridge", "impedance": "speed_kmh"},
                            "access": {"distances_m": [400], "count_snap_distance": False,
                                       "circles": [{"minutes": 10, "distance_m": 800, "name_zh": "十分钟"}]}})
    s = access_settings(cfg)
    assert (s.snap_m, s.grade_field, s.impedance, s.impedance_field) == (5.0, "bridge", "speed_kmh", None)
    assert s.distances_m == (400.0,) and s.count_snap_distance is False
    assert [(c.minutes, c.distance_m, c.name_zh) for c in s.circles] == [(10, 800.0, "十分钟")]
    # defaults when the sections are absent: GB 50180-2018 Table 3.0.4's 300 / 500 / 1000 m
    d = access_settings(config_from_dict({}))
    assert [c.distance_m for c in d.circles] == [300.0, 500.0, 1000.0] and d.reach_share == 0.5


def _shipped_keys() -> list[tuple[str, str]]:
    doc = tomllib.loads((ROOT / "futiangis.toml").read_text(encoding="utf-8"))
    keys = []
    for section, table in doc.items():
        rows = table if isinstance(table, list) else [table]
        for row in rows:
            for key, value in row.items():
                if isinstance(value, dict) and section in ("coverage", "siting"):
                    keys += [(f"{section}.<theme>", k) for k in value]
                else:
                    keys.append((section, key))
    return sorted(set(keys))


def test_every_shipped_key_is_in_the_settings_reference():
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    keys = _shipped_keys()
    assert len(keys) > 50
    missing = [f"[{s}] {k}" for s, k in keys if not re.search(rf"`(\[{re.escape(s)}\] )?{k}`", text)]
    assert missing == []
    # and every section the loader knows has a heading
    for section in ("crs", "paths", "region", "validation", "[targets]", "coverage", "terrain",
                    "maps", "siting", "network", "access"):
        assert f"## `[{section}]" in text, section


def test_the_shipped_config_loads_with_its_access_circles():
    cfg = load_config(ROOT / "futiangis.toml")
    assert [c.name_zh for c in cfg.access.circles] == ["五分钟生活圈", "十分钟生活圈", "十五分钟生活圈"]
    assert cfg.network.layer == "arterial_network"
