"""Provenance travels beside the frames, explicitly: never in ``DataFrame.attrs``."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from conftest import FUTIAN_X, FUTIAN_Y
from futiangis import schemas as S
from futiangis.project import open_project
from futiangis.render.popups import ILLUSTRATIVE_NOTE_ZH, feature_properties
from futiangis.render.themes import overview_spec

ILLUSTRATIVE_PROV = {"kind": "parks", "title_zh": "公园（示意）", "title_en": "Parks (illustrative)",
                     "source": "digitised by hand", "licence": "CC0", "accuracy_class": "illustrative"}


def _box(x, y, ident, **cols):
    return gpd.GeoDataFrame({"id": [ident], **{k: [v] for k, v in cols.items()}}, crs=4547,
                            geometry=[shapely.box(x, y, x + 100, y + 100)])


def test_an_illustrative_layer_says_so_after_an_operation_that_drops_attrs():
    # a park layer with no illustrative / accuracy_class column: only its provenance says it
    parks = pd.concat([_box(FUTIAN_X, FUTIAN_Y, "p1", park_class="community"),
                       _box(FUTIAN_X + 300, FUTIAN_Y, "p2", park_class="community")])
    assert parks.attrs == {} and S.ILLUSTRATIVE not in parks.columns
    district = _box(FUTIAN_X - 1000, FUTIAN_Y - 1000, "futian")
    district = district.set_geometry([shapely.box(FUTIAN_X - 1000, FUTIAN_Y - 1000,
                                                  FUTIAN_X + 1000, FUTIAN_Y + 1000)])
    layers = {"district": district, "units": district, "parks": parks}
    spec = overview_spec(layers, provenance={"parks": ILLUSTRATIVE_PROV})
    park_layer = next(layer for layer in spec.layers if layer.key == "parks")
    assert park_layer.provenance["accuracy_class"] == "illustrative"
    assert park_layer.provenance["source"] == "digitised by hand"
    props = feature_properties(park_layer.frame, park_layer.fields, provenance=park_layer.provenance)
    assert [p.get("i") for p in props] == [1, 1]  # each popup carries the 示意数据 flag
    assert spec.has_illustrative
    # the same layer without its provenance is not flagged: the flag came from the record
    plain = overview_spec(layers)
    assert not next(layer for layer in plain.layers if layer.key == "parks").provenance
    assert not plain.has_illustrative
    assert ILLUSTRATIVE_NOTE_ZH.startswith("示意数据")
    # and on the page itself: the title banner and the layer's source
    from futiangis.render import page_html
    from futiangis.render.basemaps import get_basemap
    from futiangis.render.maps import make_map

    html = page_html(make_map(spec, basemap=get_basemap("none")))
    assert "含示意数据" in html and "digitised by hand" in html
    assert "含示意数据" not in page_html(make_map(plain, basemap=get_basemap("none")))


def test_is_illustrative_reads_the_record_not_attrs():
    frame = _box(FUTIAN_X, FUTIAN_Y, "a")
    frame.attrs["provenance"] = {"accuracy_class": "illustrative"}  # ignored
    assert not S.is_illustrative(frame)
    assert S.is_illustrative(frame, {"accuracy_class": "illustrative"})


def test_project_hands_provenance_beside_its_layers():
    project = open_project()
    parks = project.layer("parks")
    assert parks.attrs.get("provenance") is None
    record = project.provenance_of(parks, "parks")
    assert record["kind"] == "parks" and record["accuracy_class"] == project.catalog()["parks"].accuracy_class
    assert project.provenance_of(parks.copy(), "parks") == {}  # a caller's frame has no record
    summary = project.stats_summary("units")
    assert summary.unit_layer == project.config.region.units_layer
    assert isinstance(summary.illustrative_layers, tuple)
