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

__all__ = ["check_write", "paired_paths", "save", "save_files", "write_scene"]


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

    def frame_rgba(self, index: int) -> np.ndarray:
        frame = getattr(self._source, "frame_rgba", None)
        if frame is not None:
            return frame(index)
        rgb = self._source.frame(index)
        return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])

    @property
    def transparent(self) -> bool:
        """Whether frames carry alpha (a transparent background)."""
        return bool(getattr(self._source, "transparent", False))


def check_write(
    writer,
    path,
    options: DrawOptions,
    frame: int | None,
    tex: str | None = None,
    *,
    check_path: bool = True,
) -> None:
    """Before any drawing: refuse a path that cannot be written (unless ``check_path`` is
    False: a gallery checks its folder itself), options the chosen writer would silently
    ignore, and durations it cannot store."""
    if check_path:
        check_output_path(path, directory=writer.directory)
    if options.duration < writer.min_duration:
        raise invalid(
            "duration",
            options.duration,
            f"at least {writer.min_duration} ms{writer.duration_reason}",
            detail=f" for {writer.name.upper()}",
        )
    if tex is not None:
        option("tex").check(tex)
        if writer.name != "tikz":
            raise invalid(
                "tex",
                tex,
                "no tex (only a .tex file has a variant)",
                detail=f" with the {writer.name} writer",
            )
        if frame is not None and tex != "picture":
            raise invalid(
                "frame",
                frame,
                f"no frame (a {tex} .tex file holds every frame; a still is the picture variant)",
            )
    if frame is not None and writer.animated and not writer.takes_frame:
        raise invalid(
            "frame",
            frame,
            "no frame (an animated format shows every frame; a still is .png, .svg or .pdf)",
            detail=f" with the {writer.name} writer",
        )
    if options.transparent and not writer.alpha:
        raise invalid(
            "transparent",
            True,
            "False (.png, .apng, .webp, .gif, .svg, .pdf, .html and .tex keep a transparent "
            "background)",
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
    tex: str | None = None,
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
        The frame a still (.png, .svg, .pdf, a .tex picture) shows (0); refused for
        animated formats.
    tex : {"picture", "standalone", "beamer", "animate"}, optional
        What a ``.tex`` file is (``"picture"``): a ``tikzpicture`` of ``frame`` to
        ``\\input``, a standalone document of one page per frame, beamer overlays or an
        ``animateinline`` (see :mod:`convanim.backends.tikz`); refused for other formats.
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
    colors, transparent, width, height, canvas
        Roles of the theme recoloured (``{"input": "tab:orange"}``), no background,
        an exact width or height in pixels, an exact ``(width, height)`` canvas with
        the drawing centred. ``theme`` may name several themes (``"tutorial,dark"``
        or a tuple): one file each, see Returns.

    Returns
    -------
    pathlib.Path or list of pathlib.Path
        The path written; with several themes (``theme=("tutorial", "dark")`` or
        ``"tutorial,dark"``), every path, the first theme's at ``path`` and each other's
        beside it named after the theme (``fig.dark.gif``; see :func:`paired_paths`).
    """
    themes = _themes(given.get("theme"))
    # matplotlib is imported only after the checks: every refusal answers without it.
    if themes is not None:
        # Every theme's options and path are checked before the first file is drawn.
        requests = []
        for theme, target in zip(themes, paired_paths(path, themes), strict=True):
            each = draw_options(options, {**given, "theme": theme})
            writer = writer_for(target, format)
            check_write(writer, target, each, frame, tex)
            requests.append((target, tex, writer, each))
        return _write_requests(spec, requests, frame, progress=progress, callback=callback)
    writer = writer_for(path, format)
    options = draw_options(options, given)
    check_write(writer, path, options, frame, tex)
    requests = [(path, tex, writer, options)]
    return _write_requests(spec, requests, frame, progress=progress, callback=callback)[0]


def save_files(
    spec: Spec | Plan,
    targets: list[tuple[str | os.PathLike[str], str | None]],
    *,
    options: DrawOptions,
    progress: bool | None = None,
) -> list[Path]:
    """Write one spec to several files, ``(path, tex)`` each, from as few scenes as may be.

    Every target is checked before anything is drawn; targets whose requests come to
    the same drawing options (a GIF and its ``.tex``, say) share one scene, which is
    built once: the files are those :func:`save` writes one by one.
    """
    requests = []
    for path, tex in targets:
        writer = writer_for(path)
        check_write(writer, path, options, None, tex)
        requests.append((path, tex, writer, options))
    return _write_requests(spec, requests, None, progress=progress)


def _write_requests(
    spec: Spec | Plan,
    requests: list[tuple[str | os.PathLike[str], str | None, object, DrawOptions]],
    frame: int | None,
    *,
    progress: bool | None,
    callback: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write checked ``(path, tex, writer, options)`` requests: all bounded first
    (:func:`_requested`), then drawn, one scene per drawing options."""
    requests = [
        (path, tex, writer, *_requested(spec, writer, options, frame))
        for path, tex, writer, options in requests
    ]
    from .render import scene as build_scene

    scenes: list[tuple[DrawOptions, object]] = []
    written = []
    for path, tex, writer, each, each_frame in requests:
        # Identity, not ==: options may hold arrays (x, weight), and requests drawn
        # alike (animated writers) keep the very options object they were given.
        the_scene = next((built for drawn, built in scenes if drawn is each), None)
        if the_scene is None:
            the_scene = build_scene(spec, options=each)
            scenes.append((each, the_scene))
        written.append(
            write_scene(
                the_scene,
                path,
                writer,
                each,
                frame=each_frame,
                tex=tex,
                progress=progress,
                callback=callback,
            )
        )
    return written


def _requested(
    spec: Spec | Plan, writer, options: DrawOptions, frame: int | None
) -> tuple[DrawOptions, int | None]:
    """Bound the work (:func:`~convanim.drawable.check_request`) before anything is
    planned; a still plans and lays out its one frame alone. The options and frame
    to draw with."""
    chosen = check_request(spec, options, writer.name, still=not writer.animated)
    if not writer.animated and options.style != "matrix":
        last = len(chosen) - 1
        frame = replace(option("frame"), low=0, high=last).check(0 if frame is None else frame)
        return options.replace(frames=slice(chosen[frame], chosen[frame] + 1)), 0
    return options, frame


def _themes(theme: object) -> tuple | None:
    """The themes of a paired request (several themes), or None for one theme."""
    if isinstance(theme, str) and "," in theme:
        theme = option("theme").parse(theme)
    if isinstance(theme, (tuple, list)) and theme and not isinstance(theme[0], (int, float)):
        themes = tuple(option("theme").check(each) for each in theme)
        names = [each.name for each in themes]
        if len(set(names)) != len(names):
            raise invalid("theme", ",".join(names), "themes of different names (each names a file)")
        return themes
    return None


def paired_paths(path: str | os.PathLike[str], themes) -> list[Path]:
    """Where each of ``themes`` goes: the first at ``path``, each other beside it with
    the theme's name before the extension (``fig.gif``, ``fig.dark.gif``)."""
    target = Path(path)
    paths = [target]
    for theme in list(themes)[1:]:
        name = getattr(theme, "name", str(theme))
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name) or "theme"
        paths.append(target.with_name(f"{target.stem}.{safe}{target.suffix}"))
    return paths


def write_scene(
    the_scene,
    path: str | os.PathLike[str],
    writer,
    options: DrawOptions,
    *,
    frame: int | None = None,
    tex: str | None = None,
    progress: bool | None = None,
    callback: Callable[[int, int], None] | None = None,
) -> Path:
    """Write an already built scene with ``writer``: the one pipeline every caller shares
    (:func:`save`, :meth:`Animation.save <convanim.Animation.save>`, the notebook's GIF,
    galleries). Callers check the request first (:func:`check_write`)."""
    if not writer.animated or (tex in (None, "picture") and writer.takes_frame):
        # a still (or a .tex picture) shows one frame
        last = len(the_scene) - 1
        frame = replace(option("frame"), low=0, high=last).check(0 if frame is None else frame)
    if progress is None:
        progress = writer.animated and sys.stderr.isatty()
    bar = None
    if progress and writer.animated:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(the_scene), unit="frame", desc=Path(path).name, leave=False)
    source = _Progress(the_scene, callback, bar)
    write_options = WriteOptions(
        duration=options.duration, loop=options.loop, frame=frame or 0, tex=tex or "picture"
    )
    try:
        with atomic_output(path, directory=writer.directory, owned=writer.owned) as temporary:
            writer.write(source, temporary, write_options)
    finally:
        if bar is not None:
            bar.close()
    return Path(path)
