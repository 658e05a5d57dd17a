"""A matplotlib scene for one animation: built once, then only moving artists change.

The static part (dashed grid, input cells, and in the flat look the output plane) is
drawn once and cached as a pixel background. Each frame restores that background and
draws only the moving artists, in the tutorial's drawing order: window shade, window
grid, connecting lines, output plane (over the lines, which it hides), output cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.path import Path as MplPath

from ..plan import CellKind, Plan, plan
from ..spec import Spec
from ..values import Numbers, format_number
from ._blit import BlittedScene
from ._checks import check_drawable, check_size
from ._look import (
    BASE02,
    BASE03,
    BLACK,
    BLUE,
    CYAN,
    SHADE_ALPHA,
    TUTORIAL,
    WHITE,
    Look,
    points_to_units,
)
from ._text import EMPTY_PATH
from ._text import compound as _compound
from ._text import glyphs as _glyphs
from ._text import text_patch as _text_patch

__all__ = ["Scene"]


@dataclass(frozen=True, slots=True, kw_only=True)
class _View:
    """A plan seen as 2-D (a 1-D plan becomes one row)."""

    grid_kind: np.ndarray  # (rows, cols)
    window_origin: np.ndarray  # (F, 2) row, col
    tap_offset: np.ndarray  # (T, 2)
    kernel_extent: tuple[int, int]
    output_cell: np.ndarray  # (F, 2)
    output_size: tuple[int, int]


def _view(the_plan: Plan) -> _View:
    spec = the_plan.spec
    if spec.ndim == 2:
        return _View(
            grid_kind=the_plan.grid_kind,
            window_origin=the_plan.window_origin,
            tap_offset=the_plan.tap_offset,
            kernel_extent=spec.kernel_extent,
            output_cell=the_plan.output_cell,
            output_size=spec.output_size,
        )
    if spec.ndim == 1:

        def row(array: np.ndarray) -> np.ndarray:
            return np.concatenate([np.zeros_like(array), array], axis=-1)

        return _View(
            grid_kind=the_plan.grid_kind[None, :],
            window_origin=row(the_plan.window_origin),
            tap_offset=row(the_plan.tap_offset),
            kernel_extent=(1, spec.kernel_extent[0]),
            output_cell=row(the_plan.output_cell),
            output_size=(1, spec.output_size[0]),
        )
    check_drawable(the_plan)
    raise AssertionError("unreachable: check_drawable refuses more than 2 axes")


def _mpl_points(tex_points: float) -> float:
    # matplotlib's points are 1/72 inch; TeX's (and so TikZ's) are 1/72.27 inch.
    return tex_points * 72.0 / 72.27


class _Plane:
    """One grid of ``rows x cols`` cells drawn through an affine map into the drawing."""

    def __init__(self, rows: int, cols: int, matrix: np.ndarray, shift: np.ndarray) -> None:
        self.rows, self.cols = rows, cols
        self.matrix, self.shift = matrix, shift

    def map(self, points: np.ndarray) -> np.ndarray:
        """Plane (x, y) points, y up, to drawing coordinates."""
        return points @ self.matrix.T + self.shift

    def corner(self, row: np.ndarray | float, col: np.ndarray | float) -> np.ndarray:
        """Drawing position of the grid point at (row, col), row 0 at the top."""
        row, col = np.broadcast_arrays(np.asarray(row, float), np.asarray(col, float))
        return self.map(np.stack([col, self.rows - row], axis=-1))

    def quads(self, cells: np.ndarray, height: int = 1, width: int = 1) -> np.ndarray:
        """Drawing-space quadrilaterals of blocks starting at ``cells`` (N, 2), (N, 4, 2)."""
        row, col = cells[:, 0:1], cells[:, 1:2]
        return np.stack(
            [
                self.corner(row, col)[:, 0],
                self.corner(row, col + width)[:, 0],
                self.corner(row + height, col + width)[:, 0],
                self.corner(row + height, col)[:, 0],
            ],
            axis=1,
        )

    def grid_segments(self, row: int, col: int, height: int, width: int) -> np.ndarray:
        """Segments of a grid over a block of cells: horizontals then verticals."""
        horizontal = [
            (self.corner(row + r, col), self.corner(row + r, col + width))
            for r in range(height + 1)
        ]
        vertical = [
            (self.corner(row + height, col + c), self.corner(row, col + c))
            for c in range(width + 1)
        ]
        return np.array(horizontal + vertical)

    def outline(self) -> np.ndarray:
        return self.quads(np.array([[0, 0]]), self.rows, self.cols)[0]


class Scene(BlittedScene):
    """Draws every frame of one spec's plan.

    Parameters
    ----------
    spec : Spec or Plan
        What to draw (1 or 2 axes).
    look : Look
        Style (:data:`~convanim.render._look.TUTORIAL` or ``FLAT``).
    dpi : float, optional
        Pixels per inch; the tutorial's 150 by default.
    numbers : Numbers, optional
        Values to print: the input (and zeros) in every grid cell, the kernel's weights
        small at the bottom-right of each tap, the output with one decimal.
    labels : bool
        Write "input" and "output" beside the planes.
    caption : bool
        Write the spec and its output-size arithmetic under the drawing.

    Notes
    -----
    The scene is a :class:`~convanim.writers.FrameSource`: ``len(scene)`` frames of
    ``scene.size`` (width, height) pixels, from :meth:`frames` or :meth:`frame`.
    """

    def __init__(
        self,
        spec: Spec | Plan,
        look: Look = TUTORIAL,
        *,
        dpi: float | None = None,
        numbers: Numbers | None = None,
        labels: bool = False,
        caption: bool = False,
    ) -> None:
        self.spec = spec.spec if isinstance(spec, Plan) else spec
        check_drawable(self.spec)
        self.look = look
        self.dpi = float(dpi if dpi is not None else look.dpi)
        self.numbers = numbers
        self.labels = labels
        self.caption = caption
        if self.spec.ndim == 1:
            (rows, cols), (out_rows, out_cols) = (
                (1, *self.spec.grid_size),
                (1, *self.spec.output_size),
            )
        else:
            (rows, cols), (out_rows, out_cols) = self.spec.grid_size, self.spec.output_size
        self.input_plane = _Plane(rows, cols, look.slant, np.zeros(2))
        if look.output_shift == "above":
            shift = np.array([points_to_units(look.nudge), rows + 1.0])
        else:
            shift = np.array([cols + 1.0, float((rows - out_rows) // 2)])
        self.output_plane = _Plane(out_rows, out_cols, look.slant, shift)
        # Refuse a picture too big to hold before planning it (labels and caption, added
        # later, only widen it by a little and are checked again with the figure).
        self._label_path = self._caption_path = EMPTY_PATH
        xmin, xmax, ymin, ymax = self._extent()
        check_size(self._pixels(xmax - xmin), self._pixels(ymax - ymin), self.dpi)
        self.plan = spec if isinstance(spec, Plan) else plan(spec)
        self.view = _view(self.plan)
        self._build_texts()
        self._prepare_motion()
        self._build_figure()

    # -- geometry ------------------------------------------------------------------
    def _extent(self) -> tuple[float, float, float, float]:
        corners = np.concatenate([self.input_plane.outline(), self.output_plane.outline()])
        (xmin, ymin), (xmax, ymax) = corners.min(axis=0), corners.max(axis=0)
        margin = self.look.margin
        xmin, xmax, ymin, ymax = xmin - margin, xmax + margin, ymin - margin, ymax + margin
        if self.numbers is not None and self.numbers.tap_weight is not None and self.look.margin:
            # A weight's text box (1 cm, centred 0.2 above a tap's bottom) reaches 0.3
            # units further down than a cell's: room for it when the window is low.
            ymin -= 0.3
        for path in (self._label_path, self._caption_path):
            if len(path.vertices) > 1:
                (x0, y0), (x1, y1) = path.vertices.min(axis=0), path.vertices.max(axis=0)
                xmin, xmax, ymin, ymax = min(xmin, x0), max(xmax, x1), min(ymin, y0), max(ymax, y1)
        return xmin, xmax, ymin, ymax

    # -- numbers, labels, caption ---------------------------------------------------
    def _build_texts(self) -> None:
        """Every string the scene prints, and its outline in drawing coordinates."""
        view, numbers = self.view, self.numbers
        plane_in, plane_out = self.input_plane, self.output_plane
        rows, cols = view.grid_kind.shape
        self.input_texts: dict[tuple[int, int], str] = {}
        self.output_texts: dict[tuple[int, int], str] = {}
        self._weight_glyphs: list[tuple[np.ndarray, np.ndarray]] = []
        self._weight_texts: list[str] = []
        pieces_in, pieces_out = [], []
        if numbers is not None:
            grid = numbers.grid.reshape(rows, cols)
            size_in, size_small = points_to_units(8), points_to_units(5)
            for (row, col), value in np.ndenumerate(grid):
                text = format_number(value)
                self.input_texts[(row, col)] = text
                vertices, codes = _glyphs(text, size_in)
                centre = np.array([col + 0.5, rows - row - 0.5])
                pieces_in.append((plane_in.map(vertices + centre), codes))
            output = numbers.output.reshape(view.output_size)
            for (row, col), value in np.ndenumerate(output):
                text = format_number(value, decimals=1)
                self.output_texts[(row, col)] = text
                vertices, codes = _glyphs(text, size_small)
                centre = np.array([col + 0.5, plane_out.rows - row - 0.5])
                pieces_out.append((plane_out.map(vertices + centre), codes))
            if numbers.tap_weight is not None:
                for value in numbers.tap_weight:
                    text = format_number(value)
                    self._weight_texts.append(text)
                    self._weight_glyphs.append(_glyphs(text, size_small))
        self._input_numbers_path = _compound(pieces_in)
        self._output_numbers_path = _compound(pieces_out)

        label_pieces = []
        if self.labels:
            size = points_to_units(8)
            for plane, text in ((plane_in, "input"), (plane_out, "output")):
                outline = plane.outline()
                if self.look.output_shift == "right":
                    # Flat planes sit one unit apart: a label goes above its plane.
                    top = np.array([outline[:, 0].mean(), outline[:, 1].max() + 0.55])
                    vertices, codes = _glyphs(text, size, prose=True)
                    label_pieces.append((vertices + top, codes))
                else:
                    left = outline[outline[:, 0].argmin()]
                    vertices, codes = _glyphs(text, size, align="right", prose=True)
                    label_pieces.append((vertices + left - np.array([0.35, 0]), codes))
        self._label_path = _compound(label_pieces)

        caption_pieces = []
        if self.caption:
            corners = np.concatenate([plane_in.outline(), plane_out.outline()])
            (xmin, ymin), (xmax, _) = corners.min(axis=0), corners.max(axis=0)
            arithmetic = self.spec.output_arithmetic()
            if len(set(arithmetic)) == 1:
                arithmetic = ["output size: " + arithmetic[0]]
            elif len(arithmetic) == 2:
                arithmetic = [
                    f"{axis}: {line}"
                    for axis, line in zip(("rows", "columns"), arithmetic, strict=True)
                ]
            lines = [self.spec.describe(), *arithmetic]
            size = points_to_units(6.5)
            for number, line in enumerate(lines):
                vertices, codes = _glyphs(line, size, prose=True)
                centre = np.array([(xmin + xmax) / 2, ymin - 0.7 - 1.6 * size * number])
                caption_pieces.append((vertices + centre, codes))
        self._caption_path = _compound(caption_pieces)

    def drawn_texts(self, index: int) -> dict[str, dict[tuple[int, int], str]]:
        """Every number printed in frame ``index``, by grid cell: what the picture says.

        ``"input"`` maps slid-over grid cells (row, col) to their text, ``"kernel"`` the
        grid cells under the window's taps to the weight printed there, ``"output"``
        output cells to their text (one decimal).
        """
        if not self._weight_texts:
            kernel = {}
        else:
            taps = self.view.window_origin[index] + self.view.tap_offset
            kernel = {
                (int(row), int(col)): text
                for (row, col), text in zip(taps, self._weight_texts, strict=True)
            }
        return {
            "input": dict(self.input_texts),
            "kernel": kernel,
            "output": dict(self.output_texts),
        }

    def _pixels(self, units: float) -> int:
        """Image pixels for a drawing ``units`` wide, border and line allowance included.

        Rounded as the original pipeline did: to a 4x canvas first, then to the final
        size (both half up), which reproduces all 15 reference GIF sizes exactly.
        """
        points = units * points_to_units(1.0) ** -1 + 2 * (
            self.look.border + self.look.line_allowance
        )
        fine = np.floor(points / 72.27 * self.dpi * 4 + 0.5)
        return int(np.floor(fine / 4 + 0.5))

    # -- building ------------------------------------------------------------------
    def _build_figure(self) -> None:
        look = self.look
        xmin, xmax, ymin, ymax = self._extent()
        width_px, height_px = self._pixels(xmax - xmin), self._pixels(ymax - ymin)
        check_size(width_px, height_px, self.dpi)
        self.size = (width_px, height_px)
        figure = Figure(figsize=(width_px / self.dpi, height_px / self.dpi), dpi=self.dpi)
        figure.patch.set_facecolor(WHITE)
        canvas = FigureCanvasAgg(figure)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_axis_off()
        # Anchored at the bottom-left, as the original's PDF pages were; rounding the
        # size lands on the right and top margins.
        edge = points_to_units(look.border + look.line_allowance)
        left, bottom = xmin - edge, ymin - edge
        axes.set_xlim(left, left + width_px / self.unit_px)
        axes.set_ylim(bottom, bottom + height_px / self.unit_px)
        self.figure, self.canvas, self.axes = figure, canvas, axes

        thick, thin = _mpl_points(look.thick), _mpl_points(look.thin)
        view, plane_in, plane_out = self.view, self.input_plane, self.output_plane
        rows, cols = view.grid_kind.shape

        dash = tuple(_mpl_points(v) / thick for v in look.dash)  # matplotlib scales dashes by lw
        self.padding_grid = LineCollection(
            plane_in.grid_segments(0, 0, rows, cols),
            colors=[BASE03],
            linewidths=thick,
            linestyles=[(0, dash)],
            capstyle="butt",
            zorder=1,
        )
        real = np.argwhere(view.grid_kind == CellKind.INPUT)
        self.input_cells = PolyCollection(
            plane_in.quads(real),
            facecolors=[BLUE],
            edgecolors=[BASE03],
            linewidths=thick,
            joinstyle="miter",
            zorder=2,
        )
        shade = (*BASE02, SHADE_ALPHA)
        faint = (*BLACK, SHADE_ALPHA)
        # The templates fill each tap with base02 at 40 % opacity, thin black outline
        # included (so the outline is 40 % black too).
        self.window_shade = PolyCollection(
            [], facecolors=[shade], edgecolors=[faint], linewidths=thin, joinstyle="miter", zorder=3
        )
        self.window_grid = LineCollection(
            [], colors=[BASE03], linewidths=thick, capstyle="butt", zorder=4
        )
        self.lines = LineCollection([], colors=[BLACK], linewidths=thin, capstyle="butt", zorder=5)
        self.output_fill = Polygon(
            plane_out.outline(),
            closed=True,
            facecolor=CYAN,
            edgecolor=BLACK,
            linewidth=thin,
            joinstyle="miter",
            zorder=6,
        )
        self.output_grid = LineCollection(
            plane_out.grid_segments(0, 0, plane_out.rows, plane_out.cols),
            colors=[BASE03],
            linewidths=thick,
            capstyle="butt",
            zorder=6,
        )
        self.output_shade = Polygon(
            np.zeros((4, 2)),
            closed=True,
            facecolor=shade,
            edgecolor=faint,
            linewidth=thin,
            joinstyle="miter",
            zorder=7,
        )
        self.output_cell = Polygon(
            np.zeros((4, 2)),
            closed=True,
            facecolor="none",
            edgecolor=BASE03,
            linewidth=thick,
            joinstyle="miter",
            zorder=7,
        )
        self.input_numbers = _text_patch(2.5)
        self.input_numbers.set_path(self._input_numbers_path)
        self.kernel_numbers = _text_patch(4.5)
        self.output_numbers = _text_patch(6.5)
        self.output_numbers.set_path(self._output_numbers_path)
        self.annotations = _text_patch(8)
        self.annotations.set_path(
            _compound(
                [
                    (path.vertices, path.codes)
                    for path in (self._label_path, self._caption_path)
                    if len(path.vertices) > 1
                ]
            )
        )
        static = [self.padding_grid, self.input_cells, self.input_numbers, self.annotations]
        moving = [self.window_shade, self.window_grid, self.kernel_numbers]
        if look.connect:
            moving.append(self.lines)
        plane = [self.output_fill, self.output_grid, self.output_numbers]
        if self._lines_clipped or not look.connect:
            static += plane
        else:
            # The tutorial's literal order: the plane drawn over whole lines every frame.
            moving[moving.index(self.lines) + 1 : moving.index(self.lines) + 1] = plane
        moving += [self.output_shade, self.output_cell]
        for artist in static:
            axes.add_artist(artist)
        for artist in moving:
            artist.set_animated(True)
            axes.add_artist(artist)
        self._moving = moving
        canvas.draw()
        self._background = canvas.copy_from_bbox(figure.bbox)

    # -- frames --------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.plan)

    def _prepare_motion(self) -> None:
        """Everything that moves, drawn once at the window's first position.

        A window at grid cell (row, col) is the window at (0, 0) moved by the plane's
        map of (col, -row): per frame only that translation is added, so a frame costs
        a few array additions however big the kernel is.
        """
        view, plane_in, plane_out = self.view, self.input_plane, self.output_plane
        extent_rows, extent_cols = view.kernel_extent
        self._tap_quads = plane_in.quads(view.tap_offset)
        self._window_grid = plane_in.grid_segments(0, 0, extent_rows, extent_cols)
        self._window_outline = plane_in.quads(np.zeros((1, 2), int), extent_rows, extent_cols)[0]
        moves = np.stack([view.window_origin[:, 1], -view.window_origin[:, 0]], axis=1)
        self._window_shift = moves @ plane_in.matrix.T
        self._output_quads = plane_out.quads(view.output_cell)
        # The tutorial draws the lines whole, then the output plane over them. The two
        # planes never overlap in the picture: a plane point's height above the line
        # y = x/2 is its plane y (slant), so the input lies below y = x/2 + rows and
        # the raised output above y = x/2 + rows + 1. Stopping each line where it
        # enters the output plane therefore gives the same picture with the plane drawn
        # once, into the cached background. (Tests compare with the literal order.)
        self._lines_clipped = self.look.connect
        # Where every frame's four lines enter the output plane, for all frames at once.
        starts = self._window_outline[None] + self._window_shift[:, None]
        self._line_ends = self._entry_points(
            starts.reshape(-1, 2), self._output_quads.reshape(-1, 2)
        ).reshape(starts.shape)
        self._weight_path = None
        if self._weight_glyphs:
            rows = plane_in.rows
            pieces = [
                (plane_in.map(vertices + np.array([col + 0.8, rows - row - 1 + 0.2])), codes)
                for (row, col), (vertices, codes) in zip(
                    view.tap_offset, self._weight_glyphs, strict=True
                )
            ]
            self._weight_path = _compound(pieces)

    def _entry_points(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Where each segment start->end (ending on the output plane) enters that plane."""
        plane = self.output_plane
        inverse = np.linalg.inv(plane.matrix)
        local_start = (start - plane.shift) @ inverse.T
        local_end = (end - plane.shift) @ inverse.T
        step = local_end - local_start
        entry = np.zeros(len(start))
        for axis, high in ((0, plane.cols), (1, plane.rows)):
            with np.errstate(divide="ignore", invalid="ignore"):
                low_t = -local_start[:, axis] / step[:, axis]
                high_t = (high - local_start[:, axis]) / step[:, axis]
            near = np.where(step[:, axis] != 0, np.minimum(low_t, high_t), -np.inf)
            entry = np.maximum(entry, near)
        entry = np.clip(entry, 0.0, 1.0)[:, None]
        return start + entry * (end - start)

    def _update(self, index: int) -> None:
        shift = self._window_shift[index]
        self.window_shade.set_verts(self._tap_quads + shift)
        self.window_grid.set_segments(self._window_grid + shift)
        cell = self._output_quads[index]
        start = self._window_outline + shift
        end = self._line_ends[index] if self._lines_clipped else cell
        self.lines.set_segments(np.stack([start, end], axis=1))
        self.output_shade.set_xy(cell)
        self.output_cell.set_xy(cell)
        if self._weight_path is not None:
            self.kernel_numbers.set_path(
                MplPath(self._weight_path.vertices + shift, self._weight_path.codes)
            )
