"""The matrix view's layout: a convolution as ``y = C x``, one row of ``C`` per frame.

Unrolling input and output row by row, a linear op is a sparse matrix ``C``
(:func:`~convanim.compute.conv_matrix`): row ``f`` holds the weights that frame ``f``'s
window gives each input cell. The picture puts the unrolled input ``x`` above ``C`` (one
cell per column) and the output ``y`` to its right (one cell per row); each frame shades
a row of ``C``, the inputs it reads and the output it writes. A transposed convolution
is drawn as ``Cᵀ``, beside the ``C`` of its convolution with the matching column shaded.
"""

from __future__ import annotations

import numpy as np

from ..compute import conv_matrix
from ..errors import SpecError
from ..plan import Plan
from ..spec import Spec
from ..theme import Theme
from ..values import format_number
from ._model import Drawing, Layer, Measure, Paint, TextBlock, points_to_units

__all__ = ["MATRIX_BORDER", "forward_matrix", "matrix_layout", "matrix_pixel_bounds"]

MATRIX_BORDER = 10.4
"""Border around the matrix view, in TeX points (the tutorial's 10 pt and a line)."""


def _boxes(cells: np.ndarray) -> np.ndarray:
    """Unit squares with lower-left corners ``cells`` (N, 2) as (N, 4, 2) polygons."""
    offsets = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    return cells[:, None, :].astype(float) + offsets[None]


def _grid(x0: float, y0: float, cols: int, rows: int) -> np.ndarray:
    horizontal = [((x0, y0 + r), (x0 + cols, y0 + r)) for r in range(rows + 1)]
    vertical = [((x0 + c, y0), (x0 + c, y0 + rows)) for c in range(cols + 1)]
    return np.array(horizontal + vertical, dtype=float)


class _Panel:
    """One matrix drawn with its lower-left corner at ``origin`` (plane units, y up)."""

    def __init__(self, matrix: np.ndarray, origin: tuple[float, float]) -> None:
        self.matrix = matrix
        self.origin = np.asarray(origin, dtype=float)

    def cell(self, row: np.ndarray | int, col: np.ndarray | int) -> np.ndarray:
        """Lower-left corners of matrix cells (row 0 at the top)."""
        rows = self.matrix.shape[0]
        row, col = np.broadcast_arrays(np.atleast_1d(row), np.atleast_1d(col))
        return np.stack([col, rows - 1 - row], axis=-1) + self.origin


def matrix_pixel_bounds(spec: Spec) -> tuple[float, float]:
    """A cheap (width, height) of the matrix view in plane units, before C exists.

    C has a row per frame and a column per input cell (and the transposed view adds
    the convolution's C beside it): a size check reads this before C is built.
    """
    inputs = int(np.prod(spec.input_size)) * spec.in_channels
    extra = spec.num_frames + 3 if spec.transposed else 0
    return inputs + extra + 6, max(spec.num_frames, inputs if spec.transposed else 0) + 4


def forward_matrix(spec: Spec, weight: np.ndarray | None) -> np.ndarray | None:
    """The C of the convolution a transposed ``spec`` is the transpose of, if any."""
    if not spec.transposed:
        return None
    try:
        forward = Spec(
            "conv",
            spec.output_size,
            spec.kernel_size,
            stride=spec.stride,
            padding=spec.padding,
            dilation=spec.dilation,
        )
        if forward.transpose() != spec:
            return None
    except SpecError:
        return None
    return conv_matrix(forward, weight)


def matrix_layout(
    the_plan: Plan,
    matrix: np.ndarray,
    forward: np.ndarray | None = None,
    *,
    theme: Theme,
    measure: Measure,
) -> Drawing:
    """The drawing of the matrix view of ``the_plan`` (one row of C per frame).

    Parameters
    ----------
    the_plan : Plan
        A ``conv``, ``conv_transpose`` or ``avg_pool`` plan (any axes and channels: x
        and y unroll channel first, then in C order).
    matrix : ndarray
        ``conv_matrix(the_plan, weight)``: C, or Cᵀ for a transposed convolution.
    forward : ndarray, optional
        The C of the convolution a transposed one is the transpose of
        (:func:`forward_matrix`), drawn beside it.
    theme : Theme
    measure : Measure
        The backend's text extents (every number widens the extent it sits in).

    Returns
    -------
    Drawing
    """
    spec = the_plan.spec
    rows, cols = matrix.shape
    left = 0.0
    left_panel = None
    if forward is not None:
        # C of the convolution on the left, aligned with the top of Cᵀ (where the eye
        # starts reading), then a gap, then Cᵀ with its vectors.
        left_panel = _Panel(forward, (0.0, rows - forward.shape[0]))
        left = forward.shape[1] + 3.0
    panel = _Panel(matrix, (left, 0.0))
    x_origin = np.array([left, rows + 1.0])  # the unrolled input, above C
    y_origin = np.array([left + cols + 1.0, 0.0])  # the output, right of C

    # -- numbers: black for entries and indices, grey for C's zeros ------------------
    small = points_to_units(theme.matrix_size)
    tiny = points_to_units(theme.matrix_index_size)
    panels = [("main", panel)] + ([("convolution", left_panel)] if left_panel else [])
    black: list[tuple[str, np.ndarray, float, str, str, tuple]] = []
    grey: list[tuple[str, np.ndarray, float, str, str, tuple]] = []
    for name, each in panels:
        for (row, col), value in np.ndenumerate(each.matrix):
            text = format_number(round(value, 6))
            centre = each.cell(row, col)[0] + 0.5
            (black if value != 0 else grey).append(
                (text, centre, small, "center", "number", (name, row, col))
            )
    for index in range(cols):
        black.append(
            (str(index), x_origin + [index + 0.5, 0.5], tiny, "center", "number", ("x", index))
        )
    for index in range(rows):
        black.append(
            (
                str(index),
                y_origin + [0.5, rows - index - 0.5],
                tiny,
                "center",
                "number",
                ("y", index),
            )
        )
    prose = points_to_units(theme.label_size)
    names = [
        ("x (input, unrolled)", x_origin + [-0.3, 0.5], "right"),
        ("y", y_origin + [0.5, rows + 0.6], "center"),
        ("Cᵀ" if spec.transposed else "C", panel.origin + [-0.3, rows / 2], "right"),
    ]
    if left_panel is not None:
        names.append(
            ("C of the convolution", left_panel.origin + [0, forward.shape[0] + 0.6], "left")
        )
    for text, position, align in names:
        black.append((text, position, prose, align, "prose", ("name", text)))

    # -- extent: the grids, the vectors and every black string ----------------------
    everything = [panel.cell(0, 0)[0] + [0, 1], panel.cell(rows - 1, cols - 1)[0]]
    everything += [x_origin, x_origin + [cols, 1], y_origin, y_origin + [1, rows]]
    if left_panel is not None:
        forward_rows, forward_cols = forward.shape
        everything += [left_panel.origin, left_panel.origin + [forward_cols, forward_rows]]
    points = np.array(everything)
    (xmin, ymin), (xmax, ymax) = points.min(axis=0), points.max(axis=0)
    for text, anchor, size, align, font, _ in black:
        x0, y0, x1, y1 = measure(text, size, align, font)
        xmin, xmax = min(xmin, anchor[0] + x0), max(xmax, anchor[0] + x1)
        ymin, ymax = min(ymin, anchor[1] + y0), max(ymax, anchor[1] + y1)

    layers: list[Layer] = []
    thin = theme.thin
    for _, each in [("main", panel)] + ([("convolution", left_panel)] if left_panel else []):
        nonzero = np.argwhere(each.matrix != 0)
        layers.append(
            Layer(
                role="matrix_tint",
                kind="polygons",
                z=1,
                paint=Paint(fill=theme.matrix_tint),
                geometry=_boxes(each.cell(nonzero[:, 0], nonzero[:, 1])),
            )
        )
        panel_rows, panel_cols = each.matrix.shape
        layers.append(
            Layer(
                role="matrix_grid",
                kind="segments",
                z=2,
                paint=Paint(edge=theme.output_grid, width=thin),
                geometry=_grid(*each.origin, panel_cols, panel_rows),
            )
        )
    # x along the top (one cell per column of C), y down the right (one per row)
    for role, fill, cells in (
        ("vector_x", theme.input, x_origin + np.stack([np.arange(cols), np.zeros(cols)], 1)),
        ("vector_y", theme.output, y_origin + np.stack([np.zeros(rows), np.arange(rows)], 1)),
    ):
        layers.append(
            Layer(
                role=role,
                kind="polygons",
                z=1,
                paint=Paint(fill=fill, edge=theme.input_edge, width=thin * 2),
                geometry=_boxes(cells),
            )
        )
    for role, color, items in (
        ("matrix_numbers", theme.text, black),
        ("matrix_zeros", theme.text_muted, grey),
    ):
        layers.append(_matrix_text_layer(role, color, items))

    # -- motion: row f of C, the inputs it reads, the output it writes ---------------
    shaded, shaded_starts, outlines = [], [0], []
    for index in range(rows):
        row_cells = panel.cell(np.full(cols, index), np.arange(cols))
        reads = np.flatnonzero(matrix[index] != 0)
        inputs = x_origin + np.stack([reads, np.zeros_like(reads)], 1)
        output = y_origin + [[0, rows - 1 - index]]
        frame_shaded = [_boxes(row_cells), _boxes(inputs), _boxes(output)]
        frame_outlines = [
            np.array(
                [
                    [*row_cells[0]],
                    [*row_cells[-1] + [1, 0]],
                    [*row_cells[-1] + [1, 1]],
                    [*row_cells[0] + [0, 1]],
                ]
            ),
            *_boxes(output),
        ]
        if left_panel is not None:
            forward_rows = forward.shape[0]
            column = left_panel.cell(np.arange(forward_rows), np.full(forward_rows, index))
            frame_shaded.append(_boxes(column))
            frame_outlines.append(
                np.array([column[-1], column[-1] + [1, 0], column[0] + [1, 1], column[0] + [0, 1]])
            )
        block = np.concatenate(frame_shaded)
        shaded.append(block)
        shaded_starts.append(shaded_starts[-1] + len(block))
        outlines.append(np.array(frame_outlines, dtype=float))
    outline_count = 3 if left_panel is not None else 2
    layers.append(
        Layer(
            role="row_shade",
            kind="polygons",
            z=6,
            paint=Paint(fill=theme.window_shade),
            geometry=np.zeros((0, 4, 2)),
            frames=np.concatenate(shaded) if shaded else np.zeros((0, 4, 2)),
            frame_starts=np.array(shaded_starts),
        )
    )
    layers.append(
        Layer(
            role="row_outline",
            kind="polygons",
            z=7,
            paint=Paint(edge=theme.output_cell, width=thin * 3),
            geometry=np.zeros((0, 4, 2)),
            frames=np.concatenate(outlines) if outlines else np.zeros((0, 4, 2)),
            frame_starts=np.arange(rows + 1) * outline_count,
        )
    )
    return Drawing(
        view="matrix",
        layers=tuple(layers),
        frames=rows,
        extent=(float(xmin), float(xmax), float(ymin), float(ymax)),
        border=MATRIX_BORDER,
        rounding="plain",
        theme=theme,
    )


def _matrix_text_layer(role: str, color, items) -> Layer:
    """A text layer whose items each carry their own size, align and font."""
    return Layer(
        role=role,
        kind="text",
        z=5,
        paint=Paint(fill=color),
        geometry=np.zeros((0, 1, 2)),
        text=TextBlock(
            strings=tuple(item[0] for item in items),
            anchors=np.array([item[1] for item in items], float).reshape(-1, 2),
            size=items[0][2] if items else 0.0,
            sizes=tuple(item[2] for item in items),
            aligns=tuple(item[3] for item in items),
            fonts=tuple(item[4] for item in items),
            cells=tuple(item[5] for item in items),
        ),
    )
