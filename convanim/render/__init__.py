"""Renderers: a plan drawn into frames, streamed as (H, W, 3) uint8 arrays."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..plan import Plan
from ..spec import Spec, SpecError
from ._look import FLAT, TUTORIAL, Look
from .scene import Scene

__all__ = ["STYLES", "Scene", "render", "scene"]

STYLES: dict[str, Look] = {"tutorial": TUTORIAL, "flat": FLAT}


def scene(spec: Spec | Plan, style: str = "tutorial", *, dpi: float | None = None) -> Scene:
    """Build the scene that draws ``spec`` in ``style`` (built once, reused per frame)."""
    if style not in STYLES:
        raise SpecError(
            f"style = {style!r} is not valid: expected one of " + ", ".join(map(repr, STYLES))
        )
    if dpi is not None and not (isinstance(dpi, (int, float)) and 10 <= dpi <= 1200):
        raise SpecError(f"dpi = {dpi!r} is not valid: expected a number between 10 and 1200")
    return Scene(spec, STYLES[style], dpi=dpi)


def render(
    spec: Spec | Plan, style: str = "tutorial", *, dpi: float | None = None
) -> Iterator[np.ndarray]:
    """Yield one frame per plan frame, as (H, W, 3) uint8 arrays.

    Parameters
    ----------
    spec : Spec or Plan
        A 1- or 2-axis operation.
    style : {"tutorial", "flat"}
        The tutorial's slanted 3-D look, or grids seen straight on.
    dpi : float, optional
        Pixels per inch (150, the tutorial's, by default).

    Yields
    ------
    ndarray (H, W, 3) uint8
        The frames, in raster order of the output cells.
    """
    yield from scene(spec, style, dpi=dpi).frames()
