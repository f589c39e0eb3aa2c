"""Write the five ILLUSTRATIVE planning layers of futiangis into layers/.

    python scripts/make_illustrative_layers.py [--shared ../shared/data] [--out layers]

Writes cbd_zones, renewal_sites, parks, slow_routes and bike_stations (GeoJSON,
EPSG:4326, coordinates rounded to 7 decimals, UTF-8) with one provenance sidecar
``<kind>.meta.toml`` each, overwriting earlier versions. Reads the result back and checks it
(Chinese text intact, valid geometries, inside the Futian boundary, unique ids, the
futiangis schema when the package is importable) and prints areas/lengths in EPSG:4547
and the renewal totals.

What these layers are
---------------------
Hand digitizations (vertex lists below, WGS84 lon/lat) of the places named in the 2015
Futian work plan (CBD extension east/south/west/north, urban renewal, new parks,
slow-traffic system). No official geometry is public for any of them. Vertices were placed
from:

* ``shared/data/reference/approximate_anchors_wgs84.csv`` (±500–800 m anchors with
  textual extents), ``places_text_descriptions.csv`` (bounding roads, areas, with source
  URLs) and ``futian_reference_points_wgs84.csv`` (Wikipedia points);
* the road grid, read off the traffic-analysis-zone boundaries in
  ``shared/data/ev_charging/st_evcdp_traffic_zones_wgs84.geojson`` (zone edges follow the
  trunk roads; WGS84-aligned to ~55 m) - see ``ROADS`` below;
* the SRTM DEM ``shared/data/raster/futian_srtmgl1_dem_wgs84_clip.tif`` for hills
  (Lianhuashan, Bijiashan, Antuoshan, Meilin ridge) and the Shenzhen Bay shoreline
  (sea cells are exactly 0 m).

Accuracy is ±300–800 m; polygons are clipped to the district boundary
(``shared/data/boundaries/datav_440304_futian_wgs84_converted.geojson``). Renewal-site
attributes, route/station statuses and all bike-station positions are invented for
illustration (bike stations are generated along the routes with a fixed seed). Replace
with official 规划 data when available.

Standalone: needs geopandas, shapely, pyproj, pyogrio, numpy; imports futiangis only (if
available) to run its validator on the result.
"""
from __future__ import annotations

import argparse
import datetime
import math
import os
import sys
import tempfile
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "layers"
BOUNDARY_REL = Path("boundaries") / "datav_440304_futian_wgs84_converted.geojson"
WGS84 = "EPSG:4326"
METRIC = "EPSG:4547"  # CGCS2000 / 3-degree Gauss-Kruger CM 114E: metres around Futian
DATE = "2026-11-26"
SEED = 2015  # fixed: the generated parts (bike stations, GFA/investment jitter) are reproducible
PRECISION = 1e-7  # 7 decimals of a degree ≈ 1 cm
INSET_DEG = 2e-6  # clip to the boundary shrunk by ~0.2 m so rounding cannot leave it
ROUTE_STEP_M = 200.0  # vertex spacing of the slow routes (hand vertices + interpolation)

ACC = "illustrative"
SRC_ANCHORS = "shared/data/reference/approximate_anchors_wgs84.csv"
SRC_TEXT = "shared/data/reference/places_text_descriptions.csv"
SRC_TAZ = "shared/data/ev_charging/st_evcdp_traffic_zones_wgs84.geojson"
SRC_DEM = "shared/data/raster/futian_srtmgl1_dem_wgs84_clip.tif"

# ---------------------------------------------------------------------------------------
# Road grid used for digitizing (WGS84). Values read off the traffic-zone boundaries
# (SRC_TAZ) where a zone edge plainly follows a trunk road, ±50-150 m; names are my
# attribution and are the uncertain part. NOTE: the brief gave Caitian Rd ~114.058 and
# Huanggang Rd ~114.066; the zone edges and two Wikipedia points suggest ~114.0675 and
# ~114.0717 instead (Gangxia North station, 114.0689, is at Shennan/Caitian; Ping An
# Finance Centre on Yitian Rd is at ~114.050). The difference (~500-900 m) is within the
# stated accuracy but is flagged in the sidecars.
# ---------------------------------------------------------------------------------------
ROADS = {
    # north-south: longitude
    "Xinzhou Rd 新洲路": 114.0441,
    "Yitian Rd 益田路": 114.0510,
    "central axis 中轴线 (Civic Center)": 114.0576,
    "Jintian Rd 金田路": 114.0625,
    "Caitian Rd 彩田路": 114.0676,
    "Huanggang Rd 皇岗路": 114.0717,
    "Huaqiang N Rd 华强北路": 114.0860,
    "Shangbu N Rd / Bagualing W edge": 114.0905,
    "Hongling Rd 红岭路 (≈ district edge)": 114.0990,
    # east-west: latitude (at the CBD; Shennan and Beihuan slope down to the west)
    "Binhe Blvd 滨河大道": 22.5317,
    "Shennan Blvd 深南大道": 22.5428,
    "Hongli Rd 红荔路": 22.5514,
    "Sungang W Rd 笋岗西路": 22.5585,
    "Qiaoxiang Rd 侨香路 (at Xiangmihu)": 22.5460,
}


# =======================================================================================
# 1. CBD zones (福田中心区 + four extension zones). Drawn generously from the anchor
#    extents, then clipped to the district and made disjoint (earlier zones win).
# =======================================================================================
CBD_ZONES = [
    dict(
        id="zone_core", direction="core",
        name_zh="福田中心区（CBD核心区）", name_en="Futian CBD core (Futian Central District)",
        key_projects="中心区为“东扩、南拓、西延、北展”的基点（方案未为核心区单列项目）",
        source="anchor futian_cbd_core (Hongli Rd N, Binhe Blvd S, Xinzhou Rd W, Huanggang Rd E; ~6 km²); "
               "road lines from traffic-zone edges",
        coords=[(114.0441, 22.5316), (114.0520, 22.5316), (114.0600, 22.5318), (114.0680, 22.5319),
                (114.0717, 22.5320), (114.0717, 22.5380), (114.0716, 22.5432), (114.0716, 22.5516),
                (114.0675, 22.5516), (114.0600, 22.5515), (114.0520, 22.5513), (114.0441, 22.5509),
                (114.0441, 22.5420)],
    ),
    dict(
        id="zone_east", direction="east",
        name_zh="东扩区：华强北片区（示意）", name_en="East extension: Huaqiangbei area (illustrative)",
        key_projects="华强北城市更新 (Huaqiangbei renewal); 中航城 (AVIC City); 中国电子信息谷 (CEC Information Valley)",
        source="anchors huaqiangbei, avic_city, cec_info_valley; Huaqiangbei extent Shennan Rd-Hongli Rd; "
               "east of Zhongxin Park to the Luohu border",
        coords=[(114.0805, 22.5378), (114.0900, 22.5376), (114.1005, 22.5376), (114.1005, 22.5521),
                (114.0900, 22.5520), (114.0805, 22.5519), (114.0805, 22.5440)],
    ),
    dict(
        id="zone_south", direction="south",
        name_zh="南拓区：福田保税区及河套深圳园区（示意）",
        name_en="South extension: Futian Bonded Zone and Hetao Shenzhen Park (illustrative)",
        key_projects="福田保税区 (Futian Bonded Zone); 河套深港科技创新合作区深圳园区 (Hetao Shenzhen Park, "
                     "incl. Huanggang port area); 落马洲河套 (Lok Ma Chau Loop, 0.87 km² south of the "
                     "Shenzhen River under HKSAR administration - NOT drawn, outside Futian)",
        source="anchors futian_bonded_zone, lok_ma_chau_loop; places_text hetao_cooperation_zone "
               "(Shenzhen Park 3.02 km² north of the river incl. the bonded zone and Huanggang port area); "
               "southern edge = district boundary (Shenzhen River)",
        coords=[(114.0425, 22.5142), (114.0470, 22.5136), (114.0500, 22.5136), (114.0550, 22.5150),
                (114.0600, 22.5163), (114.0625, 22.5185), (114.0660, 22.5235), (114.0690, 22.5275),
                (114.0717, 22.5305), (114.0760, 22.5311), (114.0790, 22.5311), (114.0870, 22.5311),
                (114.0870, 22.4990), (114.0425, 22.4990)],
    ),
    dict(
        id="zone_west", direction="west",
        name_zh="西延区：香蜜湖片区（示意）", name_en="West extension: Xiangmihu area (illustrative)",
        key_projects="香蜜湖片区 (Xiangmihu area, around Xiangmi Lake, between Xiangmihu Rd and Qiaoxiang Rd)",
        source="anchor xiangmihu (north of Shennan Blvd around Xiangmi Lake); road lines from traffic-zone edges",
        coords=[(114.0165, 22.5384), (114.0250, 22.5397), (114.0300, 22.5406), (114.0385, 22.5421),
                (114.0385, 22.5500), (114.0385, 22.5575), (114.0300, 22.5576), (114.0200, 22.5573),
                (114.0165, 22.5570)],
    ),
    dict(
        id="zone_north", direction="north",
        name_zh="北展区：梅林—八卦岭（示意）", name_en="North extension: Meilin - Bagualing (illustrative)",
        key_projects="梅林电子商务产业带 (Meilin e-commerce belt); 华强激光 (Huaqiang laser project - location "
                     "not verified; placed in the north zone, Meilin/Bagualing area, as the plan groups it there)",
        source="anchor meilin (north of Beihuan Ave, ±800 m); Bagualing industrial area between Shangbu N Rd, "
               "the Luohu border and Sungang W Rd (from general knowledge, ±500 m)",
        coords=None,
        parts=[
            # Meilin: Beihuan Ave (S) to the foot of the Meilin hills (N)
            [(114.0360, 22.5628), (114.0400, 22.5633), (114.0450, 22.5650), (114.0500, 22.5652),
             (114.0550, 22.5655), (114.0600, 22.5675), (114.0672, 22.5690), (114.0725, 22.5710),
             (114.0725, 22.5745), (114.0660, 22.5765), (114.0580, 22.5775), (114.0500, 22.5772),
             (114.0420, 22.5762), (114.0360, 22.5750)],
            # Bagualing
            [(114.0905, 22.5588), (114.0960, 22.5588), (114.1005, 22.5588), (114.1005, 22.5720),
             (114.0905, 22.5680)],
        ],
    ),
]

# =======================================================================================
# 2. Renewal sites - ILLUSTRATIVE ONLY. No official list of 城市更新单元 is public; these
#    shapes, names and numbers are invented to exercise the toolkit. Each row:
#    (id, zone, letter, place_zh, place_en, use, plot_ratio, industrial_share, status, year,
#     gfa_known, vertices). gfa_known=False -> gfa_new_m2 is null (must be estimated).
# =======================================================================================
RENEWAL = [
    # --- east: Huaqiangbei / AVIC City / CEC Information Valley ---
    ("ren_e_a", "zone_east", "A", "华强北", "Huaqiangbei", "mixed", 7.5, 0.45, "completed", 2015, True,
     [(114.0838, 22.5468), (114.0857, 22.5467), (114.0858, 22.5483), (114.0848, 22.5485), (114.0838, 22.5484)]),
    ("ren_e_b", "zone_east", "B", "华强北", "Huaqiangbei", "office", 8.0, 0.55, "under_construction", 2016, True,
     [(114.0868, 22.5492), (114.0884, 22.5492), (114.0885, 22.5505), (114.0869, 22.5506)]),
    ("ren_e_c", "zone_east", "C", "华强北", "Huaqiangbei", "commercial", 8.5, 0.25, "approved", 2017, True,
     [(114.0890, 22.5440), (114.0911, 22.5440), (114.0911, 22.5457), (114.0890, 22.5458)]),
    # overlaps ren_e_c on purpose (the one overlapping pair: competing unit boundaries)
    ("ren_e_d", "zone_east", "D", "华强北", "Huaqiangbei", "office", 7.0, 0.60, "planned", 2019, True,
     [(114.0904, 22.5450), (114.0922, 22.5449), (114.0923, 22.5464), (114.0905, 22.5465)]),
    ("ren_e_e", "zone_east", "E", "中航城周边", "AVIC City area", "commercial", 6.5, 0.20, "completed", 2013, True,
     [(114.0882, 22.5397), (114.0902, 22.5396), (114.0903, 22.5413), (114.0893, 22.5416), (114.0882, 22.5414)]),
    ("ren_e_f", "zone_east", "F", "电子信息谷周边", "CEC Information Valley area", "industrial", 5.5, 0.85,
     "under_construction", 2015, True,
     [(114.0822, 22.5494), (114.0837, 22.5494), (114.0837, 22.5506), (114.0822, 22.5506)]),
    ("ren_e_g", "zone_east", "G", "上步南", "Shangbu South", "office", 8.0, 0.50, "approved", 2018, False,
     [(114.0937, 22.5398), (114.0955, 22.5398), (114.0956, 22.5413), (114.0938, 22.5414)]),
    # straddles the zone's northern edge (Hongli Rd) on purpose
    ("ren_e_h", "zone_east", "H", "华强北北", "Huaqiangbei North", "mixed", 6.0, 0.40, "planned", 2020, True,
     [(114.0934, 22.5505), (114.0953, 22.5505), (114.0953, 22.5526), (114.0934, 22.5526)]),
    # --- south: Futian Bonded Zone / Huanggang port area ---
    ("ren_s_a", "zone_south", "A", "福田保税区", "Futian Bonded Zone", "industrial", 4.5, 0.90, "completed", 2014, True,
     [(114.0468, 22.5090), (114.0493, 22.5090), (114.0494, 22.5110), (114.0469, 22.5111)]),
    ("ren_s_b", "zone_south", "B", "福田保税区", "Futian Bonded Zone", "industrial", 5.0, 0.85, "under_construction",
     2016, True,
     [(114.0505, 22.5096), (114.0530, 22.5095), (114.0531, 22.5118), (114.0506, 22.5119)]),
    ("ren_s_c", "zone_south", "C", "福田保税区", "Futian Bonded Zone", "industrial", 4.0, 0.90, "approved", 2017, True,
     [(114.0537, 22.5070), (114.0562, 22.5070), (114.0563, 22.5101), (114.0538, 22.5101)]),
    ("ren_s_d", "zone_south", "D", "福田保税区", "Futian Bonded Zone", "office", 6.0, 0.60, "planned", 2019, False,
     [(114.0500, 22.5060), (114.0517, 22.5060), (114.0517, 22.5075), (114.0500, 22.5075)]),
    ("ren_s_e", "zone_south", "E", "皇岗口岸片区", "Huanggang port area", "mixed", 6.5, 0.50, "planned", 2020, True,
     [(114.0700, 22.5248), (114.0718, 22.5248), (114.0720, 22.5266), (114.0702, 22.5267)]),
    # straddles the zone's northern edge (Guangshen expressway) on purpose
    ("ren_s_f", "zone_south", "F", "福田保税区北", "Futian Bonded Zone North", "industrial", 4.5, 0.80, "approved",
     2018, True,
     [(114.0566, 22.5142), (114.0584, 22.5142), (114.0584, 22.5165), (114.0566, 22.5165)]),
    # --- west: Xiangmihu ---
    ("ren_w_a", "zone_west", "A", "香蜜湖", "Xiangmihu", "office", 7.0, 0.35, "approved", 2017, True,
     [(114.0343, 22.5444), (114.0355, 22.5444), (114.0355, 22.5455), (114.0343, 22.5455)]),
    ("ren_w_b", "zone_west", "B", "香蜜湖", "Xiangmihu", "mixed", 6.0, 0.30, "planned", 2019, True,
     [(114.0187, 22.5497), (114.0205, 22.5497), (114.0206, 22.5512), (114.0188, 22.5513)]),
    ("ren_w_c", "zone_west", "C", "香蜜湖", "Xiangmihu", "commercial", 6.5, 0.15, "planned", 2020, False,
     [(114.0342, 22.5502), (114.0359, 22.5502), (114.0358, 22.5515), (114.0343, 22.5516)]),
    # straddles the zone's southern edge (Shennan Blvd) on purpose
    ("ren_w_d", "zone_west", "D", "香蜜湖南", "Xiangmihu South", "mixed", 5.5, 0.40, "under_construction", 2016, True,
     [(114.0252, 22.5391), (114.0270, 22.5391), (114.0271, 22.5412), (114.0253, 22.5412)]),
    ("ren_w_e", "zone_west", "E", "香蜜湖北", "Xiangmihu North", "residential", 4.5, 0.05, "completed", 2014, True,
     [(114.0202, 22.5542), (114.0217, 22.5542), (114.0218, 22.5555), (114.0203, 22.5556)]),
    # --- north: Meilin / Bagualing ---
    ("ren_n_a", "zone_north", "A", "梅林", "Meilin", "industrial", 5.0, 0.85, "completed", 2015, True,
     [(114.0441, 22.5681), (114.0460, 22.5681), (114.0461, 22.5697), (114.0442, 22.5698)]),
    ("ren_n_b", "zone_north", "B", "梅林", "Meilin", "industrial", 5.5, 0.80, "under_construction", 2016, True,
     [(114.0500, 22.5691), (114.0524, 22.5691), (114.0525, 22.5710), (114.0512, 22.5712), (114.0500, 22.5709)]),
    ("ren_n_c", "zone_north", "C", "梅林", "Meilin", "office", 6.0, 0.55, "approved", 2017, True,
     [(114.0582, 22.5707), (114.0598, 22.5707), (114.0599, 22.5721), (114.0583, 22.5722)]),
    ("ren_n_d", "zone_north", "D", "上梅林", "Shangmeilin", "industrial", 4.5, 0.90, "planned", 2018, True,
     [(114.0632, 22.5716), (114.0652, 22.5716), (114.0653, 22.5735), (114.0633, 22.5736)]),
    ("ren_n_e", "zone_north", "E", "梅林西", "Meilin West", "residential", 4.0, 0.10, "approved", 2016, False,
     [(114.0387, 22.5667), (114.0400, 22.5667), (114.0400, 22.5679), (114.0387, 22.5679)]),
    ("ren_n_f", "zone_north", "F", "八卦岭", "Bagualing", "industrial", 6.0, 0.75, "under_construction", 2015, True,
     [(114.0920, 22.5600), (114.0945, 22.5600), (114.0945, 22.5625), (114.0920, 22.5625)]),
    ("ren_n_g", "zone_north", "G", "八卦岭", "Bagualing", "office", 6.5, 0.60, "planned", 2019, True,
     [(114.0957, 22.5617), (114.0975, 22.5617), (114.0976, 22.5633), (114.0958, 22.5634)]),
    # straddles the Bagualing part's southern edge (Sungang W Rd) on purpose
    ("ren_n_h", "zone_north", "H", "八卦岭南", "Bagualing South", "mixed", 5.5, 0.45, "approved", 2017, True,
     [(114.0951, 22.5579), (114.0970, 22.5579), (114.0970, 22.5600), (114.0951, 22.5600)]),
]
# illustrative cost of the whole new GFA, 万元/m² (construction + compensation, assumed)
# Non-renewal supply (issue 12): the plan's 100万㎡ also counts new land supply and space the
# district buys or leases (「用好财力购置…创新产业空间用房」); ILLUSTRATIVE, invented like the rest.
# (id, zone, letter, place_zh, place_en, use, plot_ratio, industrial_share, status, year,
#  gfa_known, vertices, supply_type)
NON_RENEWAL = [
    ("new_s_a", "zone_south", "A", "河套深圳园区新增用地", "Loop new land", "industrial", 4.0, 0.90,
     "completed", 2015, True,
     [(114.0650, 22.5180), (114.0672, 22.5180), (114.0672, 22.5200), (114.0650, 22.5200)], "new_land"),
    ("new_n_a", "zone_north", "A", "八卦岭新增用地", "Bagualing new land", "industrial", 4.5, 0.85,
     "under_construction", 2016, True,
     [(114.0960, 22.5650), (114.0978, 22.5650), (114.0978, 22.5666), (114.0960, 22.5666)], "new_land"),
    ("pur_c_a", "zone_core", "A", "中心区购置创新产业用房", "CBD purchased innovation space", "office", 10.0, 1.00,
     "completed", 2015, True,
     [(114.0640, 22.5350), (114.0650, 22.5350), (114.0650, 22.5358), (114.0640, 22.5358)], "purchase_lease"),
]
# Milestone gaps (months) used to invent the dates of the earlier milestones, backwards from the
# recorded status's date: planned -> approved, approved -> start, start -> completed.
MILESTONE_GAPS_MONTHS = ((6, 18), (3, 12), (18, 36))
UNIT_COST_RANGE = (0.45, 0.75)
GFA_FACTOR_RANGE = (0.85, 1.05)  # retained floor area / rounding: gfa ≈ area × FAR × share × f

# =======================================================================================
# 3. Parks. Areas in the comments are the targets the vertices were drawn to (checked in
#    EPSG:4547 when the script runs).
# =======================================================================================
PARKS = [
    dict(id="park_mangrove_eco", name_zh="福田红树林生态公园", name_en="Futian Mangrove Ecological Park",
         park_class="ecological", status="completed", year=2015,
         source="anchor futian_mangrove_eco_park; places_text (south of the Guangshen expressway, east of the "
                "reserve, west of the Xinzhou River; ~38 ha; opened Dec 2015)",
         coords=[(114.0262, 22.5229), (114.0300, 22.5207), (114.0335, 22.5186), (114.0362, 22.5168),
                 (114.0365, 22.5150), (114.0341, 22.5153), (114.0305, 22.5167), (114.0273, 22.5188),
                 (114.0253, 22.5207)]),  # ~38 ha
    dict(id="park_mangrove_reserve", name_zh="福田红树林自然保护区", name_en="Futian Mangrove Nature Reserve",
         # 自然保护区: not public park green space (excluded from park coverage)
         park_class="nature_reserve", status="completed", year=None,
         source="places_text futian_mangrove_reserve (367.6 ha on the NE coast of Shenzhen Bay); shoreline from "
                "the SRTM DEM; drawn as the coastal strip + intertidal west of the eco park, inside the "
                "DataV boundary only",
         coords=[(113.9937, 22.5281), (114.0050, 22.5284), (114.0150, 22.5281), (114.0200, 22.5268),
                 (114.0235, 22.5248), (114.0252, 22.5207), (114.0272, 22.5187), (114.0262, 22.5168),
                 (114.0200, 22.5180), (114.0100, 22.5198), (114.0000, 22.5208), (113.9937, 22.5210)]),
    dict(id="park_xiangmi", name_zh="香蜜公园", name_en="Xiangmi Park",
         park_class="comprehensive", status="completed", year=2017,
         source="anchor xiangmi_park; places_text (Xiangmihu Rd, Hongli Rd, Nongyuan Rd, Zetian Rd, Qiaoxiang Rd; "
                "~42.4 ha)",
         coords=[(114.0240, 22.5480), (114.0298, 22.5479), (114.0304, 22.5510), (114.0301, 22.5542),
                 (114.0253, 22.5543), (114.0241, 22.5520)]),  # ~42 ha
    dict(id="park_antuoshan", name_zh="安托山生态博物公园", name_en="Antuoshan Eco-museum Park",
         park_class="mountain", status="under_construction", year=None,
         source="anchor antuoshan_park (former quarry hill near Antuo Hill station); hill from the SRTM DEM; "
                "area not given in the sources used - drawn ~75 ha, west edge clipped to the Nanshan border",
         coords=[(113.9955, 22.5482), (114.0010, 22.5482), (114.0035, 22.5495), (114.0040, 22.5540),
                 (114.0025, 22.5565), (113.9990, 22.5570), (113.9950, 22.5555)]),
    dict(id="park_lianhuashan", name_zh="莲花山公园", name_en="Lianhuashan Park",
         park_class="comprehensive", status="completed", year=None,
         source="places_text lianhuashan_park_extent (Hongli Rd S, Lianhua Rd N, Caitian Rd E, Xinzhou Rd W; "
                "150-194 ha); Wikipedia point; summit from the SRTM DEM",
         coords=[(114.0446, 22.5518), (114.0520, 22.5520), (114.0580, 22.5521), (114.0619, 22.5522),
                 (114.0619, 22.5578), (114.0600, 22.5598), (114.0576, 22.5618), (114.0540, 22.5626),
                 (114.0507, 22.5618), (114.0473, 22.5597), (114.0446, 22.5575)]),  # ~180 ha
    dict(id="park_bijiashan", name_zh="笔架山公园", name_en="Bijiashan Park",
         park_class="mountain", status="completed", year=None,
         source="anchor bijiashan_park; hill (summit ~155 m at 114.079E 22.567N) from the SRTM DEM; clipped to "
                "the district boundary",
         coords=[(114.0745, 22.5600), (114.0800, 22.5598), (114.0850, 22.5605), (114.0862, 22.5640),
                 (114.0860, 22.5680), (114.0840, 22.5725), (114.0790, 22.5732), (114.0750, 22.5720),
                 (114.0740, 22.5680), (114.0742, 22.5640)]),
    dict(id="park_zhongxin", name_zh="中心公园", name_en="Zhongxin (Central) Park",
         park_class="comprehensive", status="completed", year=None,
         source="anchor zhongxin_park (along the Futian River between Huanggang Rd and Huaqiang Rd); drawn as the "
                "river corridor from Binhe Blvd to Sungang W Rd",
         coords=[(114.0722, 22.5326), (114.0778, 22.5324), (114.0785, 22.5370), (114.0790, 22.5428),
                 (114.0784, 22.5445), (114.0782, 22.5500), (114.0785, 22.5560), (114.0780, 22.5578),
                 (114.0730, 22.5578), (114.0732, 22.5520), (114.0740, 22.5445), (114.0722, 22.5428),
                 (114.0722, 22.5380)]),
    dict(id="park_yuanboyuan", name_zh="深圳国际园林花卉博览园（园博园）",
         name_en="Shenzhen International Garden and Flower Expo Park",
         park_class="comprehensive", status="completed", year=2004,
         source="general knowledge: north of Shennan Blvd near Zhuzilin, ~66 ha, opened for the 2004 5th China "
                "International Garden and Flower Expo; position approximate ±500 m",
         coords=[(114.0054, 22.5402), (114.0140, 22.5410), (114.0150, 22.5440), (114.0132, 22.5470),
                 (114.0064, 22.5470), (114.0049, 22.5440)]),
    dict(id="park_meilinshan", name_zh="梅林山公园", name_en="Meilinshan Park",
         park_class="mountain", status="completed", year=None,
         source="general knowledge: the Meilin hills north of Meilin (SRTM ridge 200-360 m); extent inside "
                "Futian only, approximate ±500 m; area not verified",
         coords=[(114.0300, 22.5776), (114.0420, 22.5772), (114.0500, 22.5782), (114.0580, 22.5787),
                 (114.0640, 22.5782), (114.0680, 22.5792), (114.0690, 22.5850), (114.0600, 22.5900),
                 (114.0500, 22.5900), (114.0400, 22.5880), (114.0300, 22.5860)]),
]

# =======================================================================================
# 4. Slow routes (hand vertices; densified to ~200 m spacing). climb=True marks the hill
#    paths: no bike stations along them except at the foot.
# =======================================================================================
ROUTES = [
    dict(id="route_bay_greenway", route_type="greenway", status="completed", year=2012, climb=False,
         name_zh="深圳湾滨海休闲带（福田段）", name_en="Shenzhen Bay coastal leisure belt (Futian section)",
         coords=[(113.9938, 22.5289), (114.0000, 22.5292), (114.0080, 22.5295), (114.0150, 22.5290),
                 (114.0200, 22.5275), (114.0240, 22.5252), (114.0275, 22.5230), (114.0315, 22.5206),
                 (114.0350, 22.5184), (114.0372, 22.5166)]),
    dict(id="route_futian_river", route_type="greenway", status="completed", year=2012, climb=False,
         name_zh="福田河绿道", name_en="Futian River greenway",
         coords=[(114.0790, 22.5590), (114.0770, 22.5570), (114.0762, 22.5520), (114.0760, 22.5470),
                 (114.0762, 22.5430), (114.0762, 22.5380), (114.0770, 22.5340), (114.0778, 22.5316)]),
    dict(id="route_xinzhou_river", route_type="greenway", status="planned", year=2017, climb=False,
         name_zh="新洲河绿道", name_en="Xinzhou River greenway",
         coords=[(114.0420, 22.5600), (114.0425, 22.5550), (114.0420, 22.5500), (114.0415, 22.5450),
                 (114.0410, 22.5400), (114.0405, 22.5350), (114.0400, 22.5300), (114.0392, 22.5250),
                 (114.0380, 22.5205), (114.0370, 22.5172)]),
    dict(id="route_meilinshan_trail", route_type="greenway", status="under_construction", year=None, climb=True,
         name_zh="梅林山登山绿道（示意）", name_en="Meilinshan hill greenway (illustrative)",
         coords=[(114.0525, 22.5722), (114.0526, 22.5750), (114.0520, 22.5780), (114.0505, 22.5800),
                 (114.0485, 22.5815), (114.0460, 22.5825), (114.0440, 22.5830), (114.0415, 22.5832)]),
    dict(id="route_bijiashan_trail", route_type="greenway", status="completed", year=None, climb=True,
         name_zh="笔架山登山道", name_en="Bijiashan hill trail",
         coords=[(114.0785, 22.5592), (114.0790, 22.5612), (114.0796, 22.5630), (114.0792, 22.5646),
                 (114.0786, 22.5658), (114.0790, 22.5667)]),
    dict(id="route_lianhuashan_steps", route_type="footway", status="completed", year=None, climb=True,
         name_zh="莲花山登山步道", name_en="Lianhuashan summit footpath",
         coords=[(114.0566, 22.5522), (114.0561, 22.5530), (114.0554, 22.5538), (114.0549, 22.5546),
                 (114.0546, 22.5553), (114.0546, 22.5560)]),
    dict(id="route_cbd_axis", route_type="footway", status="under_construction", year=2016, climb=False,
         name_zh="中心区中轴线步行系统", name_en="CBD central-axis pedestrian deck",
         coords=[(114.0576, 22.5330), (114.0576, 22.5370), (114.0576, 22.5405), (114.0576, 22.5435),
                 (114.0572, 22.5470), (114.0568, 22.5512)]),
    dict(id="route_huaqiangbei_walk", route_type="footway", status="completed", year=2017, climb=False,
         name_zh="华强北步行街", name_en="Huaqiangbei pedestrian street",
         coords=[(114.0860, 22.5436), (114.0860, 22.5460), (114.0859, 22.5490), (114.0858, 22.5518)]),
    dict(id="route_shennan_cycle", route_type="cycle_lane", status="completed", year=2014, climb=False,
         name_zh="深南大道自行车道", name_en="Shennan Blvd cycle lane",
         coords=[(113.9935, 22.5350), (114.0000, 22.5356), (114.0100, 22.5373), (114.0200, 22.5390),
                 (114.0300, 22.5407), (114.0400, 22.5424), (114.0500, 22.5426), (114.0600, 22.5429),
                 (114.0700, 22.5431), (114.0800, 22.5433), (114.0900, 22.5435), (114.0985, 22.5437)]),
    dict(id="route_hongli_cycle", route_type="cycle_lane", status="completed", year=2014, climb=False,
         name_zh="红荔路自行车道", name_en="Hongli Rd cycle lane",
         coords=[(114.0441, 22.5509), (114.0500, 22.5512), (114.0600, 22.5515), (114.0700, 22.5517),
                 (114.0800, 22.5517), (114.0900, 22.5519), (114.0985, 22.5520)]),
    dict(id="route_qiaoxiang_cycle", route_type="cycle_lane", status="under_construction", year=2016, climb=False,
         name_zh="侨香路自行车道", name_en="Qiaoxiang Rd cycle lane",
         coords=[(113.9960, 22.5462), (114.0050, 22.5475), (114.0120, 22.5462), (114.0200, 22.5450),
                 (114.0250, 22.5455), (114.0300, 22.5469), (114.0350, 22.5485), (114.0400, 22.5499),
                 (114.0441, 22.5509)]),
    dict(id="route_yitian_cycle", route_type="cycle_lane", status="completed", year=2015, climb=False,
         name_zh="益田路自行车道", name_en="Yitian Rd cycle lane",
         coords=[(114.0506, 22.5152), (114.0508, 22.5200), (114.0511, 22.5250), (114.0512, 22.5300),
                 (114.0511, 22.5350), (114.0510, 22.5400), (114.0509, 22.5426), (114.0510, 22.5480)]),
    dict(id="route_jintian_cycle", route_type="cycle_lane", status="approved", year=2016, climb=False,
         name_zh="金田路自行车道", name_en="Jintian Rd cycle lane",
         coords=[(114.0625, 22.5232), (114.0627, 22.5280), (114.0627, 22.5320), (114.0626, 22.5400),
                 (114.0625, 22.5450), (114.0623, 22.5512)]),
    dict(id="route_caitian_cycle", route_type="cycle_lane", status="completed", year=2015, climb=False,
         name_zh="彩田路自行车道", name_en="Caitian Rd cycle lane",
         coords=[(114.0677, 22.5317), (114.0677, 22.5400), (114.0676, 22.5450), (114.0675, 22.5500),
                 (114.0674, 22.5575), (114.0673, 22.5625), (114.0672, 22.5688)]),
    dict(id="route_xiangmihu_cycle", route_type="cycle_lane", status="planned", year=2017, climb=False,
         name_zh="香蜜湖路自行车道", name_en="Xiangmihu Rd cycle lane",
         coords=[(114.0285, 22.5350), (114.0280, 22.5375), (114.0290, 22.5410), (114.0315, 22.5475),
                 (114.0334, 22.5525), (114.0331, 22.5560), (114.0330, 22.5610)]),
    dict(id="route_meilin_cycle", route_type="cycle_lane", status="planned", year=2018, climb=False,
         name_zh="梅林片区自行车道（示意）", name_en="Meilin area cycle lane (illustrative)",
         coords=[(114.0370, 22.5695), (114.0450, 22.5710), (114.0530, 22.5722), (114.0600, 22.5730),
                 (114.0660, 22.5733), (114.0690, 22.5722)]),
]
BIKE_SPACING_M = 480.0  # mean spacing of generated stations along a route
BIKE_MIN_GAP_M = 180.0  # no two generated stations closer than this


# =======================================================================================
# helpers
# =======================================================================================
def _to_metric(geom):
    return gpd.GeoSeries([geom], crs=WGS84).to_crs(METRIC).iloc[0]


def _to_wgs(geom):
    return gpd.GeoSeries([geom], crs=METRIC).to_crs(WGS84).iloc[0]


def _polygonal(geom):
    """Polygonal part of a clipping result (drop stray lines/points)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and g.area > 0]
    if not parts:
        return Polygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _area_m2(geom) -> float:
    return float(_to_metric(geom).area)


def load_boundary(shared: Path):
    path = shared / BOUNDARY_REL
    if not path.exists():
        sys.exit(f"district boundary not found: {path} (pass --shared PATH to shared/data)")
    gdf = gpd.read_file(path, engine="pyogrio")
    if gdf.crs is None or not gdf.crs.equals(WGS84):
        sys.exit(f"{path}: expected EPSG:4326, got {gdf.crs}")
    return shapely.union_all(np.asarray(gdf.geometry.values, dtype=object))


def _frame(rows: list[dict], geoms: list) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=WGS84)
    for col in ("year", "docks"):
        if col in gdf.columns:
            gdf[col] = pd.array(gdf[col].tolist(), dtype="Int64")
    for col in ("plot_ratio", "industrial_share", "gfa_new_m2", "investment_100m_cny"):
        if col in gdf.columns:
            gdf[col] = gdf[col].astype("float64")
    gdf["illustrative"] = gdf["illustrative"].astype(bool)
    return gdf


def _common(fid, name_zh, name_en, source) -> dict:
    return {"id": fid, "name_zh": name_zh, "name_en": name_en, "accuracy_class": ACC,
            "source": source, "illustrative": True}


# =======================================================================================
# builders
# =======================================================================================
def build_zones(inner) -> gpd.GeoDataFrame:
    rows, geoms, taken = [], [], []
    for z in CBD_ZONES:
        if z.get("parts"):
            raw = MultiPolygon([Polygon(p) for p in z["parts"]])
        else:
            raw = Polygon(z["coords"])
        geom = _polygonal(raw.intersection(inner))
        if taken:  # earlier zones win; the 0.1 m margin keeps them disjoint after rounding
            geom = _polygonal(geom.difference(shapely.union_all(taken).buffer(1e-6, join_style="mitre")))
        taken.append(geom)
        rows.append(_common(z["id"], z["name_zh"], z["name_en"], "Hand-digitized (illustrative): " + z["source"])
                    | {"direction": z["direction"], "direction_zh": DIRECTION_ZH[z["direction"]],
                       "key_projects": z["key_projects"]})
        geoms.append(geom)
    return _frame(rows, geoms)


DIRECTION_ZH = {"core": "中心区", "east": "东扩", "south": "南拓", "west": "西延", "north": "北展"}


def build_renewal(inner, zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(SEED)
    rows, geoms = [], []
    zone_geoms = dict(zip(zones["id"], zones.geometry))
    dates_rng = np.random.default_rng(SEED + 12)  # separate stream: GFA/investment draws unchanged
    rows_in = [r + ("urban_renewal",) for r in RENEWAL] + NON_RENEWAL
    for (fid, zone_id, letter, pzh, pen, use, far, share, status, year, gfa_known, coords, supply) in rows_in:
        geom = _polygonal(Polygon(coords).intersection(inner))
        assert geom.geom_type == "Polygon", fid
        area = _area_m2(geom)
        f = rng.uniform(*GFA_FACTOR_RANGE)
        cost = rng.uniform(*UNIT_COST_RANGE)  # 万元/m² of total new GFA
        gfa = round(area * far * share * f, -2) if gfa_known else None
        invest = round(area * far * cost / 1e4, 1)  # 万元 -> 亿元
        in_zone = _area_m2(geom.intersection(zone_geoms[zone_id])) / area
        assert in_zone > 0.5, (fid, in_zone)
        rows.append(
            _common(fid, (f"{pzh}更新单元示意{letter} (illustrative)" if supply == "urban_renewal"
                          else f"{pzh}示意{letter} (illustrative)"),
                    (f"{pen} renewal unit {letter} (illustrative)" if supply == "urban_renewal"
                     else f"{pen} {letter} (illustrative, {supply.replace('_', ' ')})"),
                    "Illustrative, invented: no official list of renewal units is public. Outline hand-drawn "
                    "inside the extension zone; plot_ratio/use/status invented; gfa_new_m2 = land area (EPSG:4547) "
                    "x plot_ratio x industrial_share x random 0.85-1.05; investment = land area x plot_ratio x "
                    "random 0.45-0.75 万元/m² (seeded)")
            | {"status": status, "year": year, "use": use, "plot_ratio": far, "industrial_share": share,
               "gfa_new_m2": gfa, "investment_100m_cny": invest, "zone_id": zone_id, "supply_type": supply}
            | _milestones(status, year, invest, dates_rng))
        geoms.append(geom)
    return _frame(rows, geoms)


_MILESTONE_KEYS = ("planned_date", "approved_date", "start_date", "completed_date")
_STATUS_ORDER = ("planned", "approved", "under_construction", "completed")


def _milestones(status: str, year: int, invest: float, rng) -> dict:
    """Invented milestone dates and yearly investment for one site (ILLUSTRATIVE).

    The recorded status is reached in ``year`` (seeded month); each earlier milestone is
    placed a seeded number of months before the next (MILESTONE_GAPS_MONTHS). Investment is
    spread over the construction years: a completed site spent its whole budget from its start
    year to its completion year, a site under construction 30-70 % of it from its start year
    to ``year``; approved or planned sites have spent nothing yet.
    """
    k = _STATUS_ORDER.index(status)
    month = int(rng.integers(1, 13))
    dates: list = [None] * 4
    dates[k] = datetime.date(year, month, 28 if month == 2 else 30 if month != 12 else 31)
    for j in range(k - 1, -1, -1):
        lo, hi = MILESTONE_GAPS_MONTHS[j]
        gap = int(rng.integers(lo, hi + 1))
        d = dates[j + 1]
        m = d.year * 12 + (d.month - 1) - gap
        dates[j] = datetime.date(m // 12, m % 12 + 1, 15)
    out = {key: (d.isoformat() if d else None) for key, d in zip(_MILESTONE_KEYS, dates)}
    spend: dict[str, float] = {}
    if status in ("under_construction", "completed"):
        first, last = dates[2].year, year
        share = 1.0 if status == "completed" else float(rng.uniform(0.3, 0.7))
        weights = rng.uniform(0.5, 1.5, last - first + 1)
        amounts = np.round(invest * share * weights / weights.sum(), 2)
        amounts[-1] = round(invest * share - amounts[:-1].sum(), 2)
        spend = {str(y): float(a) for y, a in zip(range(first, last + 1), amounts)}
    # "2014=5.34; 2015=9.16": plain text survives GeoJSON, GeoPackage and Shapefile alike
    out["investment_by_year"] = "; ".join(f"{y}={a:g}" for y, a in spend.items()) if spend else None
    return out


def build_parks(inner) -> gpd.GeoDataFrame:
    rows, geoms, taken = [], [], []
    for p in PARKS:
        geom = _polygonal(Polygon(p["coords"]).intersection(inner))
        if taken:
            geom = _polygonal(geom.difference(shapely.union_all(taken).buffer(1e-6, join_style="mitre")))
        taken.append(geom)
        rows.append(_common(p["id"], p["name_zh"], p["name_en"], "Hand-digitized (illustrative): " + p["source"])
                    | {"status": p["status"], "year": p["year"], "park_class": p["park_class"]})
        geoms.append(geom)
    return _frame(rows, geoms)


def build_routes(inner) -> gpd.GeoDataFrame:
    rows, geoms = [], []
    for r in ROUTES:
        line = LineString(r["coords"])
        if not inner.contains(line):
            raise SystemExit(f"{r['id']}: route leaves the district boundary; move its vertices")
        dense = _to_wgs(shapely.segmentize(_to_metric(line), ROUTE_STEP_M))
        src = ("Hand-digitized (illustrative) along the road/river/hill path it is named after; "
               "road lines from traffic-zone edges, hills from the SRTM DEM; status/year illustrative")
        rows.append(_common(r["id"], r["name_zh"], r["name_en"], src)
                    | {"status": r["status"], "year": r["year"], "route_type": r["route_type"]})
        geoms.append(dense)
    return _frame(rows, geoms)


def build_bike_stations(inner, routes: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
                        parks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Generate station points along the flat routes and on a grid in the CBD core."""
    rng = np.random.default_rng(SEED + 1)
    inner_m = _to_metric(inner)
    no_go = _to_metric(shapely.union_all(
        parks.loc[parks["park_class"].isin(["mountain", "wetland"]), "geometry"].values))
    climb = {r["id"] for r in ROUTES if r["climb"]}
    routes_m = routes.to_crs(METRIC)
    candidates = []  # (point_m, label_zh, label_en)
    for _, r in routes_m.iterrows():
        line = r.geometry
        if r["id"] in climb:  # a station at the foot of the hill path only
            positions = [0.0]
        else:
            positions, d = [], rng.uniform(60, 200)
            while d < line.length - 60:
                positions.append(d)
                d += BIKE_SPACING_M * rng.uniform(0.8, 1.2)
        short_zh = r["name_zh"].split("（")[0]
        short_en = r["name_en"].split(" (")[0]
        for d in positions:
            p = line.interpolate(d)
            q = line.interpolate(min(d + 5.0, line.length))
            dx, dy = q.x - p.x, q.y - p.y
            n = math.hypot(dx, dy) or 1.0
            off = rng.uniform(12, 30) * rng.choice([-1, 1])  # beside the road, not on it
            candidates.append((Point(p.x - dy / n * off, p.y + dx / n * off), short_zh, short_en))
    core = zones.to_crs(METRIC).set_index("id").loc["zone_core", "geometry"]
    minx, miny, maxx, maxy = core.bounds
    for x in np.arange(minx + 250, maxx, 520):
        for y in np.arange(miny + 250, maxy, 520):
            p = Point(x + rng.uniform(-60, 60), y + rng.uniform(-60, 60))
            if core.contains(p):
                candidates.append((p, "中心区", "CBD core"))
    kept: list[tuple[Point, str, str]] = []
    for p, lz, le in candidates:
        if not inner_m.buffer(-5).contains(p) or no_go.contains(p):
            continue
        if any(p.distance(k[0]) < BIKE_MIN_GAP_M for k in kept):
            continue
        kept.append((p, lz, le))
    rows, geoms = [], []
    statuses = rng.choice(["completed", "under_construction", "planned"], size=len(kept), p=[0.75, 0.1, 0.15])
    counter: dict[str, int] = {}
    for i, ((p, lz, le), st) in enumerate(zip(kept, statuses), start=1):
        counter[lz] = counter.get(lz, 0) + 1
        k = counter[lz]
        year = int(rng.integers(2012, 2016)) if st == "completed" else (2016 if st == "under_construction"
                                                                       else int(rng.integers(2017, 2019)))
        rows.append(_common(f"bike_{i:03d}", f"{lz}公共自行车站示意{k:02d}",
                            f"{le} public-bike station {k:02d} (illustrative)",
                            "GENERATED, illustrative: positions generated every ~480 m along the illustrative "
                            "slow routes (offset 12-30 m to the side) and on a ~520 m grid in the CBD core, "
                            f"seed {SEED + 1}; docks/status/year random. Not real stations.")
                    | {"status": st, "year": year, "docks": int(rng.integers(10, 41))})
        geoms.append(_to_wgs(p))
    return _frame(rows, geoms)


# =======================================================================================
# writing, sidecars, checks
# =======================================================================================
def _round(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out.geometry = shapely.set_precision(np.asarray(out.geometry.values, dtype=object), PRECISION)
    return out


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".geojson", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # the driver will not write over an existing file
    try:
        gdf.to_file(tmp, driver="GeoJSON", engine="pyogrio", layer=path.stem,
                    layer_options={"COORDINATE_PRECISION": 7})
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    s = str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{s}"'


def write_meta(path: Path, meta: dict) -> None:
    text = "".join(f"{k} = {_toml_value(v)}\n" for k, v in meta.items())
    tomllib.loads(text)  # must parse
    path.write_text(text, encoding="utf-8")


COMMON_SOURCE = (
    f"Hand-digitized by futiangis (scripts/make_illustrative_layers.py) from approximate anchors "
    f"({SRC_ANCHORS}) and textual extents ({SRC_TEXT}, with the cited URLs), Wikipedia points "
    f"(shared/data/reference/futian_reference_points_wgs84.csv), road lines read off the traffic-zone "
    f"edges in {SRC_TAZ} (ST-EVCDP, MIT) and hills/shoreline from the SRTM DEM ({SRC_DEM}); clipped to "
    f"the DataV Futian boundary (shared/data/{BOUNDARY_REL.as_posix()})."
)
ROAD_NOTE = (
    "Road positions used (WGS84, from traffic-zone edges): Xinzhou Rd 114.044, Yitian Rd 114.051, Jintian Rd "
    "114.0625, Caitian Rd 114.0676, Huanggang Rd 114.0717, Binhe Blvd 22.5317, Shennan Blvd ~22.543 (sloping to "
    "22.535 in the west), Hongli Rd 22.551. The project brief's Caitian ~114.058 / Huanggang ~114.066 disagree "
    "with these by 500-900 m; which is right was not verified."
)
META = {
    "cbd_zones": dict(
        title_zh="CBD核心区及扩展区", title_en="CBD core and extension zones", accuracy_m=800,
        notes="Illustrative: replace with official 规划 data when available. Zone extents follow the 2015 Futian "
              "work plan's text (东扩 华强北/中航城/中国电子信息谷; 南拓 福田保税区/落马洲河套; 西延 香蜜湖; 北展 梅林 "
              "e-commerce belt/华强激光); the plan gives no boundaries, so the lines are judgement calls. The Lok Ma Chau "
              "Loop lies south of the Shenzhen River outside Futian and is NOT drawn (only named in key_projects). "
              "华强激光's location was not verified; it is placed in the north zone (Meilin/Bagualing). The north "
              "zone is a MultiPolygon (Meilin + Bagualing). Zones are made disjoint (0.1 m gaps). " + ROAD_NOTE),
    "renewal_sites": dict(
        title_zh="产业空间项目：城市更新单元及新增用地、购置用房（示意）", title_en="Industrial-space sites: urban renewal, new land, purchased space (illustrative)", accuracy_m=500,
        notes="ILLUSTRATIVE AND INVENTED: no official list of Futian 城市更新单元 is public. Names are generic "
              "('…更新单元示意A'); outlines, use, plot_ratio, industrial_share, status/year, gfa_new_m2 and "
              "investment are made up to exercise the toolkit (gfa ≈ land area x plot_ratio x industrial_share; "
              "investment from an assumed 0.45-0.75 万元/m²), and were NOT tuned to the plan's 100万㎡ / 60万㎡ / "
              "100亿元 targets. 4 sites have gfa_new_m2 = null on purpose. Several sites straddle a zone edge and "
              "ren_e_c / ren_e_d overlap on purpose (one pair). zone_id = zone holding most of the site. "
              "Milestone dates (planned_date, approved_date, start_date, completed_date) are invented: the "
              "recorded status is reached in `year` (seeded month), earlier milestones are placed 6-18 / 3-12 / "
              "18-36 months before the next; investment_by_year (亿元 per year) spreads a completed site's "
              "budget over its construction years and 30-70 % of an under-construction site's (text \"2014=5.34; 2015=9.16\"). Three "
              "NON-RENEWAL sites (supply_type new_land: new_s_a, new_n_a; purchase_lease: pur_c_a), equally "
              "invented, make the total-space target differ from the urban-renewal part; every other site is "
              "supply_type urban_renewal."),
    "parks": dict(
        title_zh="公园", title_en="Parks", accuracy_m=500,
        notes="Illustrative: replace with official 规划 data when available. Areas are only roughly right "
              "(targets: 红树林生态公园 ~38 ha, 香蜜公园 ~42 ha, 莲花山 150-194 ha, 园博园 ~66 ha); Antuoshan, "
              "Bijiashan, Zhongxin and Meilinshan extents are unverified judgement calls. The mangrove reserve is "
              "drawn only inside the DataV boundary (the gazetted 367.6 ha includes more intertidal area). Years are "
              "left null where the opening year was not verified. 荔枝公园 (Luohu) and the new 香蜜湖公园 (location "
              "not known well enough) are not included. Parks do not overlap each other. " + ROAD_NOTE),
    "slow_routes": dict(
        title_zh="慢行系统（绿道、自行车道、步行道）", title_en="Slow-traffic routes (greenways, cycle lanes, footways)",
        accuracy_m=400,
        notes="Illustrative: replace with official 规划 data when available. Lines follow the named road/river/hill "
              "path roughly (hand vertices, densified to ~200 m spacing); statuses and years are illustrative, not "
              "facts. route_lianhuashan_steps, route_bijiashan_trail and route_meilinshan_trail climb (DEM gradients). "
              + ROAD_NOTE),
    "bike_stations": dict(
        title_zh="公共自行车站点（示意，生成）", title_en="Public-bike stations (illustrative, generated)",
        accuracy_m=500,
        notes="GENERATED, NOT REAL STATIONS: points placed every ~480 m along the illustrative slow routes "
              "(12-30 m to the side, none on the hill paths except at their foot, none in mountain/wetland parks) "
              f"plus a ~520 m grid in the CBD core; min spacing 180 m; docks 10-40, status and year random (seed "
              f"{SEED + 1}). Use only to exercise coverage analyses; replace with the operator's station list."),
}


def write_sidecar(out: Path, kind: str) -> None:
    m = META[kind]
    source = COMMON_SOURCE
    if kind == "renewal_sites":
        source += " Attributes invented (see notes)."
    if kind == "bike_stations":
        source = ("Generated by futiangis (scripts/make_illustrative_layers.py) along its illustrative slow routes "
                  "and in the CBD core with a fixed random seed; locations are generated, illustrative. " + source)
    write_meta(out / f"{kind}.meta.toml", {
        "kind": kind,
        "file": f"{kind}.geojson",
        "title_zh": m["title_zh"],
        "title_en": m["title_en"],
        "source": source,
        "licence": "CC0-1.0 (futiangis's own digitization); the cited facts are from the listed sources",
        "crs": "EPSG:4326",
        "crs_verified": "written by scripts/make_illustrative_layers.py from WGS84 lon/lat; anchors are WGS84 "
                        "(Wikipedia convention); road lines from WGS84-aligned traffic zones; DEM is WGS84",
        "accuracy_class": ACC,
        "accuracy_m": m["accuracy_m"],
        "date": DATE,
        "notes": m["notes"],
    })


def check(out: Path, kind: str, expected: gpd.GeoDataFrame, boundary) -> gpd.GeoDataFrame:
    """Read the written file back and verify it; return it."""
    path = out / f"{kind}.geojson"
    back = gpd.read_file(path, engine="pyogrio")
    problems = []
    if back.crs is None or not back.crs.equals(WGS84):
        problems.append(f"CRS is {back.crs}")
    if list(back["name_zh"]) != list(expected["name_zh"]) or list(back["name_en"]) != list(expected["name_en"]):
        problems.append("names differ after the round trip (encoding?)")
    if back["id"].duplicated().any():
        problems.append(f"duplicate ids {sorted(back.loc[back['id'].duplicated(), 'id'])}")
    geoms = np.asarray(back.geometry.values, dtype=object)
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        problems.append(f"invalid geometries: {list(back.loc[bad, 'id'])}")
    outside = ~shapely.contains(boundary, geoms)
    if outside.any():
        problems.append(f"not inside the district boundary: {list(back.loc[outside, 'id'])}")
    if shapely.is_empty(geoms).any():
        problems.append("empty geometries")
    if not back["illustrative"].astype(bool).all() or (back["accuracy_class"] != ACC).any():
        problems.append("illustrative/accuracy_class not set on every feature")
    coords = shapely.get_coordinates(geoms)
    if not np.allclose(coords, np.round(coords, 7), atol=1e-12, rtol=0):
        problems.append("coordinates not rounded to 7 decimals")
    try:  # the futiangis validator, when the package is importable
        sys.path.insert(0, str(ROOT))
        from futiangis.errors import LayerValidationError
        from futiangis.schemas import get_schema
        from futiangis.validate import prepare_layer
        district = gpd.GeoDataFrame(geometry=[boundary], crs=WGS84)
        try:
            prep = prepare_layer(back, get_schema(kind), source=str(path), district_wgs84=district)
            for w in prep.warnings:
                print("  validator warning:", w.format(str(path)))
        except LayerValidationError as exc:
            problems.append(str(exc))
    except ImportError as exc:
        print(f"  (futiangis validator not importable: {exc}; own checks only)")
    if problems:
        raise SystemExit(f"{path}: " + "; ".join(problems))
    return back


def report(kind: str, gdf: gpd.GeoDataFrame) -> None:
    m = gdf.to_crs(METRIC)
    if kind == "bike_stations":
        print(f"{kind}: {len(gdf)} points, {int(gdf['docks'].sum())} docks; "
              f"status {gdf['status'].value_counts().to_dict()}")
        return
    if kind == "slow_routes":
        lengths = m.length
        print(f"{kind}: {len(gdf)} lines, total {lengths.sum() / 1000:.2f} km; by type "
              + ", ".join(f"{k} {v / 1000:.2f} km" for k, v in lengths.groupby(gdf["route_type"]).sum().items()))
        for (_, r), length in zip(gdf.iterrows(), lengths):
            print(f"    {r['id']:<26} {length:7.0f} m  {r['route_type']:<10} {r['status']}")
        return
    areas = m.area
    print(f"{kind}: {len(gdf)} polygons, total {areas.sum() / 1e6:.3f} km² ({areas.sum() / 1e4:.1f} ha)")
    if kind in ("cbd_zones", "parks"):
        for (_, r), a in zip(gdf.iterrows(), areas):
            print(f"    {r['id']:<22} {a / 1e4:8.1f} ha  {r['name_zh']}")
    if kind == "renewal_sites":
        gfa = gdf["gfa_new_m2"]
        print(f"    land area {areas.min() / 1e4:.1f}-{areas.max() / 1e4:.1f} ha per site")
        print(f"    gfa_new_m2 (known): {gfa.sum():,.0f} m² over {gfa.notna().sum()} sites; "
              f"{gfa.isna().sum()} sites with null gfa ({', '.join(gdf.loc[gfa.isna(), 'id'])})")
        print(f"    investment: {gdf['investment_100m_cny'].sum():.1f} 亿元 over {len(gdf)} sites")
        print("    plan targets for comparison (NOT tuned to): 100万㎡ industrial space, 60万㎡ of it via "
              "renewal, 100亿元 renewal investment")
        ov = [(a, b) for i, a in enumerate(m.itertuples()) for b in list(m.itertuples())[i + 1:]
              if a.geometry.intersection(b.geometry).area > 1.0]
        print(f"    overlapping pairs: {[(a.id, b.id, round(a.geometry.intersection(b.geometry).area)) for a, b in ov]}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="path to shared/data")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: layers/)")
    args = ap.parse_args(argv)
    boundary = load_boundary(args.shared)
    inner = boundary.buffer(-INSET_DEG, join_style="mitre")

    zones = build_zones(inner)
    layers = {
        "cbd_zones": zones,
        "renewal_sites": build_renewal(inner, zones),
        "parks": (parks := build_parks(inner)),
        "slow_routes": (routes := build_routes(inner)),
    }
    layers["bike_stations"] = build_bike_stations(inner, routes, zones, parks)

    for kind, gdf in layers.items():
        gdf = _round(gdf)
        write_geojson(gdf, args.out / f"{kind}.geojson")
        write_sidecar(args.out, kind)
        back = check(args.out, kind, gdf, boundary)
        report(kind, back)
    # cross-layer sanity: zones disjoint, renewal sites clear of parks
    z = layers["cbd_zones"].to_crs(METRIC)
    zo = [(a.id, b.id) for i, a in enumerate(z.itertuples()) for b in list(z.itertuples())[i + 1:]
          if a.geometry.intersection(b.geometry).area > 0.01]
    rp = gpd.sjoin(layers["renewal_sites"], layers["parks"], predicate="intersects")
    print(f"zone overlaps: {zo or 'none'}; renewal sites touching parks: "
          f"{sorted(set(zip(rp['id_left'], rp['id_right']))) or 'none'}")
    print(f"wrote {', '.join(f'{k}.geojson' for k in layers)} (+ .meta.toml) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
