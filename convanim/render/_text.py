"""Text as outlines: numbers that lie in a (slanted) plane and draw fast in one patch.

A string becomes a :class:`~matplotlib.textpath.TextPath` in plane units; a layout's
:class:`~convanim.layout.TextBlock` places it (through the plane's affine map, so digits
lie on the slanted grid like the tutorial's), and all strings of one layer are joined
into one compound path: one artist per kind of text, however many cells there are.
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextPath

__all__ = ["EMPTY_PATH", "compound", "glyphs"]

EMPTY_PATH = MplPath(np.zeros((1, 2)), [MplPath.MOVETO])


@functools.lru_cache(maxsize=16)
def _font(family: str) -> FontProperties:
    return FontProperties(family=family)


@functools.lru_cache(maxsize=4096)
def glyphs(
    text: str, size: float, *, align: str = "center", family: str = "cmr10"
) -> tuple[np.ndarray, np.ndarray]:
    """Outline of ``text`` ``size`` plane units high, as read-only (vertices, codes),
    placed so that (0, 0) is the ink's centre (or its right/left edge for ``align``).

    Cached: a grid prints the same few strings many times, and laying out a string
    with the font engine costs far more than copying its outline.
    """
    path = TextPath((0, 0), text, size=size, prop=_font(family))
    extents = path.get_extents()
    anchor_x = {"center": (extents.x0 + extents.x1) / 2, "right": extents.x1, "left": extents.x0}
    offset = np.array([anchor_x[align], (extents.y0 + extents.y1) / 2])
    vertices, codes = path.vertices - offset, np.array(path.codes)
    vertices.flags.writeable = False
    codes.flags.writeable = False
    return vertices, codes


def compound(pieces: list[tuple[np.ndarray, np.ndarray]]) -> MplPath:
    """One path of many (vertices, codes) pieces; an empty path for none."""
    if not pieces:
        return EMPTY_PATH
    vertices = np.concatenate([vertices for vertices, _ in pieces])
    codes = np.concatenate([codes for _, codes in pieces])
    return MplPath(vertices, codes)
