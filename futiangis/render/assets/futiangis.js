/* futiangis page runtime: layers, basemap switcher (with the WGS84 -> GCJ-02 shift for
 * Gaode), search over every named layer, legend that follows the visible layers,
 * panels, labels, coordinate readout, year slider. Every string it writes into the
 * page was escaped in Python (futiangis.render.popups); nothing here builds markup
 * from raw attribute values. */
(function () {
"use strict";
var F = window.futiangis = window.futiangis || {};
F.layers = F.layers || {}; F.counts = F.counts || {}; F.data = F.data || {}; F.conf = F.conf || {};
F.labels = F.labels || {}; F.datum = "wgs84"; F.year = null;

/* ---- GCJ-02: the same formula as futiangis.crs (Krasovsky ellipsoid) ---- */
var GA = 6378245.0, GEE = 0.00669342162296594323, PI = Math.PI;
function gcjDelta(lon, lat) {
    var x = lon - 105.0, y = lat - 35.0;
    var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
        + (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0
        + (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0
        + (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
        + (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0
        + (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0
        + (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var radlat = lat / 180.0 * PI, magic = 1.0 - GEE * Math.sin(radlat) * Math.sin(radlat);
    var sqrtmagic = Math.sqrt(magic);
    dlat = (dlat * 180.0) / ((GA * (1.0 - GEE)) / (magic * sqrtmagic) * PI);
    dlon = (dlon * 180.0) / (GA / sqrtmagic * Math.cos(radlat) * PI);
    return [dlon, dlat];
}
function wgs84ToGcj02(lon, lat) { var d = gcjDelta(lon, lat); return [lon + d[0], lat + d[1]]; }
function gcj02ToWgs84(lon, lat) {
    var w = [lon, lat];
    for (var i = 0; i < 30; i++) {
        var f = wgs84ToGcj02(w[0], w[1]), ex = f[0] - lon, ey = f[1] - lat;
        w = [w[0] - ex, w[1] - ey];
        if (Math.abs(ex) < 1e-10 && Math.abs(ey) < 1e-10) { break; }
    }
    return w;
}
F.wgs84ToGcj02 = wgs84ToGcj02; F.gcj02ToWgs84 = gcj02ToWgs84;
function toDatum(lon, lat) { return F.datum === "gcj02" ? wgs84ToGcj02(lon, lat) : [lon, lat]; }
function toWgs(lon, lat) { return F.datum === "gcj02" ? gcj02ToWgs84(lon, lat) : [lon, lat]; }

/* ---- compact geometry (see futiangis.render.geojson.encode_collection) ---- */
F.decode = function (c) {
    var q = c.q, ox = c.o[0], oy = c.o[1];
    function ring(a) {
        var out = [], x = ox, y = oy;
        for (var i = 0; i < a.length; i += 2) { x += a[i]; y += a[i + 1]; out.push([x / q, y / q]); }
        return out;
    }
    function rings(a) { return a.map(ring); }
    var geom = {
        Point: function (d) { return ring(d)[0]; }, MultiPoint: ring, LineString: ring,
        Polygon: rings, MultiLineString: rings, MultiPolygon: function (d) { return d.map(rings); }
    };
    return {type: "FeatureCollection", features: c.f.map(function (f) {
        return {type: "Feature", properties: f[0],
                geometry: f[1] ? {type: f[1], coordinates: geom[f[1]](f[2])} : null};
    })};
};
function mapCoords(c, fn) {
    if (typeof c[0] === "number") { return fn(c[0], c[1]); }
    return c.map(function (x) { return mapCoords(x, fn); });
}
function view(key) {  /* the layer's features in the current datum and year */
    var data = F.data[key], conf = F.conf[key], year = F.year;
    var yi = conf.timeline && year !== null ? conf.timeline.years.indexOf(year) : -1;
    var feats = data.features.filter(function (f) {
        if (yi >= 0 && f.properties.ys) { return f.properties.ys[yi] >= 0; }
        return !(conf.slider && year !== null && f.properties.y && f.properties.y > year);
    });
    if (F.datum === "wgs84") { return {type: "FeatureCollection", features: feats}; }
    return {type: "FeatureCollection", features: feats.map(function (f) {
        return {type: "Feature", properties: f.properties,
                geometry: f.geometry ? {type: f.geometry.type, coordinates: mapCoords(f.geometry.coordinates, toDatum)} : null};
    })};
}

/* ---- popups and tooltips ---- */
function values(p, conf) {
    var out = [], k = 0;
    for (var i = 0; i < conf.labels.length; i++) {
        var v = conf.fixed[i];
        if (v === null) { v = p.v ? p.v[k] : ""; k++; }
        out.push(v);
    }
    return out;
}
function nameHtml(p) { return p.n.map(function (s) { return "<bdi>" + s + "</bdi>"; }).join(" · "); }
function popupOptions() {
    var w = window.innerWidth, narrow = w < 600;
    /* content + Leaflet's popup padding (~46 px) stays clear of the left-hand controls */
    return {maxWidth: narrow ? w - 116 : 420, minWidth: narrow ? Math.min(200, w - 116) : 260, autoPanPaddingTopLeft:
            L.point(narrow ? 52 : 60, narrow ? 64 : 90), autoPanPaddingBottomRight: L.point(narrow ? 8 : 20, narrow ? 56 : 40),
            maxHeight: Math.round(window.innerHeight * (narrow ? 0.5 : 0.6))};
}
function bind(feature, layer, conf) {
    var p = feature.properties || {};
    p.title = p.n.join(" · ");
    var st = conf.styles[p.s || 0];
    if (layer.setRadius && p.r) { layer.setRadius(p.r); }
    if (!conf.interactive) { return; }
    var vals = values(p, conf), rows = "";
    for (var i = 0; i < conf.labels.length; i++) {
        if (vals[i] !== "" && vals[i] !== null && vals[i] !== undefined) {
            rows += "<tr><th>" + conf.labels[i] + "</th><td>" + vals[i] + "</td></tr>";
        }
    }
    var name = nameHtml(p);
    var html = '<div class="ft-pop"><div class="ft-pop-name">' + name + "</div>"
        + ((p.i || conf.allIllus) ? '<div class="ft-illus">' + conf.illus + "</div>" : "")
        + "<table>" + rows + '</table><div class="ft-prov">' + conf.foot + "</div></div>";
    layer.bindPopup(html, popupOptions());
    var tip = name;
    if (conf.tip >= 0 && vals[conf.tip]) { tip += "：<bdi>" + vals[conf.tip] + "</bdi>"; }
    layer.bindTooltip(tip, {sticky: true});
    layer.on("mouseover", function () { if (layer.setStyle) { layer.setStyle({weight: st.weight + 2}); } });
    layer.on("mouseout", function () { if (layer.setStyle) { layer.setStyle({weight: st.weight}); } });
}
function style(conf, f) {
    var s = conf.styles[f.properties.s || 0];
    if (conf.timeline && F.year !== null && f.properties.ys) {  /* its status at the end of that year */
        var yi = conf.timeline.years.indexOf(F.year);
        if (yi >= 0 && f.properties.ys[yi] >= 0) { s = conf.timeline.styles[f.properties.ys[yi]]; }
    }
    if (f.properties.d) { s = Object.assign({}, s, {dashArray: conf.dashes[f.properties.d]}); }
    return s;
}
F.addLayer = function (key, conf, compact) {
    F.conf[key] = conf;
    F.data[key] = F.decode(compact);
    F.counts[key] = F.data[key].features.length;
    var layer = L.geoJson(null, {
        pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, Object.assign({radius: conf.radius}, style(conf, f)));
        },
        style: function (f) { return style(conf, f); },
        interactive: conf.interactive,
        onEachFeature: function (f, l) { bind(f, l, conf); }
    });
    layer.addData(view(key));
    F.layers[key] = layer;
    if (conf.labelZoom !== null) { F.labels[key] = L.layerGroup(); }
    return layer;
};
function refresh(key) {
    var layer = F.layers[key];
    layer.clearLayers();
    layer.addData(view(key));
    var lab = F.labels[key];
    if (lab) {
        lab.clearLayers();
        view(key).features.forEach(function (f) {
            if (!f.properties.lp) { return; }
            var c = toDatum(f.properties.lp[0], f.properties.lp[1]);
            lab.addLayer(L.marker([c[1], c[0]], {interactive: false, keyboard: false, icon: L.divIcon({
                className: "ft-label ft-label-" + key, html: "<span>" + f.properties.n[0] + "</span>", iconSize: null})}));
        });
    }
}
function updateLabels() {
    var z = F.map.getZoom();
    Object.keys(F.labels).forEach(function (key) {
        var on = F.map.hasLayer(F.layers[key]) && z >= F.conf[key].labelZoom;
        if (on && !F.map.hasLayer(F.labels[key])) { F.map.addLayer(F.labels[key]); }
        if (!on && F.map.hasLayer(F.labels[key])) { F.map.removeLayer(F.labels[key]); }
    });
}

/* ---- controls ---- */
function control(position, cls, html) {
    var ctl = L.control({position: position});
    ctl.onAdd = function () {
        var div = L.DomUtil.create("div", cls);
        div.innerHTML = html;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    ctl.addTo(F.map);
    return ctl.getContainer();
}
function unescapeText(html) { var d = document.createElement("div"); d.innerHTML = html; return d.textContent; }

function searchControl(cfg) {
    var box = control("topleft", "leaflet-bar ft-search", '<a href="#" class="ft-search-btn" role="button" title="'
        + cfg.title + '" aria-label="' + cfg.title + '"></a><div class="ft-search-pane"><input type="search" class="ft-search-input" placeholder="'
        + cfg.placeholder + '" aria-label="' + cfg.title + '"><ul class="ft-search-results"></ul></div>');
    var btn = box.querySelector(".ft-search-btn"), input = box.querySelector("input"), list = box.querySelector("ul");
    var index = null;
    function build() {
        index = [];
        cfg.layers.forEach(function (key) {
            if (!F.data[key]) { return; }
            F.data[key].features.forEach(function (f, i) {
                var text = unescapeText(f.properties.n.join(" ")).toLowerCase();
                index.push({key: key, i: i, text: text, html: nameHtml(f.properties), layer: cfg.names[key]});
            });
        });
    }
    function run() {
        if (index === null) { build(); }
        var q = input.value.trim().toLowerCase();
        list.innerHTML = "";
        if (!q) { return; }
        var hits = index.filter(function (e) { return e.text.indexOf(q) >= 0; }).slice(0, 30);
        if (!hits.length) { list.innerHTML = '<li class="ft-search-none">' + cfg.none + "</li>"; return; }
        hits.forEach(function (h) {
            var li = L.DomUtil.create("li", "ft-search-hit", list);
            li.innerHTML = h.html + ' <small>' + h.layer + "</small>";
            li.tabIndex = 0;
            L.DomEvent.on(li, "click", function () { choose(h); });
            L.DomEvent.on(li, "keydown", function (e) { if (e.key === "Enter") { choose(h); } });
        });
    }
    function choose(h) {
        var layer = F.layers[h.key];
        if (!F.map.hasLayer(layer)) { F.map.addLayer(layer); }
        var want = F.data[h.key].features[h.i], found = null;
        layer.eachLayer(function (l) { if (l.feature && l.feature.properties === want.properties) { found = l; } });
        list.innerHTML = "";
        box.classList.remove("ft-open");
        if (!found) { return; }
        if (found.getBounds) { F.map.fitBounds(found.getBounds(), {maxZoom: 16, padding: [40, 40]}); }
        else { F.map.setView(found.getLatLng(), Math.max(F.map.getZoom(), 16)); }
        if (found.openPopup) { setTimeout(function () { found.openPopup(found.getBounds ? found.getBounds().getCenter() : undefined); }, 250); }
        F.lastSearch = {key: h.key, index: h.i};
    }
    L.DomEvent.on(btn, "click", function (e) {
        L.DomEvent.preventDefault(e);
        box.classList.toggle("ft-open");
        if (box.classList.contains("ft-open")) { input.focus(); run(); }
    });
    L.DomEvent.on(input, "input", run);
    L.DomEvent.on(input, "keydown", function (e) {
        if (e.key === "Enter") { var first = list.querySelector(".ft-search-hit"); if (first) { first.click(); } }
        if (e.key === "Escape") { box.classList.remove("ft-open"); }
    });
    F.search = function (q) { box.classList.add("ft-open"); input.value = q; run();
        return Array.prototype.map.call(list.querySelectorAll(".ft-search-hit"), function (li) { return li.textContent; }); };
}

function basemaps(cfg, S) {
    var base = {}, byKey = {}, current = null, failed = {}, notice = null;
    cfg.basemaps.forEach(function (b) {
        var layer;
        if (!b.tiles.length) { layer = L.layerGroup(); }
        else {
            var tiles = b.tiles.map(function (t) {
                var tl = L.tileLayer(t.url, {attribution: t.attribution, subdomains: t.subdomains || "abc",
                                             maxZoom: 19, maxNativeZoom: t.maxZoom || 18});
                tl.on("tileerror", function () { failed[b.key] = (failed[b.key] || 0) + 1; showNotice(); });
                tl.on("tileload", function () { failed[b.key] = 0; showNotice(); });
                return tl;
            });
            layer = tiles.length === 1 ? tiles[0] : L.layerGroup(tiles);
        }
        layer.ftBase = b;
        base[b.title] = layer;
        byKey[b.key] = layer;
    });
    notice = control("bottomleft", "ft-box ft-notice", S.offline);
    notice.style.display = "none";
    function showNotice() {
        var off = current && current.ftBase.tiles.length && (failed[current.ftBase.key] > 0 || navigator.onLine === false);
        notice.style.display = off ? "" : "none";
        F.map.getContainer().classList.toggle("ft-nobase", !current || !current.ftBase.tiles.length || !!off);
    }
    F.map.on("baselayerchange", function (e) {
        current = e.layer;
        setDatum(e.layer.ftBase.datum);
        showNotice();
    });
    F.basemapLayers = byKey;
    current = byKey[cfg.basemap] || byKey.none;
    return {base: base, first: current, notice: showNotice};
}

function setDatum(datum) {
    if (datum === F.datum) { return; }
    var c = F.map.getCenter(), w = toWgs(c.lng, c.lat);
    F.datum = datum;
    Object.keys(F.layers).forEach(refresh);
    if (F.outline) { F.outline.clearLayers(); F.outline.addData(F.outlineView()); }
    var n = toDatum(w[0], w[1]);
    F.map.setView([n[1], n[0]], F.map.getZoom(), {animate: false});
    document.querySelectorAll(".ft-datum").forEach(function (el) { el.textContent = F.S.datum[datum]; });
    updateLabels();
}

function coordinates(S) {
    var div = control("bottomleft", "ft-box ft-coords", "");
    function show(ll, prefix) {
        div.innerHTML = '<span class="ft-datum">' + S.datum[F.datum] + "</span> " + prefix
            + ll.lat.toFixed(5) + "°N, " + ll.lng.toFixed(5) + "°E";
    }
    F.map.on("mousemove", function (e) { show(e.latlng, ""); });
    F.map.on("moveend", function () { show(F.map.getCenter(), S.centre + " "); });
    show(F.map.getCenter(), S.centre + " ");
}

function slider(cfg, S) {
    var years = cfg.years, last = years[years.length - 1];
    var div = control("bottomleft", "ft-box ft-slider", '<label>' + S.year + ' <b class="ft-year">' + last
        + '</b><input type="range" min="0" max="' + (years.length - 1) + '" step="1" value="' + (years.length - 1)
        + '" aria-label="' + S.year + '"></label><div class="ft-prov">' + cfg.note + "</div>");
    var input = div.querySelector("input"), out = div.querySelector(".ft-year");
    F.setYear = function (year) {
        F.year = year;
        out.textContent = year;
        input.value = years.indexOf(year);
        cfg.layers.forEach(function (key) { if (F.layers[key]) { refresh(key); } });
        var panel = document.querySelector('[data-panel="' + cfg.panel + '"] .ft-panel-body');
        if (panel && cfg.progress[year]) { panel.innerHTML = cfg.progress[year]; }
        updateLabels();
    };
    L.DomEvent.on(input, "input", function () { F.setYear(years[+input.value]); });
    F.year = last;
}

function legendFollow() {
    var sections = document.querySelectorAll(".ft-legend [data-layer]");
    sections.forEach(function (sec) {
        var layer = F.layers[sec.getAttribute("data-layer")];
        sec.style.display = layer && F.map.hasLayer(layer) ? "" : "none";
    });
}

F.setup = function (map, cfg) {
    F.map = map; F.S = cfg.strings;
    var S = cfg.strings, narrow = window.innerWidth < 600;
    map.getContainer().classList.add(narrow ? "ft-narrow" : "ft-wide");
    if (cfg.outline) {
        F.outlineData = cfg.outline;
        F.outlineView = function () {
            if (F.datum === "wgs84") { return F.outlineData; }
            return {type: "FeatureCollection", features: F.outlineData.features.map(function (f) {
                return {type: "Feature", properties: {}, geometry: {type: f.geometry.type, coordinates: mapCoords(f.geometry.coordinates, toDatum)}}; })};
        };
    }
    var bm = basemaps(cfg, S);
    var groups = {};
    cfg.order.forEach(function (key) {
        var g = cfg.groups[key];
        groups[g] = groups[g] || {};
        groups[g][cfg.names[key]] = F.layers[key];
    });
    /* title (with the link back to the index) in a top-centre corner */
    map._controlCorners.topcenter = L.DomUtil.create("div", "leaflet-top leaflet-center", map._controlContainer);
    control("topcenter", "ft-box ft-title", cfg.title);
    var layersCtl = L.control.groupedLayers(bm.base, groups, {collapsed: narrow, position: "topright"});
    if (cfg.slider) { slider(cfg.slider, S); }
    cfg.order.forEach(function (key) { if (cfg.show[key]) { map.addLayer(F.layers[key]); } });
    bm.first.addTo(map);
    layersCtl.addTo(map);
    setDatum(bm.first.ftBase.datum);
    bm.notice();
    if (cfg.search) { searchControl(cfg.search); }
    if (cfg.panels) { control("bottomleft", "ft-panels", cfg.panels); }
    if (cfg.legend) { control("bottomright", "ft-legend", cfg.legend); }
    coordinates(S);
    var measure = document.querySelector(".leaflet-control-measure-interaction");
    if (measure) {
        var cap = L.DomUtil.create("div", "ft-measure-datum", measure);
        cap.innerHTML = S.measure + ' <span class="ft-datum"></span>';
    }
    L.control.scale({imperial: false, maxWidth: 120, position: "bottomleft"}).addTo(map);
    if (narrow) {
        document.querySelectorAll(".ft-panels details, .ft-legend details").forEach(function (d) { d.open = false; });
    }
    map.on("overlayadd overlayremove", function () { legendFollow(); updateLabels(); });
    map.on("zoomend", updateLabels);
    map.fitBounds(cfg.bounds, {padding: narrow ? [4, 4] : [10, 10]});
    Object.keys(F.layers).forEach(refresh);
    legendFollow();
    updateLabels();
    document.querySelectorAll(".ft-datum").forEach(function (el) { el.textContent = S.datum[F.datum]; });
    F.readyAt = performance.timeOrigin + performance.now();
    F.ready = true;
};
})();
