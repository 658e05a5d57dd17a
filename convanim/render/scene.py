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
from ..layout.stacks import (
    check_out_channels_shown,
    needs_stacks,
    select_channels,
    stack_extent,
    stack_layout,
)
from ..plan import Plan, plan
from ..spec import Spec
from ..theme import TUTORIAL_THEME, Theme
from ..values import TUTORIAL_SEED, Numbers
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
    out_channels_shown : sequence of int, optional
        The output channels to draw and animate (several channels only; see
        :func:`~convanim.layout.stacks.select_channels`).
    **sizing
        ``width``, ``height``, ``canvas`` and ``fit``, as
        :class:`~convanim.render.mpl.DrawingScene` takes them.

    Notes
    -----
    The scene is a :class:`~convanim.writers.FrameSource`: ``len(scene)`` frames of
    ``scene.size`` (width, height) pixels, from :meth:`frames` or :meth:`frame`. Its
    :attr:`drawing` is the picture as data. Frame ``j`` draws plan frame
    ``frame_indices[j]`` (every plan frame unless some output channels are left out).
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
        out_channels_shown: tuple[int, ...] | None = None,
        **sizing: object,
    ) -> None:
        self.spec = spec.spec if isinstance(spec, Plan) else spec
        check_drawable(self.spec)
        self.look = look
        dpi = float(dpi if dpi is not None else 150.0)
        stacked = needs_stacks(self.spec)
        # Refuse a picture too big to hold before planning it (labels and caption only
        # widen it by a little and are checked again with the figure).
        if stacked:
            extent, border = stack_extent(self.spec, look, theme, out_channels_shown)
        else:
            check_out_channels_shown(self.spec, out_channels_shown)
            extent, border = plane_extent(self.spec, look, theme)
        check_size(*pixel_size(extent, border, dpi, "tex"), dpi)
        self.plan = spec if isinstance(spec, Plan) else plan(spec)
        self.numbers = numbers
        words = {"theme": theme, "measure": measure_for(theme), "numbers": numbers}
        if stacked:
            selection = select_channels(self.plan, out_channels_shown)
            self.frame_indices = selection.frames
            drawing = stack_layout(
                self.plan,
                look,
                labels=labels,
                caption=caption,
                out_channels_shown=out_channels_shown,
                **words,
            )
        else:
            self.frame_indices = np.arange(len(self.plan))  # one frame per plan frame
            drawing = plane_layout(self.plan, look, labels=labels, caption=caption, **words)
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


class StagedScene(DrawingScene):
    """A depthwise-separable block as one animation: the depthwise stage, then the
    pointwise one, side by side (:func:`~convanim.layout.stages.staged_layout`).

    Parameters
    ----------
    block : Separable
        The two stages.
    look, dpi, labels, caption, theme, **sizing
        As :class:`Scene`.
    values : bool
        Print numbers: the pointwise stage's input is the depthwise stage's output.
    seed : int
        Seed of the drawn input and weights.

    Notes
    -----
    :attr:`plans` and :attr:`stage_numbers` hold each stage's plan and numbers; frame
    ``j`` of the pointwise stage is frame ``len(plans[0]) + j`` of the scene.
    """

    def __init__(
        self,
        block,
        look: Look = TUTORIAL,
        *,
        dpi: float | None = None,
        values: bool = False,
        seed: int = TUTORIAL_SEED,
        labels: bool = False,
        caption: bool = False,
        theme: Theme = TUTORIAL_THEME,
        **sizing: object,
    ) -> None:
        from ..layout.extent import stages_extent
        from ..layout.stages import staged_layout
        from ..values import numbers

        self.spec = block
        self.plan = None  # one plan per stage: see plans
        self.numbers = None
        self.look = look
        dpi = float(dpi if dpi is not None else 150.0)
        extent, border = stages_extent(block, look, theme)
        check_size(*pixel_size(extent, border, dpi, "tex"), dpi)
        self.plans = tuple(plan(spec) for spec in block.stages)
        self.stage_numbers = (None, None)
        if values:
            first = numbers(self.plans[0], seed=seed)
            self.stage_numbers = (first, numbers(self.plans[1], x=first.output, seed=seed))
        measure = measure_for(theme)
        drawings = [
            stack_layout(
                the_plan,
                look,
                theme=theme,
                measure=measure,
                numbers=stage_numbers,
                labels=labels,
                caption=caption,
            )
            for the_plan, stage_numbers in zip(self.plans, self.stage_numbers, strict=True)
        ]
        self.frame_indices = np.arange(sum(len(p) for p in self.plans))
        super().__init__(staged_layout(drawings), dpi, **sizing)
