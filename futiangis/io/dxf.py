"""CAD drawings (DXF) read with ezdxf: outlines and lines with their CAD layer and handle.

Why ezdxf and not GDAL's DXF driver: GDAL returns closed polylines as LineStrings, loses
the entity handle and explodes blocks silently. A planner needs to be told *which* entity
on *which* CAD layer is the problem, by the handle CAD shows in its Properties panel.

* Closed LWPOLYLINE / POLYLINE (flag set, or first vertex = last), CIRCLE and closed
  ELLIPSE / SPLINE -> polygons; open ones and LINE / ARC -> lines. Bulges (arc segments)
  are flattened to 1 cm.
* A HATCH (a filled area) -> a polygon from its boundary paths by the even-odd rule
  (islands inside it are holes); a hatch that only fills a closed polyline of the same
  CAD layer (the usual associative hatch) is read once, as that polyline, and said.
* A block reference (INSERT) is expanded into its entities (transformed as placed), and
  said as a warning naming the block, the INSERT handle and its CAD layer, so a north
  arrow drawn on the zone layer is noticed before it is counted as a zone.
* TEXT / MTEXT carry no geometry: a layer holding only text is refused, naming it. A
  label (on any CAD layer) that is the only text inside an outline becomes its
  ``cad_text``, which the field mapping reads as ``name_zh`` (and says so).
* A DXF has no CRS: ``--source-crs`` (e.g. ``local:NAME`` from ``futiangis crs fit``)
  always says what the drawing units are.
* Text encoding: ezdxf follows the file ($DWGCODEPAGE, e.g. ANSI_936 = GBK, for R2004
  and older; UTF-8 from R2007); ``--encoding`` overrides it.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from ..errors import LayerReadError, Problem

__all__ = ["read_dxf", "CAD_LAYER", "CAD_HANDLE", "CAD_ENTITY", "CAD_BLOCK", "CAD_OPEN_GAP", "CAD_TEXT"]

CAD_LAYER = "cad_layer"
CAD_HANDLE = "cad_handle"
CAD_ENTITY = "cad_entity"
CAD_BLOCK = "cad_block"
CAD_OPEN_GAP = "cad_open_gap"  # distance between the ends of an open polyline, drawing units
CAD_TEXT = "cad_text"  # the one TEXT/MTEXT label inside an outline (any CAD layer), as its name

_CURVES = ("LWPOLYLINE", "POLYLINE", "LINE", "ARC", "CIRCLE", "ELLIPSE", "SPLINE")
_TEXT = ("TEXT", "MTEXT", "ATTRIB", "ATTDEF", "DIMENSION", "LEADER", "MLEADER")
_FLATTEN = 0.01  # drawing units (metres in a planning drawing): max chord error of arcs


def _is_closed(entity) -> bool:
    kind = entity.dxftype()
    if kind == "LWPOLYLINE":
        return bool(entity.closed)
    if kind == "POLYLINE":
        return bool(entity.is_closed)
    if kind == "CIRCLE":
        return True
    if kind == "ELLIPSE":
        return abs((entity.dxf.end_param - entity.dxf.start_param) % (2 * np.pi)) < 1e-9
    if kind == "SPLINE":
        return bool(entity.closed)
    return False


def _vertices(entity) -> np.ndarray:
    from ezdxf import path as ezpath

    p = ezpath.make_path(entity)
    pts = np.array([(v.x, v.y) for v in p.flattening(_FLATTEN)], dtype=float)
    if len(pts) > 1:  # drop consecutive duplicates (zero-length segments)
        keep = np.r_[True, np.any(np.diff(pts, axis=0) != 0, axis=1)]
        pts = pts[keep]
    return pts


def _geometry(entity):
    """(shapely geometry, gap between open ends or None) for a curve entity."""
    kind = entity.dxftype()
    if kind == "POLYLINE" and (entity.is_poly_face_mesh or entity.is_polygon_mesh):
        return None, None
    pts = _vertices(entity)
    if len(pts) < 2:
        return None, None
    closed = _is_closed(entity)
    gap = float(np.hypot(*(pts[-1] - pts[0])))
    if not closed and kind in ("LWPOLYLINE", "POLYLINE", "SPLINE") and gap == 0.0 and len(pts) >= 4:
        closed = True  # drawn back to its start without the Closed flag
    if closed:
        if gap != 0.0:
            pts = np.vstack([pts, pts[:1]])
        if len(pts) < 4:
            return None, None
        return shapely.Polygon(pts), None
    return shapely.LineString(pts), gap


def _hatch_polygon(entity):
    """The area a HATCH fills: its boundary paths combined by the even-odd rule."""
    from ezdxf import path as ezpath

    rings = []
    for p in ezpath.from_hatch(entity):
        pts = np.array([(v.x, v.y) for v in p.flattening(_FLATTEN)], dtype=float)
        if len(pts) < 3:
            continue
        ring = shapely.Polygon(pts)
        if not ring.is_valid:
            ring = shapely.make_valid(ring)
        if not ring.is_empty and ring.area > 0:
            rings.append(ring)
    if not rings:
        return None
    area = rings[0]
    for ring in rings[1:]:
        area = area.symmetric_difference(ring)
    polys = [g for g in getattr(area, "geoms", [area]) if g.geom_type == "Polygon" and g.area > 0]
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _drop_duplicate_hatches(rows: list[dict], geoms: list) -> tuple[list[dict], list, list[str]]:
    """A HATCH whose area equals a closed outline's on the same CAD layer is read once."""
    hatch = [i for i, r in enumerate(rows) if r[CAD_ENTITY] == "HATCH"]
    if not hatch:
        return rows, geoms, []
    outlines = [i for i, r in enumerate(rows) if r[CAD_ENTITY] != "HATCH"
                and geoms[i].geom_type in ("Polygon", "MultiPolygon")]
    tree = shapely.STRtree([geoms[i] for i in outlines]) if outlines else None
    drop: set[int] = set()
    said: list[str] = []
    for i in hatch:
        if tree is None:
            break
        for j in tree.query(geoms[i]):
            k = outlines[int(j)]
            if rows[k][CAD_LAYER] != rows[i][CAD_LAYER]:
                continue
            a, b = geoms[i], geoms[k]
            if a.symmetric_difference(b).area <= 1e-6 * max(a.area, b.area, 1e-12):
                drop.add(i)
                said.append(f"HATCH handle {rows[i][CAD_HANDLE]} fills {rows[k][CAD_ENTITY]} handle "
                            f"{rows[k][CAD_HANDLE]} (CAD layer {rows[i][CAD_LAYER]!r})")
                break
    keep = [i for i in range(len(rows)) if i not in drop]
    return [rows[i] for i in keep], [geoms[i] for i in keep], said


def _labels_inside(gdf: gpd.GeoDataFrame, labels: list) -> list:
    """The text of the one TEXT/MTEXT (any CAD layer) inside each outline, else None."""
    out: list = [None] * len(gdf)
    if not labels:
        return out
    texts = [(t.plain_text() if t.dxftype() == "MTEXT" else t.dxf.text).strip() for t in labels]
    keep = [j for j, t in enumerate(texts) if t]
    polys = [i for i, g in enumerate(gdf.geometry) if g.geom_type == "Polygon"]
    if not keep or not polys:
        return out
    pts = shapely.points([(labels[j].dxf.insert.x, labels[j].dxf.insert.y) for j in keep])
    tree = shapely.STRtree(pts)  # one spatial query, not outlines x labels
    poly_at, pt_at = tree.query(gdf.geometry.iloc[polys].to_numpy(), predicate="contains")
    found: dict[int, list[str]] = {}
    for a, b in zip(poly_at.tolist(), pt_at.tolist()):
        found.setdefault(polys[a], []).append(texts[keep[b]])
    for i, inside in found.items():
        out[i] = inside[0] if len(inside) == 1 else None
    return out


def _describe(entity) -> str:
    return f"{entity.dxftype()} handle {entity.dxf.handle}"


def read_dxf(path: Path, *, layer: str | None = None, encoding: str | None = None) -> gpd.GeoDataFrame:
    """Read the model space of a DXF as polygons and lines, one row per CAD entity.

    Columns: ``id`` (the entity handle; ``INSERT/n`` for block contents), ``cad_layer``,
    ``cad_entity``, ``cad_handle``, ``cad_block`` (block name or empty) and
    ``cad_open_gap`` (distance between the ends of an open polyline). No CRS.
    ``attrs["read_notes"]`` says what was read and skipped; ``attrs["read_warnings"]``
    holds one warning per expanded block.

    Raises
    ------
    LayerReadError
        Not a DXF; ``layer`` not in the drawing or holding only text; no outlines at all.
    """
    import ezdxf
    from ezdxf import recover

    try:
        if encoding:
            doc = ezdxf.readfile(path, encoding=encoding)
        else:
            doc, _auditor = recover.readfile(path)
    except (OSError, ezdxf.DXFStructureError, ezdxf.DXFError) as exc:
        raise LayerReadError(
            f"{path}: cannot be read as a DXF drawing ({exc}). Save it again from CAD as "
            "DXF (AutoCAD 2000–2018 DXF); a DWG must be converted to DXF first."
        ) from None
    except (LookupError, UnicodeDecodeError) as exc:
        raise LayerReadError(f"{path}: cannot decode text with encoding {encoding!r} ({exc}).") from None
    msp = doc.modelspace()
    layers_present = sorted({e.dxf.layer for e in msp})
    if layer is not None and layer not in layers_present:
        raise LayerReadError(
            f"{path}: no CAD layer {layer!r} with entities; the model space has "
            f"{', '.join(layers_present) or 'no entities'}."
        )
    rows: list[dict] = []
    geoms: list = []
    skipped: dict[str, int] = {}
    texts: dict[str, list] = {}
    warnings: list[Problem] = []

    def add(entity, cad_layer: str, handle: str, block: str) -> bool:
        kind = entity.dxftype()
        if kind in _TEXT:
            texts.setdefault(cad_layer, []).append(entity)
            return False
        if kind == "HATCH":
            geom, gap = _hatch_polygon(entity), None
        elif kind not in _CURVES:
            skipped[kind] = skipped.get(kind, 0) + 1
            return False
        else:
            geom, gap = _geometry(entity)
        if geom is None:
            skipped[f"{kind} (degenerate)"] = skipped.get(f"{kind} (degenerate)", 0) + 1
            return False
        rows.append({"id": handle, CAD_LAYER: cad_layer, CAD_ENTITY: kind, CAD_HANDLE: handle,
                     CAD_BLOCK: block, CAD_OPEN_GAP: gap})
        geoms.append(geom)
        return True

    labels: list = []
    for entity in msp:
        cad_layer = entity.dxf.layer
        if entity.dxftype() in ("TEXT", "MTEXT"):
            labels.append(entity)
        if layer is not None and cad_layer != layer:
            continue
        if entity.dxftype() == "INSERT":
            name = entity.dxf.name
            made = 0
            try:
                parts = list(entity.virtual_entities())  # type: ignore[attr-defined]
            except Exception as exc:  # ezdxf refuses e.g. non-uniform scaling of some entities
                raise LayerReadError(
                    f"{path}: CAD layer {cad_layer!r}: block reference INSERT handle "
                    f"{entity.dxf.handle} (block {name!r}) cannot be expanded ({exc}); explode it "
                    "in CAD (EXPLODE) and save the DXF again."
                ) from None
            for i, part in enumerate(parts, start=1):
                part_layer = cad_layer if part.dxf.layer in ("0", "") else part.dxf.layer
                made += add(part, part_layer, f"{entity.dxf.handle}/{i}", name)
            warnings.append(Problem(
                "cad_block_expanded",
                f"CAD layer {cad_layer!r}: block reference INSERT handle {entity.dxf.handle} "
                f"(block {name!r}) was expanded into {made} shape(s) (ids {entity.dxf.handle}/1 …). "
                "Check it belongs to the data (a north arrow or title block does not): move "
                "symbols to another CAD layer, or explode the block in CAD.",
                feature_id=entity.dxf.handle, severity="warning"))
            continue
        add(entity, cad_layer, entity.dxf.handle, "")

    if not rows:
        if layer is not None and texts.get(layer):
            sample = texts[layer][0]
            label = sample.plain_text() if hasattr(sample, "plain_text") else sample.dxf.get("text", "")
            others = sorted({r for r in layers_present if r != layer})
            raise LayerReadError(
                f"{path}: CAD layer {layer!r} holds only text ({len(texts[layer])} "
                f"{'/'.join(sorted({t.dxftype() for t in texts[layer]}))}, e.g. "
                f"{_describe(sample)} {str(label)[:30]!r}); labels are not outlines. Choose "
                f"the layer with the outlines with --layer ({', '.join(others) or 'none other'})."
            )
        what = ", ".join(f"{n} {k}" for k, n in sorted(skipped.items())) or "nothing"
        raise LayerReadError(
            f"{path}: no polylines, lines, circles or splines"
            f"{f' on CAD layer {layer!r}' if layer else ''} (found {what}"
            f"{', text' if texts else ''}); draw outlines as closed polylines."
        )
    rows, geoms, once = _drop_duplicate_hatches(rows, geoms)
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=None)
    gdf[CAD_TEXT] = _labels_inside(gdf, labels)
    if gdf[CAD_TEXT].isna().all():
        gdf = gdf.drop(columns=[CAD_TEXT])
    notes = [f"read {len(gdf)} CAD entities from "
             f"{'CAD layer ' + repr(layer) if layer else 'CAD layers ' + ', '.join(sorted(gdf[CAD_LAYER].unique()))}"
             f" ({int(gdf.geom_type.isin(['Polygon', 'MultiPolygon']).sum())} closed, "
             f"{int((gdf.geom_type == 'LineString').sum())} open)"]
    n_hatch = int((gdf[CAD_ENTITY] == "HATCH").sum())
    if n_hatch:
        notes.append(f"read {n_hatch} HATCH fill(s) as polygons (boundary paths by the even-odd rule: "
                     "islands are holes)")
    if once:
        notes.append("read once, as their outline: " + "; ".join(once[:10])
                     + (f" and {len(once) - 10} more" if len(once) > 10 else ""))
    if texts:
        notes.append("skipped text (not geometry): " + ", ".join(
            f"{len(v)} on {k!r}" for k, v in sorted(texts.items())))
    if skipped:
        notes.append("skipped entities futiangis does not read: " + ", ".join(
            f"{n} {k}" for k, n in sorted(skipped.items())))
    gdf.attrs["read_notes"] = notes
    gdf.attrs["read_warnings"] = warnings
    return gdf
