"""The library calls behind the command line: spec in, file out."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from .plan import Plan
from .render import scene as build_scene
from .spec import Spec, SpecError
from .values import TUTORIAL_SEED
from .writers import WriteOptions, atomic_output, writer_for

__all__ = ["save"]


class _Progress:
    """Wrap a scene so that iterating its frames reports progress."""

    def __init__(self, source, callback: Callable[[int, int], None] | None, bar) -> None:
        self._source, self._callback, self._bar = source, callback, bar

    def __len__(self) -> int:
        return len(self._source)

    @property
    def size(self) -> tuple[int, int]:
        return self._source.size

    def frame(self, index: int) -> np.ndarray:
        return self._source.frame(index)

    @property
    def drawing(self):
        """The source's :class:`~convanim.layout.Drawing`, for writers that draw it."""
        return self._source.drawing

    @property
    def scene(self):
        """The scene behind this source (its plan, numbers and drawing)."""
        return self._source

    def frames(self) -> Iterator[np.ndarray]:
        yield from self._report(self._source.frames())

    def _report(self, frames: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
        total = len(self._source)
        for done, frame in enumerate(frames, start=1):
            yield frame
            if self._bar is not None:
                self._bar.update(1)
            if self._callback is not None:
                self._callback(done, total)

    def frames_rgba(self) -> Iterator[np.ndarray]:
        frames = getattr(self._source, "frames_rgba", None)
        if frames is not None:
            yield from self._report(frames())
            return
        # An RGB-only source: pad to RGBA so callers get one shape.
        opaque = (
            np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)]) for rgb in self._source.frames()
        )
        yield from self._report(opaque)

    def save_figure(self, file, index: int, format: str) -> None:
        self._source.save_figure(file, index, format)


def _check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise SpecError(f"{name} = {value!r} is not valid: expected an integer")
    if value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"between {low} and {high}"
        raise SpecError(f"{name} = {value!r} is not valid: expected an integer {bound}")
    return int(value)


def save(
    spec: Spec | Plan,
    path: str | os.PathLike[str],
    *,
    style: str = "tutorial",
    duration: int = 1000,
    loop: int = 0,
    frame: int = 0,
    dpi: float | None = None,
    values: bool = False,
    x: object = None,
    weight: object = None,
    seed: int = TUTORIAL_SEED,
    labels: bool = False,
    caption: bool = False,
    format: str | None = None,
    progress: bool | None = None,
    callback: Callable[[int, int], None] | None = None,
) -> Path:
    """Render ``spec`` and write it to ``path``, the writer chosen by its extension.

    Parameters
    ----------
    spec : Spec or Plan
        What to draw.
    path : path-like
        Output file (or folder, for the ``frames`` writer). Written to a temporary
        file beside it and moved into place when complete: a failed or interrupted run
        leaves no partial file and an existing file untouched.
    style : {"tutorial", "flat", "matrix"}
        The look: the tutorial's slanted planes, the numerical figures' flat grids, or
        the matrix view ``y = C x``.
    duration : int
        Milliseconds per frame (animated formats).
    loop : int
        Times to play, 0 for forever (GIF, WebP, APNG).
    frame : int
        The frame a still (.png, .svg, .pdf) shows.
    dpi : float, optional
        Pixels per inch of raster output (150 by default).
    values, x, weight, seed, labels, caption
        Numbers in the cells, labels and caption: see :func:`convanim.render.render`.
    format : str, optional
        A writer name, overriding the extension (see :func:`convanim.writers.writers`).
    progress : bool, optional
        Show a tqdm bar; by default only when stderr is a terminal.
    callback : callable, optional
        ``callback(frames_done, frames_total)`` after each frame.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    writer = writer_for(path, format)
    duration = _check_int("duration", duration, 1, 655_350)
    loop = _check_int("loop", loop, 0, 65_535)
    scene = build_scene(
        spec,
        style,
        dpi=dpi,
        values=values,
        x=x,
        weight=weight,
        seed=seed,
        labels=labels,
        caption=caption,
    )
    if not writer.animated:  # only a still shows one frame; animations ignore `frame`
        frame = _check_int("frame", frame, 0, len(scene) - 1)
    if progress is None:
        progress = writer.animated and sys.stderr.isatty()
    bar = None
    if progress and writer.animated:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(scene), unit="frame", desc=Path(path).name, leave=False)
    source = _Progress(scene, callback, bar)
    options = WriteOptions(duration=duration, loop=loop, frame=frame)
    try:
        with atomic_output(path, directory=writer.directory) as temporary:
            writer.write(source, temporary, options)
    finally:
        if bar is not None:
            bar.close()
    return Path(path)
