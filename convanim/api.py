"""The library calls behind the command line: spec in, file out."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from .drawable import check_request
from .errors import invalid
from .options import DrawOptions, draw_options, option, with_draw_options
from .plan import Plan
from .spec import Spec
from .writers import WriteOptions, atomic_output, check_output_path, writer_for

__all__ = ["check_write", "save", "write_scene"]


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

    def frames_changed(self):
        """The source's live frames and changed rectangles (see
        :meth:`~convanim.render.DrawingScene.frames_changed`), when it has them."""
        frames = getattr(self._source, "frames_changed", None)
        if frames is None:
            from .writers._changes import changed_frames

            frames = lambda: changed_frames(self._source)  # noqa: E731
        yield from self._report(frames())

    def save_figure(self, file, index: int, format: str) -> None:
        self._source.save_figure(file, index, format)


def check_write(writer, path, options: DrawOptions, frame: int | None) -> None:
    """Before any drawing: refuse a path that cannot be written, and options the chosen
    writer would silently ignore."""
    check_output_path(path, directory=writer.directory)
    if frame is not None and writer.animated and not writer.takes_frame:
        raise invalid(
            "frame",
            frame,
            "no frame (an animated format shows every frame; a still is .png, .svg or .pdf)",
            detail=f" with the {writer.name} writer",
        )
    if options.loop != 0 and not writer.loops:
        raise invalid(
            "loop",
            options.loop,
            "0 (only GIF, WebP and APNG store a loop count)",
            detail=f" with the {writer.name} writer",
        )


@with_draw_options
def save(
    spec: Spec | Plan,
    path: str | os.PathLike[str],
    *,
    frame: int | None = None,
    format: str | None = None,
    progress: bool | None = None,
    callback: Callable[[int, int], None] | None = None,
    options: DrawOptions | None = None,
    **given: Any,
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
    frame : int, optional
        The frame a still (.png, .svg, .pdf) shows (0); refused for animated formats.
    format : str, optional
        A writer name, overriding the extension (see :func:`convanim.writers.writers`).
    progress : bool, optional
        Show a tqdm bar; by default only when stderr is a terminal.
    callback : callable, optional
        ``callback(frames_done, frames_total)`` after each frame.
    options : DrawOptions, optional
        Checked drawing options; the keywords below override them.
    style, theme, dpi, values, x, weight, seed, labels, caption, duration, loop, frames, allow_long
        The drawing options (:class:`~convanim.options.DrawOptions`; see
        :func:`convanim.render.render`): ``duration`` in milliseconds per frame,
        ``loop`` the times to play (0: forever; GIF, WebP and APNG), ``frames`` a
        selection of the plan's frames (a slice, a range or ``"START:STOP[:STEP]"``),
        ``allow_long`` lifts the bound on work (:mod:`convanim.limits`): without it,
        more than 10,000 frames or about a minute of estimated work is refused with
        a one-line :class:`~convanim.SpecError` before anything is planned.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    writer = writer_for(path, format)
    options = draw_options(options, given)
    check_write(writer, path, options, frame)
    chosen = check_request(spec, options, writer.name if writer.animated else "draw")
    if not writer.animated and options.style != "matrix":
        # A still draws one frame: plan and lay out that frame alone.
        last = len(chosen) - 1
        frame = replace(option("frame"), low=0, high=last).check(0 if frame is None else frame)
        options = options.replace(frames=slice(chosen[frame], chosen[frame] + 1))
        frame = 0
    # matplotlib is imported only now: every refusal above answers without it.
    from .render import scene as build_scene

    the_scene = build_scene(spec, options=options)
    return write_scene(
        the_scene, path, writer, options, frame=frame, progress=progress, callback=callback
    )


def write_scene(
    the_scene,
    path: str | os.PathLike[str],
    writer,
    options: DrawOptions,
    *,
    frame: int | None = None,
    progress: bool | None = None,
    callback: Callable[[int, int], None] | None = None,
) -> Path:
    """Write an already built scene with ``writer``: the one pipeline every caller shares
    (:func:`save`, :meth:`Animation.save <convanim.Animation.save>`, the notebook's GIF,
    galleries). Callers check the request first (:func:`check_write`)."""
    if not writer.animated:  # only a still shows one frame
        last = len(the_scene) - 1
        frame = replace(option("frame"), low=0, high=last).check(0 if frame is None else frame)
    if progress is None:
        progress = writer.animated and sys.stderr.isatty()
    bar = None
    if progress and writer.animated:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(the_scene), unit="frame", desc=Path(path).name, leave=False)
    source = _Progress(the_scene, callback, bar)
    write_options = WriteOptions(duration=options.duration, loop=options.loop, frame=frame or 0)
    try:
        with atomic_output(path, directory=writer.directory, owned=writer.owned) as temporary:
            writer.write(source, temporary, write_options)
    finally:
        if bar is not None:
            bar.close()
    return Path(path)
