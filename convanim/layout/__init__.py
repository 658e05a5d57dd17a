"""Layouts: a plan and the drawing options in, a :class:`Drawing` (pure data) out.

The tutorial, flat, matrix and scatter views (``layout.scatter``, and ``layout.combine``
for views side by side) are layouts. Backends (the matplotlib raster and
vector backend, and any other) draw from a :class:`Drawing` alone. No matplotlib here.
"""

from ._model import (
    CM_PER_UNIT,
    Drawing,
    Layer,
    Measure,
    Paint,
    TextBlock,
    pixel_size,
    points_to_units,
    unit_pixels,
)
from .matrix import MATRIX_BORDER, forward_matrix, matrix_layout, matrix_pixel_bounds
from .planes import FLAT, TUTORIAL, Look, plane_extent, plane_layout

__all__ = [
    "CM_PER_UNIT",
    "FLAT",
    "MATRIX_BORDER",
    "TUTORIAL",
    "Drawing",
    "Layer",
    "Look",
    "Measure",
    "Paint",
    "TextBlock",
    "forward_matrix",
    "matrix_layout",
    "matrix_pixel_bounds",
    "pixel_size",
    "plane_extent",
    "plane_layout",
    "points_to_units",
    "unit_pixels",
]
