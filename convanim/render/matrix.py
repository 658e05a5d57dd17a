"""The matrix view: a convolution as ``y = C x``, one row of ``C`` per frame.

Unrolling input and output row by row, a linear op is a sparse matrix ``C``
(:func:`~convanim.compute.conv_matrix`): row ``f`` holds the weights that frame ``f``'s
window gives each input cell. The picture puts the unrolled input ``x`` above ``C`` (one
cell per column) and the output ``y`` to its right (one cell per row); each frame shades
a row of ``C``, the inputs it reads and the output it writes. A transposed convolution
is drawn as ``Cᵀ``, beside the ``C`` of its convolution with the matching column shaded.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure

from ..compute import conv_matrix
from ..plan import Plan, plan
from ..spec import Spec, SpecError
from ..values import format_number, numbers
from ._blit import BlittedScene
from ._checks import check_drawable, check_matrix, check_size
from ._look import BASE02, BASE03, BLUE, CYAN, SHADE_ALPHA, WHITE, points_to_units
from ._text import compound, glyphs, text_patch

__all__ = ["MatrixScene", "matrix_figure"]

_TINT = (*BLUE, 0.3)
_GREY = (0.6, 0.6, 0.6)


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


class MatrixScene(BlittedScene):
    """Frames of the matrix view of ``spec``; a :class:`~convanim.writers.FrameSource`.

    Parameters
    ----------
    spec : Spec or Plan
        A ``conv``, ``conv_transpose`` or ``avg_pool`` op of 1 or 2 axes.
    weight : array_like, optional
        The kernel; the tutorial's seeded kernel when omitted.
    dpi : float, optional
        Pixels per inch (150).
    """

    def __init__(
        self, spec: Spec | Plan, weight: object = None, *, dpi: float | None = None
    ) -> None:
        given = spec
        self.spec = spec = spec.spec if isinstance(spec, Plan) else spec
        check_drawable(spec)
        check_matrix(spec, labels=False, caption=False, values=False)
        self.dpi = float(dpi if dpi is not None else 150.0)
        # C has a row per frame and a column per input cell (and the transposed view
        # adds the convolution's C beside it): refuse a picture too big before building C.
        inputs = int(np.prod(spec.input_size))
        extra = spec.num_frames + 3 if spec.transposed else 0
        check_size(
            round((inputs + extra + 6) * self.unit_px),
            round((max(spec.num_frames, inputs if spec.transposed else 0) + 4) * self.unit_px),
            self.dpi,
        )
        self.plan = given if isinstance(given, Plan) else plan(spec)
        if weight is None and not spec.is_pool:
            weight = numbers(self.plan).weight
        self.weight = None if weight is None else np.asarray(weight, dtype=np.float64)
        self.matrix = conv_matrix(self.plan, self.weight)
        self.forward = self._forward()
        self._layout()
        self._build()

    def _forward(self) -> np.ndarray | None:
        """The C of the convolution this transposed one is the transpose of, if any."""
        spec = self.spec
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
        return conv_matrix(forward, self.weight)

    # -- layout -----------------------------------------------------------------------
    def _layout(self) -> None:
        rows, cols = self.matrix.shape
        left = 0.0
        if self.forward is not None:
            # C of the convolution on the left, then a gap, then Cᵀ with its vectors.
            # aligned with the top of Cᵀ, where the eye starts reading
            self.left_panel = _Panel(self.forward, (0.0, rows - self.forward.shape[0]))
            left = self.forward.shape[1] + 3.0
        else:
            self.left_panel = None
        self.panel = _Panel(self.matrix, (left, 0.0))
        self.x_origin = np.array([left, rows + 1.0])  # the unrolled input, above C
        self.y_origin = np.array([left + cols + 1.0, 0.0])  # the output, right of C

    def _texts(self) -> tuple[list, list]:
        """Static number glyphs (black and grey) in plane units."""
        black, grey = [], []
        small, tiny = points_to_units(6), points_to_units(5)
        panels = [("main", self.panel)]
        if self.left_panel is not None:
            panels.append(("convolution", self.left_panel))
        # What each matrix cell says, for readers and tests: {(panel, row, col): text}.
        self.cell_texts: dict[tuple[str, int, int], str] = {}
        for name, panel in panels:
            for (row, col), value in np.ndenumerate(panel.matrix):
                text = format_number(round(value, 6))
                self.cell_texts[(name, row, col)] = text
                vertices, codes = glyphs(text, small)
                centre = panel.cell(row, col)[0] + 0.5
                (black if value != 0 else grey).append((vertices + centre, codes))
        rows, cols = self.matrix.shape
        for index in range(cols):
            vertices, codes = glyphs(str(index), tiny)
            black.append((vertices + self.x_origin + [index + 0.5, 0.5], codes))
        for index in range(rows):
            vertices, codes = glyphs(str(index), tiny)
            black.append((vertices + self.y_origin + [0.5, rows - index - 0.5], codes))
        prose = points_to_units(8)
        names = [
            ("x (input, unrolled)", self.x_origin + [-0.3, 0.5], "right"),
            ("y", self.y_origin + [0.5, rows + 0.6], "center"),
            ("Cᵀ" if self.spec.transposed else "C", self.panel.origin + [-0.3, rows / 2], "right"),
        ]
        if self.left_panel is not None:
            forward_rows = self.forward.shape[0]
            names.append(
                ("C of the convolution", self.left_panel.origin + [0, forward_rows + 0.6], "left")
            )
        for text, position, align in names:
            vertices, codes = glyphs(text, prose, align=align, prose=True)
            black.append((vertices + position, codes))
        return black, grey

    # -- building -----------------------------------------------------------------
    def _build(self) -> None:
        rows, cols = self.matrix.shape
        black, grey = self._texts()
        everything = [self.panel.cell(0, 0)[0] + [0, 1], self.panel.cell(rows - 1, cols - 1)[0]]
        everything += [
            self.x_origin,
            self.x_origin + [cols, 1],
            self.y_origin,
            self.y_origin + [1, rows],
        ]
        if self.left_panel is not None:
            forward_rows, forward_cols = self.forward.shape
            everything += [
                self.left_panel.origin,
                self.left_panel.origin + [forward_cols, forward_rows],
            ]
        points = np.concatenate([np.array(everything), *[v for v, _ in black]])
        (xmin, ymin), (xmax, ymax) = points.min(axis=0), points.max(axis=0)
        unit_px = self.unit_px
        edge = points_to_units(10.4)
        width = round((xmax - xmin + 2 * edge) * unit_px)
        height = round((ymax - ymin + 2 * edge) * unit_px)
        check_size(width, height, self.dpi)
        self.size = (width, height)
        figure = Figure(figsize=(width / self.dpi, height / self.dpi), dpi=self.dpi)
        figure.patch.set_facecolor(WHITE)
        self.canvas = FigureCanvasAgg(figure)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_axis_off()
        axes.set_xlim(xmin - edge, xmin - edge + width / unit_px)
        axes.set_ylim(ymin - edge, ymin - edge + height / unit_px)
        self.figure, self.axes = figure, axes
        line = 0.4 * 72 / 72.27  # TikZ's thin, in matplotlib points

        def add(artist, animated=False):
            artist.set_animated(animated)
            axes.add_artist(artist)
            return artist

        panels = [self.panel] + ([self.left_panel] if self.left_panel is not None else [])
        for panel in panels:
            nonzero = np.argwhere(panel.matrix != 0)
            add(
                PolyCollection(
                    _boxes(panel.cell(nonzero[:, 0], nonzero[:, 1])),
                    facecolors=[_TINT],
                    edgecolors="none",
                )
            )
            prows, pcols = panel.matrix.shape
            add(
                LineCollection(_grid(*panel.origin, pcols, prows), colors=[BASE03], linewidths=line)
            )
        add(
            PolyCollection(
                _boxes(self.x_origin + np.stack([np.arange(cols), np.zeros(cols)], 1)),
                facecolors=[BLUE],
                edgecolors=[BASE03],
                linewidths=line * 2,
            )
        )
        add(
            PolyCollection(
                _boxes(self.y_origin + np.stack([np.zeros(rows), np.arange(rows)], 1)),
                facecolors=[CYAN],
                edgecolors=[BASE03],
                linewidths=line * 2,
            )
        )
        numbers_black = add(text_patch(5))
        numbers_black.set_path(compound(black))
        numbers_grey = add(text_patch(5))
        numbers_grey.set_path(compound(grey))
        numbers_grey.set_facecolor(_GREY)
        shade = (*BASE02, SHADE_ALPHA)
        self.row_shade = add(
            PolyCollection([], facecolors=[shade], edgecolors="none", zorder=6), True
        )
        self.outline = add(
            PolyCollection(
                [], facecolors="none", edgecolors=[BASE03], linewidths=line * 3, zorder=7
            ),
            True,
        )
        self._moving = [self.row_shade, self.outline]
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(figure.bbox)

    # -- frames -------------------------------------------------------------------
    def __len__(self) -> int:
        return self.matrix.shape[0]

    def _update(self, index: int) -> None:
        rows, cols = self.matrix.shape
        row_cells = self.panel.cell(np.full(cols, index), np.arange(cols))
        reads = np.flatnonzero(self.matrix[index] != 0)
        inputs = self.x_origin + np.stack([reads, np.zeros_like(reads)], 1)
        output = self.y_origin + [[0, rows - 1 - index]]
        shaded = [_boxes(row_cells), _boxes(inputs), _boxes(output)]
        outlines = [
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
        if self.left_panel is not None:
            forward_rows = self.forward.shape[0]
            column = self.left_panel.cell(np.arange(forward_rows), np.full(forward_rows, index))
            shaded.append(_boxes(column))
            outlines.append(
                np.array([column[-1], column[-1] + [1, 0], column[0] + [1, 1], column[0] + [0, 1]])
            )
        self.row_shade.set_verts(np.concatenate(shaded))
        self.outline.set_verts(outlines)


def matrix_figure(
    spec: Spec | Plan, weight: object = None, *, frame: int | None = None, dpi: float | None = None
) -> Figure:
    """The matrix view of ``spec`` as a matplotlib Figure.

    Parameters
    ----------
    spec : Spec or Plan
        A ``conv``, ``conv_transpose`` or ``avg_pool`` op of 1 or 2 axes.
    weight : array_like, optional
        The kernel (the tutorial's seeded kernel when omitted; None for avg_pool).
    frame : int, optional
        Shade row ``frame`` of C (its inputs and its output); no shading when omitted.
    dpi : float, optional
        Pixels per inch (150).

    Returns
    -------
    matplotlib.figure.Figure
        C (or Cᵀ beside the convolution's C) between the unrolled input and output,
        every cell's number equal to :func:`~convanim.compute.conv_matrix`'s entry.
    """
    scene = MatrixScene(spec, weight, dpi=dpi)
    if frame is not None:
        return scene.pose(frame)
    for artist in scene._moving:
        artist.remove()  # no row shaded
    return scene.figure
