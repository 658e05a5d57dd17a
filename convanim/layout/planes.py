"""The tutorial's and the flat look's layout: an input plane, an output plane, a window.

Geometry measured from conv_arithmetic's figures (../shared/reference/FACTS.md). The
input grid (padding and inserted zeros included) and the output grid are planes drawn
through an affine map: the tutorial's slant (its 3-D view) or the identity (the
numerical figures' flat view). What moves is precomputed once: the window at its first
position plus a per-frame translation, and the output cell per frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..plan import CellKind, Plan
from ..spec import Spec
from ..theme import Theme
from ..values import Numbers, format_number
from ._model import Drawing, Layer, Measure, Paint, TextBlock, points_to_units
from .fit import cut_segments, fit_numbers, number_boxes

__all__ = ["FLAT", "TUTORIAL", "Look", "plane_extent", "plane_layout"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Look:
    """Where a plane view puts things (how they are painted is the theme's).

    Attributes
    ----------
    name : str
        View name.
    slant : ndarray (2, 2)
        Linear map from plane coordinates (x right, y up) to drawing coordinates.
    output_shift : {"above", "right"}
        ``"above"``: output plane raised by (grid rows + 1) units and nudged left, the
        tutorial's 3-D view; ``"right"``: one unit right of the input, vertically
        centred, the numerical figures' flat view.
    connect : bool
        Draw the four thin lines from window to output cell.
    line_allowance : float
        TeX points added around the extent (TikZ counts half of a thick line).
    margin : float
        Plane units added around the extent (the numerical figures' 1 cm text boxes
        reach half a unit past the grids).
    nudge : float
        TeX points the raised output plane moves left (the tutorial's -5 pt at scale 0.5).
    """

    name: str
    slant: np.ndarray
    output_shift: str
    connect: bool
    line_allowance: float = 0.4
    margin: float = 0.0
    nudge: float = -2.5


TUTORIAL = Look(
    name="tutorial",
    # xslant=-0.7 then yslant=0.5: (x, y) -> (x - 0.7 y, 0.5 x + 0.65 y)
    slant=np.array([[1.0, -0.7], [0.5, 0.65]]),
    output_shift="above",
    connect=True,
)

FLAT = Look(
    name="flat",
    slant=np.eye(2),
    output_shift="right",
    connect=False,
    line_allowance=0.0,
    margin=0.5,
)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
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


class _Plane:
    """One grid of ``rows x cols`` cells drawn through an affine map into the drawing.

    The map is computed one element at a time (``x * a + y * b``, then the shift), not
    with a matrix product: an (N, 2) product goes to BLAS, whose kernels fuse the
    multiply and add by CPU, so a vertex's last bit would depend on how many points
    were mapped at once. This gives the bits of the (N, 1, 2) products the layouts
    made before, however the points are batched. (Other products remain: the window's
    shift and text placement still multiply (N, 2) arrays.)
    """

    def __init__(self, rows: int, cols: int, matrix: np.ndarray, shift: np.ndarray) -> None:
        self.rows, self.cols = rows, cols
        self.matrix, self.shift = matrix, shift
        (self._xx, self._xy), (self._yx, self._yy) = (
            (float(value) for value in row) for row in np.asarray(matrix, float)
        )
        self._shift_x, self._shift_y = (float(value) for value in shift)
        self._outline: np.ndarray | None = None

    def map(self, points: np.ndarray) -> np.ndarray:
        """Plane (x, y) points, y up, to drawing coordinates."""
        points = np.asarray(points, dtype=float)
        if points.shape[-1:] != (2,):
            raise ValueError(f"points is not valid: expected (..., 2), got {points.shape}")
        if points.shape == (2,):
            # One point (layouts map many, one at a time): Python floats round each
            # product and sum as numpy does, without an array per operation.
            x, y = float(points[0]), float(points[1])
            return np.array([self._x_of(x, y), self._y_of(x, y)])
        x, y = points[..., 0], points[..., 1]
        mapped = np.empty(points.shape)
        mapped[..., 0], mapped[..., 1] = self._x_of(x, y), self._y_of(x, y)
        return mapped

    # The map's two rows, for Python floats and numpy arrays alike (the same products
    # and sums, rounded the same way).
    def _x_of(self, x, y):
        return x * self._xx + y * self._xy + self._shift_x

    def _y_of(self, x, y):
        return x * self._yx + y * self._yy + self._shift_y

    def corner(self, row: np.ndarray | float, col: np.ndarray | float) -> np.ndarray:
        """Drawing position of the grid point at (row, col), row 0 at the top."""
        if np.ndim(row) == 0 and np.ndim(col) == 0:
            x, y = float(col), self.rows - float(row)
            return np.array([self._x_of(x, y), self._y_of(x, y)])
        row, col = np.asarray(row, float), np.asarray(col, float)
        points = np.empty((*np.broadcast_shapes(row.shape, col.shape), 2))
        points[..., 0] = col
        points[..., 1] = self.rows - row
        return self.map(points)

    def quads(self, cells: np.ndarray, height: int = 1, width: int = 1) -> np.ndarray:
        """Drawing-space quadrilaterals of blocks starting at ``cells`` (N, 2), (N, 4, 2)."""
        row, col = cells[:, 0], cells[:, 1]
        # Corners: top-left, top-right, bottom-right, bottom-left, as (x, y up).
        points = np.empty((len(cells), 4, 2))
        points[:, 0, 0] = points[:, 3, 0] = col
        points[:, 1, 0] = points[:, 2, 0] = col + width
        points[:, 0, 1] = points[:, 1, 1] = self.rows - np.asarray(row, float)
        points[:, 2, 1] = points[:, 3, 1] = self.rows - np.asarray(row + height, float)
        return self.map(points)

    def grid_segments(self, row: int, col: int, height: int, width: int) -> np.ndarray:
        """Segments of a grid over a block of cells: horizontals then verticals."""
        rows = np.arange(row, row + height + 1)
        cols = np.arange(col, col + width + 1)
        points = np.empty((height + width + 2, 2, 2))
        horizontal, vertical = points[: height + 1], points[height + 1 :]
        horizontal[:, 0, 0], horizontal[:, 1, 0] = col, col + width
        horizontal[:, :, 1] = (self.rows - rows.astype(float))[:, None]
        vertical[:, :, 0] = cols[:, None]
        vertical[:, 0, 1], vertical[:, 1, 1] = self.rows - (row + height), self.rows - row
        return self.map(points)

    def outline(self) -> np.ndarray:
        """The plane's four corners (4, 2), read-only: made once, read per frame."""
        if self._outline is None:
            outline = self.quads(np.array([[0, 0]]), self.rows, self.cols)[0]
            outline.flags.writeable = False
            self._outline = outline
        return self._outline


def _planes(spec: Spec, look: Look) -> tuple[_Plane, _Plane]:
    if spec.ndim == 1:
        (rows, cols), (out_rows, out_cols) = (1, *spec.grid_size), (1, *spec.output_size)
    else:
        (rows, cols), (out_rows, out_cols) = spec.grid_size, spec.output_size
    plane_in = _Plane(rows, cols, look.slant, np.zeros(2))
    if look.output_shift == "above":
        shift = np.array([points_to_units(look.nudge), rows + 1.0])
    else:
        shift = np.array([cols + 1.0, float((rows - out_rows) // 2)])
    return plane_in, _Plane(out_rows, out_cols, look.slant, shift)


def _grids_extent(
    plane_in: _Plane, plane_out: _Plane, look: Look
) -> tuple[float, float, float, float]:
    corners = np.concatenate([plane_in.outline(), plane_out.outline()])
    (xmin, ymin), (xmax, ymax) = corners.min(axis=0), corners.max(axis=0)
    margin = look.margin
    return xmin - margin, xmax + margin, ymin - margin, ymax + margin


def plane_extent(
    spec: Spec, look: Look, theme: Theme
) -> tuple[tuple[float, float, float, float], float]:
    """The grids' extent and the border (TeX points), before anything is planned.

    Labels and a caption widen the picture only a little; this is what a size check
    reads before it lets the spec be planned.
    """
    plane_in, plane_out = _planes(spec, look)
    return _grids_extent(plane_in, plane_out, look), theme.border + look.line_allowance


# How far a number's ink may reach from its anchor (left, bottom, right, top), in plane
# units: a cell's number stays 0.05 inside its cell; a weight, drawn at a tap's
# bottom-right corner (0.8, 0.2), inside that corner's 0.34-unit square.
CELL_ROOM = (-0.45, -0.45, 0.45, 0.45)
WEIGHT_ROOM = (-0.17, -0.17, 0.17, 0.17)
# A weight too wide for its corner is drawn right-aligned 0.03 inside the tap's right
# edge instead, and may reach left across the tap's bottom.
WEIGHT_RIGHT, WEIGHT_WIDE_ROOM = 0.97, (-0.9, -0.17, 0.0, 0.17)
# ...and the cell's number then sits above it, its ink between 0.4 and 0.95.
NUMBER_RAISE, RAISED_ROOM = 0.175, (-0.45, -0.275, 0.45, 0.275)
LINE_GAP = 0.05  # plane units kept clear around a digit a connecting line passes


def _paint_lines(color, width: float, **extra) -> Paint:
    return Paint(edge=color, width=width, cap="butt", **extra)


def plane_layout(
    the_plan: Plan,
    look: Look,
    *,
    theme: Theme,
    measure: Measure,
    numbers: Numbers | None = None,
    labels: bool = False,
    caption: bool = False,
) -> Drawing:
    """The drawing of every frame of ``the_plan`` in ``look``.

    Parameters
    ----------
    the_plan : Plan
        A plan of 1 or 2 axes.
    look : Look
        :data:`TUTORIAL` or :data:`FLAT`.
    theme : Theme
        Colours, widths, sizes.
    measure : Measure
        The backend's text extents (labels and captions widen the picture).
    numbers : Numbers, optional
        Values to print: the input (and zeros) in every grid cell, the kernel's weights
        small at the bottom-right of each tap, the output with one decimal.
    labels, caption : bool
        "input"/"output" beside the planes; the spec and its arithmetic underneath.

    Returns
    -------
    Drawing
    """
    spec = the_plan.spec
    view = _view(the_plan)
    plane_in, plane_out = _planes(spec, look)
    rows, cols = view.grid_kind.shape
    slant = plane_in.matrix
    layers: list[Layer] = []

    def add(role: str, kind: str, z: float, paint: Paint, geometry=None, **motion) -> None:
        if geometry is None:
            geometry = np.zeros((0, 1, 2))
        layers.append(Layer(role=role, kind=kind, z=z, paint=paint, geometry=geometry, **motion))

    thick, thin = theme.thick, theme.thin
    if theme.padding_fill[3] > 0:
        # Cells that are not input (padding, inserted zeros) filled, under their dashed
        # grid; the tutorial leaves them the page's colour (and draws no layer).
        add(
            "padding_fill",
            "polygons",
            0.5,
            Paint(fill=theme.padding_fill),
            plane_in.quads(np.argwhere(view.grid_kind != CellKind.INPUT)),
        )
    add(
        "padding",
        "segments",
        1,
        _paint_lines(theme.padding, thick, dash=theme.dash),
        plane_in.grid_segments(0, 0, rows, cols),
    )
    real = np.argwhere(view.grid_kind == CellKind.INPUT)
    add(
        "input",
        "polygons",
        2,
        Paint(fill=theme.input, edge=theme.input_edge, width=thick, join="miter"),
        plane_in.quads(real),
    )
    text = Paint(fill=theme.text)

    # -- motion: the window at its first position, moved by the plane's map of
    # (col, -row) per frame, so a frame costs a few additions however big the kernel.
    extent_rows, extent_cols = view.kernel_extent
    tap_quads = plane_in.quads(view.tap_offset)
    window_grid = plane_in.grid_segments(0, 0, extent_rows, extent_cols)
    window_outline = plane_in.quads(np.zeros((1, 2), int), extent_rows, extent_cols)[0]
    moves = np.stack([view.window_origin[:, 1], -view.window_origin[:, 0]], axis=1)
    window_shift = moves @ plane_in.matrix.T
    output_quads = plane_out.quads(view.output_cell)
    frame_count = len(output_quads)
    one_each = np.arange(frame_count + 1)

    # Ink boxes of the numbers in the input plane (static, and the window's at frame 0),
    # which the connecting lines pass behind.
    input_boxes = weight_boxes = np.zeros((0, 4))
    if numbers is not None:
        placed = _input_plane_numbers(numbers, view, theme, measure)
        (strings, size, anchors, _), weights = placed["input"], placed.get("weights")
        input_boxes = number_boxes(strings, size, anchors, measure)
        add(
            "input_numbers",
            "text",
            2.5,
            text,
            text=TextBlock(
                strings=strings,
                anchors=anchors,
                size=size,
                matrix=slant,
                offset=plane_in.shift,
                cells=tuple((int(r), int(c)) for r, c in np.ndindex(rows, cols)),
            ),
        )
    shade = Paint(fill=theme.window_shade, edge=theme.window_edge, width=thin, join="miter")
    add("window_shade", "polygons", 3, shade, tap_quads, shift=window_shift)
    add(
        "window_grid",
        "segments",
        4,
        _paint_lines(theme.window_grid, thick),
        window_grid,
        shift=window_shift,
    )
    if numbers is not None and numbers.tap_weight is not None:
        offsets = view.tap_offset
        strings, size, anchors, align = weights
        weight_boxes = number_boxes(strings, size, anchors, measure, align)
        add(
            "kernel_numbers",
            "text",
            4.5,
            text,
            text=TextBlock(
                strings=strings,
                anchors=anchors,
                size=size,
                align=align,
                matrix=slant,
                offset=plane_in.shift,
                cells=tuple((int(row), int(col)) for row, col in offsets),
            ),
            shift=window_shift,
        )
    if look.connect:
        # The tutorial draws the lines whole, then the output plane over them. The two
        # planes never overlap in the picture: a plane point's height above the line
        # y = x/2 is its plane y (slant), so the input lies below y = x/2 + rows and
        # the raised output above y = x/2 + rows + 1. Stopping each line where it
        # enters the output plane gives the same picture with the plane static.
        starts = window_outline[None] + window_shift[:, None]
        ends = _entry_points(plane_out, starts.reshape(-1, 2), output_quads.reshape(-1, 2)).reshape(
            starts.shape
        )
        segments = np.stack([starts, ends], axis=2).reshape(-1, 2, 2)
        frame_starts = one_each * 4
        if len(input_boxes) or len(weight_boxes):
            segments, frame_starts = _behind_numbers(
                segments.reshape(frame_count, 4, 2, 2),
                plane_in,
                input_boxes,
                weight_boxes,
                window_shift,
            )
        add(
            "lines",
            "segments",
            5,
            _paint_lines(theme.lines, thin),
            frames=segments,
            frame_starts=frame_starts,
        )
    add(
        "output",
        "polygon",
        6,
        Paint(fill=theme.output, edge=theme.output_edge, width=thin, join="miter"),
        plane_out.outline()[None],
    )
    add(
        "output_grid",
        "segments",
        6,
        _paint_lines(theme.output_grid, thick),
        plane_out.grid_segments(0, 0, plane_out.rows, plane_out.cols),
    )
    if numbers is not None:
        output = numbers.output.reshape(view.output_size)
        out_cells = tuple((int(r), int(c)) for r, c in np.ndindex(*view.output_size))
        strings, size = fit_numbers(
            output,
            size=points_to_units(theme.small_size),
            measure=measure,
            room=CELL_ROOM,
            decimals=1,
        )
        add(
            "output_numbers",
            "text",
            6.5,
            text,
            text=TextBlock(
                strings=strings,
                anchors=np.array(
                    [[c + 0.5, plane_out.rows - r - 0.5] for r, c in out_cells], float
                ),
                size=size,
                matrix=slant,
                offset=plane_out.shift,
                cells=out_cells,
            ),
        )
    cell_shade = Paint(fill=theme.output_shade, edge=theme.window_edge, width=thin, join="miter")
    add("output_shade", "polygon", 7, cell_shade, frames=output_quads, frame_starts=one_each)
    add(
        "output_cell",
        "polygon",
        7,
        Paint(edge=theme.output_cell, width=thick, join="miter"),
        frames=output_quads,
        frame_starts=one_each,
    )

    xmin, xmax, ymin, ymax = _grids_extent(plane_in, plane_out, look)
    if numbers is not None and numbers.tap_weight is not None and look.margin:
        # A weight's text box (1 cm, centred 0.2 above a tap's bottom) reaches 0.3
        # units further down than a cell's: room for it when the window is low.
        ymin -= 0.3
    words = _annotations(spec, plane_in, plane_out, look, theme, labels=labels, caption=caption)
    for block in words:
        add("annotations", "text", 8, text, text=block)
    return Drawing(
        view=look.name,
        layers=tuple(layers),
        frames=frame_count,
        extent=grow_extent((xmin, xmax, ymin, ymax), words, measure),
        border=theme.border + look.line_allowance,
        rounding="tex",
        theme=theme,
    )


def _annotations(
    spec: Spec,
    plane_in: _Plane,
    plane_out: _Plane,
    look: Look,
    theme: Theme,
    *,
    labels: bool,
    caption: bool,
    corners: np.ndarray | None = None,
    names: tuple[str, str] = ("input", "output"),
    lines: list[str] | None = None,
) -> list[TextBlock]:
    """Labels beside the planes and the caption underneath, in drawing coordinates.

    ``corners`` (the points the caption goes under; both planes' by default), ``names``
    (the labels) and ``lines`` (the caption) let a stack of planes share this.
    """
    blocks = []
    if labels:
        size = points_to_units(theme.label_size)
        anchors, align = [], "center"
        for plane in (plane_in, plane_out):
            outline = plane.outline()
            if look.output_shift == "right":
                # Flat planes sit one unit apart: a label goes above its plane.
                anchors.append([outline[:, 0].mean(), outline[:, 1].max() + 0.55])
            else:
                left = outline[outline[:, 0].argmin()]
                anchors.append(left - np.array([0.35, 0]))
                align = "right"
        blocks.append(
            TextBlock(
                strings=tuple(names),
                anchors=np.array(anchors, float),
                size=size,
                align=align,
                font="prose",
            )
        )
    if caption:
        if corners is None:
            corners = np.concatenate([plane_in.outline(), plane_out.outline()])
        (xmin, ymin), (xmax, _) = corners.min(axis=0), corners.max(axis=0)
        if lines is None:
            lines = caption_lines(spec)
        size = points_to_units(theme.caption_size)
        blocks.append(
            TextBlock(
                strings=tuple(lines),
                anchors=np.array(
                    [
                        [(xmin + xmax) / 2, ymin - 0.7 - 1.6 * size * number]
                        for number in range(len(lines))
                    ]
                ),
                size=size,
                font="prose",
            )
        )
    return blocks


def grow_extent(
    extent: tuple[float, float, float, float], blocks: list[TextBlock], measure: Measure
) -> tuple[float, float, float, float]:
    """``extent`` grown to hold every string of ``blocks`` (blocks without a slant)."""
    xmin, xmax, ymin, ymax = extent
    for block in blocks:
        for index in range(len(block)):
            string, size, align, font = block.item(index)
            x0, y0, x1, y1 = measure(string, size, align, font)
            ax, ay = block.anchors[index]
            xmin, xmax = min(xmin, ax + x0), max(xmax, ax + x1)
            ymin, ymax = min(ymin, ay + y0), max(ymax, ay + y1)
    return float(xmin), float(xmax), float(ymin), float(ymax)


def _input_plane_numbers(numbers: Numbers, view: _View, theme: Theme, measure: Measure) -> dict:
    """The input plane's numbers and the window's weights, fitted to their cells:
    ``{"input": (strings, size, anchors, align), "weights": (...)}``.

    As the tutorial prints them when they fit: the number at its cell's centre, the
    weight small at the tap's bottom-right (0.8, 0.2). Otherwise the weight goes
    right-aligned along the tap's bottom and the number above it, so neither runs
    into the other.
    """
    rows, cols = view.grid_kind.shape
    anchors = np.array([[c + 0.5, rows - r - 0.5] for r, c in np.ndindex(rows, cols)], float)
    big = points_to_units(theme.number_size)
    grid = numbers.grid.reshape(-1)
    placed = {"input": (*fit_numbers(grid, size=big, measure=measure, room=CELL_ROOM), anchors)}
    if numbers.tap_weight is None:
        return {"input": (*placed["input"], "center")}
    small = points_to_units(theme.small_size)
    offsets = view.tap_offset
    tap_anchors = np.array([[col + 0.8, rows - row - 1 + 0.2] for row, col in offsets], float)
    strings, size = fit_numbers(numbers.tap_weight, size=small, measure=measure, room=WEIGHT_ROOM)
    as_printed = strings == tuple(map(format_number, numbers.tap_weight)) and size == small
    input_strings, input_size, _ = placed["input"]
    if as_printed and input_strings == tuple(map(format_number, grid)) and input_size == big:
        return {
            "input": (input_strings, input_size, anchors, "center"),
            "weights": (strings, size, tap_anchors, "center"),
        }
    tap_anchors[:, 0] += WEIGHT_RIGHT - 0.8
    strings, size = fit_numbers(
        numbers.tap_weight, size=small, measure=measure, room=WEIGHT_WIDE_ROOM, align="right"
    )
    raised = anchors + np.array([0.0, NUMBER_RAISE])
    input_strings, input_size = fit_numbers(grid, size=big, measure=measure, room=RAISED_ROOM)
    return {
        "input": (input_strings, input_size, raised, "center"),
        "weights": (strings, size, tap_anchors, "right"),
    }


def _behind_numbers(
    segments: np.ndarray,
    plane: _Plane,
    input_boxes: np.ndarray,
    weight_boxes: np.ndarray,
    window_shift: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The connecting lines (F, 4, 2, 2) cut where they cross a digit of the input plane
    (its numbers, and the window's weights where the window is in each frame): the
    pieces, and each frame's first piece (F + 1)."""
    inverse = np.linalg.inv(plane.matrix)
    local = (segments - plane.shift) @ inverse.T
    moves = window_shift @ inverse.T  # the window's move in plane coordinates
    pieces, starts = [], [0]
    for frame, lines in enumerate(local):
        boxes = np.concatenate([input_boxes, weight_boxes + np.tile(moves[frame], 2)])
        kept = cut_segments(lines, boxes, LINE_GAP)
        pieces.append(kept @ plane.matrix.T + plane.shift)
        starts.append(starts[-1] + len(kept))
    return np.concatenate(pieces), np.array(starts)


def caption_lines(spec: Spec) -> list[str]:
    """The caption: the spec, then its output-size arithmetic (per axis when they differ)."""
    arithmetic = spec.output_arithmetic()
    if len(set(arithmetic)) == 1:
        arithmetic = ["output size: " + arithmetic[0]]
    else:
        names = ("depth", "rows", "columns")[3 - len(arithmetic) :]
        arithmetic = [f"{axis}: {line}" for axis, line in zip(names, arithmetic, strict=True)]
    return [spec.describe(), *arithmetic]


def _entry_points(plane: _Plane, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Where each segment start->end (ending on ``plane``) enters that plane."""
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
