"""The scatter view and the overlap map as matplotlib frames: a scatter layout, drawn.

See :mod:`convanim.layout.scatter` for what the pictures show.
"""

from __future__ import annotations

from ..drawable import check_drawable, check_scatter, check_size
from ..layout import pixel_size
from ..layout.combine import scatter_gather_layout
from ..layout.notes import frame_notes
from ..layout.scatter import overlap_layout, scatter_extent, scatter_layout, scatter_notes
from ..plan import Plan, plan
from ..scatter import scatter_plan
from ..spec import Spec
from ..theme import TUTORIAL_THEME, Theme
from ..values import TUTORIAL_SEED, Numbers
from ..values import numbers as seeded
from .mpl import DrawingScene, measure_for

__all__ = ["ScatterScene"]


class ScatterScene(DrawingScene):
    """Frames of the scatter view (or the overlap map) of a transposed convolution.

    Parameters
    ----------
    spec : Spec or Plan
        A one-channel ``conv_transpose`` of 1 or 2 axes.
    style : {"scatter", "overlap", "scatter_gather"}
        One frame per input cell; the overlap map's still; or the scatter frames, then
        the flat (gather) view's frames, side by side
        (:func:`~convanim.layout.combine.scatter_gather_layout`).
    dpi : float, optional
        Pixels per inch (150).
    numbers : Numbers, optional
        The values to print (the running sums; in the still, the counts are printed
        whenever ``numbers`` is given).
    overlap : bool
        The scatter view shades the full grid by the overlap counts.
    labels, caption : bool
    seed : int
        Seed of the kernel ``scatter_gather``'s Cᵀ prints when ``numbers`` is None.
    theme : Theme
    frames : range, optional
        Draw only these of the style's frames (a ``frames`` selection).
    **sizing
        ``width``, ``height``, ``canvas`` and ``fit``, as
        :class:`~convanim.render.mpl.DrawingScene` takes them.

    Attributes
    ----------
    stamps : ScatterPlan
        The stamps drawn.
    plan : Plan or None
        The gather side's plan (``scatter_gather``); None for the other styles.
    notes : tuple of str
        What each frame does, in words (the HTML player shows them).
    """

    def __init__(
        self,
        spec: Spec | Plan,
        style: str = "scatter",
        *,
        dpi: float | None = None,
        numbers: Numbers | None = None,
        overlap: bool = False,
        labels: bool = False,
        caption: bool = False,
        seed: int = TUTORIAL_SEED,
        theme: Theme = TUTORIAL_THEME,
        frames: range | None = None,
        **sizing: object,
    ) -> None:
        self.spec = spec = spec.spec if isinstance(spec, Plan) else spec
        check_drawable(spec)
        check_scatter(spec, style)
        dpi = float(dpi if dpi is not None else 150.0)
        # Refuse a picture too big to hold before planning it.
        check_size(*pixel_size(*scatter_extent(spec, style, theme), dpi, "tex"), dpi)
        self.stamps = stamps = scatter_plan(spec)
        self.numbers = numbers
        measure = measure_for(theme)
        self.plan = None
        words = {"theme": theme, "measure": measure, "labels": labels, "caption": caption}
        if style == "overlap":
            drawing = overlap_layout(stamps, counts=numbers is not None, **words)
        elif style == "scatter_gather":
            self.plan = plan(spec)
            # Cᵀ prints a kernel even without numbers: the one ``seed`` draws.
            weight = None if numbers is not None else seeded(self.plan, seed=seed).weight
            drawing = scatter_gather_layout(
                stamps, self.plan, numbers=numbers, weight=weight, overlap=overlap, **words
            )
        else:
            drawing = scatter_layout(stamps, numbers=numbers, overlap=overlap, **words)
        self.notes = ("",)
        if style != "overlap":
            self.notes = scatter_notes(stamps, numbers)
        if self.plan is not None:
            self.notes += frame_notes(self.plan, numbers)
        if frames is not None and len(frames) != drawing.frames:
            drawing = drawing.select(frames)
            self.notes = tuple(self.notes[index] for index in frames)
        super().__init__(drawing, dpi, **sizing)
