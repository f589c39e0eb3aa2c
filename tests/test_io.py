"""File access: atomic writes, the output-folder swap, the catalogue and rasters."""
from __future__ import annotations


import numpy as np
import pytest
import rasterio
from affine import Affine

from futiangis.errors import LayerReadError, LayerValidationError, OutputError
from futiangis.io import atomic_output_dir, read_catalog, read_raster, write_layer, write_text_atomic
from futiangis.load import load_raster

from conftest import FUTIAN_X, FUTIAN_Y, box_layer


def test_write_text_atomic_replaces_whole_file(tmp_path):
    target = tmp_path / "a.md"
    target.write_text("old")
    write_text_atomic("新内容", target)
    assert target.read_text(encoding="utf-8") == "新内容"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_failed_write_leaves_previous_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "layer.gpkg"
    target.write_bytes(b"previous")

    def boom(self, *a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("geopandas.GeoDataFrame.to_file", boom)
    with pytest.raises(OutputError, match=r"cannot write \(disk full.*nothing was changed"):
        write_layer(box_layer([(0, 0, 10, 10)]), target, overwrite=True)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layer.gpkg"]


def test_write_layer_refuses_unknown_extension(tmp_path):
    with pytest.raises(OutputError, match=r"\.gpkg.*\.geojson"):
        write_layer(box_layer([(0, 0, 10, 10)]), tmp_path / "x.kml")


def test_atomic_output_dir_swaps_on_success_and_keeps_old_on_failure(tmp_path):
    out = tmp_path / "maps"
    with atomic_output_dir(out) as stage:
        (stage / "index.html").write_text("v1")
    assert (out / "index.html").read_text() == "v1"
    with pytest.raises(RuntimeError):
        with atomic_output_dir(out) as stage:
            (stage / "index.html").write_text("half")
            raise RuntimeError("build failed part-way")
    assert (out / "index.html").read_text() == "v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["maps"]  # no staging left behind
    with atomic_output_dir(out) as stage:
        (stage / "index.html").write_text("v2")
    assert (out / "index.html").read_text() == "v2"


def test_catalog_requires_provenance(tmp_path):
    (tmp_path / "x.meta.toml").write_text('kind = "x"\nfile = "x.geojson"\n')
    with pytest.raises(LayerReadError, match="provenance is missing source, licence, crs, accuracy_class, date"):
        read_catalog(tmp_path)


def _raster(path, crs="EPSG:4547", x0=FUTIAN_X, y0=FUTIAN_Y):
    data = np.arange(12, dtype="float32").reshape(3, 4)
    with rasterio.open(path, "w", driver="GTiff", width=4, height=3, count=1, dtype="float32",
                       crs=crs, transform=Affine(10, 0, x0, 0, -10, y0), nodata=-1) as dst:
        dst.write(data, 1)
    return path


def test_read_raster_values_and_nodata(tmp_path):
    r = read_raster(_raster(tmp_path / "r.tif"))
    assert r.values.shape == (3, 4) and r.values.sum() == sum(range(12))
    assert r.res == (10.0, 10.0)


def test_raster_without_crs_is_refused(tmp_path, config):
    path = _raster(tmp_path / "nocrs.tif", crs=None)
    with pytest.raises(LayerValidationError, match="raster has no CRS"):
        load_raster(path, config=config)


def test_raster_outside_district_is_refused(tmp_path, config):
    path = _raster(tmp_path / "far.tif", crs="EPSG:4326", x0=121.4, y0=31.3)
    with pytest.raises(LayerValidationError, match="does not overlap the Futian district"):
        load_raster(path, config=config)


def test_shipped_dem_loads(config):
    from futiangis.load import shipped_path

    dem = load_raster(shipped_path("dem", config=config), config=config)
    assert dem.crs.to_epsg() == 4326
    # Futian's terrain: sea level to the northern hills (SRTM: -56 .. 415 m in the clip window)
    assert 0 < float(dem.values.max()) < 1000
