"""What can be drawn: checked before any drawing, with the one-line error shape."""

from __future__ import annotations

import math

from .errors import SpecError, invalid
from .limits import check_array, check_work
from .options import SCATTER_STYLES, STYLES, DrawOptions, frames_text, option
from .plan import Plan, plan
from .spec import Spec, drawing_refusal

__all__ = [
    "MAX_SIDE",
    "STYLES",
    "check_drawable",
    "check_matrix",
    "check_request",
    "check_scatter",
    "check_separable",
    "check_size",
    "check_style",
    "drawn_frames",
    "frame_count",
    "picture_size",
    "selected_frames",
]


def check_style(style: object, dpi: object = None) -> None:
    """Raise :class:`~convanim.SpecError` unless ``style`` and ``dpi`` can be drawn."""
    option("style").check(style)
    option("dpi").check(dpi)


def check_drawable(spec: Spec | Plan) -> None:
    """Raise :class:`~convanim.SpecError` unless the renderers can draw ``spec`` (see
    :func:`convanim.spec.drawing_refusal`)."""
    spec = spec.spec if isinstance(spec, Plan) else spec
    refusal = drawing_refusal(spec)
    if refusal is not None:
        raise refusal


def check_matrix(spec: Spec | Plan, *, labels: bool, caption: bool, values: bool) -> None:
    """Raise :class:`~convanim.SpecError` unless the matrix view can draw ``spec`` so.

    Any linear op is a matrix C: several channels unroll channel after channel, a third
    axis row by row, copied padding adds a copy's weight to the cell it repeats.
    """
    spec = spec.spec if isinstance(spec, Plan) else spec
    if spec.op == "max_pool":
        raise invalid(
            "op",
            "max_pool",
            "a linear op (conv, conv_transpose or avg_pool)",
            detail=" for the matrix view",
        )
    for name, given in (("labels", labels), ("caption", caption), ("values", values)):
        if given:
            raise invalid(
                name,
                True,
                "False (the matrix view prints C's weights itself)",
                detail=" with style = 'matrix'",
            )


def check_scatter(spec: Spec | Plan, style: str) -> None:
    """Raise :class:`~convanim.SpecError` unless ``style`` can draw ``spec``: the
    scatter styles (:data:`~convanim.options.SCATTER_STYLES`) draw stamps, which only a
    transposed convolution makes."""
    spec = spec.spec if isinstance(spec, Plan) else spec
    if style in SCATTER_STYLES and not spec.transposed:
        raise SpecError(
            f"style = {style!r} is not valid for op = {spec.op!r}: expected a "
            "conv_transpose spec (only a transposed convolution stamps its input onto "
            "the output; draw this one with 'tutorial', 'flat' or 'matrix')",
            parameter="style",
            value=style,
            expected="a conv_transpose spec",
        )
    if style in SCATTER_STYLES:
        # The stamps of every channel are planned (convanim.scatter); the pictures draw
        # one input and one output plane.
        for name in ("in_channels", "out_channels", "groups"):
            value = getattr(spec, name)
            if value != 1:
                raise invalid(
                    name,
                    value,
                    "1 (scatter_plan stamps every channel; the picture draws one)",
                    detail=f" with style = {style!r}",
                )


def frame_count(spec: Spec, style: str) -> int:
    """How many frames ``style`` draws ``spec`` in, without drawing it.

    A frame per output value for the plan's views; a frame per input value (a stamp)
    for ``"scatter"``, one for the ``"overlap"`` still, and the stamps then the output
    values for ``"scatter_gather"``.
    """
    stamps = spec.in_channels * math.prod(spec.input_size)
    return {"scatter": stamps, "overlap": 1, "scatter_gather": stamps + spec.num_frames}.get(
        style, spec.num_frames
    )


def check_separable(options) -> None:
    """Raise :class:`~convanim.SpecError` unless a separable block can be drawn with
    ``options`` (a :class:`~convanim.options.DrawOptions`): two stacks of planes, their
    values drawn from the seed."""
    if options.style == "matrix":
        raise invalid("style", "matrix", "'tutorial' or 'flat' (a separable block is two matrices)")
    for name in ("x", "weight", "out_channels_shown"):
        if getattr(options, name) is not None:
            raise invalid(
                name, "given", "none with a separable block (its values are drawn from seed)"
            )


MAX_SIDE = 16_383
"""Largest picture side in pixels: WebP's limit, and far past any screen."""
MAX_PIXELS = 2**26
"""Largest picture area (64 Mpx, 256 MB per RGBA frame)."""


def check_size(width: int, height: int, dpi: float) -> None:
    """Raise :class:`~convanim.SpecError` unless a ``width`` x ``height`` picture is drawable.

    Called before any figure or plan is allocated, so a huge spec or dpi fails at once
    with one line instead of running out of memory.
    """
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
        fits = dpi * min(MAX_SIDE / max(width, height), (MAX_PIXELS / (width * height)) ** 0.5)
        least = option("dpi").low
        if fits < least:
            # No dpi would do: the spec is too large (the user may never have given a dpi).
            scale = least / dpi
            small = f"{round(width * scale)}x{round(height * scale)}"
            expected = (
                f"a spec whose picture fits {MAX_SIDE} px a side and {MAX_PIXELS // 2**20} Mpx "
                f"(this one would be {small} px even at the least dpi, {least:g}): draw a "
                "smaller input, or compute it without drawing (convanim.evaluate)"
            )
            raise SpecError(
                f"the spec is too large to draw: expected {expected}", expected=expected
            )
        expected = (
            f"at most {max(int(fits), 0)} (the picture would be {width}x{height} px; the "
            f"limit is {MAX_SIDE} px a side and {MAX_PIXELS // 2**20} Mpx)"
        )
        raise SpecError(
            f"dpi = {dpi:g} is not valid for this spec: expected {expected}",
            parameter="dpi",
            value=dpi,
            expected=expected,
        )


def selected_frames(total: int, frames: slice | None) -> range:
    """The plan frames a ``frames`` selection draws, out of ``total``.

    Raises
    ------
    SpecError
        When the selection holds no frame of this spec.
    """
    if frames is None:
        return range(total)
    chosen = range(total)[frames]
    if len(chosen) == 0:
        raise invalid(
            "frames",
            frames_text(frames),
            f"a selection of at least one of its {total} frames (START:STOP[:STEP], 0-based, "
            "STOP excluded)",
            detail=" for this spec",
        )
    return chosen


def drawn_frames(spec: Spec | Plan, options: DrawOptions) -> int:
    """How many frames ``options.style`` draws of ``spec``, ``options.frames`` selected.

    A scatter view's stamps (:func:`frame_count`), a matrix's or a separable block's
    plan frames, and for a stack of planes the frames of the output channels it
    animates (:func:`~convanim.layout.stacks.animated_frames`; a spec is planned for
    that, a plan's own frames are counted).
    """
    from .blocks import Separable

    the_spec = spec.spec if isinstance(spec, Plan) else spec
    style = options.style
    if isinstance(the_spec, Separable) or style == "matrix":
        total = len(spec) if isinstance(spec, Plan) else the_spec.num_frames
    elif style in SCATTER_STYLES:
        total = frame_count(the_spec, style)
    else:
        from .layout.stacks import animated_frames

        the_plan = spec if isinstance(spec, Plan) else plan(spec)
        total = len(animated_frames(the_plan, options.out_channels_shown))
    return len(selected_frames(total, options.frames))


def picture_size(spec: Spec, options: DrawOptions) -> tuple[int, int]:
    """The picture's (width, height) in pixels, from the spec's sizes alone (nothing is
    planned): what the size and work checks read.

    An exact ``canvas`` is the picture; an exact ``width`` (or ``height``) scales the
    drawing's natural size to it, the other side following the aspect.
    """
    from .layout import matrix_pixel_bounds, pixel_size, unit_pixels
    from .layout.extent import picture_extent

    if options.canvas is not None:
        return options.canvas
    dpi = float(options.dpi if options.dpi is not None else 150.0)
    if options.style == "matrix":
        width, height = matrix_pixel_bounds(spec)
        unit_px = unit_pixels(dpi)
        size = round(width * unit_px), round(height * unit_px)
    else:
        extent, border = picture_extent(
            spec, options.style, options.theme, options.out_channels_shown
        )
        size = pixel_size(extent, border, dpi, "tex")
    width, height = size
    if options.width is not None:
        return options.width, max(1, round(height * options.width / max(width, 1)))
    if options.height is not None:
        return max(1, round(width * options.height / max(height, 1))), options.height
    return size


def check_request(
    spec: Spec | Plan, options: DrawOptions, writer: str = "draw", *, still: bool = False
) -> range:
    """Refuse, before anything is planned or drawn, a request that cannot be met.

    In order: a spec the renderers cannot draw, a frame selection outside the plan,
    more frames or estimated time than :mod:`convanim.limits` allows (unless
    ``options.allow_long``), a picture too large (:func:`check_size`), and printed
    numbers whose arrays would be too large. Every check reads the spec's sizes only.

    Parameters
    ----------
    spec : Spec or Plan
        What to draw (a plan's own frames are the ones selected from).
    options : DrawOptions
        The drawing options.
    writer : str
        The writer's name, whose cost per frame the estimate uses (``"draw"``: frames
        alone, as :func:`convanim.render.render` gives them).
    still : bool
        The request draws one frame of the selection (a PNG, SVG or PDF): the bound on
        work counts that frame, at the cost of frames alone, whatever ``writer`` is.

    Returns
    -------
    range
        The plan frames to draw.
    """
    from .blocks import Separable

    the_spec = spec.spec if isinstance(spec, Plan) else spec
    if isinstance(the_spec, Separable):
        check_separable(options)
        total = the_spec.num_frames
    else:
        check_drawable(the_spec)
        check_scatter(the_spec, options.style)
        if options.style == "matrix":
            check_matrix(the_spec, labels=False, caption=False, values=False)
        if options.style in SCATTER_STYLES:
            total = frame_count(the_spec, options.style)
        else:
            # An upper bound for a stack that animates a subset of its output channels.
            total = len(spec) if isinstance(spec, Plan) else the_spec.num_frames
    chosen = selected_frames(total, options.frames)
    size = picture_size(the_spec, options)
    if still:  # one frame drawn, as frames alone
        check_work(1, size, writer="draw", allow_long=options.allow_long, total=total)
    else:
        check_work(len(chosen), size, writer=writer, allow_long=options.allow_long, total=total)
    dpi = float(options.dpi if options.dpi is not None else 150.0)
    check_size(*size, dpi)
    if options.numbered or options.style == "matrix":
        for stage in getattr(the_spec, "stages", (the_spec,)):
            check_array(
                "the printed numbers", (stage.in_channels, *stage.grid_size), 8, stage.input_size
            )
    return chosen
