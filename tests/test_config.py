"""Settings as data: the config file and its errors."""
from __future__ import annotations

import pytest

from futiangis.config import load_config
from futiangis.errors import ConfigError


def test_project_config_values(config):
    assert config.working_crs == "EPSG:4547"
    assert config.layers_dir.name == "layers" and config.layers_dir.is_dir()
    targets = {t["id"]: t for t in config.section("targets")}
    assert targets["industrial_space"]["target"] == 1_000_000
    assert targets["renewal_industrial_space"]["target"] == 600_000
    assert targets["renewal_investment"]["target"] == 100


def test_config_is_read_only(config):
    with pytest.raises(TypeError):
        config.section("crs")["working"] = "EPSG:4326"


def test_paths_are_relative_to_the_config_file(tmp_path):
    cfg = tmp_path / "sub" / "f.toml"
    cfg.parent.mkdir()
    cfg.write_text('[paths]\nlayers = "data"\nmaps = "../out"\n')
    c = load_config(cfg)
    assert c.layers_dir == (tmp_path / "sub" / "data").resolve()
    assert c.maps_dir == (tmp_path / "out").resolve()


@pytest.mark.parametrize(
    "text, message",
    [
        ("[crs\n", "not valid TOML"),
        ("[crs]\nworking = 'EPSG:4326'\n", "is geographic"),
        ("[crs]\nworking = 'EPSG:0'\n", "not a known CRS"),
        ("[region]\nshenzhen_bbox_wgs84 = [114.7, 22.3, 113.7, 22.9]\n", "min_lon, min_lat"),
    ],
)
def test_bad_config_values(tmp_path, text, message):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(cfg)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found.*--config"):
        load_config(tmp_path / "nope.toml")
