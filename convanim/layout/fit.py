"""Numbers that fit their cells, and lines that pass behind them.

Every number of a figure is measured with the backend's font engine (the layout's
:data:`~convanim.layout.Measure`) against the room its cell gives it: first as the
tutorial prints it, then with fewer significant digits (one choice for the whole
figure, so a column of numbers reads alike), then smaller. Lines that would cross a
digit are cut around it, so the digit stays legible and the line reads as passing
behind.

Pure numpy: no matplotlib here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..values import format_number
from ._model import Measure

__all__ = ["DIGITS", "compact_number", "cut_segments", "fit_numbers", "number_boxes"]

DIGITS = (4, 3, 2, 1)
"""Significant digits tried, most first, when a figure's numbers do not fit as printed."""
_SHRUNK_DIGITS = 2  # when even one digit does not fit: two, drawn smaller
_SUFFIXES = "kMGT"


def compact_number(value: float, digits: int) -> str:
    """``value`` with at most ``digits`` significant digits, in few characters.

    Thousands take a suffix (``1.2k``, ``-3.4M``), tiny values a short exponent
    (``1.2e-5``); integers that fit in ``digits`` stay whole.
    """
    value = float(value)
    if value.is_integer() and abs(value) < 10**digits:
        text = str(int(value))
    else:
        text = f"{value:.{digits}g}"
        if "e" in text:
            mantissa, exponent = text.split("e")
            power = int(exponent)
            if power >= 3:
                group = min(power // 3, len(_SUFFIXES))
                # below 1000 after scaling: printed by the cases below (990k, 1.2k)
                text = compact_number(value / 10 ** (3 * group), digits) + _SUFFIXES[group - 1]
            elif power >= 0:  # 988 with 2 digits: 990, shorter than 9.9e2
                text = str(int(round(value, digits - 1 - power)))
            else:
                text = f"{mantissa}e{power}"
    return "0" + text[2:] if text.startswith("-0") and float(text.rstrip(_SUFFIXES)) == 0 else text


def _fits(strings: Sequence[str], size: float, measure: Measure, room: tuple, align: str) -> float:
    """The largest scale (<= 1) at which every string fits ``room`` around its anchor."""
    left, bottom, right, top = room
    scale = 1.0
    for string in set(strings):
        x0, y0, x1, y1 = measure(string, size, align, "number")
        for extent, limit in ((x0, left), (y0, bottom), (x1, right), (y1, top)):
            if extent != 0 and extent / limit > 0:
                scale = min(scale, limit / extent)
    return scale


def fit_numbers(
    values: np.ndarray,
    *,
    size: float,
    measure: Measure,
    room: tuple[float, float, float, float],
    decimals: int | None = None,
    align: str = "center",
) -> tuple[tuple[str, ...], float]:
    """Strings and a text size at which every number of ``values`` fits ``room``.

    Parameters
    ----------
    values : ndarray
        One figure's numbers (the input grid, the kernel's weights, the output).
    size : float
        The theme's text size, in plane units.
    measure : Measure
        The backend's text extents.
    room : tuple of float
        ``(left, bottom, right, top)``: how far ink may reach from a number's anchor
        (left and bottom negative), in plane units.
    decimals : int, optional
        Decimals of the tutorial's own format (the output's one decimal).
    align : {"center", "left", "right"}
        Where the anchor is on the ink, as the text will be drawn.

    Returns
    -------
    strings : tuple of str
    size : float
        ``size``, or smaller when even one significant digit is too wide.
    """
    flat = np.asarray(values, float).ravel()
    candidates = [tuple(format_number(value, decimals) for value in flat)]
    candidates += [tuple(compact_number(value, digits) for value in flat) for digits in DIGITS]
    for strings in candidates:
        if _fits(strings, size, measure, room, align) >= 1.0:
            return strings, size
    strings = tuple(compact_number(value, _SHRUNK_DIGITS) for value in flat)
    return strings, size * _fits(strings, size, measure, room, align) * 0.999


def number_boxes(
    strings: Sequence[str],
    size: float,
    anchors: np.ndarray,
    measure: Measure,
    align: str = "center",
) -> np.ndarray:
    """Each string's ink box ``(x0, y0, x1, y1)`` in its plane, shape (N, 4)."""
    extents = {string: measure(string, size, align, "number") for string in set(strings)}
    boxes = np.array([extents[string] for string in strings], float).reshape(-1, 4)
    return boxes + np.tile(np.asarray(anchors, float).reshape(-1, 2), 2)


def _hits(start: np.ndarray, end: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Where each segment (S, 2) runs through each box (B, 4): (S, B, 2) of t in and out
    (t_in > t_out: no crossing). Liang and Barsky's clipping, for all pairs at once."""
    step = (end - start)[:, None, :]  # (S, 1, 2)
    origin = start[:, None, :]
    low, high = boxes[None, :, :2], boxes[None, :, 2:]
    with np.errstate(divide="ignore", invalid="ignore"):
        first = (low - origin) / step
        second = (high - origin) / step
    entering = np.where(step != 0, np.minimum(first, second), -np.inf)
    leaving = np.where(step != 0, np.maximum(first, second), np.inf)
    # A segment parallel to an axis and outside the box's span there never enters it.
    outside = (step == 0) & ((origin < low) | (origin > high))
    entering = np.where(outside, np.inf, entering)
    t_in = np.maximum(entering.max(axis=2), 0.0)
    t_out = np.minimum(leaving.min(axis=2), 1.0)
    return np.stack([t_in, t_out], axis=-1)


def cut_segments(segments: np.ndarray, boxes: np.ndarray, gap: float) -> np.ndarray:
    """``segments`` (S, 2, 2) with the parts inside any of ``boxes`` (B, 4), grown by
    ``gap`` on every side, left out: (M, 2, 2), in order."""
    if len(boxes) == 0 or len(segments) == 0:
        return segments
    grown = boxes + np.array([-gap, -gap, gap, gap])
    hits = _hits(segments[:, 0], segments[:, 1], grown)
    pieces = []
    for segment, crossings in zip(segments, hits, strict=True):
        crossed = crossings[crossings[:, 0] < crossings[:, 1]]
        if len(crossed) == 0:
            pieces.append(segment)
            continue
        t = 0.0
        for t_in, t_out in crossed[np.argsort(crossed[:, 0])]:
            if t_in > t:
                pieces.append(segment[0] + np.outer([t, t_in], segment[1] - segment[0]))
            t = max(t, t_out)
        if t < 1.0:
            pieces.append(segment[0] + np.outer([t, 1.0], segment[1] - segment[0]))
    return np.array(pieces, float).reshape(-1, 2, 2)
