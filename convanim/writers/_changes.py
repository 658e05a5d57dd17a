"""What changed between two frames, for the writers that store only that (APNG, WebP)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from . import FrameSource

__all__ = ["changed_box", "count_frames"]


def changed_box(frame: np.ndarray, previous: np.ndarray) -> tuple[int, int, int, int] | None:
    """Top, bottom, left, right (exclusive) of the pixels that differ, or None.

    Rows are found first, over the bytes of each row (one comparison pass and one
    reduction, no per-pixel mask of the whole frame); columns only within those rows.
    """
    height, width, channels = frame.shape
    rows = (frame != previous).reshape(height, width * channels)
    changed_rows = np.flatnonzero(rows.any(axis=1))
    if changed_rows.size == 0:
        return None
    top, bottom = int(changed_rows[0]), int(changed_rows[-1]) + 1
    changed_cols = np.flatnonzero(rows[top:bottom].any(axis=0)) // channels
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
