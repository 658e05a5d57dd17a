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
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
from matplotlib.collections import Collection

from ..spec import SpecError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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
        if self._rc is not None:  # a base class's constructor, inside the fixed context
            init(self, *args, **kwargs)
            return
        self._rc = rc = fixed_rc()  # the outermost constructor
        with matplotlib_defaults(rc):
            init(self, *args, **kwargs)

    return build


class _Recorder:
    """Stands in for the renderer while an artist draws: forwards and keeps the calls."""

    def __init__(self, renderer) -> None:
        self._renderer = renderer
        self.calls: list[tuple] = []

    def __getattr__(self, name: str):
        if name.startswith("draw_"):
            self.calls.append((name,))  # a kind of drawing _Replay does not repeat
        return getattr(self._renderer, name)

    def draw_path_collection(self, gc, master_transform, paths, *args, **kwargs) -> None:
        self.calls.append(("collection", gc, master_transform, paths, args, kwargs))
        self._renderer.draw_path_collection(gc, master_transform, paths, *args, **kwargs)

    def draw_path(self, gc, path, transform, rgbFace=None) -> None:
        self.calls.append(("path", gc, path, transform, rgbFace))
        self._renderer.draw_path(gc, path, transform, rgbFace)


class _Replay:
    """One moving artist's drawing, repeated with its new paths and nothing else.

    Per frame only a moving artist's paths change (its colours, widths, clip and
    transform are the scene's), so the renderer call matplotlib made for it once is
    made again with the current paths: the same call, the same pixels, without the
    artist's per-draw work (properties, transforms, graphics context), which is most
    of a frame at the tutorial's size. Only the plain cases are replayed: a collection
    drawn as one ``draw_path_collection`` of its own paths (after matplotlib's empty
    probe), a patch drawn as one ``draw_path`` of its own path; a collection of one
    path, which matplotlib may draw as markers instead, draws itself that frame.
    """

    __slots__ = ("_artist", "_call", "_collection")

    def __init__(self, artist, call: tuple, collection: bool) -> None:
        self._artist, self._call, self._collection = artist, call, collection

    @classmethod
    def record(cls, artist, renderer) -> _Replay | None:
        """Draw ``artist`` and keep its call, or None if it is not a plain case."""
        recorder = _Recorder(renderer)
        artist.draw(recorder)
        calls = recorder.calls
        if artist.get_agg_filter() is not None or artist.get_rasterized():
            return None  # drawn through start_filter/rasterizing, which are not recorded
        if isinstance(artist, Collection):
            paths = artist.get_paths()
            plain = (
                len(calls) == 2
                and calls[0][0] == calls[1][0] == "collection"
                and not calls[0][3]
                and calls[1][3] is paths
                and len(paths) != 1
            )
            return cls(artist, calls[1], True) if plain else None
        plain = len(calls) == 1 and calls[0][0] == "path" and calls[0][2] is artist.get_path()
        return cls(artist, calls[0], False) if plain else None

    def draw(self, renderer) -> bool:
        """Draw the artist's current paths; False if this frame needs its own draw."""
        if not self._artist.get_visible():
            return True  # as artist.draw: nothing
        if self._collection:
            paths = self._artist.get_paths()
            if len(paths) == 1:
                return False
            _, gc, master_transform, _, args, kwargs = self._call
            renderer.draw_path_collection(gc, master_transform, paths, *args, **kwargs)
        else:
            _, gc, _, transform, face = self._call
            renderer.draw_path(gc, self._artist.get_path(), transform, face)
        return True


class BlittedScene:
    """Frame machinery for a scene; a :class:`~convanim.writers.FrameSource`.

    Subclasses set ``canvas`` (an Agg canvas: ``get_renderer``, ``copy_from_bbox``,
    ``restore_region``, ``buffer_rgba``), ``dpi``, ``size``, ``_moving`` (the animated
    artists, in drawing order) and ``_background`` (the canvas with only the static
    artists), provide ``figure`` and ``axes``, and implement ``__len__`` and
    ``_update(index, artists)``.
    """

    figure: Figure
    dpi: float
    size: tuple[int, int]

    def __len__(self) -> int:
        raise NotImplementedError

    def _update(self, index: int, artists: list | None = None) -> None:
        """Put the moving ``artists`` (all of them when None) where frame ``index``
        has them."""
        raise NotImplementedError

    def _checked(self, index: int) -> int:
        if not -len(self) <= index < len(self):
            raise SpecError(
                f"frame = {index} is not valid: expected an integer between 0 and {len(self) - 1}"
            )
        return index % len(self)

    _posed = False
    # The canvas rectangle (left, top, right, bottom; rows from the top) that the
    # moving artists covered in the last blitted frame; None: restore the whole
    # background (first frame, or after pose() let matplotlib draw everything).
    _drawn_box: tuple[int, int, int, int] | None = None

    @property
    def unit_px(self) -> float:
        """Pixels per plane unit (0.5 cm)."""
        return self.dpi * 0.5 / 2.54

    _rc: dict[str, object] | None = None  # fixed_rc() when the scene was built

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every scene builds under the fixed settings, whatever subclass it is: set here
        # once, so a new scene class cannot forget it.
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = drawn_with_defaults(cls.__init__)

    def _draw(self, index: int) -> np.ndarray:
        with matplotlib_defaults(self._rc):
            return self._draw_fixed(index)

    def _draw_fixed(self, index: int) -> np.ndarray:
        index = self._checked(index)
        if self._posed:  # back from pose() to blitting
            for artist in self._moving:
                artist.set_animated(True)
            self._posed = False
            self._drawn_box = None
            # The figure was in the user's hands: artists may have been restyled.
            self._replays = None
        box, drawn = self._moving_area(index)
        # Only the artists drawn this frame are moved: the others (parked off the
        # canvas) are moved by pose() when matplotlib draws everything.
        self._update(index, drawn)
        previous = self._drawn_box
        width, height = self.size
        if previous is None or box is None:
            self.canvas.restore_region(self._background)
            self._changed = (0, height, 0, width)
        else:
            # Outside the last frame's and this frame's moving artists the canvas
            # already holds the background: restore only the rectangle around both,
            # so a frame costs the moving area, not the picture.
            left, top = min(previous[0], box[0]), min(previous[1], box[1])
            right, bottom = max(previous[2], box[2]), max(previous[3], box[3])
            # Agg's restore_region takes the rectangle in buffer rows (from the top)
            # and puts it at xy plus its offset in the saved region: the region's own
            # origin puts it back where it was.
            origin_x, origin_y = self._background.get_extents()[:2]
            self.canvas.restore_region(
                self._background, bbox=(left, top, right, bottom), xy=(origin_x, origin_y)
            )
            self._changed = (top, bottom, left, right)
        self._draw_moving(drawn)
        self._drawn_box = box
        return np.asarray(self.canvas.buffer_rgba())

    # Replay the moving artists' renderer calls (see _Replay); False: let every artist
    # draw itself each frame, as matplotlib does (the tests compare both).
    _replaying = True
    _replays: dict[int, _Replay | None] | None = None
    _replay_renderer = None  # the renderer the replays were recorded on

    def _draw_moving(self, artists: list) -> None:
        renderer = self.canvas.get_renderer()
        replays = self._replays
        if replays is None or not self._replaying or self._replay_renderer is not renderer:
            replays = self._replays = {}
            self._replay_renderer = renderer
        for artist in artists:
            key = id(artist)
            replay = replays.get(key)
            if replay is not None and replay.draw(renderer):
                continue
            if not self._replaying or key in replays:  # not replayable: matplotlib draws
                artist.draw(renderer)
                continue
            replays[key] = _Replay.record(artist, renderer)

    def _moving_area(self, index: int) -> tuple[tuple[int, int, int, int] | None, list]:
        """Frame ``index``'s moving rectangle (see :meth:`_moving_box`) and the moving
        artists to draw in it, in order: all of them, unless a subclass knows some
        draw nothing on the canvas."""
        return self._moving_box(), self._moving

    def _moving_box(self) -> tuple[int, int, int, int] | None:
        """The canvas rectangle (left, top, right, bottom) the moving artists cover,
        with a margin for line widths, joins and anti-aliasing; None if unknown."""
        renderer = self.canvas.get_renderer()
        width, height = self.size
        boxes = []
        for artist in self._moving:
            if isinstance(artist, Collection):
                # A collection's get_window_extent and get_datalim are in data units
                # (matplotlib's quirk): its data limits through transData are pixels.
                transform = self.axes.transData
                extent = artist.get_datalim(transform).transformed(transform)
            else:
                extent = artist.get_window_extent(renderer)
            if not np.all(np.isfinite(extent.extents)):
                continue  # nothing to draw (an empty collection)
            widths = np.atleast_1d(artist.get_linewidth())
            line = float(widths.max()) if widths.size else 0.0
            # Miter joins reach a few line widths past a corner; anti-aliasing a pixel.
            margin = 4 * line * self.dpi / 72 + 3
            x0, y0, x1, y1 = extent.extents
            boxes.append((x0 - margin, height - y1 - margin, x1 + margin, height - y0 + margin))
        if not boxes:
            return None
        left = max(0, int(np.floor(min(box[0] for box in boxes))))
        top = max(0, int(np.floor(min(box[1] for box in boxes))))
        right = min(width, int(np.ceil(max(box[2] for box in boxes))))
        bottom = min(height, int(np.ceil(max(box[3] for box in boxes))))
        if right <= left or bottom <= top:
            return None
        return left, top, right, bottom

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

    def frames_changed(self) -> Iterator[tuple[np.ndarray, tuple[int, int, int, int]]]:
        """Every frame in order, as the canvas itself and where it changed.

        Yields ``(rgba, (top, bottom, left, right))``: the live (H, W, 4) canvas, valid
        only until the next frame is drawn (no copy), and a rectangle outside which
        it equals the frame yielded before (the whole picture for the first). A
        writer that stores changes reads only that rectangle, so a frame costs the
        moving area, not the picture.
        """
        self._drawn_box = None  # the first frame is drawn whole
        for index in range(len(self)):
            canvas = self._draw(index)
            yield canvas, self._changed

    def pose(self, index: int) -> Figure:
        """Put every artist where frame ``index`` has it, for matplotlib's own drawing.

        After this the figure draws frame ``index`` whole with ``canvas.draw()``,
        ``savefig`` or a :class:`matplotlib.animation.FuncAnimation` (no blitting);
        the next :meth:`frame` call returns to the fast, blitted path.
        """
        figure = self.figure  # made first: a new figure's artists start at frame 0
        self._update(self._checked(index))
        for artist in self._moving:
            artist.set_animated(False)
        self._posed = True
        return figure

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
            # savefig drew every artist onto the canvas (PNG shares it): the next
            # frame restores the whole background, and records its replays afresh.
            self._drawn_box = None
            self._replays = None
