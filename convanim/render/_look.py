"""The tutorial's look, as numbers: palette, slant, scale, line widths, border.

Measured from conv_arithmetic's figures (../shared/reference/FACTS.md). The drawing is
made in *plane units* (one grid cell = 0.5 cm); points are TeX's 1/72.27 inch, as TikZ
measures line widths and the border.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FLAT", "TUTORIAL", "Look"]

# Solarized, as the tutorial's templates name them.
BLUE = (38 / 255, 139 / 255, 210 / 255)
CYAN = (42 / 255, 161 / 255, 152 / 255)
BASE02 = (7 / 255, 54 / 255, 66 / 255)
BASE03 = (0 / 255, 43 / 255, 54 / 255)
BLACK = (0.0, 0.0, 0.0)
WHITE = (1.0, 1.0, 1.0)
SHADE_ALPHA = 0.4

CM_PER_UNIT = 0.5
TEX_POINTS_PER_INCH = 72.27


def points_to_units(points: float) -> float:
    """TeX points to plane units."""
    return points / TEX_POINTS_PER_INCH * 2.54 / CM_PER_UNIT


@dataclass(frozen=True, slots=True, kw_only=True)
class Look:
    """How a style draws.

    Attributes
    ----------
    name : str
        Style name.
    slant : ndarray (2, 2)
        Linear map from plane coordinates (x right, y up) to drawing coordinates.
    output_shift : str
        ``"above"``: output plane raised by (grid rows + 1) units and nudged left, the
        tutorial's 3-D view; ``"right"``: output plane one unit right of the input,
        vertically centred, the numerical figures' flat view.
    connect : bool
        Draw the four thin lines from window to output cell.
    thick, thin : float
        Line widths in TeX points (TikZ's ``thick`` and ``thin``).
    dash : tuple of float
        Dash pattern of the padding grid, in TeX points (TikZ's ``dashed``).
    border : float
        White border around the drawing, in TeX points.
    line_allowance : float
        TeX points added around the drawing's extent (TikZ counts half of a thick line).
    margin : float
        Plane units added around the drawing's extent (the numerical figures' 1 cm text
        boxes reach half a unit past the grids).
    nudge : float
        TeX points the raised output plane moves left (the tutorial's -5 pt at scale 0.5).
    dpi : float
        Pixels per inch of the raster frames.
    """

    name: str
    slant: np.ndarray
    output_shift: str
    connect: bool
    thick: float = 0.8
    thin: float = 0.4
    dash: tuple[float, float] = (3.0, 3.0)
    border: float = 10.0
    line_allowance: float = 0.4
    margin: float = 0.0
    nudge: float = -2.5
    dpi: float = 150.0


TUTORIAL = Look(
    name="tutorial",
    # xslant=-0.7 then yslant=0.5: (x, y) -> (x - 0.7 y, 0.5 x + 0.65 y)
    slant=np.array([[1.0, -0.7], [0.5, 0.65]]),
    output_shift="above",
    connect=True,
)

FLAT = Look(
    name="flat",
    slant=np.eye(2),
    output_shift="right",
    connect=False,
    line_allowance=0.0,
    margin=0.5,
)
