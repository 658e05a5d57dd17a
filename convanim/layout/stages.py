"""Several drawings side by side as one animation in stages, one after the other.

Stage ``k``'s static layers are drawn throughout (the reader sees every stage at once);
its moving layers move during its own frames and show nothing in the others' (shapes
replaced per frame are empty there, translated text is parked outside the picture).
Used for a depthwise-separable block: the depthwise stage, then the pointwise one.

Pure numpy: no matplotlib here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ._model import Drawing, Layer

__all__ = ["STAGE_GAP", "staged_layout"]

STAGE_GAP = 2.0
"""Plane units between two stages."""
_PARK = 40.0
"""How far outside the picture a moving text waits for its stage (plane units)."""


def staged_layout(drawings: Sequence[Drawing], *, gap: float = STAGE_GAP) -> Drawing:
    """``drawings`` left to right, animated one after the other.

    Parameters
    ----------
    drawings : sequence of Drawing
        The stages, in order (same theme; the first's border and view are kept).
    gap : float
        Plane units between one stage's extent and the next.

    Returns
    -------
    Drawing
        ``sum(d.frames)`` frames: stage ``k``'s frame ``j`` is frame
        ``sum(frames of the stages before k) + j``.
    """
    total = sum(drawing.frames for drawing in drawings)
    offsets, right = [], None
    for drawing in drawings:
        xmin = drawing.extent[0]
        dx = 0.0 if right is None else right + gap - xmin
        offsets.append(np.array([dx, 0.0]))
        right = drawing.extent[1] + dx
    xmin = min(d.extent[0] + o[0] for d, o in zip(drawings, offsets, strict=True))
    xmax = max(d.extent[1] + o[0] for d, o in zip(drawings, offsets, strict=True))
    ymin = min(d.extent[2] for d in drawings)
    ymax = max(d.extent[3] for d in drawings)
    park = np.array([xmin, ymin]) - _PARK
    layers: list[Layer] = []
    start = 0
    for drawing, offset in zip(drawings, offsets, strict=True):
        stage = slice(start, start + drawing.frames)
        for layer in drawing.layers:
            layers.append(_staged(layer, offset, stage, total, park))
        start += drawing.frames
    first = drawings[0]
    return Drawing(
        view=first.view,
        layers=tuple(layers),
        frames=total,
        extent=(float(xmin), float(xmax), float(ymin), float(ymax)),
        border=max(d.border for d in drawings),
        rounding=first.rounding,
        theme=first.theme,
    )


def _staged(layer: Layer, offset: np.ndarray, stage: slice, total: int, park) -> Layer:
    """``layer`` moved by ``offset``, moving only during the frames ``stage``."""
    text = layer.text
    if text is not None and not layer.moving:
        if text.matrix is None:
            text = replace(text, anchors=text.anchors + offset)
        else:
            text = replace(text, offset=text.offset + offset)
        return replace(layer, text=text)
    if not layer.moving:
        return replace(
            layer, geometry=layer.geometry + offset if layer.geometry.size else layer.geometry
        )
    if layer.shift is not None:
        shift = np.tile(np.asarray(park, float), (total, 1))
        shift[stage] = layer.shift + offset
        # Outside its stage a translated layer waits outside the picture.
        return replace(layer, shift=shift)
    frames = layer.frames + offset
    counts = np.zeros(total, int)
    counts[stage] = np.diff(layer.frame_starts)
    starts = np.concatenate([[0], np.cumsum(counts)])
    # One shape per frame ("polygon") cannot be empty outside the stage: a set of them can.
    kind = "polygons" if layer.kind == "polygon" else layer.kind
    return replace(layer, kind=kind, frames=frames, frame_starts=starts)
