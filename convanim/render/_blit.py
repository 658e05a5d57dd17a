"""What every scene shares: frames blitted over a cached background, and full draws.

A scene builds its matplotlib figure once, draws the static artists into a cached
background, and marks the artists that move as animated. A frame is then: move the
animated artists (the scene's ``_update``), restore the background, draw only them.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from ..spec import SpecError

__all__ = ["BlittedScene", "fixed_rc", "matplotlib_defaults"]

# convanim's own settings over matplotlib's defaults: fixed SVG ids, text as paths.
_OURS = {"svg.hashsalt": "convanim", "svg.fonttype": "path"}
# Settings that never change a pixel or a byte of ours, and that must not be reset
# (the backend would be switched; the session's interactivity, key maps...).
_LEFT_ALONE = ("backend", "interactive", "toolbar", "timezone", "tk.", "webagg.", "keymap.",
               "savefig.directory", "figure.raise_window", "docstring.", "date.epoch")  # fmt: skip


def fixed_rc(*, files: bool = False) -> dict[str, object]:
    """The settings to change so that matplotlib draws with its defaults plus convanim's.

    A ``matplotlibrc`` in the working directory or in ``MPLCONFIGDIR``, a style or a
    changed ``rcParams`` (``lines.antialiased: False``, ``path.sketch``...) would
    otherwise change convanim's pixels: the same spec must give the same bytes.
    Only the settings that differ are returned (usually none). ``files`` adds
    convanim's own settings for ``savefig`` (fixed SVG ids, text as paths).
    """
    wanted = {
        key: value for key, value in mpl.rcParamsDefault.items() if not key.startswith(_LEFT_ALONE)
    }
    if files:
        wanted.update(_OURS)
    current = mpl.rcParams
    return {key: value for key, value in wanted.items() if current[key] != value}


@contextlib.contextmanager
def matplotlib_defaults(
    rc: dict[str, object] | None = None, *, files: bool = False
) -> Iterator[None]:
    """Run the block with :func:`fixed_rc` applied (``rc``: an earlier result of it)."""
    rc = fixed_rc(files=files) if rc is None else rc
    if not rc:
        yield
        return
    with mpl.rc_context(rc):
        yield


# Fixed metadata, so that the same frame gives byte-identical files run after run.
_METADATA = {
    "svg": {"Date": None, "Creator": "convanim"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "convanim", "Producer": "convanim"},
    "png": {"Software": "convanim"},
}


def drawn_with_defaults(init: Callable) -> Callable:
    """Build a scene under :func:`matplotlib_defaults` (artists read the settings when
    made), and keep what it changed for drawing the frames."""

    @functools.wraps(init)
    def build(self, *args: Any, **kwargs: Any) -> None:
        rc = fixed_rc()
        if self._rc is None:  # the outermost constructor, outside any fixed context
            self._rc = rc
        with matplotlib_defaults(rc):
            init(self, *args, **kwargs)

    return build


class BlittedScene:
    """Frame machinery for a scene; a :class:`~convanim.writers.FrameSource`.

    Subclasses set ``figure``, ``canvas``, ``axes``, ``dpi``, ``size``, ``_moving`` (the
    animated artists, in drawing order) and ``_background`` (the canvas with only the
    static artists), and implement ``__len__`` and ``_update(index)``.
    """

    figure: Figure
    dpi: float
    size: tuple[int, int]

    def __len__(self) -> int:
        raise NotImplementedError

    def _update(self, index: int) -> None:
        raise NotImplementedError

    def _checked(self, index: int) -> int:
        if not -len(self) <= index < len(self):
            raise SpecError(
                f"frame = {index} is not valid: expected an integer between 0 and {len(self) - 1}"
            )
        return index % len(self)

    _posed = False

    @property
    def unit_px(self) -> float:
        """Pixels per plane unit (0.5 cm)."""
        return self.dpi * 0.5 / 2.54

    _rc: dict[str, object] | None = None  # fixed_rc() when the scene was built

    def _draw(self, index: int) -> np.ndarray:
        with matplotlib_defaults(self._rc):
            return self._draw_fixed(index)

    def _draw_fixed(self, index: int) -> np.ndarray:
        self._update(self._checked(index))
        if self._posed:  # back from pose() to blitting
            for artist in self._moving:
                artist.set_animated(True)
            self._posed = False
        self.canvas.restore_region(self._background)
        for artist in self._moving:
            self.axes.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` as an (H, W, 3) uint8 array (a new array)."""
        return self._draw(index)[:, :, :3].copy()

    def frame_rgba(self, index: int) -> np.ndarray:
        """Frame ``index`` as an (H, W, 4) uint8 array, alpha 255 (a new array).

        Cheaper than :meth:`frame` (a plain copy of the canvas, no channel gather), and
        each pixel reads as one uint32: the GIF writer's palette lookup uses that.
        """
        return self._draw(index).copy()

    def frames(self) -> Iterator[np.ndarray]:
        """Every frame in order, one (H, W, 3) uint8 array at a time."""
        for index in range(len(self)):
            yield self.frame(index)

    def frames_rgba(self) -> Iterator[np.ndarray]:
        """Every frame in order as (H, W, 4) uint8 arrays."""
        for index in range(len(self)):
            yield self.frame_rgba(index)

    def pose(self, index: int) -> Figure:
        """Put every artist where frame ``index`` has it, for matplotlib's own drawing.

        After this the figure draws frame ``index`` whole with ``canvas.draw()``,
        ``savefig`` or a :class:`matplotlib.animation.FuncAnimation` (no blitting);
        the next :meth:`frame` call returns to the fast, blitted path.
        """
        self._update(self._checked(index))
        for artist in self._moving:
            artist.set_animated(False)
        self._posed = True
        return self.figure

    def save_figure(self, file: Path | io.IOBase, index: int, format: str) -> None:
        """Draw frame ``index`` through matplotlib's own savefig (SVG, PDF, PNG).

        Moving artists are drawn as ordinary artists here, in z-order, so vector
        output shows what the frames show.
        """
        self.pose(index)
        try:
            with matplotlib_defaults(files=True):
                self.figure.savefig(
                    file, format=format, dpi=self.dpi, metadata=_METADATA.get(format, {})
                )
        finally:
            for artist in self._moving:
                artist.set_animated(True)
            self._posed = False
