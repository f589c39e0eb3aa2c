"""The one palette: no colour means two things, and each scheme survives colour blindness.

Colour-vision deficiency is simulated with the Machado, Oliveira & Fernandes (2009)
matrices at severity 1 (linear sRGB), distances are CIELAB ΔE*76 (D65) — both written
out here, independently of the code under test.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from futiangis.render import palette as P

MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
MIN_DELTA_E = 11.0


def _linear(rgb):
    c = np.asarray(rgb, dtype=float) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(hex_color: str, deficiency: str | None = None) -> np.ndarray:
    h = hex_color.lstrip("#")
    lin = _linear([int(h[i:i + 2], 16) for i in (0, 2, 4)])
    if deficiency:
        lin = np.clip(np.asarray(MACHADO[deficiency]) @ lin, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_lab_reference_values():
    # white is L*=100, a*=b*=0; black L*=0
    assert _lab("#ffffff") == pytest.approx([100, 0, 0], abs=0.05)
    assert _lab("#000000") == pytest.approx([0, 0, 0], abs=0.05)


def test_no_colour_means_two_things():
    seen: dict[str, str] = {}
    for scheme, colors in P.CATEGORICAL.items():
        for key, color in colors.items():
            assert color.upper() not in seen, f"{scheme}.{key} reuses {seen.get(color.upper())}"
            seen[color.upper()] = f"{scheme}.{key}"
    for (s1, c1), (s2, c2) in itertools.combinations(P.CATEGORICAL.items(), 2):
        for (k1, a), (k2, b) in itertools.product(c1.items(), c2.items()):
            d = np.linalg.norm(_lab(a) - _lab(b))
            assert d >= MIN_DELTA_E, f"{s1}.{k1} {a} and {s2}.{k2} {b} look alike (ΔE {d:.1f})"


@pytest.mark.parametrize("deficiency", [None, *MACHADO])
def test_each_scheme_is_colour_blind_safe(deficiency):
    for scheme, colors in P.CATEGORICAL.items():
        for (k1, a), (k2, b) in itertools.combinations(colors.items(), 2):
            d = np.linalg.norm(_lab(a, deficiency) - _lab(b, deficiency))
            assert d >= MIN_DELTA_E, f"{scheme}: {k1} {a} vs {k2} {b} under {deficiency}: ΔE {d:.1f}"


def test_zones_are_outlines_and_status_is_fill():
    # every direction has its own dash pattern (a second cue beside the colour)
    dashes = list(P.DIRECTION_DASHES.values())
    assert len(set(dashes)) == len(dashes) == len(P.DIRECTION_COLORS)


def test_ramps_avoid_park_greens_and_stay_visible_on_grey():
    grey = _lab("#eef1f4")  # the no-basemap background
    for name, ramp in P.SEQUENTIAL.items():
        assert not set(c.upper() for c in ramp) & {c.upper() for c in P.PARK_CLASS_COLORS.values()}
        lightest = min(ramp, key=lambda c: -_lab(c)[0])
        assert np.linalg.norm(_lab(lightest) - grey) >= 15, (name, lightest)
        lightness = [_lab(c)[0] for c in ramp]
        assert lightness == sorted(lightness, reverse=True), f"{name} is not light to dark"


def test_progress_colour_by_share():
    assert P.progress_color(1.0) != P.progress_color(0.94) != P.progress_color(0.3)
    assert P.progress_color(0.56) == P.progress_color(0.94)  # both short of the target, past half
