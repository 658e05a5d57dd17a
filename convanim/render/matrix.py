"""The matrix view ``y = C x`` as matplotlib frames: a matrix layout, drawn by the backend.

See :mod:`convanim.layout.matrix` for what the picture shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..compute import conv_matrix
from ..drawable import check_drawable, check_matrix, check_size
from ..layout import forward_matrix, matrix_layout, matrix_pixel_bounds, unit_pixels
from ..plan import Plan, plan
from ..spec import Spec
from ..theme import TUTORIAL_THEME, Theme
from ..values import numbers
from .mpl import DrawingScene, measure_for

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["MatrixScene", "matrix_figure"]


class MatrixScene(DrawingScene):
    """Frames of the matrix view of ``spec``; a :class:`~convanim.writers.FrameSource`.

    Parameters
    ----------
    spec : Spec or Plan
        A ``conv``, ``conv_transpose`` or ``avg_pool`` op of 1 or 2 axes.
    weight : array_like, optional
        The kernel; drawn from ``seed`` (the tutorial's seeded kernel) when omitted.
    dpi : float, optional
        Pixels per inch (150).
    seed : int
        Seed of the drawn kernel when ``weight`` is omitted (1234, the tutorial's).
    theme : Theme
        Colours, widths and fonts.
    **sizing
        ``width``, ``height``, ``canvas`` and ``fit``, as
        :class:`~convanim.render.mpl.DrawingScene` takes them.

    Attributes
    ----------
    matrix : ndarray
        C (Cᵀ for a transposed convolution), one row per frame.
    forward : ndarray or None
        The convolution's C drawn beside a transposed one's Cᵀ.
    cell_texts : dict
        What each matrix cell says: ``{(panel, row, col): text}``, panel ``"main"`` or
        ``"convolution"``.
    """

    def __init__(
        self,
        spec: Spec | Plan,
        weight: object = None,
        *,
        dpi: float | None = None,
        seed: int | None = None,
        theme: Theme = TUTORIAL_THEME,
        **sizing: object,
    ) -> None:
        given = spec
        self.spec = spec = spec.spec if isinstance(spec, Plan) else spec
        check_drawable(spec)
        check_matrix(spec, labels=False, caption=False, values=False)
        dpi = float(dpi if dpi is not None else 150.0)
        width, height = matrix_pixel_bounds(spec)
        unit_px = unit_pixels(dpi)
        check_size(round(width * unit_px), round(height * unit_px), dpi)
        self.plan = given if isinstance(given, Plan) else plan(spec)
        if weight is None and not spec.is_pool:
            drawn = numbers(self.plan) if seed is None else numbers(self.plan, seed=seed)
            weight = drawn.weight
        self.weight = None if weight is None else np.asarray(weight, dtype=np.float64)
        self.matrix = conv_matrix(self.plan, self.weight)
        self.forward = forward_matrix(spec, self.weight)
        drawing = matrix_layout(
            self.plan, self.matrix, self.forward, theme=theme, measure=measure_for(theme)
        )
        block = drawing.layer("matrix_numbers").text, drawing.layer("matrix_zeros").text
        self.cell_texts = {
            cell: string
            for text in block
            for cell, string in zip(text.cells, text.strings, strict=True)
            if cell[0] in ("main", "convolution")
        }
        super().__init__(drawing, dpi, **sizing)


def matrix_figure(
    spec: Spec | Plan, weight: object = None, *, frame: int | None = None, dpi: float | None = None
) -> Figure:
    """The matrix view of ``spec`` as a matplotlib Figure.

    Parameters
    ----------
    spec : Spec or Plan
        A ``conv``, ``conv_transpose`` or ``avg_pool`` op of 1 or 2 axes.
    weight : array_like, optional
        The kernel (the tutorial's seeded kernel when omitted; None for avg_pool).
    frame : int, optional
        Shade row ``frame`` of C (its inputs and its output); no shading when omitted.
    dpi : float, optional
        Pixels per inch (150).

    Returns
    -------
    matplotlib.figure.Figure
        C (or Cᵀ beside the convolution's C) between the unrolled input and output,
        every cell's number equal to :func:`~convanim.compute.conv_matrix`'s entry.
    """
    scene = MatrixScene(spec, weight, dpi=dpi)
    if frame is not None:
        return scene.pose(frame)
    figure = scene.figure  # its artists are the ones in scene._moving from here on
    for artist in scene._moving:
        artist.remove()  # no row shaded
    return figure
