"""Print each built-in theme's worst-case colour figures: what issue 12's tests require.

For every theme: the closest pair of region colours (CIE76 delta-E) in normal vision and
under simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009, severity
1.0, in linear RGB); the least WCAG contrast of a region against the background; the
least L* gap between two regions. Computed from the theme's own colours and, with
``--pixels``, from a rendered frame's region interiors (what the reader sees).

    python scripts/theme_report.py [--pixels]
"""

from __future__ import annotations

import argparse

import numpy as np

from convanim.colorvision import (
    DEFICIENCIES,
    region_colors,
    worst_contrast,
    worst_delta_e,
    worst_lightness_gap,
)
from convanim.theme import THEMES


def rendered_region_colors(theme, dpi: float = 600.0, frame: int = 0) -> dict:
    """Each region's colour as a rendered frame shows it: pixels at region interiors.

    The spec (5x5 input, 3x3 kernel, padding 1) has input, padding, the window on both
    and an output plane; at ``dpi`` 600 even the thin lines are 3 px wide, so the pixel
    at a line's middle is the line's own colour. Each region's value is the median of
    its sampled pixels (sRGB in [0, 1]).
    """
    from convanim import Spec
    from convanim.render import scene

    the_scene = scene(Spec("conv", input_size=5, kernel_size=3, padding=1), theme=theme, dpi=dpi)
    pixels = the_scene.frame(frame).astype(float) / 255
    height = pixels.shape[0]
    transform = the_scene.axes.transData

    def sample(points: np.ndarray) -> np.ndarray:
        shown = transform.transform(np.asarray(points, float).reshape(-1, 2))
        cols = np.floor(shown[:, 0]).astype(int)
        rows = np.floor(height - shown[:, 1]).astype(int)
        return pixels[rows, cols, :3]

    drawing = the_scene.drawing

    def centres(role: str, at: int = frame) -> np.ndarray:
        try:
            return drawing.layer(role).at(at).mean(axis=1)
        except KeyError:
            return np.zeros((0, 2))

    def near(points: np.ndarray, others: np.ndarray) -> np.ndarray:
        if len(others) == 0 or len(points) == 0:
            return np.zeros(len(points), bool)
        return (np.linalg.norm(points[:, None] - others[None], axis=-1) < 1e-6).any(axis=1)

    taps = centres("window_shade")
    inputs, paddings = centres("input"), centres("padding_fill")
    shaded_inputs = near(taps, inputs)
    output_cell = centres("output_shade")
    # output cells other than the one being written: where the output cell is in other frames
    others = np.concatenate(
        [
            centres("output_shade", at)
            for at in range(len(drawing.layer("output_shade").frame_starts) - 1)
        ]
    )
    others = others[~near(others, output_cell)]
    lines = drawing.layer("lines").at(frame).mean(axis=1)  # each segment's middle
    regions = {
        "input": sample(inputs[~near(inputs, taps)]),
        "padding": sample(paddings[~near(paddings, taps)]),
        "window_on_input": sample(taps[shaded_inputs]),
        "window_on_padding": sample(taps[~shaded_inputs]),
        "output": sample(others),
        "output_cell": sample(output_cell),
        "lines": sample(lines),
        "background": pixels[2:3, 2, :3],
    }
    return {name: np.median(values, axis=0) for name, values in regions.items() if len(values)}


def report(colors: dict, label: str) -> list[str]:
    """One theme's figures, one line each."""
    lines = [f"{label}:"]
    for deficiency in (None, *DEFICIENCIES):
        value, first, second = worst_delta_e(colors, deficiency)
        seen = deficiency or "normal vision"
        lines.append(f"  worst delta-E {seen:<14} {value:6.1f}  ({first} / {second})")
    ratio, name = worst_contrast(colors)
    lines.append(f"  worst contrast vs background     {ratio:6.2f}:1 ({name})")
    gap, first, second = worst_lightness_gap(colors)
    lines.append(f"  worst L* gap                     {gap:6.1f}  ({first} / {second})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pixels", action="store_true", help="also measure a rendered frame's pixels"
    )
    args = parser.parse_args()
    for name, theme in THEMES.items():
        print("\n".join(report(region_colors(theme), f"{name} (theme colours)")))
        if args.pixels:
            print("\n".join(report(rendered_region_colors(theme), f"{name} (rendered pixels)")))


if __name__ == "__main__":
    main()
