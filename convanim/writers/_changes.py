"""What changed between two frames, for the writers that store only that (APNG, WebP)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from . import FrameSource

__all__ = [
    "changed_box",
    "changed_frames",
    "count_frames",
    "mask_box",
    "patches",
    "pixels",
    "rgba_frames",
]


def rgba_frames(source: FrameSource) -> Iterator[np.ndarray]:
    """The source's frames as (H, W, 4) uint8 RGBA.

    A scene's canvas is RGBA: its ``frames_rgba`` is a plain copy, where ``frames``
    gathers three channels of four (several times slower at large pictures). An
    RGB-only source is padded with opaque alpha.
    """
    frames = getattr(source, "frames_rgba", None)
    if callable(frames):
        yield from frames()
        return
    for rgb in source.frames():
        rgba = np.empty((*rgb.shape[:2], 4), dtype=np.uint8)
        rgba[..., :3] = rgb
        rgba[..., 3] = 255
        yield rgba


def changed_frames(
    source: FrameSource,
) -> Iterator[tuple[np.ndarray, tuple[int, int, int, int]]]:
    """``(rgba, (top, bottom, left, right))`` per frame: outside the rectangle the frame
    equals the one before (the whole picture for the first, and for a source that
    cannot say). A scene's ``frames_changed`` knows it without comparing pixels;
    its frame is its live canvas, to be read before the next is asked for.
    """
    frames = getattr(source, "frames_changed", None)
    if callable(frames):
        yield from frames()
        return
    width, height = source.size
    for frame in rgba_frames(source):
        yield frame, (0, height, 0, width)


def pixels(rgba: np.ndarray) -> np.ndarray:
    """An (H, W, 4) uint8 frame as (H, W) uint32, one number per pixel.

    A view whenever each pixel's four bytes are adjacent (a canvas, or a rectangle of
    one); a copy only for a frame whose channels are not (Fortran order, transposes).
    """
    if rgba.strides[-1] != 1 or rgba.strides[-2] != 4:
        rgba = np.ascontiguousarray(rgba)
    return rgba.view(np.uint32)[..., 0]


def changed_box(frame: np.ndarray, previous: np.ndarray) -> tuple[int, int, int, int] | None:
    """Top, bottom, left, right (exclusive) of the pixels that differ, or None.

    ``frame`` and ``previous`` are (H, W) arrays of one number per pixel
    (:func:`pixels`).
    """
    return mask_box(frame != previous)


def mask_box(changed: np.ndarray) -> tuple[int, int, int, int] | None:
    """Top, bottom, left, right (exclusive) of the True entries of an (H, W) mask, or None.

    Rows are found first (one reduction); columns only within those rows.
    """
    changed_rows = np.flatnonzero(changed.any(axis=1))
    if changed_rows.size == 0:
        return None
    top, bottom = int(changed_rows[0]), int(changed_rows[-1]) + 1
    changed_cols = np.flatnonzero(changed[top:bottom].any(axis=0))
    return top, bottom, int(changed_cols[0]), int(changed_cols[-1]) + 1


def count_frames(source: FrameSource, frames: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    """``frames``, checked to be as many as ``len(source)`` says (raise ValueError if not)."""
    count = len(source)
    written = 0
    for frame in frames:
        written += 1
        if written > count:
            break
        yield frame
    if written != count:
        raise ValueError(
            f"frame source is not valid: len() said {count} frames, frames() gave "
            + (f"{written}" if written < count else "more")
        )


def patches(
    source: FrameSource, *, alpha: bool, align: int = 1
) -> Iterator[tuple[np.ndarray, tuple[int, int], bool]]:
    """``(pixels, (x, y), replace)`` per frame: what to store at ``(x, y)`` on the canvas.

    The first frame is whole: RGBA with ``alpha``, else RGB (opaque). A frame equal to
    the one before is one transparent pixel (it keeps the frame's timing). Otherwise it
    is the rectangle that changed, its top-left moved back onto multiples of ``align``:
    with ``alpha`` the frame's own RGBA there, to replace the canvas (``replace`` True:
    a translucent pixel must not blend over the last frame's); else opaque where the
    pixel changed and fully transparent where not, so blending it over the canvas is
    exact. Arrays are C-contiguous and may be views of the source's live frame: use
    each before asking for the next. Raises ValueError if the source gives another
    number of frames than ``len(source)``.
    """
    previous = None
    for frame, (top, bottom, left, right) in count_frames(source, changed_frames(source)):
        if previous is None:
            previous = pixels(frame).copy()  # the source may reuse its array
            yield np.ascontiguousarray(frame if alpha else frame[..., :3]), (0, 0), alpha
            continue
        # Only the rectangle the source says may have changed is compared.
        box = changed_box(pixels(frame[top:bottom, left:right]), previous[top:bottom, left:right])
        if box is None:
            yield np.zeros((1, 1, 4), dtype=np.uint8), (0, 0), False
            continue
        top, bottom, left, right = top + box[0], top + box[1], left + box[2], left + box[3]
        top, left = top - top % align, left - left % align
        current = pixels(frame)[top:bottom, left:right]
        if alpha:
            patch = np.ascontiguousarray(frame[top:bottom, left:right])
        else:
            patch = frame[top:bottom, left:right].copy()
            patch[..., 3] = 255
            patch[current == previous[top:bottom, left:right]] = 0  # transparent: keep it
        # Only the rectangle changed: update it, not a copy of the whole frame.
        previous[top:bottom, left:right] = current
        yield patch, (left, top), alpha
