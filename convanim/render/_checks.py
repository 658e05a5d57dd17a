"""What can be drawn: checked before any drawing, with the one-line error shape."""

from __future__ import annotations

from ..plan import Plan
from ..spec import Spec, SpecError
from ._look import FLAT, TUTORIAL, Look

__all__ = ["STYLES", "check_drawable", "check_style"]

STYLES: dict[str, Look | None] = {"tutorial": TUTORIAL, "flat": FLAT, "matrix": None}
"""Style names: the two looks of :class:`~convanim.render.Scene`, and the matrix view."""


def check_style(style: object, dpi: object = None) -> None:
    """Raise :class:`~convanim.SpecError` unless ``style`` and ``dpi`` can be drawn."""
    if style not in STYLES:
        raise SpecError(
            f"style = {style!r} is not valid: expected one of " + ", ".join(map(repr, STYLES))
        )
    if dpi is not None and (
        isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not 10 <= dpi <= 1200
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
