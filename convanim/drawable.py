"""What can be drawn: checked before any drawing, with the one-line error shape."""

from __future__ import annotations

import math

from .errors import SpecError, invalid
from .options import SCATTER_STYLES, STYLES, option
from .plan import Plan
from .spec import Spec, drawing_refusal

__all__ = [
    "MAX_SIDE",
    "STYLES",
    "check_drawable",
    "check_matrix",
    "check_scatter",
    "check_separable",
    "check_size",
    "check_style",
    "frame_count",
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
