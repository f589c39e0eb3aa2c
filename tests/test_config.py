"""Settings as data: typed sections, checked once at load, every bad key named."""
from __future__ import annotations

import codecs
import dataclasses
import math
from pathlib import Path

import pytest

from futiangis.config import Config, find_config, load_config
from futiangis.errors import ConfigError
from futiangis.settings import FUTIAN_BBOX_WGS84, SHENZHEN_BBOX_WGS84

ROOT = Path(__file__).resolve().parents[1]


def test_project_config_values(config):
    assert config.crs.working == "EPSG:4547"
    assert config.paths.layers.name == "layers" and config.paths.layers.is_dir()
    targets = {t.id: t for t in config.targets}
    assert targets["industrial_space"].target == 1_000_000
    assert targets["renewal_industrial_space"].target == 600_000
    assert targets["renewal_investment"].target == 100
    assert config.coverage.theme("charging").radius_m == 900
    assert config.coverage.theme("parks").threshold == 0.8
    assert [r.radius_m for r in config.coverage.theme("parks").radii] == [500, 300]


def test_the_toml_and_the_code_agree_on_defaults(config):
    # one home per default: the shipped file writes the same values the dataclasses hold
    defaults = Config()
    assert config.terrain == defaults.terrain  # sample_step_m 25, smooth_m 150, 4 %, dem
    assert config.region.shenzhen_bbox_wgs84 == SHENZHEN_BBOX_WGS84 == defaults.region.shenzhen_bbox_wgs84
    assert defaults.region.district_bbox_wgs84 == FUTIAN_BBOX_WGS84


def test_config_is_frozen(config):
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.crs.working = "EPSG:4326"  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.coverage.themes["parks"] = None  # type: ignore[index]


def test_paths_are_relative_to_the_config_file(tmp_path):
    cfg = tmp_path / "sub" / "f.toml"
    cfg.parent.mkdir()
    cfg.write_text('[paths]\nlayers = "data"\nmaps = "../out"\n')
    c = load_config(cfg)
    assert c.paths.layers == (tmp_path / "sub" / "data").resolve()
    assert c.paths.maps == (tmp_path / "out").resolve()


def _load(tmp_path, text: str):
    cfg = tmp_path / "futiangis.toml"
    cfg.write_text(text, encoding="utf-8")
    return load_config(cfg)


# each case: the file, then what the message must say (the key, and why)
BAD = [
    ("[crs\n", r"not valid TOML"),
    ("[crs]\nworking = 'EPSG:4326'\n", r"\[crs\] working: 'EPSG:4326' is geographic"),
    ("[crs]\nworking = 'EPSG:0'\n", r"\[crs\] working: 'EPSG:0' is not a known CRS"),
    # Web Mercator: conformal but k ≈ 1.083 at 22.5° N, areas ≈ 17 % too large
    ("[crs]\nworking = 'EPSG:3857'\n", r"\[crs\] working: 'EPSG:3857' has a scale error .* too large"),
    # UTM 50N: Futian lies at its zone edge, k − 1 ≈ 7.9e-4 > 1e-4
    ("[crs]\nworking = 'EPSG:32650'\n", r"\[crs\] working: 'EPSG:32650' has a scale error"),
    ("[region]\nshenzhen_bbox_wgs84 = [114.7, 22.3, 113.7, 22.9]\n", r"shenzhen_bbox_wgs84: must be \[min_lon"),
    ("[coverage.parks]\nthreshold = 1.5\nradius_m = 500\n", r"\[coverage.parks\] threshold = 1.5 must be at most 1"),
    ("[coverage.parks]\nthreshold = -0.2\nradius_m = 500\n", r"\[coverage.parks\] threshold = -0.2 must be at least 0"),
    ("[coverage.bike]\nradius_m = 300\ntreshold = 0.8\n",
     r"\[coverage.bike\] treshold: unknown key. Did you mean 'threshold'\?"),
    ("[coverage.charging]\nradius_m = \"900 m\"\n",
     r"\[coverage.charging\] radius_m = '900 m' is not a number; write a number of metres "
     r"without quotes or units, e.g. radius_m = 900"),
    ("[coverage.charging]\nradius_m = 0\n", r"\[coverage.charging\] radius_m = 0.0 must be a positive number"),
    ("[coverage.charging]\nradius_m = -300\n", r"radius_m = -300.0 must be a positive number"),
    ("[coverage.charging]\nradius_m = nan\n", r"radius_m = nan must be a finite number"),
    ("[coverage.parks]\nradii = [{ min_area_m2 = 0, radius_m = -1 }]\n", r"\[coverage.parks\] radii #1 radius_m"),
    ("[coverage]\nquad_segs = 0\n", r"\[coverage\] quad_segs = 0 must be at least 1"),
    ("[[targets]]\nid = 't'\nname_zh = 'x'\nname_en = 'x'\ntarget = true\nunit = 'm2'\n"
     "measure = 'gfa_new_m2'\nlayers = ['renewal_sites']\n", r"target = true is not a number"),
    ("[[targets]]\nid = 't'\nname_zh = 'x'\nname_en = 'x'\ntarget = 0\nunit = 'm2'\n"
     "measure = 'gfa_new_m2'\nlayers = ['renewal_sites']\n", r"target = 0.0 must be a positive number"),
    ("[terrain]\nsample_step_m = 0\n", r"\[terrain\] sample_step_m = 0.0 must be a positive number"),
    ("[terrain]\ncycling_max_grade_pct = '4 %'\n", r"cycling_max_grade_pct = '4 %' is not a number"),
    ("[validation]\nsliver_area_m2 = -1\n", r"sliver_area_m2 = -1.0 must be at least 0"),
    ("[maps]\nbasemap = 'googel'\n", r"\[maps\] basemap = 'googel' is not one of"),
    ("[coverag.parks]\nthreshold = 0.8\n", r"\[coverag\]: unknown section. Did you mean \[coverage\]\?"),
]


@pytest.mark.parametrize("text, message", BAD)
def test_bad_settings_are_refused_naming_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)


def test_every_problem_is_reported_at_once(tmp_path):
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, "[coverage.parks]\nthreshold = 1.5\nradius_m = 500\n"
                        "[coverage.bike]\nradius_m = 300\ntreshold = 0.8\n[terrain]\nsmooth_m = -1\n")
    text = str(info.value)
    assert "3 problem(s)" in text
    assert "threshold = 1.5" in text and "treshold" in text and "smooth_m = -1.0" in text


def test_sections_of_other_features_are_accepted(tmp_path):
    # the planner's own column names load read-only; [network] is typed like every section
    c = _load(tmp_path, '[fields.parks]\nname_zh = "名称"\n[network]\nreference_speed_kmh = 4.5\n'
                        '[crs.local.futian_grid]\ndx = 1.0\n')
    assert c.extra["fields"]["parks"]["name_zh"] == "名称"
    assert c.network.reference_speed_kmh == 4.5 and "network" not in c.extra
    assert c.crs.local["futian_grid"]["dx"] == 1.0
    # a key [network] does not have is no longer accepted and ignored
    with pytest.raises(ConfigError, match=r"\[network\] speed_kmh: unknown key"):
        _load(tmp_path, '[network]\nspeed_kmh = 4.5\n')


def test_utf8_with_bom_is_read(tmp_path):
    cfg = tmp_path / "futiangis.toml"
    cfg.write_bytes(codecs.BOM_UTF8 + '[coverage.bike]\nradius_m = 300\nstandard = "间距约 300 m"\n'.encode())
    assert load_config(cfg).coverage.theme("bike").standard == "间距约 300 m"


@pytest.mark.parametrize("encoding, message", [
    ("gbk", r"line 3 is GBK/GB18030 .* must be UTF-8"),
    ("utf-16", r"saved as UTF-16; save it as UTF-8"),
])
def test_other_encodings_get_a_clear_message(tmp_path, encoding, message):
    cfg = tmp_path / "futiangis.toml"
    cfg.write_bytes('[coverage.bike]\nradius_m = 300\nstandard = "公共自行车站点间距"\n'.encode(encoding))
    with pytest.raises(ConfigError, match=message):
        load_config(cfg)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found.*--config"):
        load_config(tmp_path / "nope.toml")


def test_lookup_order(tmp_path):
    # no ./futiangis.toml: the sample project; with one: that file
    sample = find_config(cwd=tmp_path)
    assert sample.packaged and sample.path.name == "futiangis.toml"
    (tmp_path / "futiangis.toml").write_text("[coverage.bike]\nradius_m = 250\n")
    own = find_config(cwd=tmp_path)
    assert not own.packaged and own.coverage.theme("bike").radius_m == 250
    assert find_config(ROOT / "futiangis.toml").path == ROOT / "futiangis.toml"


def test_numbers_are_floats_and_nan_never_leaks(config):
    values = [config.terrain.sample_step_m, config.terrain.smooth_m, config.validation.sliver_area_m2]
    assert all(isinstance(v, float) and math.isfinite(v) for v in values)
