"""Renderers: a plan drawn into frames, streamed as (H, W, 3) uint8 arrays."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..plan import Plan
from ..spec import Spec
from ..values import TUTORIAL_SEED, numbers
from ._checks import STYLES, check_drawable, check_matrix, check_style
from .matrix import MatrixScene, matrix_figure
from .scene import Scene

__all__ = [
    "STYLES",
    "MatrixScene",
    "Scene",
    "check_drawable",
    "check_matrix",
    "check_style",
    "matrix_figure",
    "render",
    "scene",
]


def scene(
    spec: Spec | Plan,
    style: str = "tutorial",
    *,
    dpi: float | None = None,
    values: bool = False,
    x: object = None,
    weight: object = None,
    seed: int = TUTORIAL_SEED,
    labels: bool = False,
    caption: bool = False,
) -> Scene | MatrixScene:
    """Build the scene that draws ``spec`` in ``style`` (built once, reused per frame).

    Parameters are those of :func:`render`.
    """
    check_style(style, dpi)
    if style == "matrix":
        check_matrix(spec, labels=labels, caption=caption, values=values)
        return MatrixScene(spec, weight, dpi=dpi)
    cell_values = None
    if values or x is not None or weight is not None:
        cell_values = numbers(spec, x=x, weight=weight, seed=seed)
    return Scene(spec, STYLES[style], dpi=dpi, numbers=cell_values, labels=labels, caption=caption)


def render(
    spec: Spec | Plan,
    style: str = "tutorial",
    *,
    dpi: float | None = None,
    values: bool = False,
    x: object = None,
    weight: object = None,
    seed: int = TUTORIAL_SEED,
    labels: bool = False,
    caption: bool = False,
) -> Iterator[np.ndarray]:
    """Yield one frame per plan frame, as (H, W, 3) uint8 arrays.

    Parameters
    ----------
    spec : Spec or Plan
        A 1- or 2-axis operation (3-axis specs are refused with a one-line error).
    style : {"tutorial", "flat", "matrix"}
        The tutorial's slanted 3-D look, the numerical figures' flat one, or the matrix
        view (``y = C x``, one row of C per frame; see :func:`matrix_figure`).
    dpi : float, optional
        Pixels per inch (150, the tutorial's, by default).
    values : bool
        Print numbers in the cells: input values (0 in padding and inserted zeros), the
        kernel's weights small in each tap, output values with one decimal.
    x, weight : array_like, optional
        The input and kernel to print (implies ``values``); drawn from ``seed`` when
        missing, as the tutorial's numerical figures were.
    seed : int
        Seed of numpy's legacy generator for drawn values (1234, the tutorial's).
    labels : bool
        Write "input" and "output" beside the planes.
    caption : bool
        Write the spec and its output-size arithmetic under the drawing.

    Yields
    ------
    ndarray (H, W, 3) uint8
        The frames, in raster order of the output cells.
    """
    yield from scene(
        spec,
        style,
        dpi=dpi,
        values=values,
        x=x,
        weight=weight,
        seed=seed,
        labels=labels,
        caption=caption,
    ).frames()
