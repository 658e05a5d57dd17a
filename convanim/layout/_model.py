"""The drawing as data: layers with roles, shapes in plane units, per-frame motion.

A :class:`Drawing` is everything a backend needs to draw any frame of an animation,
and nothing a backend owns: no artist, no colour lookup, no font engine. Shapes are in
*plane units* (one grid cell = 0.5 cm, y up); paints are resolved from the
:class:`~convanim.theme.Theme` by role when the layout is made. A backend draws the
static layers once and, per frame, asks each moving layer for its geometry with
:meth:`Layer.at`.

Pure numpy: no matplotlib here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from ..theme import RGBA, Theme

__all__ = [
    "CM_PER_UNIT",
    "Drawing",
    "Layer",
    "Measure",
    "Paint",
    "TextBlock",
    "pixel_size",
    "points_to_units",
    "unit_pixels",
]

CM_PER_UNIT = 0.5
"""Centimetres per plane unit (one grid cell), as the tutorial's TikZ scale."""
TEX_POINTS_PER_INCH = 72.27

Measure = Callable[[str, float, str, str], tuple[float, float, float, float]]
"""``measure(text, size, align, font) -> (x0, y0, x1, y1)``: the extent of ``text``
drawn ``size`` units high with its anchor at (0, 0), in plane units. The backend's font
engine supplies it; a layout only needs it where text widens the picture."""


def points_to_units(points: float) -> float:
    """TeX points to plane units."""
    return points / TEX_POINTS_PER_INCH * 2.54 / CM_PER_UNIT


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, slots=True, kw_only=True)
class Paint:
    """How a layer's shapes are painted (resolved from a theme's roles).

    Attributes
    ----------
    fill, edge : RGBA or None
        Fill and outline colours; None draws none.
    width : float
        Outline (or line) width in TeX points.
    dash : tuple of float, optional
        Dash pattern (on, off) in TeX points; None for solid lines.
    join, cap : str, optional
        Line join (``"miter"``) and cap (``"butt"``); None leaves the backend's default.
    """

    fill: RGBA | None = None
    edge: RGBA | None = None
    width: float = 0.0
    dash: tuple[float, float] | None = None
    join: str | None = None
    cap: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class TextBlock:
    """Strings placed in a plane: glyphs laid out by the backend, placed by the layout.

    Item ``n`` is ``strings[n]`` drawn ``size`` units high, its anchor (its ink's centre,
    or its right or left edge for ``align``) at ``anchors[n]``; then every point ``p`` of
    the block goes to ``p @ matrix.T + offset`` (the plane's slant), or stays where it is
    when ``matrix`` is None.

    Attributes
    ----------
    strings : tuple of str
    anchors : ndarray (N, 2)
    size : float
        Height in plane units.
    align : {"center", "left", "right"}
    font : {"number", "prose"}
        Which of the theme's fonts.
    matrix : ndarray (2, 2), optional
    offset : ndarray (2,), optional
    cells : tuple of tuple, optional
        The grid (or matrix) cell each string belongs to, for readers of the picture.
    sizes, aligns, fonts : tuple, optional
        Per-item values instead of ``size``, ``align`` and ``font``, for a block whose
        items differ (the matrix view's entries, indices and names).
    """

    strings: tuple[str, ...]
    anchors: np.ndarray
    size: float
    align: Literal["center", "left", "right"] = "center"
    font: Literal["number", "prose"] = "number"
    matrix: np.ndarray | None = None
    offset: np.ndarray | None = None
    cells: tuple[tuple, ...] | None = None
    sizes: tuple[float, ...] | None = None
    aligns: tuple[str, ...] | None = None
    fonts: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return len(self.strings)

    def item(self, index: int) -> tuple[str, float, str, str]:
        """``(string, size, align, font)`` of item ``index``."""
        return (
            self.strings[index],
            self.size if self.sizes is None else self.sizes[index],
            self.align if self.aligns is None else self.aligns[index],
            self.font if self.fonts is None else self.fonts[index],
        )

    def placed(self, index: int, points: np.ndarray) -> np.ndarray:
        """Points of item ``index``'s glyphs (anchor at 0) in drawing coordinates."""
        moved = points + self.anchors[index]
        if self.matrix is None:
            return moved
        return moved @ self.matrix.T + self.offset


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Layer:
    """One role's shapes: drawn once (static) or moved per frame.

    Attributes
    ----------
    role : str
        What the shapes are: ``"padding"``, ``"input"``, ``"input_numbers"``,
        ``"window_shade"``, ``"window_grid"``, ``"kernel_numbers"``, ``"lines"``,
        ``"output"``, ``"output_grid"``, ``"output_numbers"``, ``"output_shade"``,
        ``"output_cell"``, ``"annotations"``; the matrix view adds ``"matrix_tint"``,
        ``"matrix_grid"``, ``"matrix_numbers"``, ``"matrix_zeros"``, ``"vector_x"``,
        ``"vector_y"``, ``"row_shade"`` and ``"row_outline"``.
    kind : {"polygons", "polygon", "segments", "text"}
        Closed polygons (``geometry`` (N, V, 2)), one closed polygon (N = 1), line
        segments (``geometry`` (N, 2, 2)) or text (``text``).
    z : float
        Drawing order: lower first; equal z keeps the layers' order.
    paint : Paint
    geometry : ndarray
        The shapes of a static layer, or of frame 0 before ``shift`` for a moving one.
    text : TextBlock, optional
        The strings of a text layer.
    shift : ndarray (F, 2), optional
        A moving layer translated per frame: frame ``f`` is ``geometry + shift[f]``.
    frames : ndarray (M, V, 2), optional
        A moving layer replaced per frame: frame ``f`` is
        ``frames[frame_starts[f]:frame_starts[f + 1]]``.
    frame_starts : ndarray (F + 1,), optional
    """

    role: str
    kind: Literal["polygons", "polygon", "segments", "text"]
    z: float
    paint: Paint
    geometry: np.ndarray
    text: TextBlock | None = None
    shift: np.ndarray | None = None
    frames: np.ndarray | None = None
    frame_starts: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in ("geometry", "shift", "frames", "frame_starts"):
            array = getattr(self, name)
            if array is not None:
                _readonly(array)

    @property
    def moving(self) -> bool:
        """Whether the layer changes from frame to frame."""
        return self.shift is not None or self.frames is not None

    def at(self, frame: int) -> np.ndarray:
        """The layer's shapes in frame ``frame`` (drawing coordinates)."""
        if self.frames is not None:
            return self.frames[self.frame_starts[frame] : self.frame_starts[frame + 1]]
        if self.shift is not None:
            return self.geometry + self.shift[frame]
        return self.geometry


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Drawing:
    """One animation's picture as data.

    Attributes
    ----------
    view : str
        The layout that made it (``"tutorial"``, ``"flat"``, ``"matrix"``).
    layers : tuple of Layer
        In drawing order (by ``z``, ties in this order).
    frames : int
        Number of frames.
    extent : tuple of float
        ``(xmin, xmax, ymin, ymax)`` of the drawing, in plane units, without the border.
    border : float
        Border around the extent, in TeX points.
    rounding : {"tex", "plain"}
        How a physical size becomes pixels: ``"tex"`` rounds as the original pipeline
        did (a 4x canvas first, then the final size, both half up), which reproduces the
        reference GIFs' sizes; ``"plain"`` rounds once.
    theme : Theme
    """

    view: str
    layers: tuple[Layer, ...]
    frames: int
    extent: tuple[float, float, float, float]
    border: float
    rounding: Literal["tex", "plain"]
    theme: Theme

    def __post_init__(self) -> None:
        # Drawing order is z, ties in the order given (a stable sort): every backend
        # reads the layers in the order they are drawn.
        ordered = tuple(sorted(self.layers, key=lambda layer: layer.z))
        object.__setattr__(self, "layers", ordered)

    def layer(self, role: str) -> Layer:
        """The first layer of ``role``."""
        for layer in self.layers:
            if layer.role == role:
                return layer
        raise KeyError(role)

    def roles(self) -> tuple[str, ...]:
        """Roles of the layers, in drawing order."""
        return tuple(layer.role for layer in self.layers)

    def moving_layers(self) -> tuple[Layer, ...]:
        """The layers that change from frame to frame, in drawing order."""
        return tuple(layer for layer in self.layers if layer.moving)

    def select(self, frames: range) -> Drawing:
        """The drawing of these frames only (frame ``j`` is this drawing's ``frames[j]``):
        what a ``frames`` selection draws of a layout made for every frame."""
        chosen = np.asarray(frames, dtype=np.intp)
        layers = []
        for layer in self.layers:
            if layer.shift is not None:
                layer = replace(layer, shift=layer.shift[chosen])
            elif layer.frames is not None:
                starts, stops = layer.frame_starts[chosen], layer.frame_starts[chosen + 1]
                pieces = [
                    layer.frames[start:stop] for start, stop in zip(starts, stops, strict=True)
                ]
                layer = replace(
                    layer,
                    frames=np.concatenate(pieces) if pieces else layer.frames[:0],
                    frame_starts=np.concatenate(([0], np.cumsum(stops - starts))),
                )
            layers.append(layer)
        return replace(self, layers=tuple(layers), frames=len(chosen))

    def pixel_size(self, dpi: float) -> tuple[int, int]:
        """(width, height) in pixels at ``dpi``, border included."""
        return pixel_size(self.extent, self.border, dpi, self.rounding)

    @property
    def edge(self) -> float:
        """The border in plane units."""
        return points_to_units(self.border)

    def origin(self) -> tuple[float, float]:
        """The bottom-left corner of the picture in plane units (where pixels start)."""
        xmin, _, ymin, _ = self.extent
        return xmin - self.edge, ymin - self.edge


def unit_pixels(dpi: float) -> float:
    """Pixels per plane unit at ``dpi``."""
    return dpi * CM_PER_UNIT / 2.54


def pixel_size(
    extent: tuple[float, float, float, float], border: float, dpi: float, rounding: str
) -> tuple[int, int]:
    """(width, height) in pixels of a drawing of ``extent`` with ``border`` TeX points."""
    xmin, xmax, ymin, ymax = extent
    return _pixels(xmax - xmin, border, dpi, rounding), _pixels(ymax - ymin, border, dpi, rounding)


def _pixels(units: float, border: float, dpi: float, rounding: str) -> int:
    if rounding == "plain":
        return round((units + 2 * points_to_units(border)) * unit_pixels(dpi))
    # Rounded as the original pipeline did: to a 4x canvas first, then to the final
    # size (both half up), which reproduces all 15 reference GIF sizes exactly.
    points = units * points_to_units(1.0) ** -1 + 2 * border
    fine = np.floor(points / TEX_POINTS_PER_INCH * dpi * 4 + 0.5)
    return int(np.floor(fine / 4 + 0.5))
