"""What can be drawn: checked before any drawing, with the one-line error shape."""

from __future__ import annotations

from .errors import SpecError, invalid
from .options import STYLES, option
from .plan import Plan
from .spec import Spec, drawing_refusal

__all__ = ["MAX_SIDE", "STYLES", "check_drawable", "check_matrix", "check_size", "check_style"]


def check_style(style: object, dpi: object = None) -> None:
    """Raise :class:`~convanim.SpecError` unless ``style`` and ``dpi`` can be drawn."""
    option("style").check(style)
    option("dpi").check(dpi)


def check_drawable(spec: Spec | Plan) -> None:
    """Raise :class:`~convanim.SpecError` unless the renderers can draw ``spec`` (1 or 2
    axes, one channel, zero padding; see :func:`convanim.spec.drawing_refusal`)."""
    spec = spec.spec if isinstance(spec, Plan) else spec
    refusal = drawing_refusal(spec)
    if refusal is not None:
        raise refusal


def check_matrix(spec: Spec | Plan, *, labels: bool, caption: bool, values: bool) -> None:
    """Raise :class:`~convanim.SpecError` unless the matrix view can draw ``spec`` so."""
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
