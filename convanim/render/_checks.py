"""What can be drawn: checked before any drawing, with the one-line error shape."""

from __future__ import annotations

import numbers

from ..layout import FLAT, TUTORIAL, Look
from ..plan import Plan
from ..spec import Spec, SpecError

__all__ = ["MAX_SIDE", "STYLES", "check_drawable", "check_matrix", "check_size", "check_style"]

STYLES: dict[str, Look | None] = {"tutorial": TUTORIAL, "flat": FLAT, "matrix": None}
"""Style names: the two looks of :class:`~convanim.render.Scene`, and the matrix view."""


def check_style(style: object, dpi: object = None) -> None:
    """Raise :class:`~convanim.SpecError` unless ``style`` and ``dpi`` can be drawn."""
    if not isinstance(style, str) or style not in STYLES:
        raise SpecError(
            f"style = {style!r} is not valid: expected one of " + ", ".join(map(repr, STYLES))
        )
    if dpi is not None and (
        isinstance(dpi, bool) or not isinstance(dpi, numbers.Real) or not 10 <= dpi <= 1200
    ):
        raise SpecError(f"dpi = {dpi!r} is not valid: expected a number between 10 and 1200")


def check_drawable(spec: Spec | Plan) -> None:
    """Raise :class:`~convanim.SpecError` unless ``spec`` has 1 or 2 axes."""
    spec = spec.spec if isinstance(spec, Plan) else spec
    if spec.ndim > 2:
        raise SpecError(
            f"input_size = {spec.input_size} is not valid for drawing: expected 1 or 2 axes "
            "(3-D specs can be planned and evaluated, not drawn)"
        )


def check_matrix(spec: Spec | Plan, *, labels: bool, caption: bool, values: bool) -> None:
    """Raise :class:`~convanim.SpecError` unless the matrix view can draw ``spec`` so."""
    spec = spec.spec if isinstance(spec, Plan) else spec
    if spec.op == "max_pool":
        raise SpecError(
            "op = 'max_pool' is not valid for the matrix view: expected a linear op "
            "(conv, conv_transpose or avg_pool)"
        )
    for name, given in (("labels", labels), ("caption", caption), ("values", values)):
        if given:
            raise SpecError(
                f"{name} = True is not valid with style = 'matrix': expected False "
                "(the matrix view prints C's weights itself)"
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
        raise SpecError(
            f"dpi = {dpi:g} is not valid for this spec: expected at most {max(int(fits), 0)} "
            f"(the picture would be {width}x{height} px; the limit is {MAX_SIDE} px a side "
            f"and {MAX_PIXELS // 2**20} Mpx)"
        )
