"""The scatter view's layout: a transposed convolution as stamps on the full output grid.

One frame per input cell (:func:`~convanim.scatter.scatter_plan`): the input grid on the
left with the stamping cell shaded; on the right the *full* output grid, before PyTorch
crops it, with the kernel's taps shaded where that cell's stamp lands. The cells PyTorch
keeps (the window ``[padding, full - padding)`` per axis) are filled as an output plane;
the ``padding`` border it crops is drawn as a dashed grid, as the other views draw
padding; the ``output_padding`` cells kept at the end of each axis are tinted with the
input's colour, half transparent. With numbers, the input values sit in the input
cells, the stamp's values ``x[a] * w`` (the kernel not flipped, scaled by the input
value) small at the bottom right of each tap, and every output cell shows
its running sum from the frame a stamp first reaches it; the cropped cells' sums are
muted, the kept ones are :func:`~convanim.evaluate`'s output in the last frame.

The overlap map shades every full-grid cell by how many stamps reach it
(:meth:`~convanim.scatter.ScatterPlan.overlap`): the scatter view's background with
``overlap``, or a still of its own (:func:`overlap_layout`).

Numbers that change from frame to frame are text layers that appear and disappear:
every backend moves text layers by a per-frame translation only, so a string shown in
frames ``start..stop - 1`` is a layer that stays in place in those frames and is moved
off the picture (:func:`hidden_shift`) in the others. Strings that share their frames
share a layer.

Pure numpy: no matplotlib here.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from ..scatter import ScatterPlan, full_size
from ..spec import Spec
from ..theme import Theme
from ..values import Numbers, format_number
from ._model import Drawing, Layer, Measure, Paint, TextBlock, points_to_units
from .matrix import matrix_pixel_bounds
from .planes import FLAT, _annotations, _Plane, grow_extent, plane_extent

__all__ = [
    "grow_extent",
    "hidden_shift",
    "overlap_layout",
    "scatter_extent",
    "scatter_layout",
    "scatter_notes",
    "timed_text_layers",
]


def scatter_extent(
    spec: Spec, style: str, theme: Theme
) -> tuple[tuple[float, float, float, float], float]:
    """A scatter style's extent and border (TeX points), before anything is planned:
    the input and full output grids a unit apart, and for ``"scatter_gather"`` the
    gather view's grids and Cᵀ beside them, two units apart (a bound: Cᵀ is measured
    generously); the overlap map's full grid alone. What the size and work checks read."""
    full = full_size(spec)
    in_rows = spec.input_size[0] if spec.ndim == 2 else 1
    full_rows = full[0] if spec.ndim == 2 else 1
    width = spec.input_size[-1] + 1 + full[-1] + 1
    height = max(in_rows, full_rows) + 1
    if style == "overlap":  # the full grid alone
        width, height = full[-1] + 1, full_rows + 1
    if style == "scatter_gather":
        (xmin, xmax, ymin, ymax), _ = plane_extent(spec, FLAT, theme)
        matrix_width, matrix_height = matrix_pixel_bounds(spec)
        width += 2 + xmax - xmin + 2 + matrix_width
        height = max(height, ymax - ymin + 1, matrix_height)
    return (0.0, float(width), 0.0, float(height)), theme.border


HIDDEN_GAP = 10.0
"""Plane units between a drawing's extent and where its hidden text waits."""


def _layer(role: str, kind: str, z: float, paint: Paint, geometry=None, **rest) -> Layer:
    """A layer; text layers and moving ones start from no static geometry."""
    empty = np.zeros((0, 1, 2)) if kind == "text" else np.zeros((0, 4, 2))
    geometry = empty if geometry is None else geometry
    return Layer(role=role, kind=kind, z=z, paint=paint, geometry=geometry, **rest)


def hidden_shift(extent: tuple[float, float, float, float]) -> np.ndarray:
    """The translation that moves anything inside ``extent`` below it, off the picture."""
    _, _, ymin, ymax = extent
    return np.array([0.0, -(ymax - ymin) - HIDDEN_GAP])


def timed_text_layers(
    role: str,
    z: float,
    paint: Paint,
    items: list[tuple[str, tuple[float, float], tuple, int, int]],
    *,
    size: float,
    frames: int,
    extent: tuple[float, float, float, float],
) -> list[Layer]:
    """Text shown only in some frames, as layers moved off the picture in the others.

    Parameters
    ----------
    role : str
        The layers' role.
    z : float
    paint : Paint
    items : list of (string, anchor, cell, start, stop)
        Each string is drawn centred at ``anchor`` (drawing coordinates) in frames
        ``start <= f < stop``; ``cell`` says which grid cell it belongs to.
    size : float
        Text height in plane units.
    frames : int
        Frames of the drawing.
    extent : tuple of float
        The drawing's extent (where "off the picture" begins).

    Returns
    -------
    list of Layer
        One layer per distinct ``(start, stop)``, in order of ``start``.
    """
    grouped: dict[tuple[int, int], list] = defaultdict(list)
    for item in items:
        grouped[(item[3], item[4])].append(item)
    away = hidden_shift(extent)
    layers = []
    for (start, stop), group in sorted(grouped.items()):
        shift = np.tile(away, (frames, 1))
        shift[start:stop] = 0.0
        layers.append(
            _layer(
                role,
                "text",
                z,
                paint,
                text=TextBlock(
                    strings=tuple(item[0] for item in group),
                    anchors=np.array([item[1] for item in group], float).reshape(-1, 2),
                    size=size,
                    cells=tuple(item[2] for item in group),
                ),
                shift=shift,
            )
        )
    return layers


class _Grids:
    """The input grid and the full output grid of a scatter plan, as 2-D planes."""

    def __init__(self, stamps: ScatterPlan, *, with_input: bool = True) -> None:
        spec = stamps.spec
        as_2d = (1,) * (2 - spec.ndim)  # a 1-D spec is drawn as one row
        self.input_size = as_2d + spec.input_size
        self.full_size = as_2d + stamps.full_size
        self.crop = ((0, 1),) * (2 - spec.ndim) + stamps.crop
        self.output_padding = (0,) * (2 - spec.ndim) + spec.output_padding

        def rows_of(cells: np.ndarray) -> np.ndarray:
            zeros = np.zeros(cells.shape[:-1] + (2 - spec.ndim,), dtype=cells.dtype)
            return np.concatenate([zeros, cells], axis=-1)

        self.input_cell = rows_of(stamps.input_cell)
        self.stamp_cell = rows_of(stamps.stamp_cell)
        self.tap_index = rows_of(stamps.tap_index)
        in_rows, in_cols = self.input_size
        full_rows, _ = self.full_size
        identity = np.eye(2)
        if with_input:
            # The input left of the full grid, one unit apart, centred on it (the flat
            # look's placement, with the bigger plane on the right).
            lift = float(max(full_rows - in_rows, 0) // 2)
            self.input = _Plane(in_rows, in_cols, identity, np.array([0.0, lift]))
            out_shift = np.array([in_cols + 1.0, float(max(in_rows - full_rows, 0) // 2)])
        else:
            self.input = None
            out_shift = np.zeros(2)
        self.output = _Plane(*self.full_size, identity, out_shift)

    def kept_cells(self) -> np.ndarray:
        (r0, r1), (c0, c1) = self.crop
        return np.array([(r, c) for r in range(r0, r1) for c in range(c0, c1)]).reshape(-1, 2)

    def is_kept(self, row: int, col: int) -> bool:
        (r0, r1), (c0, c1) = self.crop
        return r0 <= row < r1 and c0 <= col < c1

    def output_padding_cells(self) -> np.ndarray:
        """The kept cells that ``output_padding`` adds at the end of each axis."""
        (r0, r1), (c0, c1) = self.crop
        extra_rows, extra_cols = self.output_padding
        return np.array(
            [
                (r, c)
                for r in range(r0, r1)
                for c in range(c0, c1)
                if r >= r1 - extra_rows or c >= c1 - extra_cols
            ]
        ).reshape(-1, 2)

    def centre(self, plane: _Plane, row: int, col: int) -> tuple[float, float]:
        x, y = plane.corner(row + 0.5, col + 0.5)
        return float(x), float(y)

    def extent(self) -> tuple[float, float, float, float]:
        planes = [self.output] + ([self.input] if self.input is not None else [])
        corners = np.concatenate([plane.outline() for plane in planes])
        (xmin, ymin), (xmax, ymax) = corners.min(axis=0), corners.max(axis=0)
        margin = FLAT.margin
        return xmin - margin, xmax + margin, ymin - margin, ymax + margin


def _static_output_layers(grids: _Grids, theme: Theme, counts: np.ndarray | None) -> list[Layer]:
    """The full grid: the kept window filled, output_padding tinted, the cropped border
    dashed, the overlap shading (``counts``, (rows, cols)) under the grid lines."""
    plane = grids.output
    (r0, r1), (c0, c1) = grids.crop
    thick = theme.thick
    layers = [
        _layer(
            "output",
            "polygon",
            1,
            Paint(fill=theme.output, edge=theme.output_edge, width=theme.thin, join="miter"),
            plane.quads(np.array([[r0, c0]]), r1 - r0, c1 - c0),
        ),
        _layer(
            "output_padding",
            "polygons",
            1.2,
            Paint(fill=(*theme.input[:3], 0.5)),
            plane.quads(grids.output_padding_cells()),
        ),
    ]
    if counts is not None:
        peak = max(int(counts.max()), 1)
        for count in range(1, peak + 1):
            cells = np.argwhere(counts == count)
            if not len(cells):
                continue
            red, green, blue, _ = theme.output_shade
            # Darker where more stamps add up: the checkerboard is visible at a glance.
            alpha = 0.65 * count / peak
            layers.append(
                _layer(
                    "overlap",
                    "polygons",
                    1.5,
                    Paint(fill=(red, green, blue, alpha)),
                    plane.quads(cells),
                )
            )
    layers += [
        _layer(
            "padding",
            "segments",
            2,
            Paint(edge=theme.padding, width=thick, dash=theme.dash, cap="butt"),
            plane.grid_segments(0, 0, plane.rows, plane.cols),
        ),
        _layer(
            "output_grid",
            "segments",
            2.1,
            Paint(edge=theme.output_grid, width=thick, cap="butt"),
            plane.grid_segments(r0, c0, r1 - r0, c1 - c0),
        ),
    ]
    return layers


def _count_text(grids: _Grids, counts: np.ndarray, theme: Theme, *, corner: bool) -> Layer:
    """The overlap counts, centred in each cell or small in its top-left corner."""
    rows, cols = counts.shape
    cells = [(r, c) for r in range(rows) for c in range(cols)]
    plane = grids.output
    if corner:
        anchors = [plane.corner(r + 0.22, c + 0.2) for r, c in cells]
        size = points_to_units(theme.small_size) * 0.8
    else:
        anchors = [plane.corner(r + 0.5, c + 0.5) for r, c in cells]
        size = points_to_units(theme.number_size)
    return _layer(
        "overlap_numbers",
        "text",
        6.4,
        Paint(fill=theme.text),
        text=TextBlock(
            strings=tuple(str(int(counts[cell])) for cell in cells),
            anchors=np.array(anchors, float).reshape(-1, 2),
            size=size,
            cells=tuple(cells),
        ),
    )


def _words(stamps: ScatterPlan, grids: _Grids, theme: Theme, measure: Measure, **wanted):
    """Labels and caption as the flat look writes them, and the extent they widen."""
    xmin, xmax, ymin, ymax = grids.extent()
    plane_in = grids.input if grids.input is not None else grids.output
    blocks = _annotations(stamps.spec, plane_in, grids.output, FLAT, theme, **wanted)
    if grids.input is None and blocks and wanted.get("labels"):
        # A still of the output alone: one label, above it.
        first = blocks[0]
        blocks[0] = TextBlock(
            strings=("overlap count",),
            anchors=first.anchors[1:],
            size=first.size,
            align=first.align,
            font=first.font,
        )
    layers = [
        _layer("annotations", "text", 8, Paint(fill=theme.text), text=block) for block in blocks
    ]
    return layers, grow_extent((xmin, xmax, ymin, ymax), blocks, measure)


def scatter_layout(
    stamps: ScatterPlan,
    *,
    theme: Theme,
    measure: Measure,
    numbers: Numbers | None = None,
    overlap: bool = False,
    labels: bool = False,
    caption: bool = False,
) -> Drawing:
    """The drawing of every stamp of ``stamps``, one frame per input cell.

    Parameters
    ----------
    stamps : ScatterPlan
        A one-channel transposed convolution of 1 or 2 axes.
    theme : Theme
    measure : Measure
        The backend's text extents (labels and captions widen the picture).
    numbers : Numbers, optional
        Values to print: the input, each stamp's values ``x[a] * w``, the running sums.
    overlap : bool
        Shade the full grid by how many stamps reach each cell (and, with numbers,
        print the count small in each cell's top-left corner).
    labels, caption : bool
        "input"/"output" above the grids; the spec and its arithmetic underneath.

    Returns
    -------
    Drawing
        ``view = "scatter"``, ``stamps.frames`` frames.
    """
    grids = _Grids(stamps)
    frames = stamps.frames
    counts = stamps.overlap().reshape(grids.full_size) if overlap else None
    thin, thick = theme.thin, theme.thick
    layers = _static_output_layers(grids, theme, counts)
    plane_in, plane_out = grids.input, grids.output
    layers.append(
        _layer(
            "input",
            "polygons",
            2,
            Paint(fill=theme.input, edge=theme.input_edge, width=thick, join="miter"),
            plane_in.quads(np.indices(grids.input_size).reshape(2, -1).T),
        )
    )

    # -- motion: the stamping input cell, its stamp's taps and the stamp's extent --------
    one_each = np.arange(frames + 1)
    taps = len(grids.tap_index)
    stamp_quads = plane_out.quads(grids.stamp_cell.reshape(-1, 2))
    source_quads = plane_in.quads(grids.input_cell)
    origin = grids.stamp_cell[:, 0]
    extent_rows, extent_cols = np.array(((1,) * (2 - stamps.spec.ndim)) + stamps.spec.kernel_extent)
    block = np.concatenate(
        [plane_out.quads(origin[f : f + 1], extent_rows, extent_cols) for f in range(frames)]
    )
    shade = Paint(fill=theme.window_shade, edge=theme.window_edge, width=thin, join="miter")
    outline = Paint(edge=theme.output_cell, width=thick, join="miter")
    layers += [
        _layer("stamp_source", "polygon", 3, shade, frames=source_quads, frame_starts=one_each),
        _layer(
            "stamp_source_outline",
            "polygon",
            3.1,
            outline,
            frames=source_quads,
            frame_starts=one_each,
        ),
        _layer("stamp", "polygons", 4, shade, frames=stamp_quads, frame_starts=one_each * taps),
        _layer("stamp_outline", "polygon", 4.1, outline, frames=block, frame_starts=one_each),
    ]

    words, extent = _words(stamps, grids, theme, measure, labels=labels, caption=caption)
    layers += words
    if numbers is not None:
        xmin, xmax, ymin, ymax = extent
        extent = (xmin, xmax, ymin - 0.3, ymax)  # room for a low tap's weight
        layers += _number_layers(stamps, grids, numbers, theme, extent)
        if counts is not None:
            layers.append(_count_text(grids, counts, theme, corner=True))
    return Drawing(
        view="scatter",
        layers=tuple(layers),
        frames=frames,
        extent=extent,
        border=theme.border + FLAT.line_allowance,
        rounding="tex",
        theme=theme,
    )


def _number_layers(
    stamps: ScatterPlan,
    grids: _Grids,
    numbers: Numbers,
    theme: Theme,
    extent: tuple[float, float, float, float],
) -> list[Layer]:
    """Input values, each stamp's values ``x[a] * w`` on its taps, and the running sums."""
    plane_in, plane_out = grids.input, grids.output
    text = Paint(fill=theme.text)
    in_cells = [tuple(int(v) for v in cell) for cell in np.ndindex(*grids.input_size)]
    x = np.asarray(numbers.x).reshape(grids.input_size)
    layers = [
        _layer(
            "input_numbers",
            "text",
            2.5,
            text,
            text=TextBlock(
                strings=tuple(format_number(x[cell]) for cell in in_cells),
                anchors=np.array([grids.centre(plane_in, *cell) for cell in in_cells], float),
                size=points_to_units(theme.number_size),
                cells=tuple(in_cells),
            ),
        )
    ]
    # Each stamp's values, x[a] * w, small at the bottom right of its taps (its frame only).
    added = stamps.stamps(numbers.x, numbers.weight)[:, 0]  # (F, T), one channel
    frames = stamps.frames
    products = [
        (format_number(added[frame, tap]), tuple(plane_out.corner(row + 0.8, col + 0.8)), cell)
        + (frame, frame + 1)
        for frame in range(frames)
        for tap, cell in enumerate(map(tuple, grids.stamp_cell[frame].tolist()))
        for row, col in [cell]
    ]
    small = points_to_units(theme.small_size)
    layers += timed_text_layers(
        "stamp_numbers", 4.5, text, products, size=small, frames=frames, extent=extent
    )
    # Running sums: a cell's text changes in the frames whose stamp reaches it.
    running = np.zeros(grids.full_size)
    since: dict[tuple[int, int], tuple[int, float]] = {}
    kept, cropped = [], []

    def close(cell: tuple[int, int], stop: int) -> None:
        start, value = since[cell]
        item = (format_number(value, decimals=1), grids.centre(plane_out, *cell), cell, start, stop)
        (kept if grids.is_kept(*cell) else cropped).append(item)

    for frame in range(frames):
        for tap, cell in enumerate(map(tuple, grids.stamp_cell[frame].tolist())):
            running[cell] += added[frame, tap]
            if cell in since:
                close(cell, frame)
            since[cell] = (frame, running[cell])
    for cell in since:
        close(cell, frames)
    # Cells no stamp ever reaches (output_padding past the last stamp) hold 0 throughout.
    for cell in np.ndindex(*grids.full_size):
        if cell not in since:
            since[cell] = (0, 0.0)
            close(cell, frames)
    layers += timed_text_layers(
        "output_numbers", 6.5, text, kept, size=small, frames=frames, extent=extent
    )
    layers += timed_text_layers(
        "cropped_numbers",
        6.5,
        Paint(fill=theme.text_muted),
        cropped,
        size=small,
        frames=frames,
        extent=extent,
    )
    return layers


def overlap_layout(
    stamps: ScatterPlan,
    *,
    theme: Theme,
    measure: Measure,
    counts: bool = True,
    labels: bool = False,
    caption: bool = False,
) -> Drawing:
    """A still of the overlap map: the full output grid shaded by how many stamps reach
    each cell, the kept window filled, the cropped border dashed.

    Parameters
    ----------
    stamps : ScatterPlan
        A transposed convolution of 1 or 2 axes.
    theme : Theme
    measure : Measure
    counts : bool
        Print each cell's count.
    labels, caption : bool
        "overlap count" above the grid; the spec and its arithmetic underneath.

    Returns
    -------
    Drawing
        ``view = "overlap"``, one frame.
    """
    grids = _Grids(stamps, with_input=False)
    overlap = stamps.overlap().reshape(grids.full_size)
    layers = _static_output_layers(grids, theme, overlap)
    if counts:
        layers.append(_count_text(grids, overlap, theme, corner=False))
    words, extent = _words(stamps, grids, theme, measure, labels=labels, caption=caption)
    return Drawing(
        view="overlap",
        layers=tuple(layers + words),
        frames=1,
        extent=extent,
        border=theme.border + FLAT.line_allowance,
        rounding="tex",
        theme=theme,
    )


def scatter_notes(stamps: ScatterPlan, numbers: Numbers | None) -> tuple[str, ...]:
    """One note per stamp: which input cell, where its kernel lands, and what it adds."""
    notes = []
    spec = stamps.spec
    for frame in range(stamps.frames):
        cell = tuple(int(v) for v in stamps.input_cell[frame])
        first = tuple(int(v) for v in stamps.stamp_cell[frame, 0])
        where = first[0] if spec.ndim == 1 else first
        name = cell[0] if spec.ndim == 1 else cell
        line = f"input {name} stamps the kernel at output {where} (before cropping)"
        if numbers is not None:
            value = float(numbers.x[cell])
            line += f"\nadds {format_number(value)} × w to {len(stamps.tap_index)} cells"
        notes.append(line)
    return tuple(notes)
