"""Colour science for themes: what each reader sees, and how far apart two colours are.

Simulated colour-vision deficiencies (Machado, Oliveira & Fernandes 2009, severity 1.0,
applied in linear RGB), CIE76 colour difference in CIELAB (D65 white), WCAG 2 contrast
ratios, and the region colours of a :class:`~convanim.theme.Theme`: the colours a reader
actually sees on each part of a picture (translucent shades composited over what lies
under them). ``scripts/theme_report.py`` and the theme tests read them.

Pure numpy: no matplotlib here.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from .theme import RGBA, Theme

__all__ = [
    "DEFICIENCIES",
    "REGIONS",
    "composite",
    "contrast_ratio",
    "delta_e",
    "lab",
    "lightness",
    "region_colors",
    "simulate",
    "worst_contrast",
    "worst_delta_e",
    "worst_lightness_gap",
]

# Machado et al. 2009, Table 1, severity 1.0 (dichromacy); rows give linear R, G, B.
DEFICIENCIES: dict[str, np.ndarray] = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}
"""The three dichromacies, as 3x3 matrices on linear RGB."""

REGIONS: tuple[str, ...] = (
    "input",
    "padding",
    "window_on_input",
    "window_on_padding",
    "output",
    "output_cell",
    "lines",
    "background",
)
"""The parts of a picture a reader tells apart, as :func:`region_colors` names them."""

# sRGB (D65) to XYZ, and the D65 white point, as IEC 61966-2-1 and CIE 15 give them.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_WHITE = _RGB_TO_XYZ @ np.ones(3)


def _linear(srgb: np.ndarray) -> np.ndarray:
    srgb = np.asarray(srgb, float)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _encoded(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def simulate(rgb: np.ndarray, deficiency: str) -> np.ndarray:
    """``rgb`` (sRGB in [0, 1], shape (..., 3)) as a reader with ``deficiency`` sees it."""
    linear = _linear(rgb) @ DEFICIENCIES[deficiency].T
    return _encoded(linear)


def lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of sRGB colours in [0, 1], shape (..., 3)."""
    xyz = _linear(rgb) @ _RGB_TO_XYZ.T / _WHITE
    delta = 6 / 29
    f = np.where(xyz > delta**3, np.cbrt(xyz), xyz / (3 * delta**2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def lightness(rgb: np.ndarray) -> np.ndarray:
    """CIE L* (0 black to 100 white) of sRGB colours, shape (...)."""
    return lab(rgb)[..., 0]


def delta_e(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """CIE76 colour difference: the distance in CIELAB between sRGB colours."""
    return np.linalg.norm(lab(first) - lab(second), axis=-1)


def _luminance(rgb: np.ndarray) -> np.ndarray:
    return _linear(rgb) @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """WCAG 2 contrast ratio (1 to 21) of sRGB colours."""
    a, b = _luminance(first), _luminance(second)
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


def composite(top: RGBA, under: np.ndarray) -> np.ndarray:
    """``top`` (RGBA) painted over the opaque sRGB colour ``under``, as a renderer blends."""
    top = np.asarray(top, float)
    return top[:3] * top[3] + np.asarray(under, float)[:3] * (1 - top[3])


def region_colors(theme: Theme) -> dict[str, np.ndarray]:
    """The sRGB colour a reader sees on each of :data:`REGIONS` of ``theme``'s pictures.

    Padding cells show the padding fill over the background; the window's shade lies
    over input cells and over padding cells; the output cell being written is the output
    shade over the output plane; lines are the thin lines from window to output cell.
    A theme that leaves padding cells unfilled (the tutorial, which marks them by their
    dashed grid alone) has no ``"padding"`` region: its padding cells are the page.
    """
    background = np.asarray(theme.background[:3], float)
    padding = composite(theme.padding_fill, background)
    output = composite(theme.output, background)
    colors = {
        "input": composite(theme.input, background),
        "padding": padding,
        "window_on_input": composite(theme.window_shade, composite(theme.input, background)),
        "window_on_padding": composite(theme.window_shade, padding),
        "output": output,
        "output_cell": composite(theme.output_shade, output),
        "lines": composite(theme.lines, background),
        "background": background,
    }
    if theme.padding_fill[3] == 0:
        del colors["padding"]
    return colors


def _stack(colors: dict[str, np.ndarray]) -> tuple[list[str], np.ndarray]:
    names = list(colors)
    return names, np.array([colors[name] for name in names], float)


def worst_delta_e(
    colors: dict[str, np.ndarray], deficiency: str | None = None
) -> tuple[float, str, str]:
    """The closest pair of ``colors`` (seen with ``deficiency``, or normal vision):
    ``(delta_e, first, second)``."""
    names, rgb = _stack(colors)
    seen = rgb if deficiency is None else simulate(rgb, deficiency)
    return min(
        (float(delta_e(seen[i], seen[j])), names[i], names[j])
        for i, j in combinations(range(len(names)), 2)
    )


def worst_contrast(colors: dict[str, np.ndarray]) -> tuple[float, str]:
    """The region of ``colors`` with least WCAG contrast against ``colors["background"]``:
    ``(ratio, name)``."""
    background = colors["background"]
    return min(
        (float(contrast_ratio(rgb, background)), name)
        for name, rgb in colors.items()
        if name != "background"
    )


def worst_lightness_gap(colors: dict[str, np.ndarray]) -> tuple[float, str, str]:
    """The pair of ``colors`` closest in L* alone: ``(gap, first, second)``."""
    names, rgb = _stack(colors)
    light = lightness(rgb)
    return min(
        (float(abs(light[i] - light[j])), names[i], names[j])
        for i, j in combinations(range(len(names)), 2)
    )
