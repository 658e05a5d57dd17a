"""The matplotlib backend: a :class:`~convanim.layout.Drawing` into raster frames and stills.

It reads the drawing alone. Each layer becomes one artist (a collection for many
shapes, a patch for one, a compound outline for a block of text); static layers are
drawn once into a cached background and moving ones are marked animated, so a frame is:
move the animated artists (from :meth:`Layer.at`), restore the background, draw them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.patches import PathPatch, Polygon
from matplotlib.path import Path as MplPath

from ..drawable import check_size
from ..layout import Drawing, Layer, unit_pixels
from ..theme import Theme
from ._agg import BareFigure
from ._blit import BlittedScene, matplotlib_defaults
from ._text import EMPTY_PATH, compound, glyphs

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["DrawingScene", "measure_for", "text_path"]


def mpl_points(tex_points: float) -> float:
    """TeX points (1/72.27 inch, TikZ's) in matplotlib's points (1/72 inch)."""
    return tex_points * 72.0 / 72.27


def measure_for(theme: Theme):
    """The :data:`~convanim.layout.Measure` of ``theme``'s fonts, by matplotlib's engine."""
    families = {"number": theme.number_font, "prose": theme.prose_font}

    def measure(text: str, size: float, align: str, font: str) -> tuple[float, ...]:
        vertices, _ = glyphs(text, size, align=align, family=families[font])
        (x0, y0), (x1, y1) = vertices.min(axis=0), vertices.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)

    return measure


def text_path(layer: Layer, theme: Theme) -> MplPath:
    """The outlines of a text layer's strings, as one compound path."""
    block = layer.text
    families = {"number": theme.number_font, "prose": theme.prose_font}
    pieces = []
    for index in range(len(block)):
        string, size, align, font = block.item(index)
        vertices, codes = glyphs(string, size, align=align, family=families[font])
        pieces.append((block.placed(index, vertices), codes))
    return compound(pieces)


def _color(color) -> object:
    return "none" if color is None else color


def _artist(layer: Layer):
    paint = layer.paint
    width = mpl_points(paint.width)
    if layer.kind == "segments":
        style = {}
        if paint.dash is not None:
            # matplotlib scales dash patterns by the line width
            style["linestyles"] = [(0, tuple(mpl_points(v) / width for v in paint.dash))]
        if paint.cap is not None:
            style["capstyle"] = paint.cap
        return LineCollection(
            [] if layer.moving else layer.geometry,
            colors=[_color(paint.edge)],
            linewidths=width,
            zorder=layer.z,
            **style,
        )
    if layer.kind == "polygons":
        style = {}
        if paint.edge is not None:
            style["linewidths"] = width
        if paint.join is not None:
            style["joinstyle"] = paint.join
        return PolyCollection(
            [] if layer.moving else layer.geometry,
            facecolors="none" if paint.fill is None else [paint.fill],
            edgecolors="none" if paint.edge is None else [paint.edge],
            zorder=layer.z,
            **style,
        )
    if layer.kind == "polygon":
        return Polygon(
            np.zeros((4, 2)) if layer.moving else layer.geometry[0],
            closed=True,
            facecolor=_color(paint.fill),
            edgecolor=_color(paint.edge),
            linewidth=width,
            joinstyle=paint.join,
            zorder=layer.z,
        )
    return PathPatch(
        EMPTY_PATH, facecolor=paint.fill, edgecolor="none", linewidth=0, zorder=layer.z
    )


# matplotlib's own shortcut (PolyCollection.set_verts uses it): a path that takes its
# simplification flags from a template of the same length and codes, skipping the
# constructor's checks, which cost more than the frame's drawing for many shapes.
_fast_path = getattr(MplPath, "_fast_from_codes_and_verts", None)


def _moved_path(vertices: np.ndarray, template: MplPath) -> MplPath:
    """``MplPath(vertices, template.codes)``: the same path, made faster."""
    if _fast_path is None:
        return MplPath(vertices, template.codes)
    return _fast_path(vertices, template.codes, internals_from=template)


def _set_segments(collection: LineCollection, segments: np.ndarray) -> None:
    """``collection.set_segments(segments)``, faster for segments of one length."""
    if _fast_path is None or segments.ndim != 3 or not len(segments):
        collection.set_segments(segments)
        return
    segments = np.asarray(segments, dtype=float)
    template = MplPath(segments[0])
    collection._paths = [_fast_path(segment, None, internals_from=template) for segment in segments]
    collection.stale = True


class _MovingExtents:
    """The canvas rectangle the moving layers cover in a frame, from their geometry.

    Rows count from the top (as the Agg buffer's); a margin covers line widths, miter
    joins and anti-aliasing, as :meth:`BlittedScene._moving_box` does from artists.
    A translated layer's box is its frame-0 box plus the frame's shift; a replaced
    layer's boxes are computed for every frame at once, here. A layer whose box lies
    wholly off the canvas in a frame (the scatter views park hidden numbers there)
    draws no pixel: it is left out of the rectangle and need not be drawn.
    """

    def __init__(self, moving, text_bases, *, origin, unit_px, dpi, size) -> None:
        origin = np.asarray(origin, dtype=np.float64)
        self._size = size
        self._count = len(moving)
        positions, bases, shifts = [], [], []
        replaced, replaced_boxes, replaced_drawn = [], [], []
        for position, (layer, artist) in enumerate(moving):
            if layer.kind == "text":
                vertices, codes = text_bases[id(artist)].vertices, text_bases[id(artist)].codes
                # CLOSEPOLY and STOP vertices are placeholders, not drawn points.
                drawn = vertices[(codes != MplPath.CLOSEPOLY) & (codes != MplPath.STOP)]
                width = 0.0
            else:
                drawn = layer.geometry.reshape(-1, 2) if layer.shift is not None else None
                width = mpl_points(layer.paint.width) if layer.paint.edge is not None else 0.0
            margin = 4 * width * dpi / 72 + 3
            if not len(drawn if drawn is not None else layer.frames):
                continue  # nothing drawn, ever
            if drawn is not None and np.all(np.isfinite(drawn)):
                low = (drawn.min(axis=0) - origin) * unit_px - margin
                high = (drawn.max(axis=0) - origin) * unit_px + margin
                positions.append(position)
                bases.append(np.concatenate([low, high]))
                shifts.append(np.asarray(layer.shift, dtype=np.float64) * unit_px)
                continue
            boxes, shown = _frame_boxes(layer, origin, unit_px, margin)
            replaced.append(position)
            replaced_boxes.append(boxes)
            replaced_drawn.append(shown)
        self._positions = np.array(positions + replaced, dtype=np.intp)
        # (L, 4) left, bottom, right, top in pixels from the bottom-left at frame 0, and
        # (F, L, 4) each translated layer's shift in pixels, twice: a frame's is a row.
        self._bases = np.array(bases).reshape(-1, 4)
        self._shifts = np.tile(np.stack(shifts, axis=1), 2) if shifts else None
        self._always = np.ones(len(self._bases), dtype=bool)  # translated: in every frame
        # (F, R, 4) the replaced layers' boxes per frame (NaN where not finite), and
        # (F, R) whether the layer draws anything in the frame.
        self._replaced_boxes = np.stack(replaced_boxes, axis=1) if replaced else None
        self._replaced_drawn = np.stack(replaced_drawn, axis=1) if replaced else None

    def area(self, index: int) -> tuple[tuple[int, int, int, int] | None, np.ndarray]:
        """Frame ``index``'s (left, top, right, bottom) in pixels (None: empty or
        unknown, restore everything) and which moving layers, in order, draw on the
        canvas."""
        width, height = self._size
        parts, present = [], []
        if self._shifts is not None:
            parts.append(self._bases + self._shifts[index])
            present.append(self._always)
        if self._replaced_boxes is not None:
            replaced, shown = self._replaced_boxes[index], self._replaced_drawn[index]
            if not np.isfinite(replaced[shown]).all():
                # Not a number somewhere (matplotlib skips those vertices): the extent
                # is unknown, so the frame restores and draws everything.
                return None, np.ones(self._count, dtype=bool)
            parts.append(replaced)
            present.append(shown)
        drawn = np.zeros(self._count, dtype=bool)
        if not parts:
            return None, drawn
        boxes = np.concatenate(parts) if len(parts) > 1 else parts[0]
        visible = np.concatenate(present) if len(present) > 1 else present[0]
        # A new array (present[0] may be a view of the frame's row).
        visible = visible & (boxes[:, 2] > 0) & (boxes[:, 0] < width) & (boxes[:, 3] > 0)
        visible &= boxes[:, 1] < height
        drawn[self._positions[visible]] = True
        if not visible.any():
            return None, drawn
        united = boxes[visible]
        left, bottom = united[:, :2].min(axis=0).tolist()
        right, top = united[:, 2:].max(axis=0).tolist()
        box = (
            max(0, int(np.floor(left))),
            max(0, int(np.floor(height - top))),
            min(width, int(np.ceil(right))),
            min(height, int(np.ceil(height - bottom))),
        )
        if box[2] <= box[0] or box[3] <= box[1]:
            return None, drawn
        return box, drawn


def _frame_boxes(layer: Layer, origin, unit_px: float, margin: float):
    """A layer's box in pixels in every frame, (F, 4), NaN where a vertex is not
    finite, and whether it draws anything in each frame, (F,)."""
    count = len(layer.frame_starts) - 1 if layer.frames is not None else len(layer.shift)
    if layer.frames is None:  # translated, with non-finite vertices
        shapes = [layer.at(index).reshape(-1, 2) for index in range(count)]
        low = np.array([shape.min(axis=0) for shape in shapes])
        high = np.array([shape.max(axis=0) for shape in shapes])
        shown = np.ones(count, dtype=bool)
    else:
        starts = np.asarray(layer.frame_starts)
        shapes = layer.frames.reshape(len(layer.frames), -1, 2)
        shown = np.diff(starts) > 0
        low = np.full((count, 2), np.nan)
        high = np.full((count, 2), np.nan)
        cumulative = starts[-1] == len(shapes) and bool(np.all(np.diff(starts) >= 0))
        if shown.any() and cumulative:
            # Per shape, then per frame over its shapes (np.minimum keeps a NaN).
            firsts = starts[:-1][shown]
            low[shown] = np.minimum.reduceat(shapes.min(axis=1), firsts)
            high[shown] = np.maximum.reduceat(shapes.max(axis=1), firsts)
        elif shown.any():  # frames that share or skip shapes: one at a time
            for index in np.flatnonzero(shown):
                frame = shapes[starts[index] : starts[index + 1]].reshape(-1, 2)
                low[index], high[index] = frame.min(axis=0), frame.max(axis=0)
    boxes = np.concatenate(
        [(low - origin) * unit_px - margin, (high - origin) * unit_px + margin], 1
    )
    boxes[~np.isfinite(boxes).all(axis=1)] = np.nan
    return boxes, shown


class DrawingScene(BlittedScene):
    """Frames of a drawing; a :class:`~convanim.writers.FrameSource`.

    Parameters
    ----------
    drawing : Drawing
        What to draw.
    dpi : float
        Pixels per inch (ignored when ``width`` or ``height`` is given, or when
        ``canvas`` is and ``fit`` is True).
    width, height : int, optional
        The picture's width (or height) in pixels, exactly: the dpi follows from it,
        the other side from the drawing's aspect.
    canvas : tuple of int, optional
        ``(width, height)``: a canvas of exactly this size with the drawing centred.
    fit : bool
        With ``canvas``: scale the drawing to the largest size that fits it.

    Notes
    -----
    Frames are drawn without a matplotlib Figure, on an Agg canvas with the same
    transforms (the same pixels). :attr:`figure` makes the Figure on first use (so
    do :meth:`pose` and :meth:`save_figure`) with new artists on its Axes:
    :attr:`artists`, ``(layer, artist)`` pairs, then lists those.
    """

    def __init__(
        self,
        drawing: Drawing,
        dpi: float,
        *,
        width: int | None = None,
        height: int | None = None,
        canvas: tuple[int, int] | None = None,
        fit: bool = False,
    ) -> None:
        self.drawing = drawing
        self.dpi = float(dpi)
        left, bottom = drawing.origin()
        if width is None and height is None and canvas is None:
            width_px, height_px = drawing.pixel_size(self.dpi)
            check_size(width_px, height_px, self.dpi)
            # Anchored at the bottom-left, as the original's PDF pages were; rounding
            # the size lands on the right and top margins.
            margin = (0.0, 0.0)
        else:
            width_px, height_px, margin = self._sized(width, height, canvas, fit)
        self.size = (width_px, height_px)
        unit_px = unit_pixels(self.dpi)
        left, bottom = left - margin[0] / unit_px, bottom - margin[1] / unit_px
        self._inches = (width_px / self.dpi, height_px / self.dpi)
        self._limits = (
            (left, left + width_px / unit_px),
            (bottom, bottom + height_px / unit_px),
        )
        # Frames are drawn on a bare Agg canvas with the Figure's transforms (see
        # _agg); the Figure itself is made only when asked for (figure, pose, savefig).
        bare = BareFigure(self._inches, self.dpi, *self._limits, drawing.theme.background)
        self.canvas = bare
        self._figure = self._axes = None
        self._place_artists(bare.adopt)
        bare.draw([artist for _, artist in self.artists])
        self._background = bare.copy_from_bbox(bare.bbox)

    def _place_artists(self, add) -> None:
        """Make one artist per layer (static text of one role and z joined), each
        given to ``add`` (``axes.add_artist`` or the bare figure's), in z-order."""
        drawing, theme = self.drawing, self.drawing.theme
        self.artists: list[tuple[Layer, object]] = []
        moving = []
        # A moving text layer's outline at frame 0, shifted per frame.
        self._text_bases: dict[int, MplPath] = {}
        # Text layers of one role and z become one compound outline: one artist however
        # many strings (labels and caption share the annotations' patch).
        texts: dict[tuple[str, float], tuple[list[MplPath], PathPatch]] = {}
        for layer in sorted(drawing.layers, key=lambda each: each.z):
            if layer.kind == "text" and not layer.moving:
                key = (layer.role, layer.z)
                if key in texts:
                    texts[key][0].append(text_path(layer, theme))
                    continue
                artist = _artist(layer)
                texts[key] = ([text_path(layer, theme)], artist)
            else:
                artist = _artist(layer)
            if layer.moving:
                artist.set_animated(True)
                moving.append(artist)
                if layer.kind == "text":
                    self._text_bases[id(artist)] = text_path(layer, theme)
            add(artist)
            self.artists.append((layer, artist))
        for paths, artist in texts.values():
            artist.set_path(
                compound([(path.vertices, path.codes) for path in paths if len(path.vertices) > 1])
            )
        self._moving = moving
        self._moving_layers = [(layer, artist) for layer, artist in self.artists if layer.moving]
        self._layer_of = {id(artist): layer for layer, artist in self._moving_layers}
        self._moving_extents = _MovingExtents(
            self._moving_layers,
            self._text_bases,
            origin=(self._limits[0][0], self._limits[1][0]),
            unit_px=unit_pixels(self.dpi),
            dpi=self.dpi,
            size=self.size,
        )

    def _make_figure(self) -> None:
        # A real Figure and Axes, with new artists on them: from here on frames are
        # drawn on its Agg canvas, as matplotlib draws it.
        from matplotlib.figure import Figure

        with matplotlib_defaults():
            figure = Figure(figsize=self._inches, dpi=self.dpi)
            figure.patch.set_facecolor(self.drawing.theme.background)
            canvas = FigureCanvasAgg(figure)
            axes = figure.add_axes((0, 0, 1, 1))
            axes.set_axis_off()
            axes.set_xlim(*self._limits[0])
            axes.set_ylim(*self._limits[1])
            self._place_artists(axes.add_artist)
            canvas.draw()
        self._figure, self._axes, self.canvas = figure, axes, canvas
        self._background = canvas.copy_from_bbox(figure.bbox)
        self._drawn_box = None
        self._replays = None

    @property
    def figure(self) -> Figure:
        """The matplotlib Figure of the scene (made on first use)."""
        if self._figure is None:
            self._make_figure()
        return self._figure

    @property
    def axes(self) -> Axes:
        """The figure's one Axes, spanning it, axis off, in plane units."""
        if self._axes is None:
            self._make_figure()
        return self._axes

    def _sized(
        self,
        width: int | None,
        height: int | None,
        canvas: tuple[int, int] | None,
        fit: bool,
    ) -> tuple[int, int, tuple[float, float]]:
        """Pixel size, dpi (set on self) and the drawing's margin (left, bottom) in
        pixels for an exact width, height or canvas."""
        xmin, xmax, ymin, ymax = self.drawing.extent
        edge = 2 * self.drawing.edge
        # The drawing's size in inches, border included.
        inches = np.array([xmax - xmin + edge, ymax - ymin + edge]) * unit_pixels(1.0)
        if width is not None:
            self.dpi = width / inches[0]
        elif height is not None:
            self.dpi = height / inches[1]
        elif fit:
            self.dpi = float(min(canvas[0] / inches[0], canvas[1] / inches[1]))
        drawn = inches * self.dpi
        sides = [width, height]
        for axis in (0, 1):
            if sides[axis] is None:
                sides[axis] = max(1, round(drawn[axis]))
        if canvas is None:
            check_size(*sides, self.dpi)
            return sides[0], sides[1], (0.0, 0.0)
        for axis, name in ((0, "width"), (1, "height")):
            if sides[axis] > canvas[axis]:
                from ..errors import SpecError

                raise SpecError(
                    f"canvas = {canvas[0]}x{canvas[1]} is not valid: expected a canvas at "
                    f"least as big as the drawing ({sides[0]}x{sides[1]} px; give a smaller "
                    "dpi, width or height, or none to fit the drawing to the canvas)",
                    parameter="canvas",
                    value=canvas,
                    expected=f"{name} >= {sides[axis]}",
                )
        check_size(*canvas, self.dpi)
        margin = ((canvas[0] - drawn[0]) / 2, (canvas[1] - drawn[1]) / 2)
        return canvas[0], canvas[1], margin

    @property
    def transparent(self) -> bool:
        """Whether the background lets the page show through (frames carry alpha)."""
        return self.drawing.theme.background[3] < 1

    def __len__(self) -> int:
        return self.drawing.frames

    def _moving_area(self, index: int) -> tuple[tuple[int, int, int, int] | None, list]:
        # From the layers' own coordinates: no matplotlib extents per artist per frame.
        box, drawn = self._moving_extents.area(index)
        return box, [artist for artist, shown in zip(self._moving, drawn, strict=True) if shown]

    def _update(self, index: int, artists: list | None = None) -> None:
        if artists is None:
            pairs = self._moving_layers
        else:
            pairs = [(self._layer_of[id(artist)], artist) for artist in artists]
        for layer, artist in pairs:
            if layer.kind == "polygons":
                artist.set_verts(layer.at(index))
            elif layer.kind == "segments":
                _set_segments(artist, layer.at(index))
            elif layer.kind == "polygon":
                artist.set_xy(layer.at(index)[0])
            else:
                template = self._text_bases[id(artist)]
                artist.set_path(_moved_path(template.vertices + layer.shift[index], template))
