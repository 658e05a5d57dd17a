"""The tutorial and flat looks as matplotlib frames: a plane layout, drawn by the backend.

:class:`Scene` makes the :func:`~convanim.layout.plane_layout` of a spec and hands it to
the matplotlib backend (:class:`~convanim.render.mpl.DrawingScene`), which draws the
static layers once and per frame only the moving ones (window shade, window grid,
connecting lines, output cell), in the tutorial's drawing order.
"""

from __future__ import annotations

import numpy as np

from ..drawable import check_drawable, check_size
from ..layout import TUTORIAL, Look, pixel_size, plane_extent, plane_layout
from ..plan import Plan, plan
from ..spec import Spec
from ..theme import TUTORIAL_THEME, Theme
from ..values import Numbers
from .mpl import DrawingScene, measure_for

__all__ = ["Scene"]


class Scene(DrawingScene):
    """Draws every frame of one spec's plan in the tutorial's or the flat look.

    Parameters
    ----------
    spec : Spec or Plan
        What to draw (1 or 2 axes).
    look : Look
        Where things go (:data:`~convanim.layout.TUTORIAL` or ``FLAT``).
    dpi : float, optional
        Pixels per inch; the tutorial's 150 by default.
    numbers : Numbers, optional
        Values to print: the input (and zeros) in every grid cell, the kernel's weights
        small at the bottom-right of each tap, the output with one decimal.
    labels : bool
        Write "input" and "output" beside the planes.
    caption : bool
        Write the spec and its output-size arithmetic under the drawing.
    theme : Theme
        Colours, widths and fonts (the tutorial's by default).
    **sizing
        ``width``, ``height``, ``canvas`` and ``fit``, as
        :class:`~convanim.render.mpl.DrawingScene` takes them.

    Notes
    -----
    The scene is a :class:`~convanim.writers.FrameSource`: ``len(scene)`` frames of
    ``scene.size`` (width, height) pixels, from :meth:`frames` or :meth:`frame`. Its
    :attr:`drawing` is the picture as data.
    """

    def __init__(
        self,
        spec: Spec | Plan,
        look: Look = TUTORIAL,
        *,
        dpi: float | None = None,
        numbers: Numbers | None = None,
        labels: bool = False,
        caption: bool = False,
        theme: Theme = TUTORIAL_THEME,
        **sizing: object,
    ) -> None:
        self.spec = spec.spec if isinstance(spec, Plan) else spec
        check_drawable(self.spec)
        self.look = look
        dpi = float(dpi if dpi is not None else 150.0)
        # Refuse a picture too big to hold before planning it (labels and caption only
        # widen it by a little and are checked again with the figure).
        extent, border = plane_extent(self.spec, look, theme)
        check_size(*pixel_size(extent, border, dpi, "tex"), dpi)
        self.plan = spec if isinstance(spec, Plan) else plan(spec)
        self.numbers = numbers
        drawing = plane_layout(
            self.plan,
            look,
            theme=theme,
            measure=measure_for(theme),
            numbers=numbers,
            labels=labels,
            caption=caption,
        )
        super().__init__(drawing, dpi, **sizing)

    def drawn_texts(self, index: int) -> dict[str, dict[tuple[int, int], str]]:
        """Every number printed in frame ``index``, by grid cell: what the picture says.

        ``"input"`` maps slid-over grid cells (row, col) to their text, ``"kernel"`` the
        grid cells under the window's taps to the weight printed there, ``"output"``
        output cells to their text (one decimal).
        """
        index = self._checked(index)
        texts: dict[str, dict[tuple[int, int], str]] = {"input": {}, "kernel": {}, "output": {}}
        origin = self.plan.window_origin[index]
        if self.spec.ndim == 1:
            origin = np.concatenate([[0], origin])
        names = {"input_numbers": "input", "kernel_numbers": "kernel", "output_numbers": "output"}
        for layer in self.drawing.layers:
            name = names.get(layer.role)
            if name is None:
                continue
            for (row, col), string in zip(layer.text.cells, layer.text.strings, strict=True):
                if name == "kernel":
                    row, col = int(row + origin[0]), int(col + origin[1])
                texts[name][(row, col)] = string
        return texts
