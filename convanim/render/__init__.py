"""The matplotlib backend's front door: a spec and drawing options in, frames out.

:func:`scene` makes the layout of a spec (:mod:`convanim.layout`) and the matplotlib
scene that draws it; :func:`render` yields its frames. This module is also callable:
``convanim.render(spec, ...)`` is :func:`render`.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..blocks import Separable
from ..drawable import check_drawable, check_matrix, check_request, check_separable, check_style
from ..layout import FLAT, TUTORIAL
from ..options import SCATTER_STYLES, STYLES, DrawOptions, draw_options, with_draw_options
from ..plan import Plan, plan
from ..spec import Spec
from ..theme import Theme
from ..values import numbers
from .matrix import MatrixScene, matrix_figure
from .mpl import DrawingScene
from .scatter import ScatterScene
from .scene import Scene, StagedScene

__all__ = [
    "STYLES",
    "DrawingScene",
    "MatrixScene",
    "ScatterScene",
    "Scene",
    "StagedScene",
    "check_drawable",
    "check_matrix",
    "check_style",
    "matrix_figure",
    "render",
    "scene",
]


_LOOKS = {"tutorial": TUTORIAL, "flat": FLAT}  # the plane styles' looks


@with_draw_options
def scene(
    spec: Spec | Plan, style: str | None = None, *, options: DrawOptions | None = None, **given: Any
) -> Scene | MatrixScene | ScatterScene:
    """Build the scene that draws ``spec`` (built once, reused per frame).

    Parameters
    ----------
    spec : Spec, Plan or Separable
        An operation of 1 to 3 axes, any channels and groups; or a depthwise-separable
        block (:func:`convanim.separable`), drawn in two stages.
    style : {"tutorial", "flat", "matrix", "scatter", "overlap", "scatter_gather"}, optional
        The look (``options.style`` when omitted); the last three draw a
        ``conv_transpose`` spec's stamps (:class:`ScatterScene`).
    options : DrawOptions, optional
        Checked drawing options; keywords (those of :func:`render`) override them.

    Returns
    -------
    Scene or MatrixScene
        A :class:`~convanim.writers.FrameSource` whose ``drawing`` is the picture as data.
    """
    if style is not None:
        given = {**given, "style": style}
    options = draw_options(options, given)
    # Refused before anything is planned or numbers are computed for it: a spec the
    # renderers cannot draw, too many frames, too big a picture (DrawOptions has
    # checked the option combinations).
    chosen = check_request(spec, options)
    theme = options.theme
    if options.transparent:
        theme = theme.replace(background=(*theme.background[:3], 0.0))
    sizing = {
        "width": options.width,
        "height": options.height,
        "canvas": options.canvas,
        "fit": options.dpi is None,
    }
    if isinstance(spec, Separable):
        return _staged_scene(spec, options, theme, sizing)
    if options.style == "matrix":
        return MatrixScene(
            spec, options.weight, dpi=options.dpi, seed=options.seed, theme=theme, **sizing
        )
    if options.style in SCATTER_STYLES:
        # Their frames are stamps (a selection picks among them, not the plan's).
        cell_values = None
        if options.numbered:
            cell_values = numbers(spec, x=options.x, weight=options.weight, seed=options.seed)
        return ScatterScene(
            spec,
            options.style,
            dpi=options.dpi,
            numbers=cell_values,
            overlap=options.overlap,
            labels=options.labels,
            caption=options.caption,
            seed=options.seed,
            theme=theme,
            frames=chosen if options.frames is not None else None,
            **sizing,
        )
    the_plan = spec if isinstance(spec, Plan) else plan(spec)
    if options.frames is not None:
        the_plan = the_plan.select(chosen)
    cell_values = None
    if options.numbered:
        cell_values = numbers(the_plan, x=options.x, weight=options.weight, seed=options.seed)
    look = _LOOKS[options.style]
    return Scene(
        the_plan,
        look,
        dpi=options.dpi,
        numbers=cell_values,
        labels=options.labels,
        caption=options.caption,
        theme=theme,
        out_channels_shown=options.out_channels_shown,
        **sizing,
    )


def _staged_scene(
    block: Separable, options: DrawOptions, theme: Theme, sizing: dict[str, Any]
) -> StagedScene:
    """A depthwise-separable block's two-stage scene (tutorial or flat look)."""
    check_separable(options)
    look = _LOOKS[options.style]
    taken = ("dpi", "values", "seed", "labels", "caption")
    return StagedScene(
        block, look, theme=theme, **{name: getattr(options, name) for name in taken}, **sizing
    )


@with_draw_options
def render(spec: Spec | Plan, style: str | None = None, **given: Any) -> Iterator[np.ndarray]:
    """Yield one frame per plan frame, as (H, W, 3) uint8 arrays.

    Parameters
    ----------
    spec : Spec, Plan or Separable
        An operation of 1 to 3 axes (several channels as stacks of planes, a third axis
        as a stack of depth slices), or a depthwise-separable block.
    style : {"tutorial", "flat", "matrix", "scatter", "overlap", "scatter_gather"}
        The tutorial's slanted 3-D look, the numerical figures' flat one, or the matrix
        view (``y = C x``, one row of C per frame; see :func:`matrix_figure`). For a
        transposed convolution also the scatter view (one frame per input cell, its
        kernel stamped onto the uncropped output), the overlap map (one frame) and
        ``scatter_gather`` (the scatter frames, then the flat view's, side by side).
    theme : str or Theme
        Colours, line widths and fonts: "tutorial", "dark", "colorblind", "print",
        a theme file (.toml), a mapping ({"base": "dark", "input": "red"}) or a Theme.
    dpi : float, optional
        Pixels per inch (150, the tutorial's, by default).
    values : bool
        Print numbers in the cells: input values (0 in padding and inserted zeros), the
        kernel's weights small in each tap, output values with one decimal.
    x, weight : array_like, optional
        The input and kernel to print (implies ``values``); drawn from ``seed`` when
        missing, as the tutorial's numerical figures were. The matrix view prints the
        kernel ``weight`` (or the one ``seed`` draws) in C.
    seed : int
        Seed of numpy's legacy generator for drawn values (1234, the tutorial's).
    out_channels_shown : sequence of int, optional
        The output channels to draw and animate (all up to four, else the first three
        and an ellipsis).
    labels : bool
        Write "input" and "output" beside the planes.
    overlap : bool
        Scatter views: shade the output cells by how many stamps reach them.
    caption : bool
        Write the spec and its output-size arithmetic under the drawing.
    duration, loop : int
        Timing, for writers (not used to draw).
    frames : slice, range or str, optional
        Only these frames of the plan (``"START:STOP[:STEP]"``): frame ``j`` is the
        whole animation's frame ``START + j * STEP``.
    allow_long : bool
        Lift the bound of :mod:`convanim.limits` (10,000 frames, about a minute).
    colors : mapping, optional
        Roles of ``theme`` recoloured, any matplotlib colour (``{"input": "red"}``).
    transparent : bool
        No background: frames carry alpha (``scene(...).frame_rgba``).
    width, height : int, optional
        The picture's width or height in pixels, exactly (the other follows).
    canvas : tuple of int, optional
        An exact ``(width, height)`` canvas with the drawing centred, scaled to fit
        unless ``dpi``, ``width`` or ``height`` is given.

    Yields
    ------
    ndarray (H, W, 3) uint8
        The frames, in raster order of the output cells.
    """
    yield from scene(spec, style, **given).frames()


class _CallableModule(types.ModuleType):
    """``convanim.render`` is this package and, called, :func:`render`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Iterator[np.ndarray]:
        return render(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
