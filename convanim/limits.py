"""How much work and memory one request may take, checked before any of it is done.

A spec is a few integers, and one extra digit can ask for millions of frames or a
terabyte array. Every entry point asks this module first, from the spec's sizes alone
(nothing allocated yet), and refuses with the usual one-line :class:`SpecError` that
names the estimate, the limit and the ways out.

Pure Python: no numpy arrays are made here.
"""

from __future__ import annotations

import math

from .errors import SpecError

__all__ = [
    "MAX_ARRAY_BYTES",
    "MAX_FRAMES",
    "MAX_SECONDS",
    "check_array",
    "check_work",
    "estimated_seconds",
]

MAX_FRAMES = 10_000
"""Most frames one animation draws unless ``allow_long`` is given."""
MAX_SECONDS = 60.0
"""Longest estimated render (seconds on a 2-core CI runner) unless ``allow_long``."""
MAX_ARRAY_BYTES = 2**30
"""Largest array (1 GiB) that :func:`~convanim.plan`, :func:`~convanim.evaluate`,
:func:`~convanim.numbers` or :func:`~convanim.conv_matrix` materialises."""

# Seconds per frame on this project's machine kind (2 cores): a constant (blitting the
# moving artists, the writer's per-frame overhead) plus a cost per picture pixel
# (copying the canvas where writers need it, and for MP4 the whole-frame colour
# conversion and H.264 encode; the scene restores and the GIF, APNG and WebP writers
# encode only the moving area, whose size grows with the picture too). Fitted to
# scripts/bench.py's "big" rows (conv 64x64 k 3 at 478x597 and 3256x4068 px), run at
# a load of about 5 on 2 cores: on an idle machine the estimates err long. GIF, since
# it reads only the changed rectangle: an idle `convanim render -i 64 -k 3 -o x.gif
# --allow-long` took 27.9 s for its 3,844 frames at 3256x4068 px, and the fit allows
# about 1.8 times that for load. "draw" is the frames alone (render(), frames()).
_PER_FRAME = {
    "draw": (0.8e-3, 2.0e-9),  # the canvas as writers read it (RGB frames cost more)
    "gif": (1.0e-3, 0.9e-9),
    "apng": (2.9e-3, 6.5e-9),
    "webp": (1.4e-3, 3.8e-9),
    "mp4": (1.0e-3, 1.9e-8),
    "frames": (4.0e-3, 3.0e-8),  # every frame a whole PNG
    "html": (1.0e-4, 0.0),  # vector: the picture's size costs nothing per frame
    "tikz": (1.0e-4, 0.0),
}
_SETUP = 0.5  # figure, layout and static background, seconds


def _size(nbytes: float) -> str:
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.{0 if nbytes % scale == 0 else 1}f} {unit}"
    return f"{int(nbytes)} bytes"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} hours"
    if seconds < 365 * 86400:
        return f"{seconds / 86400:.0f} days"
    return f"{seconds / (365 * 86400):.0f} years"


def estimated_seconds(frames: int, size: tuple[int, int], writer: str = "draw") -> float:
    """Seconds to draw and write ``frames`` frames of ``size`` (width, height) pixels."""
    constant, per_pixel = _PER_FRAME.get(writer, _PER_FRAME["gif"])
    width, height = size
    return _SETUP + frames * (constant + per_pixel * width * height)


def check_array(
    what: str, shape: tuple[int, ...], itemsize: int, input_size: object, hint: str = ""
) -> None:
    """Refuse, before allocating it, an array of ``shape`` above :data:`MAX_ARRAY_BYTES`.

    Parameters
    ----------
    what : str
        What the array is, as the message names it (``"plan(): tap_position"``).
    shape : tuple of int
        Its shape (Python ints: no overflow however large).
    itemsize : int
        Bytes per element.
    input_size : object
        The spec's input size, named as the cause.
    hint : str
        Another way out, appended to the message (``"; read frames with plan[i]"``).
    """
    nbytes = math.prod(int(side) for side in shape) * itemsize
    if nbytes > MAX_ARRAY_BYTES:
        expected = (
            f"a smaller input ({what} would take {_size(nbytes)}; the limit is "
            f"{_size(MAX_ARRAY_BYTES)} per array{hint})"
        )
        raise SpecError(
            f"input_size = {input_size!r} is not valid: expected {expected}",
            parameter="input_size",
            value=input_size,
            expected=expected,
        )


def check_work(
    frames: int,
    size: tuple[int, int],
    *,
    writer: str = "draw",
    allow_long: bool = False,
    total: int | None = None,
) -> None:
    """Refuse, before planning, a render above :data:`MAX_FRAMES` or :data:`MAX_SECONDS`.

    Parameters
    ----------
    frames : int
        Frames to draw (the selection's length when ``--frames`` is given).
    size : (int, int)
        Picture (width, height) in pixels.
    writer : str
        The writer's name (its cost per frame); ``"draw"`` for frames alone.
    allow_long : bool
        Skip the check: the caller really wants it.
    total : int, optional
        The spec's frame count, when ``frames`` is a selection of them.
    """
    if allow_long:
        return
    seconds = estimated_seconds(frames, size, writer)
    if frames <= MAX_FRAMES and seconds <= MAX_SECONDS:
        return
    width, height = size
    of = f" of {total}" if total is not None and total != frames else ""
    expected = (
        f"at most {MAX_FRAMES} frames and about {MAX_SECONDS:.0f} s of work: select some "
        "(--frames START:STOP, frames=), lower --dpi or --width, give a smaller input, or pass "
        "--allow-long (allow_long=True)"
    )
    # Named by the frame count, not by an option the user may not have given.
    raise SpecError(
        f"frames = {frames}{of} ({width}x{height} px, about {_duration(seconds)} as "
        f"{writer}) is not valid: expected {expected}",
        value=frames,
        expected=expected,
    )
