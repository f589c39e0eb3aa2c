"""The checks :func:`futiangis.validate.prepare_layer` runs at the door, by purpose.

* :mod:`.collector` — every problem at once, the first 20 of each kind listed;
* :mod:`.crs` — the declared CRS, zone prefixes, old datums, where the data lie;
* :mod:`.geometry` — geometry types, empty / invalid / NaN shapes, reported repairs;
* :mod:`.fields` — required fields, types, vocabularies, ranges, unique ids.
"""
